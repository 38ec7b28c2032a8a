"""Assessment runs from stored data, on SQLite and PostgreSQL: inputs gathered and traced, the league
table published as a snapshot, movement against it, byte-identical re-runs."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from targetboard.cli import main
from targetboard.errors import ImportRejected
from targetboard.model.observation import ObservationRecord
from targetboard.services import assessment, assignments, plans, regions
from targetboard.services.actors import Actor
from targetboard.services.tracking import get_snapshot_view
from targetboard.store import Database
from targetboard.store.observations import write_observations

OFFICE = Actor("督查室", "supervisor")
SCHEME = """
[scheme]
id = "yz-departments"
name = "扬中市部门考核（测试）"
version = "1"
subjects = "department"

[[category]]
id = "figures"
name = "指标"
weight = 40
[[category.item]]
id = "sales"
rule = "linear"
points = 30
cap = 1.2
indicator = "industrial_taxable_sales"
[[category.item]]
id = "revenue"
rule = "step"
points = 10
indicator = "general_budget_revenue"

[[category]]
id = "ledgers"
name = "整改"
weight = 20
[[category.item]]
id = "rectification"
rule = "ledger"
ledger = "rectification"
points = 20
per_overdue = 5
per_returned = 2

[[category]]
id = "adjust"
name = "加扣分"
weight = 0
[[category.item]]
id = "honours"
name = "省级表彰"
rule = "bonus"
per_event = 1
max = 2
[[category.item]]
id = "accident"
name = "较大事故"
rule = "veto"
"""


@pytest.fixture()
def scored(tracked_url, tmp_path):
    db = Database(tracked_url)
    for unit in ("工信局", "财政局", "商务局"):
        regions.add_unit(db, OFFICE, unit, "扬中市")
    view = plans.show_plans(db, region="扬中市")[0]
    by_metric = {n.metric: n.id for n in view.nodes if n.kind == "target"}
    assignments.assign(db, OFFICE, by_metric["工业应税销售"], "工信局")
    assignments.assign(db, OFFICE, by_metric["一般公共预算收入"], "财政局")
    scheme = tmp_path / "scheme.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    return db, scheme


def test_a_run_scores_each_unit_from_its_targets_and_traces_every_point(scored, tmp_path):
    db, scheme = scored
    events = tmp_path / "events.csv"
    events.write_text("单位,考核项,次数,依据\n商务局,省级表彰,3,苏政发〔2022〕1号\n", encoding="utf-8")
    view = assessment.run_assessment(db, OFFICE, scheme, region="扬中市", year=2022, as_of="2022M06",
                                     day=date(2022, 7, 1), events_file=events)
    table = {s.name: s for s in view.result.table}
    # 工信局: 572.33 of 1200 = 47.69% of 30 points = 14.31; no ledger entries: 20; total 34.31
    sales = next(i for i in table["工信局"].items if i.item_id == "sales")
    assert sales.points == "14.31" and "完成率47.69%" in sales.explanation
    assert {e.kind for e in sales.evidence} == {"target", "observation"}
    assert table["工信局"].total == "34.31"
    # 财政局: revenue 18.25 < 40, the step gives nothing: 20
    assert table["财政局"].total == "20.00"
    # 商务局: no targets, ledger 20, honours 3 events capped at 2: 22
    assert table["商务局"].total == "22.00"
    assert [s.name for s in view.result.table] == ["工信局", "商务局", "财政局"]
    honours = next(i for i in table["商务局"].items if i.item_id == "honours")
    assert honours.evidence[0].note == "苏政发〔2022〕1号"


def test_a_published_run_is_frozen_and_the_next_one_moves_against_it(scored):
    db, scheme = scored
    first = assessment.run_assessment(db, OFFICE, scheme, region="扬中市", year=2022, as_of="2022M06",
                                      day=date(2022, 7, 1), publish=True)
    assert first.snapshot_id is not None
    assert [(s.name, s.rank) for s in first.result.table] == [("工信局", 1), ("商务局", 2), ("财政局", 2)]  # a tie
    again = assessment.run_assessment(db, OFFICE, scheme, region="扬中市", year=2022, as_of="2022M06",
                                      day=date(2022, 7, 1))
    assert again.result.to_json().replace('"movement":0', '"movement":null') == first.result.to_json()
    with db.write("observations") as s:  # 财政局's revenue now meets its target
        write_observations(s, [ObservationRecord("321182", "general_budget_revenue", "2022M06", True, 41.0, None,
                                                 "fix.csv")], entered_by="统计局")
    later = assessment.run_assessment(db, OFFICE, scheme, region="扬中市", year=2022, as_of="2022M06",
                                      day=date(2022, 7, 1))
    moved = {s.name: (s.total, s.rank, s.movement) for s in later.result.table}
    assert moved["财政局"] == ("30.00", 2, 0) and moved["商务局"] == ("20.00", 3, -1)  # 持平 / 退位1
    frozen = get_snapshot_view(db, first.snapshot_id)
    assert frozen.intact and frozen.results["table"][2]["name"] == "财政局"  # the published table did not move


def test_a_bad_events_sheet_is_rejected_whole(scored, tmp_path):
    db, scheme = scored
    events = tmp_path / "events.csv"
    events.write_text("单位,考核项,次数,依据\n火星局,省级表彰,1,x\n商务局,彩票中奖,1,x\n商务局,省级表彰,两次,x\n",
                      encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        assessment.run_assessment(db, OFFICE, scheme, region="扬中市", year=2022, as_of="2022M06",
                                  day=date(2022, 7, 1), events_file=events)
    assert [p.column for p in info.value.problems] == ["单位", "考核项", "次数"]


def test_the_assess_command(scored):
    db, scheme = scored
    out = CliRunner().invoke(main, ["assess", "run", str(scheme), "--region", "扬中市", "--year", "2022", "--period",
                                    "2022年1-6月", "--day", "2022-07-01", "--publish", "--db", db.url])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split()[:3] == ["1", "工信局", "34.31"] and "已发布为快照" in lines[-1]
