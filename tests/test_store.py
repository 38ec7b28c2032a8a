"""The store through the services, on a real SQLite file and a real PostgreSQL server (both, every test)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from targetboard.demo import seed_document
from targetboard.errors import Conflict, Forbidden, Invalid, NotFound
from targetboard.model.observation import ObservationRecord
from targetboard.services import assignments, plans, regions
from targetboard.services.actors import Actor
from targetboard.store import Database
from targetboard.store.models import (
    Assignment,
    AuditEvent,
    Claim,
    Observation,
    ObservationRevision,
    PlanItem,
    Region,
    Target,
)
from targetboard.store.observations import write_observations
from targetboard.store.plans import suggest_unit

OFFICE = Actor("督查室", "supervisor")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    db = Database(str(tmp_path / "wal.db"))  # a plain path is an SQLite file
    db.upgrade()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_reference_data_and_region_lookup(db_url):
    db = Database(db_url)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Region)) == 109  # 1 province, 13 cities, 95 counties
    peers = [r.name for r in regions.peer_regions(db, "扬中")]
    assert peers == ["京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市"]
    assert regions.find_region(db, "揚中市").code == "321182" == regions.find_region(db, "镇江市扬中市").code
    with pytest.raises(Invalid, match="鼓楼区"):
        regions.find_region(db, "鼓楼区")
    with pytest.raises(NotFound, match="火星市"):
        regions.find_region(db, "火星市")


def test_reference_data_is_never_overwritten(db_url):
    db = Database(db_url)
    with db.write() as s:
        s.execute(text("UPDATE region SET name = '扬中市（改）' WHERE code = '321182'"))
    db.upgrade()  # again: nothing duplicated, the edited name kept
    with db.read() as s:
        assert s.scalar(select(Region.name).where(Region.code == "321182")) == "扬中市（改）"
        assert s.scalar(select(func.count()).select_from(Region)) == 109


def test_townships_and_units(db_url):
    db = Database(db_url)
    t1 = regions.add_region(db, OFFICE, "三茅街道", "扬中市")
    t2 = regions.add_region(db, OFFICE, "新坝镇", "扬中市")
    assert (t1.code, t2.code, t1.level) == ("321182001", "321182002", "township")
    regions.add_unit(db, OFFICE, "商务局", "扬中市")
    with pytest.raises(Conflict, match="已存在"):
        regions.add_unit(db, OFFICE, "商务局", "扬中")
    assert [u.name for u in regions.list_units(db, "扬中市")] == ["商务局"]
    with pytest.raises(Forbidden):
        regions.add_unit(db, Actor("someone", "viewer"), "财政局", "扬中市")


def test_plan_import_is_idempotent_and_keeps_targets_and_claims(db_url):
    db = Database(db_url)
    first = plans.import_plan(db, OFFICE, seed_document(), region="扬中市", year=2022)
    again = plans.import_plan(db, OFFICE, seed_document(), region="扬中", year=2022)
    assert first.created and not again.created and again.id == first.id
    assert (first.counts.pillars, first.counts.objectives, first.counts.targets, first.counts.rankings) == (4, 13, 3, 3)
    with db.read() as s:
        targets = s.scalars(select(Target).order_by(Target.id)).all()
        assert [(t.indicator_id, t.value, t.comparator) for t in targets] == [
            ("industrial_taxable_sales", 1200, ">"),
            ("general_budget_revenue", 40, ">"),
            ("enterprises_10bn_sales", 3, ">="),
        ]
        claims = s.scalars(select(Claim).where(Claim.kind == "ranking")).all()
        assert {c.indicator_id for c in claims} == {"gdp", "industrial_taxable_sales", "industrial_output_above_scale"}
        item = s.scalar(select(PlanItem).join(Target).where(Target.indicator_id == "industrial_taxable_sales"))
        assert item.review_state == "pending" and '"metric": "工业应税销售"' in item.extracted
        assert s.scalar(text("SELECT text FROM document"))[item.start : item.end] == item.text


def test_a_revised_plan_supersedes_the_earlier_one_and_publishing_needs_review(db_url):
    from targetboard.text.readers import SourceDocument

    db = Database(db_url)
    first = plans.import_plan(db, OFFICE, seed_document(), region="扬中市", year=2022)
    text_ = seed_document().text + "\n力争全年社会消费品零售总额增长8%。"
    revised = SourceDocument("seed-v2.txt", text_, "utf-8", "txt")
    second = plans.import_plan(db, OFFICE, revised, region="扬中市", year=2022)
    assert second.supersedes_id == first.id
    with pytest.raises(Conflict, match="未审核"):
        plans.set_plan_status(db, OFFICE, first.id, "published")
    plans.set_plan_status(db, OFFICE, first.id, "reviewed")
    assert plans.list_plans(db, region="扬中市")[0].status == "reviewed"


def test_unit_suggestions_and_assignment_history(db_url):
    assert suggest_unit("深化汽车、临港等重点产业链招商") == "商务局"
    assert suggest_unit("全面开展自建房、危化品、道路运输等重点领域专项整治") == "应急管理局"
    assert suggest_unit("隐性债务“破冰计划”") == "财政局"
    db = Database(db_url)
    regions.add_unit(db, OFFICE, "商务局", "扬中市")
    regions.add_unit(db, OFFICE, "发改委", "扬中市")
    plans.import_plan(db, OFFICE, seed_document(), region="扬中市", year=2022)
    assert assignments.suggestions(db) == []  # items pending review are not the plan yet: nothing to assign
    from targetboard.text.readers import SourceDocument

    revised = SourceDocument("seed-reviewed.txt", seed_document().text + "\n", "utf-8", "txt")
    plans.import_plan(db, OFFICE, revised, region="扬中市", year=2022, reviewed=True)
    pending = assignments.suggestions(db)
    commerce = next(s for s in pending if s.unit == "商务局")
    assert commerce.unit_exists
    assert not next(s for s in pending if s.unit == "财政局").unit_exists  # offered, but flagged as missing
    a = assignments.assign(db, OFFICE, commerce.item_id)  # confirm the suggestion
    assert (a.unit, a.role, a.confirmed_suggestion) == ("商务局", "lead", True)
    assignments.assign(db, OFFICE, commerce.item_id, "发改委")  # a new lead ends the old one
    assignments.assign(db, OFFICE, commerce.item_id, "商务局", role="support")
    with db.read() as s:
        rows = s.scalars(select(Assignment).where(Assignment.plan_item_id == commerce.item_id)
                         .order_by(Assignment.id)).all()
        assert [(r.unit.name, r.role, r.ended_at is None) for r in rows] == [
            ("商务局", "lead", False), ("发改委", "lead", True), ("商务局", "support", True)]
    other = next(s for s in pending if s.unit == "财政局")
    with pytest.raises(NotFound, match="财政局"):
        assignments.assign(db, OFFICE, other.item_id)
    assert commerce.item_id not in {s.item_id for s in assignments.suggestions(db)}


def _rec(period: str, value: float | None, growth: float | None = None, region: str = "321182") -> ObservationRecord:
    return ObservationRecord(region, "industrial_taxable_sales", period, True, value, growth, "test.csv")


def test_observations_insert_correct_keep_and_never_erase(db_url):
    db = Database(db_url)
    with db.write("observations") as s:
        summary = write_observations(s, [_rec("2022M05", 480.0, 9.1), _rec("2022M06", 580.0, 8.2)],
                                     entered_by="统计局")
        assert (summary.inserted, summary.updated, summary.unchanged) == (2, 0, 0)
    with db.write("observations") as s:
        summary = write_observations(s, [_rec("2022M05", 480.0, None), _rec("2022M06", 581.5, 8.2)],
                                     entered_by="统计局")
        assert (summary.inserted, summary.updated, summary.unchanged) == (0, 1, 1)  # None growth: keep 9.1
    with db.read() as s:
        assert s.scalar(select(Observation.growth).where(Observation.period_code == "2022M05")) == 9.1
        rev = s.scalars(select(ObservationRevision)).one()
        assert (rev.old_value, rev.new_value, rev.changed_by) == (580.0, 581.5, "统计局")


def test_a_failed_write_leaves_the_database_unchanged(db_url):
    db = Database(db_url)
    with db.write("observations") as s:
        write_observations(s, [_rec("2022M06", 580.0)], entered_by="a")
    with pytest.raises(NotFound, match="999999"), db.write("observations") as s:
        write_observations(s, [_rec("2022M07", 600.0), _rec("2022M08", 700.0, region="999999")], entered_by="a")
    with db.read() as s:
        assert s.scalars(select(Observation.period_code)).all() == ["2022M06"]


@pytest.mark.parametrize("table", ["audit_event", "observation_revision", "snapshot"])
def test_history_tables_refuse_rewrites(tracked_url, table):
    db = Database(tracked_url)
    with db.write("observations") as s:  # one revision, so there is a row to try to rewrite
        write_observations(s, [ObservationRecord("321182", "industrial_taxable_sales", "2022M06", True, 1.0, None,
                                                 "x")], entered_by="t")
    with db.engine.begin() as conn:
        if table == "snapshot":
            conn.execute(text("INSERT INTO snapshot (kind, label, params, inputs, results, sha256, created_by, "
                              "created_at) VALUES ('status', 'x', '{}', '[]', '[]', 'x', 't', CURRENT_TIMESTAMP)"))
        before = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
    assert before
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.read() as s:
        assert s.scalar(text(f"SELECT COUNT(*) FROM {table}")) == before


def test_check_constraints_guard_the_vocabularies(db_url):
    db = Database(db_url)
    for statement in (
        "UPDATE region SET level = 'planet' WHERE code = '321182'",
        "INSERT INTO period (code, year, kind, last_month) VALUES ('2022X1', 2022, 'X', 1)",
        "INSERT INTO import_batch (kind, file_name, actor, at, inserted, corrected, unchanged) "
        "VALUES ('rumours', 'f', 'a', CURRENT_TIMESTAMP, 0, 0, 0)",
    ):
        with pytest.raises(DBAPIError, match=r"(?i)check"), db.engine.begin() as conn:
            conn.execute(text(statement))


def test_audit_trail_names_actors_and_files(tracked_url):
    db = Database(tracked_url)
    with db.read() as s:
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.actor, e.action) for e in rows] == [("督查室", "plan.import"), ("统计局", "observations.import")]
    assert '"file": "sample.csv"' in rows[-1].detail and '"inserted": 936' in rows[-1].detail


def test_a_published_status_snapshot_does_not_move_when_figures_are_corrected(tracked_url):
    from targetboard.services import tracking

    db = Database(tracked_url)
    snap = tracking.freeze_statuses(db, OFFICE, region="扬中市", year=2022, as_of="2022-06")
    assert snap.intact and snap.period == "2022M06"
    frozen = {r["target_id"]: r for r in snap.results}
    assert len(frozen) == 3 and all(r["explanation"] for r in frozen.values())
    sales = next(r for r in frozen.values() if "572.33" in r["explanation"])
    assert any(o["value"] == 572.33 and o["period"] == "2022M06" for o in snap.inputs["observations"])
    with db.write("observations") as s:  # a correction after publication
        write_observations(s, [ObservationRecord("321182", "industrial_taxable_sales", "2022M06", True, 400.0, None,
                                                 "fix.csv")], entered_by="统计局")
    live = {r.target_id: r for r in tracking.target_statuses(db, region="扬中市", year=2022, as_of="2022M06")}
    assert "400" in live[int(sales["target_id"])].status.explanation  # the live status moved ...
    again = tracking.get_snapshot_view(db, snap.id)
    assert again.results == snap.results and again.intact  # ... the published one did not
    with pytest.raises(Forbidden):
        tracking.freeze_statuses(db, Actor("x", "viewer"), region="扬中市", year=2022)
