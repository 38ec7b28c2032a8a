"""Ledgers end to end on SQLite and PostgreSQL: a real Excel sheet in, validation all or nothing, steps by
role, deadline lights, export and re-import unchanged."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from targetboard.cli import main
from targetboard.errors import Forbidden, ImportRejected, Invalid
from targetboard.services import ledgers, regions
from targetboard.services.actors import Actor
from targetboard.store import Database
from targetboard.store.models import LedgerEntry, LedgerEvent

OFFICE = Actor("督查室", "supervisor")
HEADER = ["序号", "反馈问题", "整改目标", "整改措施", "责任单位", "完成时限", "整改进展"]
ROWS = [
    [1, "长江岸线违规码头未拆除", "全部拆除复绿", "制定拆除方案", "生态环境局", datetime(2022, 6, 30), "已拆除2处"],
    [2, "化工园区VOCs排放超标", "达标排放", "安装在线监测", "生态环境局", "2022年9月", "设备招标中"],
    [3, "城区黑臭水体", "消除黑臭", "截污纳管", "住建局", "长期坚持", ""],
]


def sheet(path, rows=ROWS, header=HEADER, title="中央环保督察反馈问题整改台账"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return str(path)


@pytest.fixture()
def ledger_db(db_url):
    db = Database(db_url)
    for unit in ("生态环境局", "住建局"):
        regions.add_unit(db, OFFICE, unit, "扬中市")
    return db


def test_import_then_export_then_import_changes_nothing(ledger_db, tmp_path):
    db = ledger_db
    first = ledgers.import_ledger(db, OFFICE, sheet(tmp_path / "环保督察.xlsx"), kind="rectification", region="扬中市")
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    rows = ledgers.list_entries(db, region="扬中市", kind="rectification", today=date(2022, 6, 25))
    assert [(e.ref, e.deadline, e.state, e.light) for e in rows] == [
        ("1", date(2022, 6, 30), "not_started", "yellow"),  # 5 days left
        ("2", date(2022, 9, 30), "not_started", "green"),  # 2022年9月 = its last day
        ("3", None, "not_started", "green"),  # 长期坚持: no deadline
    ]
    assert rows[0].fields == {"整改措施": "制定拆除方案", "整改目标": "全部拆除复绿"}
    out = tmp_path / "export.xlsx"
    out.write_bytes(ledgers.export_ledger(db, region="扬中市", kind="rectification", today=date(2022, 7, 1)))
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]] == ["序号", "问题", "整改措施", "整改目标", "责任单位", "完成时限", "整改进展",
                                        "状态", "预警"]
    assert ws["I2"].value == "红灯" and ws["H2"].value == "未启动"
    again = ledgers.import_ledger(db, OFFICE, str(out), kind="rectification", region="扬中市")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert ledgers.list_entries(db, region="扬中市", kind="rectification", today=date(2022, 6, 25)) == rows


def test_a_sheet_with_any_problem_stores_nothing(ledger_db, tmp_path):
    db = ledger_db
    bad = [*ROWS, [4, "", "x", "x", "住建局", "2022-12-31", ""], [5, "噪声扰民", "x", "x", "火星局", "下个月", ""],
           [1, "重复序号", "x", "x", "住建局", "2022-12-31", ""]]
    with pytest.raises(ImportRejected) as info:
        ledgers.import_ledger(db, OFFICE, sheet(tmp_path / "bad.xlsx", bad), kind="rectification", region="扬中市")
    report = [str(p) for p in info.value.problems]
    assert any("row 6" in p and "反馈问题" in p for p in report)  # empty title
    assert any("row 7" in p and "完成时限" in p and "下个月" in p for p in report)
    assert any("row 8" in p and "序号" in p for p in report)
    units = sheet(tmp_path / "units.xlsx", [[*ROWS[0][:4], "火星局", *ROWS[0][5:]]])
    with pytest.raises(ImportRejected) as info:
        ledgers.import_ledger(db, OFFICE, units, kind="rectification", region="扬中市")
    assert "火星局" in str(info.value.problems[0]) and "unit add" in str(info.value.problems[0])
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_steps_follow_the_kind_and_the_role(ledger_db, tmp_path):
    db = ledger_db
    ledgers.import_ledger(db, OFFICE, sheet(tmp_path / "l.xlsx"), kind="rectification", region="扬中市")
    entry = ledgers.list_entries(db, region="扬中市", kind="rectification")[0]
    from targetboard.services import users

    users.add_user(db, Actor("root"), "eco", role="unit_editor", password="environment-2022", region="扬中市",
                   units=["生态环境局"])
    users.add_user(db, Actor("root"), "build", role="unit_editor", password="construction-22", region="扬中市",
                   units=["住建局"])
    eco = users.login(db, "eco", "environment-2022")
    build = users.login(db, "build", "construction-22")
    with pytest.raises(Forbidden):
        ledgers.move(db, build, entry.id, "start")  # not its unit's entry
    assert ledgers.move(db, eco, entry.id, "start").state == "in_progress"
    assert ledgers.move(db, eco, entry.id, "submit").state == "awaiting_signoff"
    with pytest.raises(Forbidden):
        ledgers.move(db, eco, entry.id, "sign_off")  # a unit does not sign off its own finding
    returned = ledgers.move(db, OFFICE, entry.id, "return", comment="缺少复绿照片")
    assert (returned.state, returned.returned) == ("in_progress", 1)
    with pytest.raises(Invalid, match="提交验收"):
        ledgers.move(db, OFFICE, entry.id, "sign_off")
    ledgers.move(db, eco, entry.id, "submit")
    done = ledgers.move(db, OFFICE, entry.id, "sign_off", today=date(2022, 8, 1))
    assert (done.state_name, done.light) == ("已销号", "done")  # closed: never late
    assert [h["action"] for h in ledgers.history(db, entry.id)] == ["import", "start", "submit", "return", "submit",
                                                                   "sign_off"]
    counts = ledgers.counts_by_unit(db, region="扬中市", kind="rectification", as_of=date(2022, 10, 1))
    # entry 2 is late; entry 1 came back once
    assert (counts["生态环境局"].overdue, counts["生态环境局"].returned) == (1, 1)
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_event SET actor = 'someone'"))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEvent)) == 8


def test_a_state_changes_only_by_a_step_not_by_reimport(ledger_db, tmp_path):
    db = ledger_db
    ledgers.import_ledger(db, OFFICE, sheet(tmp_path / "l.xlsx"), kind="rectification", region="扬中市")
    signed = [[*r, "已销号"] for r in ROWS]
    with pytest.raises(ImportRejected) as info:
        ledgers.import_ledger(db, OFFICE, sheet(tmp_path / "s.xlsx", signed, [*HEADER, "状态"]), kind="rectification",
                              region="扬中市")
    assert "ledger move" in str(info.value.problems[0])
    assert {e.state for e in ledgers.list_entries(db, region="扬中市", kind="rectification")} == {"not_started"}


def test_the_ledger_commands(ledger_db, tmp_path):
    url = ledger_db.url
    runner = CliRunner()
    path = sheet(tmp_path / "安全.xlsx", [[1, "液氨储罐未设围堰", "", "", "住建局", "2022-07-15", ""]],
                 header=["序号", "隐患", "隐患等级", "地点", "责任单位", "整改时限", "整改进展"])
    out = runner.invoke(main, ["ledger", "import", path, "--kind", "safety", "--region", "扬中市", "--db", url])
    assert out.exit_code == 0 and "新增 1" in out.output, out.output
    listed = runner.invoke(main, ["ledger", "list", "--kind", "safety", "--region", "扬中市", "--today", "2022-07-20",
                                  "--db", url]).output
    assert "红灯" in listed and "未启动" in listed
    entry_id = listed.split("]")[0].strip("[")
    bad = runner.invoke(main, ["ledger", "move", entry_id, "sign_off", "--db", url])
    assert bad.exit_code == 1 and "开始整改" in bad.output and "Traceback" not in bad.output
    assert runner.invoke(main, ["ledger", "move", entry_id, "start", "--db", url]).exit_code == 0
    xlsx = tmp_path / "out.xlsx"
    assert runner.invoke(main, ["ledger", "export", "--kind", "safety", "--region", "扬中市", "--out", str(xlsx),
                                "--db", url]).exit_code == 0
    assert openpyxl.load_workbook(xlsx).active["B2"].value == "液氨储罐未设围堰"
