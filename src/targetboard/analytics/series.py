"""One region's observations of one indicator, indexed by calendar position, built once per series.

Why this module exists: ``evaluate_many`` checks tens of thousands of targets against millions of
observations, and every target needs only a handful of cells (this year's latest month, the same month
and the full year of earlier years). Indexing a (region, indicator) series once into
``year -> {position: observation}`` turns each of those into a dict look-up, and parsing each distinct
period code once (memoised) keeps the build a single cheap pass over the records.

A *position* is ``(last_month, months_covered)``:

- a year-to-date figure (``2022M06`` with ``ytd=True``, ``2022H1`` ytd, ``2022Q1``, ``2022M01``) covers
  January to its last month, so ``(6, 6)``; the annual figure ``2022`` and ``2022M12`` ytd both sit at
  :data:`FULL_YEAR` ``(12, 12)``, so "the full year" is one look-up whichever way it was reported;
- a figure for the period alone (``2022M06`` with ``ytd=False``, ``2022Q3``) is ``(6, 1)``, ``(9, 3)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Protocol

from targetboard.model.observation import ObservationRecord
from targetboard.model.period import Period, PeriodError

__all__ = [
    "FULL_YEAR",
    "Cut",
    "ObservationLike",
    "Position",
    "Series",
    "build_series",
    "cut_of",
    "is_ytd",
    "locate",
]


class ObservationLike(Protocol):
    """What analytics read from an observation: an :class:`ObservationRecord`, or any row object with
    these attributes (a SQLAlchemy row, say), so that a store need not build millions of dataclasses
    just to hand them over."""

    @property
    def region_code(self) -> str: ...
    @property
    def indicator_id(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def ytd(self) -> bool: ...
    @property
    def value(self) -> float | None: ...
    @property
    def growth(self) -> float | None: ...


Position = tuple[int, int]
"""(last calendar month, number of months covered)."""

Cut = tuple[int, int]
"""(year, last month): observations whose period ends after it are ignored (the ``as_of`` cut-off)."""

FULL_YEAR: Final[Position] = (12, 12)

_Located = tuple[int, Position, bool]  # (year, position, is an annual period code)
_YTD: dict[str, _Located | None] = {}
_ALONE: dict[str, _Located | None] = {}
_MEMO_LIMIT: Final = 100_000
_EMPTY: Final[Mapping[Position, ObservationLike]] = {}


def is_ytd(position: Position) -> bool:
    """Whether a position covers the year from January (a year-to-date or full-year figure)."""
    return position[0] == position[1]


def _locate(code: str, ytd: bool) -> _Located | None:
    try:
        p = Period.parse(code)
    except PeriodError:
        return None
    last = p.last_month
    covered = last if ytd or p.first_month == 1 else last - p.first_month + 1
    return (p.year, (last, covered), p.kind == "Y")


def locate(code: str, ytd: bool) -> _Located | None:
    """(year, position, annual) of a period code, or None for a code that is not a period (``2021-2025``).

    Memoised per (code, ytd): a store holds a few hundred distinct codes but millions of rows.
    """
    table = _YTD if ytd else _ALONE
    try:
        return table[code]
    except KeyError:
        pass
    found = _locate(code, ytd)
    if len(table) < _MEMO_LIMIT:
        table[code] = found
    return found


def cut_of(as_of: str | None) -> Cut | None:
    """The cut-off for an ``as_of`` period code: ``2022M06`` -> (2022, 6), ``2022Q3`` -> (2022, 9)."""
    if as_of is None:
        return None
    p = Period.parse(as_of)
    return (p.year, p.last_month)


class Series:
    """Observations of one region and indicator: ``year -> {position: observation}``.

    Built by :func:`build_series`; read-only afterwards, so one series can serve every target on it.
    """

    __slots__ = ("_years",)

    def __init__(self, years: dict[int, dict[Position, ObservationLike]]) -> None:
        """Wrap an index built by :func:`build_series`."""
        self._years = years

    def __len__(self) -> int:
        """Number of cells (observations after merging duplicates of one position)."""
        return sum(len(cells) for cells in self._years.values())

    def cells(self, year: int, cut: Cut | None = None) -> Mapping[Position, ObservationLike]:
        """The observations of ``year`` whose period does not end after ``cut``."""
        cells = self._years.get(year)
        if cells is None or cut is None or cut[0] > year:
            return cells if cells is not None else _EMPTY
        if cut[0] < year:
            return _EMPTY
        month = cut[1]
        return {pos: rec for pos, rec in cells.items() if pos[0] <= month}

    def earlier_years(self, year: int) -> list[int]:
        """Years before ``year`` that have observations, most recent first."""
        return sorted((y for y in self._years if y < year), reverse=True)


def _merge(old: ObservationLike, new: ObservationLike, new_annual: bool) -> ObservationLike:
    """Two observations at one position (the annual figure and ``M12`` ytd): the annual one first, gaps
    filled from the other, so the result does not depend on the order the store returned them in."""
    old_located = locate(old.period, old.ytd)
    old_annual = old_located is not None and old_located[2]
    if new_annual and not old_annual:
        first, second = new, old
    elif old_annual and not new_annual:
        first, second = old, new
    else:  # same standing: keep the smaller period code, for determinism
        first, second = (old, new) if _order(old) <= _order(new) else (new, old)
    value = first.value if first.value is not None else second.value
    growth = first.growth if first.growth is not None else second.growth
    if value is first.value and growth is first.growth:
        return first
    return ObservationRecord(
        first.region_code, first.indicator_id, first.period, first.ytd, value, growth, getattr(first, "source", "")
    )


def _order(rec: ObservationLike) -> tuple[str, str]:
    return (rec.period, str(getattr(rec, "source", "")))


def build_series(records: Iterable[ObservationLike]) -> Series:
    """Index the observations of one region and indicator (the caller has grouped them).

    Records with neither value nor growth, and records whose period is not a calendar period, are
    skipped. The loop is deliberately plain: it runs once per observation in the store.
    """
    years: dict[int, dict[Position, ObservationLike]] = {}
    ytd_memo = _YTD
    alone_memo = _ALONE
    for rec in records:
        found = (ytd_memo if rec.ytd else alone_memo).get(rec.period)
        if found is None:
            found = locate(rec.period, rec.ytd)
            if found is None:
                continue
        year, pos, annual = found
        cells = years.get(year)
        if cells is None:
            years[year] = {pos: rec}
            continue
        old = cells.get(pos)
        cells[pos] = rec if old is None else _merge(old, rec, annual)
    return Series(years)
