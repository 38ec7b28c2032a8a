"""Units with magnitudes: 亿元 = 1e8 元, 万人 = 1e4 人, 万亿斤 = 1e12 斤.

Plans and sheets state amounts in whatever magnitude reads well (580亿元, 5,802,000万元); the catalog
fixes one unit per indicator, and everything stored or compared is converted to it here.
"""

from __future__ import annotations

import unicodedata

MAGNITUDES: tuple[tuple[str, float], ...] = (
    ("万亿", 1e12), ("兆", 1e12), ("千亿", 1e11), ("百亿", 1e10), ("亿", 1e8), ("千万", 1e7), ("百万", 1e6),
    ("十万", 1e5), ("万", 1e4), ("千", 1e3), ("百", 1e2),
)
#: Units whose first character looks like a magnitude but is part of the unit itself.
_WHOLE = frozenset({"千克", "千米", "千瓦", "千瓦时", "千伏安", "百分点", "个百分点"})
PERCENT_UNITS = frozenset({"%", "‰", "个百分点", "百分点"})


def split_unit(unit: str | None) -> tuple[str, float]:
    """``万亿斤`` -> (``斤``, 1e12); ``%`` -> (``%``, 1); None -> ("", 1)."""
    if not unit:
        return "", 1.0
    u = unicodedata.normalize("NFKC", unit).strip()
    if u in PERCENT_UNITS or u in _WHOLE:
        return u, 1.0
    mult = 1.0
    changed = True
    while changed and u and u not in _WHOLE:
        changed = False
        for prefix, m in MAGNITUDES:
            if u.startswith(prefix) and u != prefix + "分点":
                u, mult, changed = u[len(prefix) :], mult * m, True
                break
    return u, mult


def convert(value: float | None, from_unit: str | None, to_unit: str | None) -> float | None:
    """`value` in `from_unit` expressed in `to_unit`; None when the base units differ (元 vs 吨).

    A missing or bare-magnitude unit (``万``) takes the target's base unit.
    """
    if value is None:
        return None
    fb, fm = split_unit(from_unit)
    tb, tm = split_unit(to_unit)
    if fb and tb and fb != tb:
        return None
    return value * fm / tm


def compatible(from_unit: str | None, to_unit: str | None) -> bool:
    """Can a value in `from_unit` be converted to `to_unit`?"""
    return convert(1.0, from_unit, to_unit) is not None
