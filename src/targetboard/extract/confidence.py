"""Confidence of an extracted item (0–1): a base per rule minus penalties, read from `rules/confidence.toml`.

The numbers are data so they can be recalibrated without touching the rules; `bench/extraction_accuracy.py`
prints precision and share per confidence band on a gold corpus.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources


@dataclass(frozen=True)
class ConfidenceTable:
    base: dict[str, float]
    penalty: dict[str, float]
    long_metric_chars: int


@cache
def confidence_table() -> ConfidenceTable:
    raw = resources.files("targetboard.extract").joinpath("rules/confidence.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    return ConfidenceTable(
        base={str(k): float(v) for k, v in data["base"].items()},
        penalty={str(k): float(v) for k, v in data["penalty"].items()},
        long_metric_chars=int(data["limits"]["long_metric_chars"]),
    )


def _clip(x: float) -> float:
    return round(min(1.0, max(0.0, x)), 3)


def _metric_penalty(t: ConfidenceTable, metric: str | None) -> float:
    if not metric:
        return 0.0
    p = 0.0
    if len(metric) > t.long_metric_chars:
        p += t.penalty["long_metric"]
    if _DIGIT.search(metric) and not metric.startswith(("PM", "5G", "4G")):
        p += t.penalty["metric_with_digit"]
    if "、" in metric:
        p += t.penalty["list_metric"]
    return p


_DIGIT = re.compile(r"\d")
_BARE = frozenset({"万", "亿", "万亿", "兆", "千万", "百万"})


def quantity_confidence(
    how: str, decided: str, metric: str | None, unit: str | None, *, chinese: bool, gap: bool, garbled: bool,
    section_known: bool,
) -> float:
    """Confidence of a target or outcome read from prose.

    `how` says where the metric came from (own, carried, coordinated, ...); `decided` what decided the kind
    ('cue', 'section' or 'genre').
    """
    return quantity_confidence_flags(how, decided, metric, unit, chinese, gap, garbled, section_known)


@lru_cache(maxsize=8192)
def quantity_confidence_flags(
    how: str, decided: str, metric: str | None, unit: str | None, chinese: bool, gap: bool, garbled: bool,
    section_known: bool, /,
) -> float:
    """`quantity_confidence` with the flags positional, for the clause reader's call on every figure.

    A memoised call with keyword arguments builds a longer cache key and costs about twice as much.
    """
    t = confidence_table()
    rule = "quantity" if how == "own" else f"quantity.{how}"
    c = t.base.get(rule, t.base["quantity"])
    if decided == "section":
        c -= t.penalty["kind_by_section"]
    elif decided == "genre" and not section_known:
        c -= t.penalty["kind_by_genre"]
    if unit is None or unit in _BARE:
        c -= t.penalty["no_unit"]
    if chinese:
        c -= t.penalty["chinese_numeral"]
    if gap:
        c -= t.penalty["gap"]
    if garbled:
        c -= t.penalty["garbled"]
    c -= _metric_penalty(t, metric)
    return _clip(c)


@lru_cache(maxsize=4096)
def ranking_confidence(rule: str, *, carried: bool, metric: str | None, garbled: bool) -> float:
    t = confidence_table()
    c = t.base.get(rule, t.base["ranking"])
    if carried:
        c = min(c, t.base["ranking.carried"])
    if garbled:
        c -= t.penalty["garbled"]
    c -= _metric_penalty(t, metric)
    return _clip(c)


@lru_cache(maxsize=4096)
def table_confidence(metric: str | None, unit: str | None, *, garbled: bool) -> float:
    t = confidence_table()
    c = t.base["table"]
    if garbled:
        c -= t.penalty["garbled"]
    c -= _metric_penalty(t, metric)
    return _clip(c)


def task_confidence() -> float:
    """Tasks are clause runs with a commitment verb and no number; they are not scored."""
    return confidence_table().base["task"]
