"""The model for many users and for accountability.

- users, roles and unit memberships (`app_user`, `membership`);
- assignments with lead and supporting units, deadline and history (`assignment`), replacing
  `plan_item.unit_id` / `assignment_confirmed` (existing assignments are carried over as leads);
- plan status (draft → reviewed → published) with a `supersedes` link; item review state, the
  extracted original (`plan_item.extracted`), confidence and rule; item revisions;
- import batches, so an import can be undone exactly (`import_batch`, `observation.import_id`,
  `observation_revision.import_id`);
- snapshots: frozen inputs and results of a published status or score (append-only);
- `observation_revision` becomes append-only like `audit_event`;
- every constraint is renamed to the naming convention of `store/models.py`, foreign keys get
  `ON DELETE` rules, and CHECK constraints guard the closed vocabularies.

On SQLite the altered tables are rebuilt (Alembic batch mode; `Database.upgrade` turns foreign-key
enforcement off around it and runs `PRAGMA foreign_key_check` after); on PostgreSQL constraints are
renamed, dropped and added in place.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NC = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
_TS = sa.DateTime(timezone=True)

# (table, column, referred table, referred column, ON DELETE) for every foreign key of 0001.
OLD_FKS = [
    ("region", "parent_id", "region", "id", "RESTRICT"),
    ("unit", "region_id", "region", "id", "RESTRICT"),
    ("observation", "region_id", "region", "id", "RESTRICT"),
    ("observation", "indicator_id", "indicator", "id", "RESTRICT"),
    ("observation", "period_code", "period", "code", "RESTRICT"),
    ("observation_revision", "observation_id", "observation", "id", "RESTRICT"),
    ("plan", "document_id", "document", "id", "RESTRICT"),
    ("plan", "region_id", "region", "id", "RESTRICT"),
    ("plan_item", "plan_id", "plan", "id", "CASCADE"),
    ("plan_item", "parent_id", "plan_item", "id", "CASCADE"),
    ("target", "plan_item_id", "plan_item", "id", "CASCADE"),
    ("target", "indicator_id", "indicator", "id", "RESTRICT"),
    ("claim", "plan_item_id", "plan_item", "id", "CASCADE"),
    ("claim", "indicator_id", "indicator", "id", "RESTRICT"),
]
# PostgreSQL's default names for the unique constraints of 0001 -> the convention's names.
PG_UNIQUE_RENAMES = {
    "region": [("region_code_key", "uq_region_code")],
    "unit": [("unit_region_id_name_key", "uq_unit_region_id_name")],
    "document": [("document_sha256_key", "uq_document_sha256")],
    "plan": [("plan_document_id_region_id_year_key", "uq_plan_document_id_region_id_year")],
    "target": [("target_plan_item_id_key", "uq_target_plan_item_id")],
    "claim": [("claim_plan_item_id_key", "uq_claim_plan_item_id")],
}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


CHECKS = {
    "region": [("level", _in("level", ("province", "city", "county", "township")))],
    "unit": [("kind", _in("kind", ("department", "township")))],
    "indicator": [("kind", _in("kind", ("flow_ytd", "stock", "rate", "count", "index")))],
    "period": [("kind", _in("kind", ("Y", "H", "Q", "M"))), ("last_month", "last_month BETWEEN 1 AND 12")],
    "observation": [("has_figure", "value IS NOT NULL OR growth IS NOT NULL")],
    "plan": [("status", _in("status", ("draft", "reviewed", "published"))), ("year", "year BETWEEN 1949 AND 2100")],
    "plan_item": [
        ("kind", _in("kind", ("pillar", "objective", "task", "target", "outcome", "ranking"))),
        ("review_state", _in("review_state", ("pending", "accepted", "rejected"))),
        ("span", '"start" <= "end"'),
    ],
    "target": [
        ("measure", _in("measure", ("level", "growth", "change"))),
        ("comparator", _in("comparator", (">", ">=", "<", "<=", "~", "=", "range"))),
    ],
    "claim": [("kind", _in("kind", ("ranking", "outcome")))],
}
TABLES = ("region", "unit", "indicator", "period", "observation", "observation_revision", "document", "plan",
          "plan_item", "target", "claim")


def _append_only(table: str, sqlite: bool) -> None:
    """Triggers that refuse UPDATE and DELETE on `table` (as 0002 did for audit_event)."""
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:
        op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"

    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("corrected", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("undone_at", _TS, nullable=True),
        sa.Column("undone_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_import_batch"),
        sa.CheckConstraint(_in("kind", ("observations",)), name="ck_import_batch_kind"),
    )

    # Existing tables: convention names, ON DELETE rules, checks, new columns.
    if not sqlite:
        for table in (*TABLES, "audit_event"):
            op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{table}_pkey" TO "pk_{table}"')
        for table, renames in PG_UNIQUE_RENAMES.items():
            for old, new in renames:
                op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{old}" TO "{new}"')
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always" if sqlite else "auto", naming_convention=NC) as b:
            for t, col, ref, ref_col, ondelete in OLD_FKS:
                if t != table:
                    continue
                name = f"fk_{t}_{col}_{ref}"
                b.drop_constraint(name if sqlite else f"{t}_{col}_fkey", type_="foreignkey")
                b.create_foreign_key(name, ref, [col], [ref_col], ondelete=ondelete)
            if table == "observation":
                b.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
                b.create_foreign_key("fk_observation_import_id_import_batch", "import_batch", ["import_id"], ["id"],
                                     ondelete="SET NULL")
            if table == "observation_revision":
                b.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
                b.create_foreign_key("fk_observation_revision_import_id_import_batch", "import_batch", ["import_id"],
                                     ["id"], ondelete="RESTRICT")
                b.create_index("ix_observation_revision_import_id", ["import_id"])
            if table == "plan":
                b.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="draft"))
                b.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
                b.add_column(sa.Column("status_changed_by", sa.String(64), nullable=True))
                b.add_column(sa.Column("status_changed_at", _TS, nullable=True))
                b.create_foreign_key("fk_plan_supersedes_id_plan", "plan", ["supersedes_id"], ["id"],
                                     ondelete="SET NULL")
            if table == "plan_item":
                b.add_column(sa.Column("review_state", sa.String(16), nullable=False, server_default="pending"))
                b.add_column(sa.Column("confidence", sa.Float(), nullable=True))
                b.add_column(sa.Column("rule", sa.String(64), nullable=True))
                b.add_column(sa.Column("extracted", sa.Text(), nullable=True))
            for name, expr in CHECKS.get(table, []):
                b.create_check_constraint(op.f(f"ck_{table}_{name}"), expr)

    # Items stored before review existed were already tracked: they count as accepted.
    op.execute("UPDATE plan_item SET review_state = 'accepted'")

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("password_changed_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_app_user"),
        sa.UniqueConstraint("username", name="uq_app_user_username"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name="fk_app_user_region_id_region",
                                ondelete="RESTRICT"),
        sa.CheckConstraint(_in("role", ("admin", "supervisor", "unit_editor", "viewer")), name="ck_app_user_role"),
    )
    op.create_table(
        "membership",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "unit_id", name="pk_membership"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name="fk_membership_user_id_app_user",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_membership_unit_id_unit", ondelete="CASCADE"),
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("assigned_by", sa.String(64), nullable=False),
        sa.Column("assigned_at", _TS, nullable=False),
        sa.Column("ended_by", sa.String(64), nullable=True),
        sa.Column("ended_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_assignment"),
        sa.ForeignKeyConstraint(["plan_item_id"], ["plan_item.id"], name="fk_assignment_plan_item_id_plan_item",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_assignment_unit_id_unit", ondelete="RESTRICT"),
        sa.CheckConstraint(_in("role", ("lead", "support")), name="ck_assignment_role"),
        sa.CheckConstraint(_in("source", ("person", "suggestion", "task_table")), name="ck_assignment_source"),
    )
    op.create_index("ix_assignment_plan_item_id", "assignment", ["plan_item_id"])
    op.create_index("ix_assignment_unit_id", "assignment", ["unit_id"])
    op.create_table(
        "plan_item_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_item_revision"),
        sa.ForeignKeyConstraint(["plan_item_id"], ["plan_item.id"],
                                name="fk_plan_item_revision_plan_item_id_plan_item", ondelete="CASCADE"),
        sa.CheckConstraint(_in("action", ("accept", "reject", "edit", "reopen")), name="ck_plan_item_revision_action"),
    )
    op.create_index("ix_plan_item_revision_plan_item_id", "plan_item_revision", ["plan_item_id"])
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.String(128), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(16), nullable=True),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snapshot"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name="fk_snapshot_region_id_region",
                                ondelete="RESTRICT"),
        sa.CheckConstraint(_in("kind", ("status", "assessment")), name="ck_snapshot_kind"),
    )

    # Assignments move to their own table, with history; plan_item loses unit_id / assignment_confirmed.
    op.execute(
        "INSERT INTO assignment (plan_item_id, unit_id, role, source, assigned_by, assigned_at) "
        "SELECT id, unit_id, 'lead', 'person', "
        "'migration 0003', CURRENT_TIMESTAMP FROM plan_item WHERE unit_id IS NOT NULL"
    )
    with op.batch_alter_table("plan_item", recreate="always" if sqlite else "auto", naming_convention=NC) as b:
        if not sqlite:
            b.drop_constraint("plan_item_unit_id_fkey", type_="foreignkey")
        b.drop_column("unit_id")
        b.drop_column("assignment_confirmed")

    for table in ("observation_revision", "snapshot"):
        _append_only(table, sqlite)


def downgrade() -> None:
    raise NotImplementedError("0003 is not reversible: restore the backup taken before `targetboard db upgrade`")
