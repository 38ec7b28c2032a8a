"""The store on a real SQLite file and a real PostgreSQL server (both, every test)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from targetboard.demo import seed_text
from targetboard.model.observation import ObservationRecord
from targetboard.store import StoreError, connect
from targetboard.store.db import current_revision, make_engine
from targetboard.store.models import Base, Claim, Observation, ObservationRevision, PlanItem, Region, Target
from targetboard.store.observations import write_observations
from targetboard.store.plans import assign, import_plan, suggest_unit
from targetboard.store.regions import add_region, add_unit, find_region, peers, region_names
from targetboard.text.readers import SourceDocument

SEED = SourceDocument("seed.txt", seed_text(), "utf-8", "txt")


def test_migrations_build_exactly_the_models(db_url):
    connect(db_url)
    engine = make_engine(db_url)
    assert current_revision(engine) == "0002"
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], diff


def test_sqlite_runs_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    connect(url)
    with make_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_unsupported_url_fails_fast():
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        connect("mysql://x@localhost/db")


def test_reference_data_is_loaded_once(db_url):
    factory = connect(db_url)
    connect(db_url)  # again: nothing is duplicated
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Region)) == 109  # 1 province, 13 cities, 95 counties
        zj = find_region(s, "镇江市")
        assert [r.name for r in peers(s, find_region(s, "扬中"))] == [
            "京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市",
        ]
        assert find_region(s, "揚中市").code == "321182" == find_region(s, "镇江市扬中市").code
        assert zj.code == "321100"
        with pytest.raises(StoreError, match="ambiguous"):
            find_region(s, "鼓楼区")
        with pytest.raises(StoreError, match="not found"):
            find_region(s, "火星市")


def test_townships_and_units(db_url):
    factory = connect(db_url)
    with factory.begin() as s:
        t = add_region(s, "三茅街道", "扬中市")
        assert t.code == "321182001" and t.level == "township"
        add_unit(s, "商务局", "扬中市")
        with pytest.raises(StoreError, match="already exists"):
            add_unit(s, "商务局", "扬中")
    with factory() as s:
        assert region_names(s)["三茅街道"] == "321182001"
        assert region_names(s)["扬中"] == "321182"
        assert "鼓楼区" not in region_names(s)  # ambiguous names are not accepted by importers


def test_plan_import_is_idempotent_and_keeps_targets_and_claims(db_url):
    factory = connect(db_url)
    with factory.begin() as s:
        first = import_plan(s, SEED, find_region(s, "扬中市"), 2022)
        assert first.created
    with factory.begin() as s:
        again = import_plan(s, SEED, find_region(s, "扬中市"), 2022)
        assert not again.created and again.plan.id == first.plan.id
    with factory() as s:
        targets = s.scalars(select(Target).order_by(Target.id)).all()
        assert [(t.indicator_id, t.value, t.comparator) for t in targets] == [
            ("industrial_taxable_sales", 1200, ">"),
            ("general_budget_revenue", 40, ">"),
            ("enterprises_10bn_sales", 3, ">="),
        ]
        claims = s.scalars(select(Claim).where(Claim.kind == "ranking")).all()
        assert {c.indicator_id for c in claims} == {"gdp", "industrial_taxable_sales", "industrial_output_above_scale"}
        titles = s.scalars(select(PlanItem.text).where(PlanItem.kind == "objective")).all()
        assert "總量拼出新位次。" in titles and len([t for t in titles if t]) == 13
        item = s.scalar(select(PlanItem).join(Target).where(Target.indicator_id == "industrial_taxable_sales"))
        text_ = s.scalar(text("SELECT text FROM document"))
        assert text_[item.start : item.end] == item.text


def test_unit_suggestions_and_assignment(db_url):
    assert suggest_unit("深化汽车、临港等重点产业链招商") == "商务局"
    assert suggest_unit("全面开展自建房、危化品、道路运输等重点领域专项整治") == "应急管理局"
    assert suggest_unit("隐性债务“破冰计划”") == "财政局"
    factory = connect(db_url)
    with factory.begin() as s:
        plan = import_plan(s, SEED, find_region(s, "扬中市"), 2022).plan
        add_unit(s, "商务局", "扬中市")
        item = s.scalar(select(PlanItem).where(PlanItem.plan_id == plan.id, PlanItem.suggested_unit == "商务局"))
        assign(s, item.id)  # confirm the suggestion
        assert item.unit.name == "商务局" and item.assignment_confirmed
        other = s.scalar(select(PlanItem).where(PlanItem.plan_id == plan.id, PlanItem.suggested_unit == "财政局"))
        with pytest.raises(StoreError, match="not found in 扬中市"):
            assign(s, other.id)


def _rec(period: str, value: float | None, growth: float | None = None, region: str = "321182") -> ObservationRecord:
    return ObservationRecord(region, "industrial_taxable_sales", period, True, value, growth, "test.csv")


def test_observations_insert_correct_and_keep(db_url):
    factory = connect(db_url)
    with factory.begin() as s:
        summary = write_observations(s, [_rec("2022M05", 480.0, 9.1), _rec("2022M06", 580.0, 8.2)], entered_by="统计局")
        assert (summary.inserted, summary.updated, summary.unchanged) == (2, 0, 0)
    with factory.begin() as s:
        summary = write_observations(s, [_rec("2022M05", 480.0, 9.1), _rec("2022M06", 581.5, 8.2)], entered_by="统计局")
        assert (summary.inserted, summary.updated, summary.unchanged) == (0, 1, 1)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Observation)) == 2
        rev = s.scalars(select(ObservationRevision)).one()
        assert (rev.old_value, rev.new_value, rev.changed_by) == (580.0, 581.5, "统计局")


def test_a_failed_write_leaves_the_database_unchanged(db_url):
    factory = connect(db_url)
    with factory.begin() as s:
        write_observations(s, [_rec("2022M06", 580.0)], entered_by="a")
    with pytest.raises(StoreError, match="no such region"), factory.begin() as s:
        write_observations(s, [_rec("2022M07", 600.0), _rec("2022M08", 700.0, region="999999")], entered_by="a")
    with factory() as s:
        assert s.scalars(select(Observation.period_code)).all() == ["2022M06"]


def test_audit_trail_records_changes_and_refuses_rewrites(db_url):
    from sqlalchemy.exc import DBAPIError

    from targetboard.store.models import AuditEvent

    factory = connect(db_url)
    with factory.begin() as s:
        import_plan(s, SEED, find_region(s, "扬中市"), 2022, actor="督查室")
        add_unit(s, "商务局", "扬中市")
        write_observations(s, [_rec("2022M06", 580.0)], entered_by="统计局")
    with factory.begin() as s:
        write_observations(s, [_rec("2022M06", 580.0)], entered_by="统计局")  # unchanged: nothing to audit
    with factory() as s:
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.actor, e.action) for e in rows if e.action != "unit.add"] == [
            ("督查室", "plan.import"), ("统计局", "observations.import"),
        ]
        assert '"inserted": 1' in rows[-1].detail and "test.csv" in rows[-1].detail
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), factory.begin() as s:
            s.execute(text(statement))
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 3
