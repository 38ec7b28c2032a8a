"""Match extracted items against golden expectations.

The rules mirror the benchmark scorer (`shared/tools/score_extraction.py`, described in
`extraction-spec.md`, section "Scoring"), re-implemented here so the test suite depends on nothing
outside the repository:

- same kind (target, outcome, ranking; tasks are never scored);
- targets and outcomes: same measure and comparator, and value (and value_high for ranges) times the
  unit's magnitude equal within 1e-6 relative, with the same base unit (a bare magnitude such as
  `万` matches any base unit; `%` and `个百分点` never match each other);
- rankings: same rank;
- metric similarity: after removing spaces and punctuation (reading GDP as 生产总值 and CPI as
  居民消费价格) one metric contains the other, or their character-set Jaccard similarity is >= 0.5.

On top of the scorer, a golden case may pin `modality`, `period`, `peer_group` (and, for rankings,
`measure`) exactly; the string ``"null"`` stands for a null value. An optional `anchor` substring
replaces the scorer's span-overlap test: the predicted span must overlap the anchor's first occurrence.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SCORED_KINDS: tuple[str, ...] = ("target", "outcome", "ranking")
MEASURES: tuple[str, ...] = ("level", "growth", "change")
COMPARATORS: tuple[str, ...] = (">", ">=", "<", "<=", "~", "=", "range")
MODALITIES: tuple[str, ...] = ("strive", "ensure", "expect")
CONTEXTS: tuple[str, ...] = ("plan", "review", "bulletin")

#: Written in a case file to require a null field (TOML has no null).
NULL = "null"
#: Fields a case may pin exactly, in addition to the scorer's checks.
EXACT_FIELDS: tuple[str, ...] = ("modality", "period", "peer_group")
#: Fields read from a predicted item.
ITEM_FIELDS: tuple[str, ...] = (
    "kind",
    "start",
    "end",
    "text",
    "metric",
    "measure",
    "value",
    "value_high",
    "unit",
    "comparator",
    "period",
    "modality",
    "rank",
    "peer_group",
)
#: Keys an expected item may carry.
EXPECT_KEYS: frozenset[str] = frozenset(
    {"kind", "metric", "measure", "value", "value_high", "unit", "comparator", "rank", "anchor", *EXACT_FIELDS}
)
CASE_KEYS: frozenset[str] = frozenset({"id", "rule", "context", "year", "text", "expect"})

MAGNITUDES: tuple[tuple[str, float], ...] = (
    ("万亿", 1e12),
    ("兆", 1e12),
    ("百万", 1e6),
    ("千万", 1e7),
    ("亿", 1e8),
    ("万", 1e4),
    ("千", 1e3),
    ("百", 1e2),
)
PUNCT = re.compile(r"[\s\u3000,，。；;：:、（）()\[\]【】“”\"'‘’《》<>·\-—_|/]+")
SYNONYMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"gdp", re.I), "生产总值"),
    (re.compile(r"cpi", re.I), "居民消费价格"),
)


def base_unit(unit: str | None) -> tuple[str, float]:
    """Split a unit such as 万亿斤 into its base unit and multiplier: ('斤', 1e12)."""
    if not unit:
        return "", 1.0
    u = unicodedata.normalize("NFKC", unit).strip()
    if u in ("%", "％", "百分点", "个百分点", "千分点", "‰"):
        return ("个百分点" if "百分点" in u else u.replace("％", "%")), 1.0
    mult = 1.0
    changed = True
    while changed and u:
        changed = False
        for prefix, m in MAGNITUDES:
            if u.startswith(prefix):
                u, mult, changed = u[len(prefix) :], mult * m, True
                break
    return u, mult  # u == "" for a bare magnitude such as 万


def norm_metric(s: str | None) -> str:
    """Metric text as the scorer compares it: NFKC, no punctuation, GDP/CPI spelled out."""
    s = PUNCT.sub("", unicodedata.normalize("NFKC", s or ""))
    for pattern, name in SYNONYMS:
        s = pattern.sub(name, s)
    return s


def metric_ok(a: str | None, b: str | None) -> bool:
    """Containment either way, or character-set Jaccard similarity >= 0.5."""
    x, y = norm_metric(a), norm_metric(b)
    if not x or not y:
        return False
    if x in y or y in x:
        return True
    sx, sy = set(x), set(y)
    return len(sx & sy) / len(sx | sy) >= 0.5


def close(a: float | None, b: float | None) -> bool:
    """Equal within 1e-6 relative (both None also counts as equal)."""
    if a is None or b is None:
        return a is None and b is None
    fa, fb = float(a), float(b)
    return abs(fa - fb) <= 1e-6 * max(1.0, abs(fa), abs(fb))


def quantity_ok(pred: Mapping[str, Any], exp: Mapping[str, Any]) -> bool:
    """Same base quantity (value x magnitude) and, for ranges, the same upper bound."""
    pu, pm = base_unit(pred.get("unit"))
    eu, em = base_unit(exp.get("unit"))
    if pu != eu and pu and eu:
        return False
    if pred.get("value") is None or exp.get("value") is None:
        return False
    if not close(float(pred["value"]) * pm, float(exp["value"]) * em):
        return False
    if exp.get("comparator") == "range" or pred.get("comparator") == "range":
        ph, eh = pred.get("value_high"), exp.get("value_high")
        if ph is None or eh is None or not close(float(ph) * pm, float(eh) * em):
            return False
    return True


def expected_value(exp: Mapping[str, Any], key: str) -> Any:
    """An expected field with the ``"null"`` sentinel read as None."""
    value = exp.get(key)
    return None if value == NULL else value


def _same(pred_value: Any, exp_value: Any) -> bool:
    if exp_value is None or pred_value is None:
        return exp_value is None and pred_value is None
    return str(pred_value) == str(exp_value)


def anchor_span(text: str, anchor: str) -> tuple[int, int] | None:
    """Span of the first occurrence of `anchor` in `text`, or None."""
    pos = text.find(anchor)
    return None if pos < 0 else (pos, pos + len(anchor))


def item_matches(pred: Mapping[str, Any], exp: Mapping[str, Any], text: str) -> bool:
    """Whether one predicted item satisfies one expected item."""
    if pred.get("kind") != exp.get("kind"):
        return False
    anchor = exp.get("anchor")
    if anchor:
        span = anchor_span(text, anchor)
        start, end = pred.get("start"), pred.get("end")
        if span is None or not isinstance(start, int) or not isinstance(end, int):
            return False
        if not (start < span[1] and span[0] < end):
            return False
    for key in EXACT_FIELDS:
        if key in exp and not _same(pred.get(key), expected_value(exp, key)):
            return False
    if exp["kind"] == "ranking":
        if "measure" in exp and pred.get("measure") != exp["measure"]:
            return False
        return pred.get("rank") == exp.get("rank") and metric_ok(pred.get("metric"), exp.get("metric"))
    return (
        pred.get("measure") == exp.get("measure")
        and pred.get("comparator") == exp.get("comparator")
        and quantity_ok(pred, exp)
        and metric_ok(pred.get("metric"), exp.get("metric"))
    )


def item_to_dict(item: Any) -> dict[str, Any]:
    """The fields of a predicted item (an `Item` dataclass, any object with attributes, or a mapping)."""
    if isinstance(item, Mapping):
        return {k: item.get(k) for k in ITEM_FIELDS}
    return {k: getattr(item, k, None) for k in ITEM_FIELDS}


@dataclass
class MatchResult:
    """A one-to-one assignment of predicted scored items to expected items."""

    pairs: list[tuple[int, int]] = field(default_factory=list)  # (expected index, predicted index)
    missing: list[int] = field(default_factory=list)  # expected indices with no prediction
    extra: list[int] = field(default_factory=list)  # predicted (scored) indices with no expectation

    @property
    def ok(self) -> bool:
        return not self.missing and not self.extra


def match_items(
    expected: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]], text: str
) -> MatchResult:
    """Maximum one-to-one matching (augmenting paths) between expected and scored predicted items.

    Task items and other unscored kinds among `predicted` are ignored.
    """
    scored = [i for i, p in enumerate(predicted) if p.get("kind") in SCORED_KINDS]
    edges: list[list[int]] = [[pi for pi in scored if item_matches(predicted[pi], exp, text)] for exp in expected]
    owner: dict[int, int] = {}  # predicted index -> expected index

    def augment(ei: int, seen: set[int]) -> bool:
        for pi in edges[ei]:
            if pi in seen:
                continue
            seen.add(pi)
            if pi not in owner or augment(owner[pi], seen):
                owner[pi] = ei
                return True
        return False

    for ei in range(len(expected)):
        augment(ei, set())
    matched_expected = {ei: pi for pi, ei in owner.items()}
    return MatchResult(
        pairs=sorted(matched_expected.items()),
        missing=[ei for ei in range(len(expected)) if ei not in matched_expected],
        extra=[pi for pi in scored if pi not in owner],
    )


def span_errors(predicted: Iterable[Mapping[str, Any]], text: str) -> list[str]:
    """Items whose `text` is not exactly `input[start:end]`."""
    errors = []
    for n, p in enumerate(predicted):
        start, end = p.get("start"), p.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= len(text):
            errors.append(f"item {n}: bad span start={start!r} end={end!r} (input length {len(text)})")
        elif p.get("text") != text[start:end]:
            errors.append(f"item {n}: text {p.get('text')!r} != input[{start}:{end}] {text[start:end]!r}")
    return errors


def _show(d: Mapping[str, Any], keys: Iterable[str]) -> str:
    return json.dumps({k: d[k] for k in keys if d.get(k) is not None}, ensure_ascii=False)


def format_report(
    case: Mapping[str, Any],
    expected: Sequence[Mapping[str, Any]],
    predicted: Sequence[Mapping[str, Any]],
    result: MatchResult,
    spans: Sequence[str] = (),
) -> str:
    """A readable diff: what was expected, what was predicted, and what failed to pair up."""
    pred_keys = [k for k in ITEM_FIELDS if k not in ("start", "end")]
    exp_keys = sorted(EXPECT_KEYS, key=(*ITEM_FIELDS, "anchor").index)
    lines = [
        f"case {case.get('id')} — {case.get('rule')}",
        f"  text: {case.get('text')!r}  (context={case.get('context')!r}, year={case.get('year')!r})",
    ]
    for ei in result.missing:
        lines.append(f"  MISSING  expected[{ei}] {_show(expected[ei], exp_keys)}")
    for pi in result.extra:
        p = predicted[pi]
        lines.append(f"  EXTRA    predicted[{pi}] [{p.get('start')}:{p.get('end')}] {_show(p, pred_keys)}")
    lines.extend(f"  SPAN     {s}" for s in spans)
    lines.append("  expected:")
    lines.extend(f"    [{i}] {_show(e, exp_keys)}" for i, e in enumerate(expected))
    if not expected:
        lines.append("    (no scored item)")
    lines.append("  predicted:")
    lines.extend(f"    [{i}] [{p.get('start')}:{p.get('end')}] {_show(p, pred_keys)}" for i, p in enumerate(predicted))
    if not predicted:
        lines.append("    (nothing)")
    paired = ", ".join(f"e{ei}=p{pi}" for ei, pi in result.pairs)
    lines.append(f"  paired: {paired or '(none)'}")
    return "\n".join(lines)


def validate_case(case: Mapping[str, Any]) -> list[str]:
    """Problems with one case's own data (not with the extractor)."""
    problems: list[str] = []
    cid = case.get("id", "?")
    for key in sorted(set(case) - CASE_KEYS):
        problems.append(f"{cid}: unknown key {key!r}")
    for key in ("id", "rule", "text"):
        if not isinstance(case.get(key), str) or not case.get(key, "").strip():
            problems.append(f"{cid}: {key} must be a non-empty string")
    if "context" in case and case["context"] not in CONTEXTS:
        problems.append(f"{cid}: context {case['context']!r} not in {CONTEXTS}")
    if "year" in case and not isinstance(case["year"], int):
        problems.append(f"{cid}: year must be an integer")
    expect = case.get("expect")
    if not isinstance(expect, list):
        problems.append(f"{cid}: expect must be a list (write `expect = []` for no scored item)")
        return problems
    text = case.get("text") or ""
    for n, e in enumerate(expect):
        where = f"{cid}: expect[{n}]"
        for key in sorted(set(e) - EXPECT_KEYS):
            problems.append(f"{where}: unknown key {key!r}")
        kind = e.get("kind")
        if kind not in SCORED_KINDS:
            problems.append(f"{where}: kind {kind!r} not in {SCORED_KINDS}")
        if not isinstance(e.get("metric"), str) or not e["metric"].strip():
            problems.append(f"{where}: metric is required")
        if "measure" in e and e["measure"] not in MEASURES:
            problems.append(f"{where}: measure {e['measure']!r} not in {MEASURES}")
        if "modality" in e and e["modality"] not in (*MODALITIES, NULL):
            problems.append(f"{where}: modality {e['modality']!r} not in {(*MODALITIES, NULL)}")
        if "anchor" in e and e["anchor"] not in text:
            problems.append(f"{where}: anchor {e['anchor']!r} is not in the text")
        if kind == "ranking":
            if not isinstance(e.get("rank"), int):
                problems.append(f"{where}: a ranking needs an integer rank")
            continue
        for key in ("measure", "value", "comparator"):
            if key not in e:
                problems.append(f"{where}: {key} is required for a {kind}")
        if "comparator" in e and e["comparator"] not in COMPARATORS:
            problems.append(f"{where}: comparator {e['comparator']!r} not in {COMPARATORS}")
        if "value" in e and not isinstance(e["value"], int | float):
            problems.append(f"{where}: value must be a number")
        if (e.get("comparator") == "range") != ("value_high" in e):
            problems.append(f"{where}: value_high goes with comparator 'range', and only with it")
        if "rank" in e:
            problems.append(f"{where}: rank is only for rankings")
    return problems
