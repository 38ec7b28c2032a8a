"""A task-decomposition table imported as a plan: each row assigned to its units with its deadline, on
SQLite and PostgreSQL, from a real .xlsx and a real .docx."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document as DocxDocument
from sqlalchemy import select

from targetboard.cli import main
from targetboard.errors import Invalid
from targetboard.services import plans, regions
from targetboard.services.actors import Actor
from targetboard.store import Database
from targetboard.store.models import Assignment, Document, PlanItem, Unit

OFFICE = Actor("督查室", "supervisor")
ROWS = [
    ["2022年重点工作任务分解表", "", "", "", "", ""],
    ["序号", "工作任务", "目标要求", "牵头单位", "责任单位", "完成时限"],
    ["一、产业强市", "", "", "", "", ""],
    ["1", "推进工业经济提质增效", "力争工业应税销售突破1200亿元", "工信局", "发改委、统计局", "2022年12月底"],
    ["2", "实施安全生产专项整治", "全面排查自建房安全隐患", "应急管理局", "住建局（配合）", "2022年6月底前"],
    ["二、民生保障", "", "", "", "", ""],
    ["3", "新增城镇就业", "新增城镇就业1.2万人", "人社局", "", "2022年"],
]


def xlsx(path):
    wb = openpyxl.Workbook()
    for row in ROWS:
        wb.active.append(row)
    wb.save(path)
    return str(path)


def docx(path):
    d = DocxDocument()
    d.add_paragraph("扬中市2022年重点工作任务分解")
    table = d.add_table(rows=len(ROWS) - 1, cols=6)
    for r, row in enumerate(ROWS[1:]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.save(path)
    return str(path)


@pytest.mark.parametrize("maker", [xlsx, docx])
def test_each_row_is_assigned_as_the_table_says(db_url, tmp_path, maker):
    db = Database(db_url)
    path = maker(tmp_path / f"任务分解表.{maker.__name__}")
    assert plans.is_task_table(path)
    with pytest.raises(Invalid, match="工信局"):  # units not set up: refused, listed
        plans.import_task_table(db, OFFICE, path, region="扬中市", year=2022)
    p = plans.import_task_table(db, OFFICE, path, region="扬中市", year=2022, create_units=True)
    assert (p.counts.pillars, p.counts.objectives, p.counts.targets, p.counts.tasks) == (2, 3, 2, 1)
    with db.read() as s:
        rows = s.execute(select(PlanItem.kind, PlanItem.text, Unit.name, Assignment.role, Assignment.deadline,
                                Assignment.source)
                         .join(Assignment, Assignment.plan_item_id == PlanItem.id)
                         .join(Unit, Unit.id == Assignment.unit_id).order_by(PlanItem.position, Assignment.id)).all()
        text = s.scalar(select(Document.text))
        spans = s.execute(select(PlanItem.start, PlanItem.end, PlanItem.text).where(PlanItem.kind == "target")).all()
    assert [tuple(r) for r in rows] == [
        ("target", "力争工业应税销售突破1200亿元", "工信局", "lead", date(2022, 12, 31), "task_table"),
        ("target", "力争工业应税销售突破1200亿元", "发改委", "support", date(2022, 12, 31), "task_table"),
        ("target", "力争工业应税销售突破1200亿元", "统计局", "support", date(2022, 12, 31), "task_table"),
        ("task", "全面排查自建房安全隐患", "应急管理局", "lead", date(2022, 6, 30), "task_table"),
        ("task", "全面排查自建房安全隐患", "住建局", "support", date(2022, 6, 30), "task_table"),
        ("target", "新增城镇就业1.2万人", "人社局", "lead", date(2022, 12, 31), "task_table"),
    ]
    assert all(text[a:b] == t for a, b, t in spans)  # spans point into the stored table text
    assert {u.name for u in regions.list_units(db, "扬中市")} >= {"工信局", "住建局", "人社局"}


def test_the_plan_import_command_recognises_a_task_table(db_url, tmp_path):
    path = xlsx(tmp_path / "分解表.xlsx")
    out = CliRunner().invoke(main, ["plan", "import", path, "--region", "扬中市", "--year", "2022", "--create-units",
                                    "--reviewed", "--db", db_url])  # only reviewed items are shown
    assert out.exit_code == 0 and "2 个量化目标" in out.output, out.output
    shown = CliRunner().invoke(main, ["plan", "show", "--db", db_url]).output
    assert "⟶ 工信局，配合：发改委、统计局，时限 2022-12-31" in shown
