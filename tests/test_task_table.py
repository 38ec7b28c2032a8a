"""Task-decomposition tables: rows -> plan tree with lead/co-responsible units and deadlines.

Every table here was written for this test (no third-party text).
"""

from __future__ import annotations

import io

import pytest

from targetboard.extract.task_table import (
    TaskTableError,
    column_roles,
    parse_deadline,
    plan_from_task_table,
    split_units,
)
from targetboard.text.tables import table_rows

HEADER = ["序号", "工作任务", "目标要求", "牵头单位", "责任单位", "完成时限"]
ROWS = [
    ["某县2026年重点工作任务分解表", "", "", "", "", ""],
    HEADER,
    ["一、产业升级", "", "", "", "", ""],
    ["1", "推动制造业扩量提质", "规上工业增加值增长7.5%以上", "县工信局", "县发改局、县统计局", "2026年12月底"],
    ["2", "建设智能装备产业园", "园区二期厂房年内竣工", "县开发区管委会", "县住建局；县自然资源局", "2026年9月30日"],
    ["二、民生实事", "二、民生实事", "二、民生实事", "二、民生实事", "二、民生实事", "二、民生实事"],
    ["3", "扩大城镇就业", "新增城镇就业6000人", "", "县人社局（牵头）、县财政局", "年底前"],
    ["4", "改造农村公路", "完成农村公路提档升级120公里", "县交通局", "", "长期坚持"],
    HEADER,  # the header repeated on a new page
    ["5", "办好老年食堂", "新建老年助餐点15个", "县民政局", "各乡镇", "2026年上半年"],
]


def test_header_roles_exact_and_contained():
    roles = column_roles(["序号", "重点工作任务", "目标要求", "牵头部门", "配合单位", "完成时间"])
    assert roles == {"number": 0, "task": 1, "requirement": 2, "lead": 3, "co": 4, "deadline": 5}


def test_tree_from_rows():
    tree = plan_from_task_table(ROWS, year=2026)
    titles = [p.title for p in tree.pillars]
    assert titles == ["一、产业升级", "二、民生实事"]
    objectives = [o for p in tree.pillars for o in p.objectives]
    assert [o.number for o in objectives] == ["1", "2", "3", "4", "5"]
    first = objectives[0]
    assert first.title == "推动制造业扩量提质"
    assert first.assignment is not None
    assert first.assignment.lead_units == ["县工信局"]
    assert first.assignment.co_units == ["县发改局", "县统计局"]
    assert first.assignment.deadline == "2026-12-31"
    target = first.items[0]
    assert (target.kind, target.measure, target.value, target.comparator) == ("target", "growth", 7.5, ">=")
    assert target.text == first.requirement[target.start : target.end]
    assert objectives[1].assignment.co_units == ["县住建局", "县自然资源局"]
    assert objectives[1].assignment.deadline == "2026-09-30"
    assert [i.kind for i in objectives[1].items] == ["task"]


def test_lead_marked_inside_co_column_and_open_deadline():
    objectives = [o for p in plan_from_task_table(ROWS, year=2026).pillars for o in p.objectives]
    jobs = objectives[2].assignment
    assert jobs.lead_units == ["县人社局"] and jobs.co_units == ["县财政局"]
    assert jobs.deadline == "2026-12-31" and jobs.deadline_text == "年底前"
    road = objectives[3].assignment
    assert road.deadline is None and road.deadline_text == "长期坚持"
    assert objectives[4].assignment.deadline == "2026H1"


def test_no_lead_column_first_unit_leads():
    rows = [["序号", "任务", "责任单位", "时限"], ["1", "新建口袋公园8个", "市城管局、市园林中心", "2026年10月"]]
    (obj,) = plan_from_task_table(rows).pillars[0].objectives
    assert obj.assignment.lead_units == ["市城管局"]
    assert obj.assignment.co_units == ["市园林中心"]
    assert obj.assignment.deadline == "2026-10-31"


def test_category_column_makes_pillars():
    rows = [
        ["类别", "工作任务", "牵头单位"],
        ["稳增长", "固定资产投资增长6%", "发改局"],
        ["稳增长", "社会消费品零售总额增长5%", "商务局"],
        ["惠民生", "城镇调查失业率控制在5.5%以内", "人社局"],
    ]
    tree = plan_from_task_table(rows, year=2026)
    assert [p.title for p in tree.pillars] == ["稳增长", "惠民生"]
    assert [len(p.objectives) for p in tree.pillars] == [2, 1]
    cap = tree.pillars[1].objectives[0].items[0]
    assert (cap.value, cap.comparator) == (5.5, "<=")


def test_no_header_is_an_error():
    with pytest.raises(TaskTableError):
        plan_from_task_table([["甲", "乙"], ["1", "2"]])


@pytest.mark.parametrize(
    ("cell", "year", "expected"),
    [
        ("2026年6月底", None, "2026-06-30"),
        ("2026年2月", None, "2026-02-28"),
        ("2026.3.15", None, "2026-03-15"),
        ("2026-11-05", None, "2026-11-05"),
        ("2026年底前", None, "2026-12-31"),
        ("2026年下半年", None, "2026H2"),
        ("2026年第二季度", None, "2026Q2"),
        ("2026年一季度末", None, "2026-03-31"),
        ("2026-2027年", None, "2026-2027"),
        ("2026年", None, "2026"),
        ("9月底前", 2026, "2026-09-30"),
        ("9月底前", None, None),
        ("持续推进", 2026, None),
        ("2026年2月30日", None, None),
        ("", 2026, None),
    ],
)
def test_parse_deadline(cell, year, expected):
    assert parse_deadline(cell, year) == expected


def test_split_units():
    assert split_units("市发改委（牵头）、市财政局, 市统计局") == (["市发改委", "市财政局", "市统计局"], ["市发改委"])
    assert split_units("") == ([], [])


def test_plan_tree_json_carries_assignment():
    obj = plan_from_task_table(ROWS, year=2026).to_dict("t.xlsx")["pillars"][0]["objectives"][0]
    assert obj["lead_units"] == ["县工信局"] and obj["deadline"] == "2026-12-31" and obj["number"] == "1"


def _xlsx(rows: list[list[str]], merge: str | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx(rows: list[list[str]], merge: tuple[tuple[int, int], tuple[int, int]] | None = None) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("某区2026年民生实事任务分解表")
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            t.cell(i, j).text = v
    if merge:
        (a, b), (c, e) = merge
        t.cell(a, b).merge(t.cell(c, e))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


SMALL = [
    ["序号", "工作任务", "牵头单位", "完成时限"],
    ["1", "新建社区卫生服务站4个", "区卫健委", "2026年8月底"],
    ["2", "新增公共停车位1500个", "", "2026年11月"],
]


def test_xlsx_to_tree_with_merged_lead():
    (rows,) = table_rows(_xlsx(SMALL, merge="C2:C3"), "tasks.xlsx")
    objectives = plan_from_task_table(rows, year=2026).pillars[0].objectives
    assert [o.assignment.lead_units for o in objectives] == [["区卫健委"], ["区卫健委"]]
    assert objectives[1].items[0].value == 1500


def test_docx_to_tree_with_merged_lead():
    (rows,) = table_rows(_docx(SMALL, merge=((1, 2), (2, 2))), "tasks.docx")
    objectives = plan_from_task_table(rows, year=2026).pillars[0].objectives
    assert [o.assignment.lead_units for o in objectives] == [["区卫健委"], ["区卫健委"]]
    assert [o.assignment.deadline for o in objectives] == ["2026-08-31", "2026-11-30"]
