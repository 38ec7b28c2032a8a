"""Units of measurement: recognise them, and convert values between magnitudes of one base unit.

Why: the bureau writes 工业应税销售 in 万元 in one sheet and 亿元 in the next, population in 人 or
万人; the catalog fixes one unit per indicator so that analytics never see magnitudes. A unit is
read as ``factor x base``: magnitude prefixes (万亿, 亿, 千万, 百万, 万, 千; table in ``headers.toml``)
are stripped repeatedly from the front, so 亿千瓦时 is 1e11 瓦时 and 千瓦时 is 1e3 瓦时, and a compound
unit keeps its slash (万元/人 is 1e4 元/人). Two units convert when their bases are equal; anything
else (元 vs 吨) is a mismatch the caller reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from targetboard.ingest.names import fold
from targetboard.ingest.rules import load_rules

__all__ = ["MeasureUnit", "UnitMismatch", "convert", "is_unit", "parse_unit", "unit_text"]

# "(万元)", "（单位：万元）", "单位:万元" -> "万元"
_WRAPPER_RE = re.compile(r"^[(\[【]?(?:计量)?(?:单位[:]?)?(?P<u>.*?)[)\]】]?$")


class UnitMismatch(ValueError):
    """Two units that do not share a base (元 and 吨), so no factor converts one into the other."""


@dataclass(frozen=True, slots=True)
class MeasureUnit:
    """A unit of measure as ``factor`` times ``base``: 万元 is MeasureUnit("万元", 1e4, "元").

    Not called ``Unit``: in targetboard's domain a Unit is a responsible department (DESIGN.md).
    """

    text: str
    factor: float
    base: str  # "" for a bare magnitude such as 万


@lru_cache(maxsize=4096)
def unit_text(raw: str) -> str:
    """The folded spelling of a unit as written: no spaces, no parentheses, no ``单位：`` label."""
    s = fold(raw)
    m = _WRAPPER_RE.match(s)
    return m.group("u") if m else s


def _simple(text: str) -> tuple[float, str]:
    """Factor and base of a unit without a slash (aliases first, then magnitude prefixes)."""
    rules = load_rules()
    factor = 1.0
    s = text
    while True:
        if s in rules.unit_aliases:
            f, s = rules.unit_aliases[s]
            factor *= f
            continue
        for prefix, magnitude in rules.magnitudes:
            if s.startswith(prefix):
                factor *= magnitude
                s = s[len(prefix) :]
                break
        else:
            return factor, s


@cache
def parse_unit(raw: str) -> MeasureUnit:
    """Read a unit; an unknown word is its own base (it still converts to itself).

    A slash splits numerator and denominator only when neither side holds a digit, so that 1/10万
    (per 100,000 people) stays one opaque unit.
    """
    text = unit_text(raw)
    if "/" in text and not re.search(r"\d", text):
        num, _, den = text.partition("/")
        nf, nb = _simple(num)
        df, db = _simple(den)
        return MeasureUnit(text, nf / df, f"{nb}/{db}")
    factor, base = _simple(text)
    return MeasureUnit(text, factor, base)


@cache
def _known_bases(extra: frozenset[str]) -> frozenset[str]:
    return load_rules().unit_bases | extra


def is_unit(raw: str, extra_bases: frozenset[str] = frozenset()) -> bool:
    """Whether text reads as a unit: its base(s) are known (headers.toml or ``extra_bases``, the catalog's).

    Used to tell ``580.2亿元`` (a number with a unit) from ``12a`` (not a number), and ``工业应税销售(亿元)``
    (a name with a unit) from ``固定资产投资(不含农户)`` (a name with a qualifier).
    """
    text = unit_text(raw)
    if not text:
        return False
    if text in load_rules().index_units:
        return True
    unit = parse_unit(text)
    known = _known_bases(extra_bases)
    return all(part == "" or part in known for part in unit.base.split("/"))


def _round(x: float) -> float:
    """Drop binary noise from a conversion (5802000 万元 -> 580.2 亿元, not 580.2000000000001)."""
    return float(f"{x:.12g}")


def convert(value: float, src: str, dst: str) -> float:
    """``value`` written in ``src`` expressed in ``dst``; raises UnitMismatch when the bases differ.

    A bare magnitude (``1.2万``) has no base of its own and takes the destination's, except for %:
    "5万" of a percentage is never what anyone meant.
    """
    a = parse_unit(src)
    b = parse_unit(dst)
    if a.text == b.text:
        return value
    if a.base != b.base and not (a.base == "" and b.base not in {"%"}):
        raise UnitMismatch(f"unit {a.text} does not convert to {b.text}")
    return _round(value * a.factor / b.factor)
