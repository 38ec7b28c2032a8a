"""Year-end forecasts from a partial year: what the series says the target year will end at.

Why these methods: a county's monthly statistics are year-to-date sums for flows (output, sales,
revenue) and point readings for stocks and rates. A June year-to-date figure is not half of the
year: most flows are back-loaded, and by how much differs by indicator and county. The seasonal share
method learns that from the county's own earlier years; the linear pace is the fallback a supervision
office already uses (序时进度) when there is no history.

Methods (the ``method`` of a :class:`Reading`):

- ``seasonal_share``: flows, level: ytd actual / average share of that month's ytd in the full year,
  over up to three most recent earlier years that have both figures;
- ``linear_pace``: flows, level, no such year: ytd actual * 12 / month;
- ``ytd_growth``: growth of a flow (or a price index) year to date stands for the year's growth;
- ``latest``: the latest reading stands for the year (stocks, rates, counts; and any complete year,
  where the "forecast" is the full-year figure itself).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from targetboard.analytics.series import FULL_YEAR, Cut, ObservationLike, Position, Series, is_ytd

__all__ = [
    "METHODS",
    "Reading",
    "flow_level",
    "growth",
    "latest_level",
    "seasonal_share",
    "year_end_level",
]

SEASONAL_SHARE: Final = "seasonal_share"
LINEAR_PACE: Final = "linear_pace"
YTD_GROWTH: Final = "ytd_growth"
LATEST: Final = "latest"
METHODS: Final = (SEASONAL_SHARE, LINEAR_PACE, YTD_GROWTH, LATEST)
SHARE_YEARS: Final = 3


@dataclass(frozen=True, slots=True)
class Reading:
    """The observation a forecast rests on, the quantity read from it, and the forecast for the year."""

    record: ObservationLike
    position: Position
    actual: float  # the quantity read: a level or a growth rate
    forecast: float  # the same quantity for the full year
    method: str
    complete: bool  # the full-year figure is in: the forecast is the outcome
    share: float | None = None  # seasonal_share: the average ytd share of the full year
    share_years: tuple[int, ...] = ()  # seasonal_share: the earlier years averaged, most recent first
    derived: bool = False  # growth computed from this year's and last year's levels (none was reported)


def seasonal_share(
    series: Series, year: int, month: int, years: int = SHARE_YEARS
) -> tuple[float, tuple[int, ...]] | None:
    """Average of (ytd at ``month`` / full year) over up to ``years`` most recent earlier years.

    Years lacking either figure are skipped rather than ending the search, so one missing bulletin
    does not throw away the history. None when no year qualifies or the average is not positive (a
    flow that changes sign over the year cannot be scaled up from a part of it).
    """
    shares: list[float] = []
    used: list[int] = []
    pos = (month, month)
    for y in series.earlier_years(year):
        cells = series.cells(y)
        part = cells.get(pos)
        full = cells.get(FULL_YEAR)
        if part is None or full is None or part.value is None or not full.value:
            continue
        shares.append(part.value / full.value)
        used.append(y)
        if len(shares) == years:
            break
    if not shares:
        return None
    share = sum(shares) / len(shares)
    if share <= 0:
        return None
    return share, tuple(used)


def flow_level(series: Series, year: int, cut: Cut | None) -> Reading | None:
    """Year-end level of a flow reported year to date, from the latest ytd month of ``year``."""
    cells = series.cells(year, cut)
    full = cells.get(FULL_YEAR)
    if full is not None and full.value is not None:
        return Reading(full, FULL_YEAR, full.value, full.value, LATEST, complete=True)
    best: Position | None = None
    for pos, rec in cells.items():
        if pos[0] == pos[1] and rec.value is not None and (best is None or pos[0] > best[0]):
            best = pos
    if best is None:
        return None
    rec = cells[best]
    actual = rec.value
    assert actual is not None  # chosen for having a value
    month = best[0]
    found = seasonal_share(series, year, month)
    if found is not None:
        share, used = found
        return Reading(rec, best, actual, actual / share, SEASONAL_SHARE, False, share, used)
    return Reading(rec, best, actual, actual * 12 / month, LINEAR_PACE, False)


def latest_level(series: Series, year: int, cut: Cut | None) -> Reading | None:
    """The latest level of ``year`` (a stock, rate or count): at the latest month, the longest coverage.

    At one month a year-to-date figure (a 1-6月 average rate) beats the month alone, and the annual
    figure beats both: each is closer to what the year will be judged on.
    """
    cells = series.cells(year, cut)
    for pos in sorted(cells, reverse=True):
        rec = cells[pos]
        if rec.value is not None:
            return Reading(rec, pos, rec.value, rec.value, LATEST, complete=pos[0] == 12)
    return None


def growth(series: Series, year: int, cut: Cut | None, *, ytd_only: bool, ytd_method: bool) -> Reading | None:
    """The latest year-on-year growth of ``year``: reported, or computed from the levels of this year
    and the same position last year when the bureau gave only levels.

    ``ytd_only`` (flows) considers year-to-date figures only; ``ytd_method`` (flows, price indices)
    names the method ``ytd_growth`` when the reading is year to date.
    """
    cells = series.cells(year, cut)
    last_year: Mapping[Position, ObservationLike] | None = None
    for pos in sorted(cells, reverse=True):
        if ytd_only and not is_ytd(pos):
            continue
        rec = cells[pos]
        g = rec.growth
        derived = False
        if g is None and rec.value is not None:
            if last_year is None:
                last_year = series.cells(year - 1)
            before = last_year.get(pos)
            if before is not None and before.value is not None and before.value > 0:
                g = (rec.value / before.value - 1.0) * 100.0
                derived = True
        if g is None:
            continue
        complete = pos[0] == 12
        method = LATEST if complete or not (ytd_method and is_ytd(pos)) else YTD_GROWTH
        return Reading(rec, pos, g, g, method, complete, derived=derived)
    return None


def year_end_level(series: Series, year: int, *, flow: bool) -> float | None:
    """The full-year level of ``year``, the base a change target (比上年增加) is measured from.

    Flows: the annual or December year-to-date figure. Others: the latest reading ending in December.
    """
    cells = series.cells(year)
    if flow:
        rec = cells.get(FULL_YEAR)
        return rec.value if rec is not None else None
    for pos in sorted(cells, reverse=True):
        if pos[0] != 12:
            break
        value = cells[pos].value
        if value is not None:
            return value
    return None
