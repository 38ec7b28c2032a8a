"""Ledgers (台账): entries of every kind in one table, and their append-only history of steps.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=True),
        sa.Column("returned_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entry"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name="fk_ledger_entry_region_id_region",
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_ledger_entry_unit_id_unit", ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["plan_item_id"], ["plan_item.id"], name="fk_ledger_entry_plan_item_id_plan_item",
                                ondelete="SET NULL"),
        sa.UniqueConstraint("region_id", "kind", "ref", name="uq_ledger_entry_region_id_kind_ref"),
        sa.CheckConstraint("kind IN ('rectification', 'safety', 'project', 'listing')", name="ck_ledger_entry_kind"),
    )
    op.create_index("ix_ledger_entry_region_id", "ledger_entry", ["region_id"])
    op.create_index("ix_ledger_entry_unit_id", "ledger_entry", ["unit_id"])
    op.create_table(
        "ledger_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("from_state", sa.String(24), nullable=True),
        sa.Column("to_state", sa.String(24), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_event"),
        sa.ForeignKeyConstraint(["entry_id"], ["ledger_entry.id"], name="fk_ledger_event_entry_id_ledger_entry",
                                ondelete="RESTRICT"),
    )
    op.create_index("ix_ledger_event_entry_id", "ledger_event", ["entry_id"])
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER ledger_event_no_{verb.lower()} BEFORE {verb} ON ledger_event "
                       "BEGIN SELECT RAISE(ABORT, 'ledger_event is append-only'); END")
    else:
        op.execute("CREATE FUNCTION ledger_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION 'ledger_event is append-only'; END $$")
        op.execute("CREATE TRIGGER ledger_event_append_only BEFORE UPDATE OR DELETE ON ledger_event "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_event_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ledger_event_append_only ON ledger_event")
        op.execute("DROP FUNCTION IF EXISTS ledger_event_append_only()")
    op.drop_table("ledger_event")
    op.drop_table("ledger_entry")
