"""Which region an item is about: from the text, the document header or the file path.

Order of evidence (first wins):
1. the clause names a region itself: a coordinated list of regions distributing a figure
   (``甲区、乙区和丙区分别实现…``, set by the clause reader) or a known region name at the start
   of the clause (``扬中市地区生产总值…``);
2. the document's region: the ``REGION:`` header (its most specific part: ``江苏省镇江市扬中市`` ->
   ``扬中市``), else the region the caller passes (for example from the file's path);
3. nothing (None).
``全市``/``全县``/``全区`` refer to the document's region, so they need no rule of their own.

Codes are GB/T 2260, from `targetboard.catalog.regions` (read only); a name the catalog does not hold,
or holds more than once with no parent to tell them apart, gets no code.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import PurePath

from targetboard.catalog.regions import region_by_code, regions_by_name

#: One administrative unit in a name path: 江苏省 / 镇江市 / 扬中市 / 新疆维吾尔自治区 / 某某镇.
_UNIT = re.compile(
    r"[\u4e00-\u9fff]{1,10}?(?:自治区|自治州|自治县|特别行政区|省|市|州(?![市区县])|地区|盟|县|区|旗|镇|乡|街道)"
)
#: A name that is a region by its suffix (for coordinated subjects, which need no catalog entry).
REGION_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:省|市|州|县|区|旗|镇|乡|街道|开发区|新区)$")
_UNKNOWN = frozenset({"", "未知", "unknown", "-", "none"})


def name_path(value: str | None) -> list[str]:
    """The units of a region path, broadest first: 江苏省镇江市扬中市 -> [江苏省, 镇江市, 扬中市]."""
    return list(_name_path(value))


@lru_cache(maxsize=1024)
def _name_path(value: str | None) -> tuple[str, ...]:
    if value is None or value.strip().lower() in _UNKNOWN:
        return ()
    v = re.sub(r"\s+", "", value)
    units = tuple(_UNIT.findall(v))
    return units if "".join(units) == v else (v,)


def most_specific(value: str | None) -> str | None:
    path = name_path(value)
    return path[-1] if path else None


_by_name = regions_by_name
_by_code = region_by_code


def region_code(name: str | None, context: str | None = None) -> str | None:
    """GB/T 2260 code of `name` when the catalog resolves it unambiguously.

    `context` is a fuller path (the document's ``REGION:``) used to pick among namesakes by parent.
    """
    if not name:
        return None
    candidates = _by_name().get(name, [])
    if len(candidates) == 1:
        return candidates[0].code
    if len(candidates) > 1 and context:
        parents = set(name_path(context))
        for c in candidates:
            parent = _by_code().get(c.parent_code or "")
            if parent is not None and parent.name in parents:
                return c.code
    return None


@cache
def known_names() -> tuple[str, ...]:
    """Catalog region names, longest first (for matching at the start of a clause)."""
    return tuple(sorted(_by_name(), key=len, reverse=True))


@cache
def _name_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(n) for n in _by_name()}, reverse=True))


@cache
def _first_chars() -> frozenset[str]:
    return frozenset(n[0] for n in _by_name())


#: What `region_at_start` strips before reading the clause's first character.
_CLAUSE_LEAD = " ,。;"


def region_openers(extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The characters a clause can open with (after `_CLAUSE_LEAD`) when `region_at_start` finds a name.

    A caller asking for many clauses of one document tests the first character against this set and
    calls `region_at_start` only on a hit (most clauses open on a metric, not a place).
    """
    return _first_chars() | frozenset("其全今") | frozenset(e[0] for e in extra if e)


def region_at_start(clause: str, extra: tuple[str, ...] = ()) -> str | None:
    """A known region name (catalog, or a unit of the document's region path) opening a clause."""
    s = clause.lstrip(_CLAUSE_LEAD)
    if not s:
        return None
    c = s[0]
    if c not in _first_chars() and c not in "其全今":
        for e in extra:
            if e[:1] == c:
                break
        else:
            return None
    for lead in ("其中", "全年", "今年"):
        s = s.removeprefix(lead)
    for name in extra:
        if len(name) >= 2 and s.startswith(name):
            return name
    names = _by_name()
    for n in _name_lengths():
        if n >= 2 and s[:n] in names:
            return s[:n]
    return None


def region_from_path(path: str | PurePath) -> str | None:
    """The most specific region name in a file path (``docs/江苏省/镇江市/扬中市2022.txt`` -> 扬中市)."""
    best: str | None = None
    for part in PurePath(path).parts:
        stem = PurePath(part).stem
        for unit in _UNIT.findall(stem):
            if unit in _by_name() or REGION_SUFFIX.match(unit):
                best = unit
    return best
