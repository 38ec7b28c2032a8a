"""Initial schema: regions, units, indicators, periods, observations (with revisions), documents, plans.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(20), nullable=False, unique=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("region.id"), nullable=True),
    )
    op.create_index("ix_region_name", "region", ["name"])
    op.create_index("ix_region_parent_id", "region", ["parent_id"])
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("region_id", sa.Integer(), sa.ForeignKey("region.id"), nullable=False),
        sa.UniqueConstraint("region_id", "name"),
    )
    op.create_table(
        "indicator",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "period",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("last_month", sa.Integer(), nullable=False),
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("region_id", sa.Integer(), sa.ForeignKey("region.id"), nullable=False),
        sa.Column("indicator_id", sa.String(64), sa.ForeignKey("indicator.id"), nullable=False),
        sa.Column("period_code", sa.String(8), sa.ForeignKey("period.code"), nullable=False),
        sa.Column("ytd", sa.Boolean(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("growth", sa.Float(), nullable=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("entered_by", sa.String(64), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("region_id", "indicator_id", "period_code", "ytd", name="uq_observation_key"),
    )
    op.create_index("ix_observation_indicator_period", "observation", ["indicator_id", "period_code"])
    op.create_table(
        "observation_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("observation_id", sa.Integer(), sa.ForeignKey("observation.id"), nullable=False),
        sa.Column("old_value", sa.Float(), nullable=True),
        sa.Column("new_value", sa.Float(), nullable=True),
        sa.Column("old_growth", sa.Float(), nullable=True),
        sa.Column("new_growth", sa.Float(), nullable=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("changed_at", _TS, nullable=False),
    )
    op.create_index("ix_observation_revision_observation_id", "observation_revision", ["observation_id"])
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("encoding", sa.String(32), nullable=True),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("imported_at", _TS, nullable=False),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=False),
        sa.Column("region_id", sa.Integer(), sa.ForeignKey("region.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.UniqueConstraint("document_id", "region_id", "year"),
    )
    op.create_table(
        "plan_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("plan_item.id"), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("suggested_unit", sa.String(64), nullable=True),
        sa.Column("assignment_confirmed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_plan_item_plan_id", "plan_item", ["plan_id"])
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_item_id", sa.Integer(), sa.ForeignKey("plan_item.id"), nullable=False, unique=True),
        sa.Column("indicator_id", sa.String(64), sa.ForeignKey("indicator.id"), nullable=True),
        sa.Column("metric", sa.String(128), nullable=False),
        sa.Column("measure", sa.String(8), nullable=False),
        sa.Column("comparator", sa.String(8), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(32), nullable=True),
        sa.Column("period", sa.String(16), nullable=True),
        sa.Column("modality", sa.String(8), nullable=True),
    )
    op.create_index("ix_target_indicator_id", "target", ["indicator_id"])
    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_item_id", sa.Integer(), sa.ForeignKey("plan_item.id"), nullable=False, unique=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("indicator_id", sa.String(64), sa.ForeignKey("indicator.id"), nullable=True),
        sa.Column("metric", sa.String(128), nullable=False),
        sa.Column("measure", sa.String(8), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(32), nullable=True),
        sa.Column("comparator", sa.String(8), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("peer_group", sa.String(32), nullable=True),
        sa.Column("period", sa.String(16), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "claim", "target", "plan_item", "plan", "document", "observation_revision", "observation", "period",
        "indicator", "unit", "region",
    ):
        op.drop_table(table)
