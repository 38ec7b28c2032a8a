"""Resolve what a sheet names (regions, indicators) to codes and catalog entries.

Why here and not in the parsers: both input shapes need the same rules, and a bureau row name
carries decoration that the catalog matcher must not see: ordinals (``一、``, ``（二）``), ``其中：``,
markers (``#``, ``△``) and a unit in parentheses at the end (``工业应税销售(亿元)``). Regions are looked
up in the caller's mapping (names normalised the same way on both sides), or by their code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from targetboard.catalog.indicators import Catalog, Indicator
from targetboard.ingest.names import fold
from targetboard.ingest.units import is_unit, parse_unit

__all__ = ["IndicatorMatch", "Lookup"]

_ORDINALS = r"(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)[、.]?|\d{1,2}[、.](?!\d)|[①-⑳])"
_LEAD_RE = re.compile(rf"^(?:{_ORDINALS}|其中[:,]?|内:|#|△|▲|☆|★|\*|·|・|—|-(?!\d))+")
_TRAILING_UNIT_RE = re.compile(r"^(?P<name>.+?)\((?P<unit>[^()]+)\)$")


@dataclass(frozen=True, slots=True)
class IndicatorMatch:
    """A catalog indicator found for a row name, and the unit the name carried, if any."""

    indicator: Indicator
    unit: str | None  # from 工业应税销售(亿元)
    growth_only: bool  # the name asks for a growth rate: 规模以上工业增加值增速


class Lookup:
    """Regions (from the caller's mapping) and indicators (from the catalog), for one import."""

    def __init__(self, regions: Mapping[str, str], catalog: Catalog, growth_suffixes: tuple[str, ...]) -> None:
        self.catalog = catalog
        self._regions: dict[str, str] = {fold(k): v for k, v in regions.items() if fold(k)}
        self._codes = set(self._regions.values())
        # Longest first, so 扬中市 is preferred over 扬中 when a title names a region.
        self._names_longest_first = sorted(self._regions, key=len, reverse=True)
        self._growth_suffixes = growth_suffixes
        self._indicators: dict[str, IndicatorMatch | None] = {}  # memo: a sheet repeats the same names
        self._names: list[tuple[str, Indicator]] | None = None  # folded names and synonyms, longest first
        self.unit_bases = frozenset(parse_unit(ind.unit).base for ind in catalog) | frozenset(
            part for ind in catalog for part in parse_unit(ind.unit).base.split("/")
        )

    # --- regions -------------------------------------------------------------------------------------

    def region(self, text: str) -> str | None:
        """The code of a region name (or of a code the mapping holds), else None."""
        key = fold(text)
        if key in self._regions:
            return self._regions[key]
        return key if key in self._codes else None

    def region_in_text(self, text: str) -> tuple[str, str] | None:
        """The region a title names, as (code, name): of the known names it contains, the one ending last.

        ``江苏省镇江市扬中市2022年...`` names three regions; the last is the most specific. Among names
        ending at the same place the longest wins (扬中市 over 中市).
        """
        key = fold(text)
        best: tuple[int, int, str] | None = None
        for name in self._names_longest_first:
            pos = key.rfind(name)
            if pos >= 0 and (best is None or (pos + len(name), len(name)) > best[:2]):
                best = (pos + len(name), len(name), name)
        return (self._regions[best[2]], best[2]) if best else None

    def some_region_names(self, limit: int = 8) -> str:
        """A few accepted names, for messages."""
        names = sorted(self._regions, key=lambda n: (-len(n), n))[:limit]
        more = "" if len(self._regions) <= limit else ", ..."
        return ", ".join(names) + more if names else "(none: the caller gave no regions)"

    # --- indicators ----------------------------------------------------------------------------------

    def clean_name(self, text: str) -> str:
        """A row name without ordinals, 其中, markers and spaces (the trailing unit stays)."""
        return _LEAD_RE.sub("", fold(text))

    def indicator_in_text(self, text: str) -> IndicatorMatch | None:
        """The indicator a title names (``2022年1-6月各辖市区工业应税销售完成情况``): the longest catalog name
        or synonym it contains, or None. For sheets whose header only says 本月 / 累计 / 增长."""
        if self._names is None:
            pairs = [(fold(n), ind) for ind in self.catalog for n in (ind.name, *ind.synonyms)]
            self._names = sorted((p for p in pairs if len(p[0]) >= 2), key=lambda p: -len(p[0]))
        key = fold(text)
        found = next((ind for name, ind in self._names if name in key), None)
        return IndicatorMatch(found, None, False) if found is not None else None

    def indicator(self, text: str) -> IndicatorMatch | None:
        """The catalog indicator a cell names: a catalog id, a name or synonym, with or without a unit."""
        try:
            return self._indicators[text]
        except KeyError:
            pass
        found = self._indicators[text] = self._indicator(text)
        return found

    def _indicator(self, text: str) -> IndicatorMatch | None:
        raw = text.strip()
        if raw in self.catalog:
            return IndicatorMatch(self.catalog.get(raw), None, False)
        name = self.clean_name(raw)
        unit: str | None = None
        if m := _TRAILING_UNIT_RE.match(name):
            if is_unit(m.group("unit"), self.unit_bases):
                name, unit = m.group("name"), m.group("unit")
        found = self.catalog.match(name)
        if found is None:
            return None
        folded = fold(name)
        growth = found.unit != "%" and any(
            folded.endswith(sfx) and self.catalog.match(name[: -len(sfx)]) is found for sfx in self._growth_suffixes
        )
        return IndicatorMatch(found, unit, growth)
