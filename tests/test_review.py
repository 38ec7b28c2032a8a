"""The review of extracted items (services.review), on SQLite and PostgreSQL.

What users depend on: items arrive pending and are shown lowest confidence first; only accepted items
become targets and claims (the plan tree, target statuses, claim checks, stored outcomes); an edit keeps
the old values as a revision; every decision is audited with the person; only admins and supervisors of
the plan's region decide, and a refused decision changes nothing; the corrections export as golden
cases that the golden suite's own schema check accepts.
"""

from __future__ import annotations

import tomllib

import pytest
from sqlalchemy import select

from targetboard.errors import Forbidden, Invalid
from targetboard.services import observations, plans, review, tracking, users
from targetboard.services.actors import Actor
from targetboard.store import Database
from targetboard.store.models import AuditEvent, PlanItemRevision, Target
from test_golden import matching
from test_web import fingerprint

REPORT = ("扬中市2023年政府工作报告\n"
          "一、2022年工作回顾\n"
          "全年实现地区生产总值620.5亿元，增长6.5%。一般公共预算收入38.2亿元，增长12.1%。工业应税销售增幅列镇江首位。\n"
          "二、2023年主要目标\n"
          "力争全年工业应税销售突破1300亿元，一般公共预算收入增长6%以上。加快推进美科太阳能等优质企业上市。\n")
ROOT = Actor("root")
PW = "correct-horse-42"


@pytest.fixture()
def db(db_url):
    d = Database(db_url)
    yield d
    d.dispose()


def _import(db: Database) -> int:
    return plans.import_plan(db, ROOT, REPORT.encode(), region="扬中市", year=2023, filename="报告.txt").id


def _by_text(sheet: review.ReviewSheet, text: str) -> review.ReviewItem:
    return next(i for i in sheet.items if i.text == text)


def _audit(db: Database) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action.startswith("review."))
                              .order_by(AuditEvent.id)))


def test_items_arrive_pending_lowest_confidence_first_and_are_not_tracked(db):
    plan_id = _import(db)
    sheet = review.review_sheet(db, ROOT, plan_id)
    assert {i.kind for i in sheet.items} == {"target", "outcome", "ranking", "task"}
    assert all(i.state == "pending" and i.extracted is not None for i in sheet.items)
    confidences = [i.confidence for i in sheet.items]
    assert confidences == sorted(confidences) and confidences[0] < confidences[-1]
    for item in sheet.items:  # every span points into the original text
        assert REPORT[item.start:item.end] == item.text and item.rule
    view = plans.show_plans(db, region="扬中市", year=2023)[0]
    assert {n.kind for n in view.nodes} <= {"pillar", "objective"}
    assert tracking.target_statuses(db, region="扬中市", year=2023) == []


def test_accept_edit_reject_add_and_only_accepted_items_count(db):
    plan_id = _import(db)
    office = Actor("督查室", "supervisor")
    sheet = review.review_sheet(db, office, plan_id)
    sales = _by_text(sheet, "力争全年工业应税销售突破1300亿元")
    budget = _by_text(sheet, "一般公共预算收入增长6%以上")
    ranking = _by_text(sheet, "工业应税销售增幅列镇江首位")
    task = next(i for i in sheet.items if i.kind == "task")

    assert review.accept(db, office, sales.id).state == "accepted"
    edited = review.edit(db, office, budget.id, {"value": "7", "comparator": ">="})
    assert edited.state == "edited" and edited.fields.value == 7.0 and edited.extracted.value == 6.0
    assert review.reject(db, office, ranking.id).state == "rejected"
    start = REPORT.index("美科太阳能等优质企业上市")
    added = review.add(db, office, plan_id, {"kind": "target", "start": start, "end": start + 12,
                                             "metric": "上市企业", "measure": "level", "value": "1", "unit": "家",
                                             "comparator": ">="})
    assert added.state == "added" and added.text == "美科太阳能等优质企业上市" and added.extracted is None

    statuses = tracking.target_statuses(db, region="扬中市", year=2023)
    assert {(r.metric, r.value) for r in statuses} == {("工业应税销售", 1300.0), ("一般公共预算收入", 7.0),
                                                       ("上市企业", 1.0)}
    nodes = plans.show_plans(db, region="扬中市", year=2023)[0].nodes
    shown = {n.id for n in nodes}
    assert {sales.id, budget.id, added.id} <= shown
    assert ranking.id not in shown and task.id not in shown  # rejected, and still pending
    assert all(n.review_state == "accepted" for n in nodes if n.kind not in ("pillar", "objective"))
    # the added item sits in document order, under the plan's objective
    order = [n.id for n in nodes]
    assert order.index(budget.id) < order.index(added.id)

    # the edit kept the old values as a revision; the extracted item is untouched
    with db.read() as s:
        revs = list(s.scalars(select(PlanItemRevision).where(PlanItemRevision.plan_item_id == budget.id)))
        assert [r.action for r in revs] == ["edit"] and '"value": 6.0' in revs[0].before
        assert s.scalar(select(Target.value).where(Target.plan_item_id == budget.id)) == 7.0
    assert review.review_sheet(db, office, plan_id).counts == {"pending": 5, "accepted": 1, "edited": 1,
                                                                 "rejected": 1, "added": 1}
    events = _audit(db)
    assert [(e.action, e.actor) for e in events] == [("review.accept", "督查室"), ("review.edit", "督查室"),
                                                     ("review.reject", "督查室"), ("review.add", "督查室")]
    # a rejected item goes back to pending with reopen
    assert review.reopen(db, office, ranking.id).state == "pending"


def test_an_edit_changes_span_and_kind_and_rewrites_the_tracked_row(db):
    plan_id = _import(db)
    sheet = review.review_sheet(db, ROOT, plan_id)
    growth = _by_text(sheet, "增长6.5%")
    start = REPORT.index("地区生产总值620.5亿元")
    item = review.edit(db, ROOT, growth.id, {"kind": "target", "start": start, "end": start + 13,
                                            "measure": "level", "value": "650", "unit": "亿元", "comparator": ">",
                                            "metric": "地区生产总值"})
    assert (item.kind, item.text, item.fields.indicator) == ("target", "地区生产总值620.5亿元", "gdp")
    rows = tracking.target_statuses(db, region="扬中市", year=2023)
    assert [(r.metric, r.comparator, r.value) for r in rows] == [("地区生产总值", ">", 650.0)]
    with pytest.raises(Invalid, match="范围"):
        review.edit(db, ROOT, growth.id, {"start": 10, "end": 5})
    with pytest.raises(Invalid, match="value"):
        review.edit(db, ROOT, growth.id, {"value": ""})
    with pytest.raises(Invalid, match="comparator"):
        review.edit(db, ROOT, growth.id, {"comparator": "about"})


def test_only_admins_and_supervisors_of_the_region_review_and_refusals_change_nothing(db):
    plan_id = _import(db)
    users.add_user(db, ROOT, "sup2", role="supervisor", password=PW, region="丹阳市")
    users.add_user(db, ROOT, "view1", role="viewer", password=PW)
    users.add_user(db, ROOT, "sup1", role="supervisor", password=PW, region="扬中市")
    item = review.review_sheet(db, ROOT, plan_id).items[0]
    before = fingerprint(db)
    for name in ("sup2", "view1"):
        who = users.actor_for(db, name)
        with pytest.raises(Forbidden):
            review.review_sheet(db, who, plan_id)
        for call in (lambda a: review.accept(db, a, item.id), lambda a: review.reject(db, a, item.id),
                     lambda a: review.edit(db, a, item.id, {"value": "1"}),
                     lambda a: review.add(db, a, plan_id, {"kind": "task", "start": 0, "end": 3}),
                     lambda a: review.export_golden(db, a, plan_id)):
            with pytest.raises(Forbidden):
                call(who)
    assert fingerprint(db) == before
    assert review.accept(db, users.actor_for(db, "sup1"), item.id).state == "accepted"


def test_corrections_export_as_golden_cases(db):
    plan_id = _import(db)
    sheet = review.review_sheet(db, ROOT, plan_id)
    for item in sheet.items:  # everything accepted first, so the cases are complete
        review.accept(db, ROOT, item.id)
    review.edit(db, ROOT, _by_text(sheet, "一般公共预算收入增长6%以上").id, {"value": "7"})
    review.reject(db, ROOT, _by_text(sheet, "工业应税销售增幅列镇江首位").id)
    start = REPORT.index("美科太阳能")
    review.add(db, ROOT, plan_id, {"kind": "target", "start": start, "end": start + 12, "metric": "上市企业",
                                   "measure": "level", "value": "1", "unit": "家", "comparator": ">="})
    exported = review.export_golden(db, ROOT, plan_id)
    cases = tomllib.loads(exported.toml)["case"]
    assert exported.cases == len(cases) >= 2
    problems = [p for c in cases for p in matching.validate_case(c)]
    assert not problems, problems
    by_text = {c["text"]: c for c in cases}
    target_case = next(c for t, c in by_text.items() if "一般公共预算收入增长6%以上" in t)
    budget = next(e for e in target_case["expect"] if e["metric"] == "一般公共预算收入")
    assert budget["value"] == 7 and budget["comparator"] == ">=" and target_case["context"] == "plan"
    added_case = next(c for t, c in by_text.items() if "美科太阳能" in t)
    assert [(e["metric"], e["value"], e["anchor"]) for e in added_case["expect"]] == [
        ("上市企业", 1, "美科太阳能等优质企业上市")]
    ranking_case = next(c for t, c in by_text.items() if "工业应税销售增幅列镇江首位" in t)
    assert all(e["kind"] != "ranking" for e in ranking_case["expect"])  # rejected: not expected
    assert all(c["text"] in REPORT for c in cases)


def test_edited_outcomes_are_stored_as_reviewed(db):
    plan_id = _import(db)
    sheet = review.review_sheet(db, ROOT, plan_id)
    gdp = _by_text(sheet, "全年实现地区生产总值620.5亿元")
    review.edit(db, ROOT, gdp.id, {"value": "621.5"})
    stored = observations.store_outcomes(db, ROOT, plan_id)
    assert stored.inserted == 1
    rows = observations.list_observations(db, region="扬中市", period="2022")
    assert [(r.indicator_id, r.value) for r in rows] == [("gdp", 621.5)]


def test_the_review_commands(db_url, tmp_path):
    from click.testing import CliRunner

    from targetboard.cli import main

    doc = tmp_path / "报告.txt"
    doc.write_text(REPORT, encoding="utf-8")

    def tb(*args: str) -> str:
        r = CliRunner().invoke(main, [*args, "--db", db_url])
        assert r.exit_code == 0, r.output
        return r.output

    tb("plan", "import", str(doc), "--region", "扬中市", "--year", "2023")
    lines = tb("review", "list", "1").splitlines()
    assert all("待审核" in line for line in lines)
    ids = {line.split()[0]: line for line in lines}
    target = next(i for i, line in ids.items() if "突破1300亿元" in line)
    ranking = next(i for i, line in ids.items() if "增幅列镇江首位" in line)
    assert "已修改" in tb("review", "edit", target, "--value", "1250", "--by", "督查室")
    assert "已驳回" in tb("review", "reject", ranking)
    start = REPORT.index("美科太阳能")
    assert "人工添加" in tb("review", "add", "1", "--kind", "target", "--start", str(start), "--end", str(start + 12),
                          "--metric", "上市企业", "--measure", "level", "--value", "1", "--unit", "家",
                          "--comparator", ">=")
    out = tmp_path / "golden.toml"
    assert "3" in tb("review", "export-golden", "1", "--out", str(out))
    assert len(tomllib.loads(out.read_text(encoding="utf-8"))["case"]) == 3
    r = CliRunner().invoke(main, ["review", "edit", target, "--comparator", "about", "--db", db_url])
    assert r.exit_code == 1 and "comparator" in r.output


def test_a_bulletins_cases_have_the_bulletin_context_and_differ_from_the_extractor_only_where_corrected(db):
    from targetboard.extract import extract

    bulletin = ("2021年扬中市国民经济和社会发展统计公报\n"
                "全年实现地区生产总值620.5亿元，比上年增长9.6%。一般公共预算收入38.2亿元，增长12.1%。\n")
    plan_id = plans.import_plan(db, ROOT, bulletin.encode(), region="扬中市", year=2021, filename="公报.txt").id
    sheet = review.review_sheet(db, ROOT, plan_id)
    for item in sheet.items:
        review.accept(db, ROOT, item.id)
    review.edit(db, ROOT, _by_text(sheet, "一般公共预算收入38.2亿元").id, {"value": "38.3"})
    (case,) = tomllib.loads(review.export_golden(db, ROOT, plan_id).toml)["case"]
    assert case["context"] == "bulletin" and not matching.validate_case(case)
    predicted = [matching.item_to_dict(i) for i in extract(case["text"], year=case["year"], context=case["context"])]
    result = matching.match_items(case["expect"], predicted, case["text"])
    assert not result.ok  # the extractor still reads 38.2: the case holds the correction
    fixed = [dict(e, value=38.2) if e.get("value") == 38.3 else e for e in case["expect"]]
    assert matching.match_items(fixed, predicted, case["text"]).ok  # and nothing else differs
