"""Count targets fed by a ledger, on SQLite and PostgreSQL: the count at each period's end, by the day
each step took effect, through the usual status pipeline; hand-computed expectations."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from targetboard.accountability.ledger import LedgerFilter, Step, ledger_kind, reached, resolve_state, state_on
from targetboard.cli import main
from targetboard.errors import Forbidden, Invalid
from targetboard.sample import write_sample_ledger
from targetboard.services import ledgers, regions, tracking
from targetboard.services.actors import Actor
from targetboard.services.audit import list_events
from targetboard.store import Database

OFFICE = Actor("督查室", "supervisor")
HEADER = ("序号", "项目名称", "总投资（亿元）", "形象进度", "责任单位", "完成时限")
PROJECTS = (("1", "新能源装备产业园", "35", "", "工信局", "2022-12-31"),
            ("2", "智能电气产业基地", "32", "", "商务局", "2022-12-31"),
            ("3", "港口物流中心", "50", "", "工信局", "2022-12-31"),
            ("4", "小型技改项目", "12", "", "工信局", "2022-12-31"),
            ("5", "船舶配套园", "30", "", "商务局", "2022-12-31"))
#: (序号, steps with the day each took effect)
STEPS = (("1", (("sign", date(2022, 3, 10)), ("start", date(2022, 5, 20)))),
         ("2", (("sign", date(2022, 4, 1)), ("start", date(2022, 7, 15)))),
         ("3", (("sign", date(2022, 2, 1)), ("start", date(2022, 6, 30)), ("complete", date(2022, 7, 2)))),
         ("4", (("sign", date(2022, 1, 10)), ("start", date(2022, 2, 10)))),
         ("5", (("sign", date(2022, 3, 1)), ("start", date(2022, 4, 1)), ("return", date(2022, 6, 10)))))


@pytest.fixture()
def projects(tracked_url, tmp_path: Path):
    db = Database(tracked_url)
    for unit in ("工信局", "商务局"):
        regions.add_unit(db, OFFICE, unit, "扬中市")
    ledgers.import_ledger(db, OFFICE, write_sample_ledger(tmp_path / "项目.csv", HEADER, PROJECTS), kind="project",
                          region="扬中市")
    ids = {e.ref: e.id for e in ledgers.list_entries(db, region="扬中市", kind="project")}
    for ref, steps in STEPS:
        for action, on in steps:
            ledgers.move(db, OFFICE, ids[ref], action, on=on)
    target = next(r for r in tracking.target_statuses(db, region="扬中市", year=2022) if r.metric == "百亿级企业")
    return db, target.target_id, ids


def status_of(db, target_id, as_of):
    return next(r for r in tracking.target_statuses(db, region="扬中市", year=2022, as_of=as_of)
                if r.target_id == target_id).status


def test_the_count_follows_the_day_each_step_took_effect(projects):
    db, target, _ = projects
    before = status_of(db, target, "2022M06")
    assert before.explanation == "6月为2家，低于目标3家"  # the sample observation
    view = ledgers.link_target(db, OFFICE, target, kind="project", state="已开工", filters=["总投资（亿元）>=30"])
    assert (view.state, view.state_name, view.filters) == ("started", "开工", ("总投资（亿元）>=30",))
    # Projects of at least 30亿: 1, 2, 3, 5 (4 is 12亿). By June 30: 1 started May 20, 3 started June 30,
    # 2 only signed (starts July 15), 5 started April 1 but was returned to 签约 on June 10. So 2.
    june = status_of(db, target, "2022M06")
    assert (june.latest_period, june.latest_value, june.status) == ("2022M06", 2.0, "off_track")
    assert june.explanation == ("6月为2家，低于目标3家"
                                "（重大项目台账中符合总投资（亿元）>=30且已达“开工”的事项2项：序号1、3）")
    # By July 31: 2 has started and 3 has gone on to 竣工 (still past 开工): 1, 2, 3.
    july = status_of(db, target, "2022M07")
    assert (july.latest_value, july.status) == (3.0, "on_track")  # met, but the year is not over (analytics.md)
    assert july.explanation.endswith("事项3项：序号1、2、3）")
    assert july.explanation_en.endswith("(3 project ledger entries with 总投资（亿元）>=30 had reached started: "
                                        "no. 1, 2, 3)"), july.explanation_en
    # By April 30: only 5 (started April 1, returned later). By March 31: none.
    assert status_of(db, target, "2022M04").latest_value == 1.0
    assert status_of(db, target, "2022M03").latest_value == 0.0
    # Without the filter the 12亿 project (started February 10) counts too.
    ledgers.link_target(db, OFFICE, target, kind="project", state="started")
    assert status_of(db, target, "2022M06").latest_value == 3.0
    assert status_of(db, target, "2022M02").latest_value == 1.0
    assert [e.detail["new"]["filters"] for e in list_events(db, OFFICE, action="ledger.link")] == [
        [], ["总投资（亿元）>=30"]]
    ledgers.unlink_target(db, OFFICE, target)
    assert status_of(db, target, "2022M06").explanation == "6月为2家，低于目标3家"
    assert [e.action for e in list_events(db, OFFICE, action="ledger.")][:1] == ["ledger.unlink"]


def test_links_are_checked(projects):
    db, target, ids = projects
    sales = next(r.target_id for r in tracking.target_statuses(db, region="扬中市", year=2022)
                 if r.metric == "工业应税销售")
    with pytest.raises(Invalid, match="不是计数目标"):
        ledgers.link_target(db, OFFICE, sales, kind="project", state="开工")
    with pytest.raises(Invalid, match="谋划、签约、开工、竣工、投产"):
        ledgers.link_target(db, OFFICE, target, kind="project", state="已销号")
    with pytest.raises(Invalid, match="字段"):
        ledgers.link_target(db, OFFICE, target, kind="project", state="开工", filters=["总投资"])
    with pytest.raises(Invalid, match="数字"):
        ledgers.link_target(db, OFFICE, target, kind="project", state="开工", filters=["总投资（亿元）>=三十"])
    with pytest.raises(Forbidden):
        ledgers.link_target(db, Actor("看看", "viewer"), target, kind="project", state="开工")
    assert ledgers.list_links(db) == []
    # A step's day: not in the future, not before the entry's previous step.
    with pytest.raises(Invalid, match="晚于今天"):
        ledgers.move(db, OFFICE, ids["4"], "complete", on=date.today() + timedelta(days=1))
    with pytest.raises(Invalid, match="早于"):
        ledgers.move(db, OFFICE, ids["4"], "complete", on=date(2022, 2, 9))
    assert ledgers.move(db, OFFICE, ids["4"], "complete", on=date(2022, 2, 10)).state == "completed"


def test_pure_rules():
    k = ledger_kind("project")
    steps = [Step("signed", date(2022, 3, 1)), Step("started", date(2022, 4, 1)), Step("signed", date(2022, 6, 10))]
    assert [state_on(k, steps, d) for d in (date(2022, 2, 28), date(2022, 3, 1), date(2022, 5, 1),
                                             date(2022, 6, 10))] == ["planned", "signed", "started", "signed"]
    assert reached(k, "operating", "started") and not reached(k, "signed", "started")
    assert [resolve_state(k, x) for x in ("started", "开工", "已开工")] == ["started"] * 3
    f = LedgerFilter.parse("总投资（亿元）>=30")
    assert (f.field, f.op, f.value) == ("总投资（亿元）", ">=", "30")
    assert f.matches({"总投资（亿元）": "30"}) and not f.matches({"总投资（亿元）": "29.9"})
    assert not f.matches({"总投资（亿元）": "待定"}) and not f.matches({})
    assert LedgerFilter.parse("责任单位!=工信局").matches({"责任单位": "商务局"})


def test_the_commands(projects):
    db, target, ids = projects
    runner = CliRunner()
    r = runner.invoke(main, ["ledger", "link", "--target", str(target), "--kind", "project", "--state", "开工",
                             "--filter", "责任单位=工信局", "--db", db.url])
    assert r.exit_code == 0 and "重大项目台账" in r.output and "责任单位=工信局" in r.output, r.output
    # 工信局's projects started by June 30: 1 (May 20), 3 (June 30), 4 (February 10).
    assert status_of(db, target, "2022M06").latest_value == 3.0
    r = runner.invoke(main, ["ledger", "move", str(ids["2"]), "complete", "--on", "2022-13-01", "--db", db.url])
    assert r.exit_code == 1 and "YYYY-MM-DD" in r.output
    r = runner.invoke(main, ["ledger", "unlink", "--target", str(target), "--db", db.url])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["ledger", "unlink", "--target", str(target), "--db", db.url])
    assert r.exit_code == 1 and "没有关联台账" in r.output
