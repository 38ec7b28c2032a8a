"""Progress reports on plan items, with evidence files; each plan says how often its units report.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("plan", recreate="always" if sqlite else "auto") as b:
        b.add_column(sa.Column("report_every", sa.String(8), nullable=False, server_default="month"))
        b.create_check_constraint(op.f("ck_plan_report_every"), "report_every IN ('month', 'quarter')")
    op.create_table(
        "progress_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("submitted_at", _TS, nullable=False),
        sa.Column("reviewed_by", sa.String(64), nullable=True),
        sa.Column("reviewed_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_progress_report"),
        sa.ForeignKeyConstraint(["plan_item_id"], ["plan_item.id"], name="fk_progress_report_plan_item_id_plan_item",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_progress_report_unit_id_unit", ondelete="RESTRICT"),
        sa.UniqueConstraint("plan_item_id", "unit_id", "period", name="uq_progress_report_plan_item_id_unit_id_period"),
        sa.CheckConstraint("state IN ('submitted', 'accepted', 'returned')", name="ck_progress_report_state"),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name="ck_progress_report_percent"),
    )
    op.create_index("ix_progress_report_plan_item_id", "progress_report", ["plan_item_id"])
    op.create_index("ix_progress_report_unit_id", "progress_report", ["unit_id"])
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_file"),
        sa.ForeignKeyConstraint(["report_id"], ["progress_report.id"],
                                name="fk_evidence_file_report_id_progress_report", ondelete="CASCADE"),
    )
    op.create_index("ix_evidence_file_report_id", "evidence_file", ["report_id"])


def downgrade() -> None:
    op.drop_table("evidence_file")
    op.drop_table("progress_report")
    with op.batch_alter_table("plan") as b:
        b.drop_constraint("ck_plan_report_every", type_="check")
        b.drop_column("report_every")
