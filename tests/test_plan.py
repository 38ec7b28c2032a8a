"""The plan tree: the seed must come out exactly as ../shared/corpus/dev/seed.plan.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from targetboard.extract.plan import extract_plan

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"


@pytest.fixture(scope="module")
def seed() -> tuple[str, dict]:
    text = (DEV / "seed.txt").read_text(encoding="utf-8")
    gold = json.loads((DEV / "seed.plan.json").read_text(encoding="utf-8"))
    return text, gold


def test_seed_titles_match_gold(seed):
    text, gold = seed
    tree = extract_plan(text)
    titled = [p for p in tree.pillars if p.title is not None]
    assert [p.title for p in titled] == [g["title"] for g in gold["pillars"]]
    for mine, g in zip(titled, gold["pillars"], strict=True):
        assert [o.title for o in mine.objectives if o.title is not None] == [o["title"] for o in g["objectives"]]
        assert all(o.title is not None for o in mine.objectives), "no untitled objective inside a seed pillar"


def test_seed_items_cover_exactly_the_objective_sentences(seed):
    text, gold = seed
    tree = extract_plan(text)
    titled = [p for p in tree.pillars if p.title is not None]
    for mine, g in zip(titled, gold["pillars"], strict=True):
        for obj, gobj in zip(mine.objectives, g["objectives"], strict=True):
            spans = []
            for sentence in gobj["sentences"]:
                start = text.index(sentence)
                spans.append((start, start + len(sentence)))
            for start, end in spans:  # every sentence covered ...
                assert any(start <= it.start and it.end <= end for it in obj.items), text[start:end]
            for it in obj.items:  # ... and nothing else under this objective
                assert any(start <= it.start and it.end <= end for start, end in spans), it.text
                assert text[it.start : it.end] == it.text


def test_seed_targets_sit_under_their_objective(seed):
    text, _ = seed
    tree = extract_plan(text)
    first = next(p for p in tree.pillars if p.title)
    targets = [it for it in first.objectives[0].items if it.kind == "target"]
    assert [(t.metric, t.value, t.unit, t.comparator) for t in targets] == [
        ("工业应税销售", 1200, "亿元", ">"),
        ("一般公共预算收入", 40, "亿元", ">"),
        ("百亿级企业", 3, "家", ">="),
    ]


def test_plan_json_shape(seed):
    text, _ = seed
    d = extract_plan(text).to_dict("seed.txt")
    assert d["document"] == "seed.txt"
    assert d["pillars"][0]["title"] is None  # the preamble
    obj = d["pillars"][1]["objectives"][0]
    assert obj["title"] == "總量拼出新位次。"
    assert {"title", "start", "end", "items"} <= set(obj)
    assert text[obj["start"] : obj["start"] + len(obj["title"])] == obj["title"]


def test_numbered_headings_make_pillars_and_objectives():
    text = (
        "一、过去一年的工作\n全年地区生产总值增长6%。\n"
        "二、今年的主要任务\n(一)扩大有效投资。加快推进重大项目建设,力争固定资产投资增长8%。\n"
        "(二)优化营商环境。深化放管服改革。\n"
    )
    tree = extract_plan(text)
    titled = [p for p in tree.pillars if p.title]
    assert [p.title for p in titled] == ["一、过去一年的工作", "二、今年的主要任务"]
    assert [o.title for o in titled[1].objectives] == ["(一)扩大有效投资。", "(二)优化营商环境。"]
    kinds = [it.kind for it in titled[1].objectives[0].items]
    assert "target" in kinds and "task" in kinds


# --- layouts other than the seed's (documents written for these tests) --------------------------

CHAPTER_PLAN = """第一章 发展基础
“十四五”时期，全县经济总量稳步扩大。
第一节 主要目标
到2030年，地区生产总值达到800亿元。城镇调查失业率控制在5.5%以内。
第二节 重点任务
加快建设现代产业体系。
第二章 保障措施
第一节 组织保障
健全推进机制，强化督查考核。
"""

ORDINAL_PLAN = """为做好今年工作，提出如下安排。
第一，稳住工业基本盘。力争规上工业增加值增长7%。
第二，扩大有效投资。固定资产投资增长6%左右，推进重大项目建设。
第三，兜牢民生底线。新增城镇就业5000人以上。
"""

SHI_PLAN = """今年主要抓好以下工作。
一是抓产业。力争工业应税销售突破300亿元。
二是抓项目。新开工亿元以上项目40个。
三是抓民生。完成老旧小区改造12个。
"""

ARABIC_PLAN = """一、经济发展
1. 地区生产总值增长6%左右。
2. 一般公共预算收入增长5%。
二、社会事业
1. 新建中小学3所。
2. 推进医共体建设。
"""

PAREN_ARABIC_PLAN = """今年目标任务如下。
（1）粮食播种面积稳定在80万亩以上。
（2）农村居民人均可支配收入增长7%。
（3）建设高标准农田5万亩。
"""


def _titles(tree):
    return [
        (p.title, [o.title for o in p.objectives if o.title is not None]) for p in tree.pillars if p.title is not None
    ]


def test_chapter_and_section_outline():
    tree = extract_plan(CHAPTER_PLAN, year=2026, context="plan")
    assert _titles(tree) == [
        ("第一章 发展基础", ["第一节 主要目标", "第二节 重点任务"]),
        ("第二章 保障措施", ["第一节 组织保障"]),
    ]
    goals = next(o for p in tree.pillars for o in p.objectives if o.title == "第一节 主要目标")
    found = {(i.metric, i.value) for i in goals.items if i.kind == "target"}
    assert found == {("地区生产总值", 800), ("城镇调查失业率", 5.5)}


@pytest.mark.parametrize("text", [ORDINAL_PLAN, SHI_PLAN, PAREN_ARABIC_PLAN])
def test_single_level_enumerations_become_pillars(text):
    tree = extract_plan(text, year=2026, context="plan")
    titled = [p for p in tree.pillars if p.title is not None]
    assert len(titled) == 3
    for p in titled:
        assert any(i.kind == "target" for o in p.objectives for i in o.items) or "推进" in p.title, p.title


def test_ordinal_titles_are_the_first_sentence():
    titled = [p.title for p in extract_plan(ORDINAL_PLAN, year=2026, context="plan").pillars if p.title]
    assert titled == ["第一,稳住工业基本盘。", "第二,扩大有效投资。", "第三,兜牢民生底线。"] or titled == [
        "第一，稳住工业基本盘。", "第二，扩大有效投资。", "第三，兜牢民生底线。"
    ]


def test_arabic_items_under_numbered_pillars():
    tree = extract_plan(ARABIC_PLAN, year=2026, context="plan")
    assert _titles(tree) == [
        ("一、经济发展", ["1. 地区生产总值增长6%左右。", "2. 一般公共预算收入增长5%。"]),
        ("二、社会事业", ["1. 新建中小学3所。", "2. 推进医共体建设。"]),
    ]


def test_one_stray_number_is_no_outline():
    text = "今年要办好三件事。\n1. 全年新增就业3000人。\n其余工作按计划推进。\n"
    tree = extract_plan(text, year=2026, context="plan")
    assert all(p.title is None for p in tree.pillars)
