"""Progress reports on SQLite and PostgreSQL: who may report, review, evidence limits, what is due."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from click.testing import CliRunner

from targetboard.cli import main
from targetboard.errors import Conflict, Forbidden, Invalid
from targetboard.services import assignments, regions, reports, users
from targetboard.services.actors import Actor
from targetboard.store import Database

OFFICE = Actor("督查室", "supervisor")
PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture()
def assigned(tracked_url):
    """The tracked seed with the 商务局 item assigned and an account for 商务局 and one for 财政局."""
    db = Database(tracked_url)
    for unit in ("商务局", "财政局"):
        regions.add_unit(db, OFFICE, unit, "扬中市")
    item = next(s for s in assignments.suggestions(db) if s.unit == "商务局").item_id
    assignments.assign(db, OFFICE, item)
    users.add_user(db, Actor("root"), "shang", role="unit_editor", password="commerce-2022", region="扬中市",
                   units=["商务局"])
    users.add_user(db, Actor("root"), "cai", role="unit_editor", password="finance-2022!", region="扬中市",
                   units=["财政局"])
    return db, item, users.login(db, "shang", "commerce-2022"), users.login(db, "cai", "finance-2022!")


def test_the_lead_unit_reports_and_the_supervisor_reviews(assigned):
    db, item, shang, cai = assigned
    with pytest.raises(Forbidden):
        reports.submit_report(db, cai, item, "2022M06", text="代报", percent=10)  # not its item
    r = reports.submit_report(db, shang, item, "2022M06", text="签约项目3个", percent=40,
                              evidence=[("签约.pdf", PDF)])
    assert (r.unit, r.state, r.evidence[0][2]) == ("商务局", "submitted", hashlib.sha256(PDF).hexdigest())
    with pytest.raises(Forbidden):
        reports.review_report(db, shang, r.id, accept=True)  # no self-approval
    with pytest.raises(Invalid, match="原因"):
        reports.review_report(db, OFFICE, r.id, accept=False)
    back = reports.review_report(db, OFFICE, r.id, accept=False, comment="缺少签约合同")
    assert (back.state, back.comment) == ("returned", "缺少签约合同")
    again = reports.submit_report(db, shang, item, "2022M06", text="签约项目3个，合同附后", percent=45,
                                  evidence=[("合同.pdf", PDF)])
    assert again.id == r.id and again.state == "submitted" and len(again.evidence) == 2
    assert reports.review_report(db, OFFICE, r.id, accept=True).state == "accepted"
    with pytest.raises(Conflict, match="已通过"):
        reports.submit_report(db, shang, item, "2022M06", text="改", percent=50)


@pytest.mark.parametrize(("name", "data", "fragment"), [
    ("x.exe", b"MZ", "类型"),
    ("fake.pdf", b"<html>", "不符"),
    ("big.pdf", b"%PDF" + b"0" * (reports.MAX_EVIDENCE_BYTES + 1), "MB"),
])
def test_evidence_is_checked_before_anything_is_stored(assigned, name, data, fragment):
    db, item, shang, _ = assigned
    with pytest.raises(Invalid, match=fragment):
        reports.submit_report(db, shang, item, "2022M07", text="x", percent=1, evidence=[(name, data)])
    assert not [d for d in reports.reports_due(db, region="扬中市", today=date(2022, 8, 10))
                if d.period == "2022M07" and d.reason != "overdue"]


def test_what_is_due_follows_the_period_and_its_grace_days(assigned):
    db, item, shang, _ = assigned
    due = reports.reports_due(db, region="扬中市", today=date(2022, 2, 5))  # January's are due by Feb 5
    assert due == []
    due = reports.reports_due(db, region="扬中市", today=date(2022, 2, 6))
    assert [(d.unit, d.item_id, d.period, d.reason) for d in due] == [("商务局", item, "2022M01", "overdue")]
    r = reports.submit_report(db, shang, item, "2022M01", text="一月", percent=5)
    reports.review_report(db, OFFICE, r.id, accept=False, comment="补充数据")
    due = reports.reports_due(db, region="扬中市", today=date(2022, 3, 6))
    assert [(d.period, d.reason) for d in due] == [("2022M01", "returned"), ("2022M02", "overdue")]
    with pytest.raises(Invalid, match="2022M06"):
        reports.submit_report(db, shang, item, "2022Q1", text="季度", percent=5)  # the plan reports monthly


def test_the_report_commands(assigned):
    db, item, _, _ = assigned
    runner = CliRunner()
    out = runner.invoke(main, ["report", "submit", str(item), "2022M05", "--text", "推进中", "--percent", "30",
                               "--by", "shang", "--db", db.url])
    assert out.exit_code == 0 and "商务局" in out.output, out.output
    rid = out.output.split("已提交报告 ")[1].split("（")[0]
    assert "已退回" in runner.invoke(main, ["report", "return", rid, "--comment", "无佐证", "--db", db.url]).output
    due = runner.invoke(main, ["report", "due", "--region", "扬中市", "--today", "2022-06-10", "--db", db.url]).output
    assert "2022M05  被退回待重报" in due and "2022M01  逾期未报" in due
