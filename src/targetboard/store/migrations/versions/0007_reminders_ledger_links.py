"""Reminders by e-mail, count targets fed by a ledger, and the day a ledger step took effect.

- `app_user.email`: where a unit's reminders go (the accounts of the unit's members);
- `reminder_log`: who was reminded of which report and when, so a reminder is sent at most once a day
  to one address (the unique key includes the day);
- `target_ledger_link`: a count target (力争30亿元以上项目…, 百亿级企业达3家以上) whose actual is the number of a
  region's ledger entries of a kind that reached a state by the period's end (one link per target);
- `ledger_event.effective_on`: the day a step happened (开工 on 2022-05-10), which may be earlier than the
  day it was recorded; counting "reached 开工 by June 30" reads it. Old rows keep NULL (their `at` day).

Columns are added with ALTER TABLE on both backends (no table rebuild), so the append-only triggers of
`ledger_event` stay in place.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("app_user", sa.Column("email", sa.String(254), nullable=True))
    op.add_column("ledger_event", sa.Column("effective_on", sa.Date(), nullable=True))
    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_by", sa.String(64), nullable=False),
        sa.Column("sent_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_log"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_reminder_log_unit_id_unit", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_item_id"], ["plan_item.id"], name="fk_reminder_log_plan_item_id_plan_item",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("recipient", "plan_item_id", "period", "reason", "day",
                            name="uq_reminder_log_recipient_plan_item_id_period_reason_day"),
        sa.CheckConstraint("reason IN ('due', 'overdue', 'returned')", name="ck_reminder_log_reason"),
    )
    op.create_index("ix_reminder_log_unit_id", "reminder_log", ["unit_id"])
    op.create_table(
        "target_ledger_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_target_ledger_link"),
        sa.ForeignKeyConstraint(["target_id"], ["target.id"], name="fk_target_ledger_link_target_id_target",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("target_id", name="uq_target_ledger_link_target_id"),
        sa.CheckConstraint("kind IN ('rectification', 'safety', 'project', 'listing')",
                           name="ck_target_ledger_link_kind"),
    )


def downgrade() -> None:
    op.drop_table("target_ledger_link")
    op.drop_index("ix_reminder_log_unit_id", table_name="reminder_log")
    op.drop_table("reminder_log")
    with op.batch_alter_table("ledger_event") as b:
        b.drop_column("effective_on")
    with op.batch_alter_table("app_user") as b:
        b.drop_column("email")
