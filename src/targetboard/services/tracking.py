"""Tracking: each target's status and forecast, peer rankings (also of the year-end forecasts).

Status is computed live from the observations (nothing cached), so a corrected figure shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from targetboard.analytics import STATUS_ZH, Thresholds, load_thresholds
from targetboard.analytics.status import TargetStatus
from targetboard.catalog import load_catalog
from targetboard.errors import Invalid, NotFound, Where
from targetboard.ingest.periods import parse_period_text
from targetboard.model.period import Period
from targetboard.store import Database
from targetboard.store.regions import find_region
from targetboard.store.tracking import forecast_year_end_rank, ranking, status_rows


def parse_period(text: str) -> Period:
    """A period as people write it: 2022M06, 2022-06, 2022年1-6月, 2022年6月, 2022H1, 2022."""
    return parse_period_text(text.strip()).period


def thresholds_from(path: str | None) -> Thresholds:
    """The packaged thresholds, overlaid with a user's TOML file (keys as in analytics/thresholds.toml)."""
    try:
        return load_thresholds(path)
    except OSError as e:
        raise Invalid(f"阈值文件无法读取：{e.strerror or e}", f"cannot read the thresholds file: {e.strerror or e}",
                      where=Where(file=path)) from None
    except ValueError as e:
        raise Invalid(f"阈值文件有误：{e}", f"the thresholds file is wrong: {e}", where=Where(file=path)) from None


@dataclass(frozen=True)
class StatusView:
    target_id: int
    plan_id: int
    item_id: int
    region_name: str
    item_text: str | None
    metric: str
    comparator: str
    value: float
    unit: str | None
    status: TargetStatus | None  # None: the metric is not in the catalog (not tracked)

    @property
    def label(self) -> str:
        return STATUS_ZH.get(self.status.status, self.status.status) if self.status else "未跟踪"


def target_statuses(db: Database, *, region: str | None = None, year: int | None = None, as_of: str | None = None,
                    thresholds: Thresholds | None = None) -> list[StatusView]:
    """Every stored target (of a region and plan year) with its live status, in plan order."""
    code = parse_period(as_of).code if as_of else None
    with db.read() as s:
        reg = find_region(s, region) if region else None
        rows = status_rows(s, region=reg, year=year, as_of=code, thresholds=thresholds)
        return [StatusView(r.target_id, r.plan_id, r.item_id, r.region_name, r.item_text, r.metric, r.comparator,
                           r.value, r.unit, r.status) for r in rows]


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    region_code: str
    region_name: str
    value: float | None
    is_self: bool


@dataclass(frozen=True)
class RankingView:
    indicator_id: str
    indicator_name: str
    unit: str  # of the ranked value: the catalog unit, or % for growth
    period: str
    by: str
    forecast: bool
    rows: list[RankRow]

    @property
    def with_data(self) -> int:
        return sum(1 for r in self.rows if r.value is not None)


def rank_indicator(db: Database, indicator: str, *, region: str, period: str, by: str = "level",
                   forecast: bool = False) -> RankingView:
    """`region` among its peers for `indicator` in `period` (or, with `forecast`, at year end)."""
    if by not in ("level", "growth"):
        raise Invalid(f"排序依据 {by!r} 无效，应为 level 或 growth", f"by {by!r}: expected level or growth")
    catalog = load_catalog()
    ind = catalog.get(indicator) if indicator in catalog else catalog.match(indicator)
    if ind is None:
        raise NotFound(f"指标 {indicator!r} 不在指标目录中", f"indicator {indicator!r}: not in the catalog",
                       hint="see `targetboard indicators`")
    p = parse_period(period)
    with db.read() as s:
        me = find_region(s, region)
        if forecast:
            _, r = forecast_year_end_rank(s, ind.id, me.code, p.year, as_of=p.code)
            unit = ind.unit
        else:
            r = ranking(s, ind.id, me.code, p.code, by=by)
            unit = "%" if by == "growth" else ind.unit
        rows = [RankRow(x.rank, x.region_code, x.region_name, x.value, x.region_code == me.code) for x in r.rows]
        return RankingView(ind.id, ind.name, unit, p.code, by, forecast, rows)
