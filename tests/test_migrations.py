"""Migrations, on a real SQLite file and a real PostgreSQL server: they build exactly the models, with
named constraints and ON DELETE rules, and upgrade a database that holds data without losing any."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text

from targetboard.store import Database, head_revision
from targetboard.store.models import Base


def test_migrations_build_exactly_the_models(empty_db_url):
    db = Database(empty_db_url)
    assert db.upgrade() == head_revision() == "0007"
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    _assert_constraints_follow_the_models(db)


def _assert_constraints_follow_the_models(db: Database) -> None:
    insp = inspect(db.engine)
    for table in Base.metadata.sorted_tables:
        for fk in insp.get_foreign_keys(table.name):
            model = next(f for f in table.foreign_key_constraints if f.column_keys == fk["constrained_columns"])
            assert fk["name"] == model.name, (table.name, fk)
            assert (fk["options"].get("ondelete") or "NO ACTION").upper() == (model.ondelete or "NO ACTION"), fk
        for uq in insp.get_unique_constraints(table.name):
            assert uq["name"] and uq["name"].startswith("uq_"), (table.name, uq)
        checks = {c["name"] for c in insp.get_check_constraints(table.name)}
        assert {c.name for c in table.constraints if isinstance(c, CheckConstraint)} <= checks, table.name
        if db.backend == "postgresql":
            assert insp.get_pk_constraint(table.name)["name"] == f"pk_{table.name}"


ROWS_0002 = [
    "INSERT INTO unit (id, name, kind, region_id) "
    "SELECT 1, '商务局', 'department', id FROM region WHERE code = '321182'",
    "INSERT INTO document (id, name, sha256, text, encoding, format, imported_at) VALUES "
    "(1, 'plan.txt', 'abc', '力争全年工业应税销售突破1200亿元。', 'utf-8', 'txt', CURRENT_TIMESTAMP)",
    "INSERT INTO plan (id, document_id, region_id, year) SELECT 1, 1, id, 2022 FROM region WHERE code = '321182'",
    "INSERT INTO plan_item (id, plan_id, parent_id, kind, text, start, \"end\", position, unit_id, suggested_unit, "
    "assignment_confirmed) VALUES (1, 1, NULL, 'pillar', NULL, 0, 19, 1, NULL, NULL, FALSE), "
    "(2, 1, 1, 'target', '力争全年工业应税销售突破1200亿元', 0, 18, 2, 1, '商务局', TRUE)",
    "INSERT INTO target (id, plan_item_id, indicator_id, metric, measure, comparator, value, unit, period, modality) "
    "VALUES (1, 2, 'industrial_taxable_sales', '工业应税销售', 'level', '>', 1200, '亿元', '2022', 'strive')",
    "INSERT INTO period (code, year, kind, last_month) VALUES ('2022M06', 2022, 'M', 6)",
    "INSERT INTO observation (id, region_id, indicator_id, period_code, ytd, value, growth, source, entered_by, "
    "updated_at) SELECT 1, id, 'industrial_taxable_sales', '2022M06', TRUE, 572.33, 12.4, 'a.csv', '统计局', "
    "CURRENT_TIMESTAMP FROM region WHERE code = '321182'",
    "INSERT INTO observation_revision (observation_id, old_value, new_value, old_growth, new_growth, source, "
    "changed_by, changed_at) VALUES (1, 570, 572.33, 12.4, 12.4, 'b.csv', '统计局', CURRENT_TIMESTAMP)",
    "INSERT INTO audit_event (at, actor, action, entity, entity_id, detail) VALUES "
    "(CURRENT_TIMESTAMP, '督查室', 'plan.import', 'plan', '1', '{}')",
]


def test_upgrading_a_database_with_data_keeps_everything(empty_db_url):
    db = Database(empty_db_url)
    db.upgrade("0002")
    with db.engine.begin() as conn:
        for statement in ROWS_0002:
            conn.execute(text(statement))
    assert db.upgrade() == "0007"
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        item = conn.execute(text("SELECT kind, text, review_state FROM plan_item WHERE id = 2")).one()
        assert tuple(item) == ("target", "力争全年工业应税销售突破1200亿元", "accepted")  # already tracked
        assert conn.execute(text("SELECT status, supersedes_id FROM plan")).one() == ("draft", None)
        lead = conn.execute(text("SELECT plan_item_id, unit_id, role, ended_at FROM assignment")).one()
        assert tuple(lead) == (2, 1, "lead", None)
        assert conn.execute(text("SELECT value, growth, import_id FROM observation")).one() == (572.33, 12.4, None)
        assert conn.execute(text("SELECT old_value, new_value FROM observation_revision")).one() == (570, 572.33)
        assert conn.execute(text("SELECT actor FROM audit_event")).scalar() == "督查室"
        assert conn.execute(text("SELECT value FROM target")).scalar() == 1200
    _assert_constraints_follow_the_models(db)
    with db.engine.connect() as conn:  # the rebuilt tables still enforce their keys and history
        if db.backend == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    import pytest
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM observation_revision"))
    with pytest.raises(DBAPIError), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM region WHERE code = '321182'"))  # RESTRICT: observations point to it
    with db.engine.begin() as conn:  # CASCADE: a plan's items go with it
        conn.execute(text("DELETE FROM assignment"))
        conn.execute(text("DELETE FROM plan"))
        assert conn.execute(text("SELECT COUNT(*) FROM plan_item")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM target")).scalar() == 0
