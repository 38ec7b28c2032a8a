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
