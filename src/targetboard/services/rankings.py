"""The ranking page's use case: a region among its peers now, and where it is heading by year end.

Why beside `tracking.rank_indicator`: leaders ask two questions at once, "where do we stand" (the latest
period's figures, by level and by growth) and "will we hold the place we promised" (the peers' year-end
forecasts ranked the same way). This module answers both for one indicator, and lists the indicators
that have peer figures so the page offers only choices that give a table.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from targetboard.catalog import load_catalog
from targetboard.errors import Invalid, NotFound, TargetboardError
from targetboard.model.period import Period
from targetboard.services.tracking import RankingView, rank_indicator
from targetboard.store import Database
from targetboard.store.models import Observation
from targetboard.store.regions import find_region, peers


@dataclass(frozen=True)
class RankableIndicator:
    name: str
    unit: str
    latest_period: str  # the latest period with a figure for any peer (a code: 2022M06)


@dataclass(frozen=True)
class RankingPage:
    region_name: str
    indicator_name: str
    period: str
    by: str
    now: RankingView
    forecast: RankingView | None  # None when no year-end forecast can be made (no figures this year)
    forecast_error: str | None = None
    forecast_error_en: str | None = None

    @property
    def rank_now(self) -> int | None:
        return next((r.rank for r in self.now.rows if r.is_self), None)

    @property
    def rank_forecast(self) -> int | None:
        if self.forecast is None:
            return None
        return next((r.rank for r in self.forecast.rows if r.is_self), None)


def rankable_indicators(db: Database, region: str) -> list[RankableIndicator]:
    """Catalog indicators with at least one figure among `region`'s peers, with their latest period."""
    catalog = load_catalog()
    with db.read() as s:
        me = find_region(s, region)
        ids = [r.id for r in peers(s, me)]
        pairs = s.execute(select(Observation.indicator_id, Observation.period_code).distinct()
                          .where(Observation.region_id.in_(ids), Observation.value.is_not(None))).all()
    latest: dict[str, Period] = {}
    for indicator_id, code in pairs:
        p = Period.parse(code)
        if indicator_id not in latest or latest[indicator_id] < p:
            latest[indicator_id] = p
    out = []
    for indicator_id, p in latest.items():
        ind = catalog.find(indicator_id)
        if ind is not None:
            out.append(RankableIndicator(ind.name, ind.unit, p.code))
    return sorted(out, key=lambda r: r.name)


def ranking_page(db: Database, indicator: str, *, region: str, period: str | None = None,
                 by: str = "level") -> RankingPage:
    """`region` among its peers for `indicator`: the ranking of `period` (default: the latest period
    with figures) and the ranking of the year-end forecasts made from the figures up to that period."""
    ind = load_catalog().find(indicator)
    if ind is None:
        raise NotFound(f"指标 {indicator!r} 不在指标目录中", f"indicator {indicator!r}: not in the catalog",
                       hint="see `targetboard indicators`")
    if period is None:
        latest = next((r.latest_period for r in rankable_indicators(db, region) if r.name == ind.name), None)
        if latest is None:
            raise Invalid(f"{region}的同级地区没有“{indicator}”的数据，无法排名",
                          f"no figures of {indicator!r} among {region}'s peers: nothing to rank")
        period = latest
    now = rank_indicator(db, indicator, region=region, period=period, by=by)
    forecast: RankingView | None = None
    error: TargetboardError | None = None
    if by == "level" and Period.parse(now.period).kind != "Y":
        try:
            forecast = rank_indicator(db, indicator, region=region, period=period, forecast=True)
        except TargetboardError as e:
            error = e
    return RankingPage(region, now.indicator_name, now.period, by, now, forecast,
                       error.message("zh") if error else None, error.message("en") if error else None)
