"""Golden extraction cases: every case in tests/golden/extraction_cases.toml, one test each.

A case lists exactly the scored items (targets, outcomes, rankings) its text must yield; the
extractor's scored items must pair up with them one-to-one under the benchmark's matching rules
(tests/golden/matching.py). Task items are ignored. Every item must satisfy text == input[start:end].
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).parent / "golden"
CASES_PATH = GOLDEN_DIR / "extraction_cases.toml"
MIN_CASES = 150


def _load_matching():
    # Loaded by path so the helper works whatever pytest's import mode and whether tests/ is a package.
    name = "targetboard_golden_matching"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GOLDEN_DIR / "matching.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


matching = _load_matching()


def _load_cases() -> list[dict]:
    with CASES_PATH.open("rb") as fh:
        return tomllib.load(fh).get("case", [])


CASES = _load_cases()


@pytest.fixture(scope="module")
def extract_fn():
    try:
        from targetboard.extract import extract
    except ImportError as exc:  # the extractor is developed in parallel with this suite
        pytest.fail(f"cannot import targetboard.extract.extract: {exc}")
    return extract


@pytest.mark.parametrize("case", CASES, ids=[str(c.get("id")) for c in CASES])
def test_golden_case(case, extract_fn):
    text = case["text"]
    items = extract_fn(text, year=case.get("year"), context=case.get("context"))
    predicted = [matching.item_to_dict(item) for item in items]
    expected = case.get("expect", [])
    result = matching.match_items(expected, predicted, text)
    spans = matching.span_errors(predicted, text)
    assert result.ok and not spans, "\n" + matching.format_report(case, expected, predicted, result, spans)


def test_case_file_size_and_ids():
    assert len(CASES) >= MIN_CASES, f"{len(CASES)} golden cases, want at least {MIN_CASES}"
    counts = Counter(c.get("id") for c in CASES)
    duplicates = sorted(str(i) for i, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate case ids: {duplicates}"
    no_rule = [c.get("id") for c in CASES if not str(c.get("rule") or "").strip()]
    assert not no_rule, f"cases without a rule: {no_rule}"


def test_case_file_schema():
    problems = [p for case in CASES for p in matching.validate_case(case)]
    assert not problems, "\n".join(problems)


def test_matching_helper_follows_the_scorer():
    """Self-check of the matching rules on hand-made items (independent of the extractor)."""
    text = "社会消费品零售总额2345.6亿元，下降3.1%"
    exp = {
        "kind": "outcome",
        "metric": "社会消费品零售总额",
        "measure": "level",
        "value": 2345.6,
        "unit": "亿元",
        "comparator": "=",
    }
    pred = {
        "kind": "outcome",
        "start": 0,
        "end": len(text),
        "text": text,
        "metric": "全市社会消费品零售总额",
        "measure": "level",
        "value": 234560000000,
        "unit": "元",
        "comparator": "=",
    }
    assert matching.item_matches(pred, exp, text)
    assert not matching.item_matches({**pred, "comparator": ">"}, exp, text)
    assert not matching.item_matches({**pred, "unit": "万人"}, exp, text)
    assert matching.item_matches({**pred, "value": 2345.6, "unit": "亿"}, exp, text)  # bare magnitude
    pp = {**exp, "measure": "change", "value": 1.2, "unit": "个百分点"}
    assert not matching.item_matches({**pred, "measure": "change", "value": 1.2, "unit": "%"}, pp, text)
    assert matching.item_matches({**pred, "measure": "change", "value": 1.2, "unit": "百分点"}, pp, text)
    assert matching.metric_ok("GDP", "地区生产总值")
    assert not matching.metric_ok("一般公共预算收入", "工业应税销售")
    ranking = {"kind": "ranking", "metric": "规上工业总产值", "rank": 1, "peer_group": "镇江"}
    assert matching.item_matches(
        {"kind": "ranking", "metric": "规上工业总产值", "rank": 1, "peer_group": "镇江", "start": 0, "end": 1},
        ranking,
        text,
    )
    assert not matching.item_matches(
        {"kind": "ranking", "metric": "规上工业总产值", "rank": 1, "peer_group": "全省", "start": 0, "end": 1},
        ranking,
        text,
    )
    target = {**exp, "kind": "target", "modality": "null"}
    assert matching.item_matches({**pred, "kind": "target", "modality": None}, target, text)
    assert not matching.item_matches({**pred, "kind": "target", "modality": "strive"}, target, text)
    # one-to-one: a single prediction cannot satisfy two identical expectations; tasks are ignored
    task = {"kind": "task", "start": 0, "end": 3, "text": text[:3]}
    result = matching.match_items([exp, exp], [pred, task], text)
    assert result.missing == [1] and result.extra == []
    result = matching.match_items([exp], [pred, pred], text)
    assert result.missing == [] and result.extra == [1]
    # augmenting paths: a greedy first pick must not block a perfect matching
    anchored = {**exp, "anchor": "下降3.1%"}
    head = {**pred, "start": 0, "end": 5, "text": text[:5]}
    assert not matching.item_matches(head, anchored, text)
    assert matching.match_items([exp, anchored], [pred, head], text).ok
