"""Item fields added by issue 10: confidence, rule, region, region_code; min_confidence filtering.

Texts are written for these tests.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from targetboard.cli import main
from targetboard.extract import extract, extract_plan, filter_confidence
from targetboard.extract.confidence import confidence_table, quantity_confidence
from targetboard.extract.region import most_specific, name_path, region_code, region_from_path
from targetboard.model.items import SPEC_FIELDS

REPORT = (
    "REGION: 江苏省镇江市扬中市\nYEAR: 2026\n\n各位代表：\n一、2025年工作回顾\n"
    "全年地区生产总值增长6.2%，一般公共预算收入完成41.5亿元。新增城镇就业6200人，总数达到3.1万人。"
    "接待游客520万人次，实现旅游总收入62亿元，分别增长12.3%和15.6%。\n"
    "二、2026年主要目标\n地区生产总值增长6%左右，一般公共预算收入增长5%。\n"
)


def test_every_item_has_confidence_and_rule():
    items = extract(REPORT)
    assert items
    for it in items:
        assert it.rule, it
        assert it.confidence is not None and 0.0 <= it.confidence <= 1.0, it


def test_json_output_keeps_spec_fields_first_then_the_new_ones():
    it = next(i for i in extract(REPORT) if i.kind != "task")
    d = it.to_dict()
    keys = list(d)
    assert keys[: len(SPEC_FIELDS)] == list(SPEC_FIELDS)
    assert {"confidence", "rule"} <= set(keys[len(SPEC_FIELDS) :])
    assert json.loads(json.dumps(d, ensure_ascii=False))["confidence"] == d["confidence"]


def test_carried_subject_is_less_sure_than_a_named_one():
    own = quantity_confidence("own", "cue", "地区生产总值", "%", chinese=False, gap=False, garbled=False,
                              section_known=True)
    carried = quantity_confidence("carried", "cue", "地区生产总值", "%", chinese=False, gap=False, garbled=False,
                                  section_known=True)
    by_genre = quantity_confidence("own", "genre", "地区生产总值", "%", chinese=False, gap=False, garbled=False,
                                   section_known=False)
    listed = quantity_confidence("own", "cue", "甲、乙", "%", chinese=False, gap=False, garbled=False,
                                 section_known=True)
    assert own > carried and own > by_genre and own > listed
    assert listed < 0.9


def test_confidence_table_is_complete():
    t = confidence_table()
    for rule in ("quantity", "quantity.carried", "table", "ranking", "ranking.move", "ranking.top", "task"):
        assert 0 < t.base[rule] <= 1
    assert all(0 <= p < 0.5 for p in t.penalty.values())


def test_min_confidence_filters_in_the_api():
    everything = extract(REPORT)
    sure = extract(REPORT, min_confidence=0.9)
    assert sure and len(sure) < len(everything)
    assert all(i.confidence is not None and i.confidence >= 0.9 for i in sure)
    assert filter_confidence(everything, None) is everything
    assert filter_confidence(everything, 1.01) == []


def test_min_confidence_filters_the_plan_tree():
    tree = extract_plan(REPORT).filtered(0.9)
    assert all(i.confidence is None or i.confidence >= 0.9 for i in tree.items())


def test_cli_min_confidence(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    runner = CliRunner()
    full = runner.invoke(main, ["extract", "--format", "jsonl", str(path)])
    sure = runner.invoke(main, ["extract", "--format", "jsonl", "--min-confidence", "0.9", str(path)])
    assert full.exit_code == 0 and sure.exit_code == 0, sure.output
    rows_full = [json.loads(line) for line in full.output.splitlines()]
    rows_sure = [json.loads(line) for line in sure.output.splitlines()]
    assert 0 < len(rows_sure) < len(rows_full)
    assert all(r["confidence"] >= 0.9 for r in rows_sure)
    bad = runner.invoke(main, ["extract", "--min-confidence", "2", str(path)])
    assert bad.exit_code != 0


def test_region_from_header_with_code():
    scored = [i for i in extract(REPORT) if i.kind != "task"]
    assert {i.region for i in scored} == {"扬中市"}
    assert {i.region_code for i in scored} == {"321182"}


def test_region_named_in_the_clause_and_by_the_caller():
    text = "丹阳市地区生产总值增长5.8%。全市一般公共预算收入增长4%。"
    items = [i for i in extract(text, context="review", year=2026, region="江苏省镇江市") if i.kind != "task"]
    assert [(i.region, i.region_code) for i in items] == [("丹阳市", "321181"), ("镇江市", "321100")]


def test_regions_as_coordinated_subjects():
    text = "甲山镇、乙水镇和丙林镇三个镇分别完成工业开票销售52亿元、47亿元和31亿元。"
    items = [i for i in extract(text, context="review", year=2026) if i.kind != "task"]
    assert [(i.region, i.value) for i in items] == [("甲山镇", 52), ("乙水镇", 47), ("丙林镇", 31)]
    assert {i.rule for i in items} == {"quantity.regions"}


def test_unequal_region_list_gives_no_item():
    text = "甲山镇、乙水镇和丙林镇三个镇分别完成工业开票销售52亿元和47亿元。"
    assert [i for i in extract(text, context="review", year=2026) if i.kind != "task"] == []


def test_region_helpers():
    assert name_path("江苏省镇江市扬中市") == ["江苏省", "镇江市", "扬中市"]
    assert name_path("江苏省苏州市昆山市") == ["江苏省", "苏州市", "昆山市"]  # 州 inside 苏州市 is no unit
    assert most_specific("未知") is None
    assert region_code("鼓楼区", "江苏省南京市鼓楼区") == "320106"
    assert region_code("鼓楼区") is None  # two namesakes in Jiangsu, no parent to tell them apart
    assert region_code("五莲县") is None  # outside the shipped catalog
    assert region_from_path("archive/江苏省/镇江市/扬中市2026年政府工作报告.txt") == "扬中市"
