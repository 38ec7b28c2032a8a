"""Tracking: each target's status and forecast, peer rankings (also of the year-end forecasts).

Status is computed live from the observations (nothing cached), so a corrected figure shows at once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from targetboard.analytics import Thresholds, load_thresholds
from targetboard.catalog import load_catalog
from targetboard.errors import Invalid, NotFound, Where
from targetboard.ingest.periods import parse_period_text
from targetboard.model.period import Period
from targetboard.services import status_cache
from targetboard.services.actors import Actor, require_region
from targetboard.services.ledgers import with_ledger_actuals
from targetboard.store import Database
from targetboard.store.regions import find_region
from targetboard.store.snapshots import create_snapshot, digest, get_snapshot, observations_of
from targetboard.store.tracking import (
    HISTORY_YEARS,
    StatusRow,
    forecast_year_end_rank,
    ranking,
    status_rows,
    targets_by_id,
)


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


#: A target with its live status, as the store gives it (plain values; `label` is its status in Chinese).
StatusView = StatusRow


def target_statuses(db: Database, *, region: str | None = None, year: int | None = None, as_of: str | None = None,
                    thresholds: Thresholds | None = None) -> list[StatusView]:
    """Every stored target (of a region and plan year) with its live status, in plan order (computed once
    per change of the data: `status_cache`)."""
    code = parse_period(as_of).code if as_of else None
    rows: list[StatusView] = status_cache.cached(
        db, ("target_statuses", region, year, code, repr(thresholds)),
        lambda: _target_statuses(db, region=region, year=year, code=code, thresholds=thresholds))
    return list(rows)  # a copy: the cached list is shared


def _target_statuses(db: Database, *, region: str | None, year: int | None, code: str | None,
                     thresholds: Thresholds | None) -> list[StatusView]:
    with db.read() as s:
        reg = find_region(s, region) if region else None
        rows = status_rows(s, region=reg, year=year, as_of=code, thresholds=thresholds)
        return with_ledger_actuals(s, rows, as_of=code, thresholds=thresholds)  # count targets fed by a ledger


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
    return status_cache.cached(db, ("rank_indicator", indicator, region, period, by, forecast),
                               lambda: _rank_indicator(db, indicator, region=region, period=period, by=by,
                                                       forecast=forecast), size="item")


def _rank_indicator(db: Database, indicator: str, *, region: str, period: str, by: str,
                    forecast: bool) -> RankingView:
    if by not in ("level", "growth"):
        raise Invalid(f"排序依据 {by!r} 无效，应为 level 或 growth", f"by {by!r}: expected level or growth")
    catalog = load_catalog()
    ind = catalog.find(indicator)
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


STATUS_FIELDS = ("target_id", "status", "latest_period", "latest_value", "latest_growth", "completion", "forecast",
                 "forecast_method", "share", "explanation")


@dataclass(frozen=True)
class SnapshotView:
    id: int
    kind: str
    label: str
    period: str | None
    sha256: str
    created_by: str
    inputs: dict[str, Any]
    results: list[dict[str, Any]]

    @property
    def intact(self) -> bool:
        """Whether inputs and results still hash to the published SHA-256."""
        return digest(self.inputs, self.results) == self.sha256


def freeze_statuses(db: Database, actor: Actor, *, region: str, year: int, as_of: str | None = None,
                    label: str | None = None, thresholds: Thresholds | None = None) -> SnapshotView:
    """Publish the statuses of a region's targets as a snapshot: the targets, the observations of their
    series and the thresholds are copied beside the results, so later corrections cannot change it."""
    actor.require("supervisor")
    code = parse_period(as_of).code if as_of else None
    chosen = thresholds or Thresholds()
    with db.write("snapshots") as s:  # one transaction: results and inputs are read from the same state
        reg = find_region(s, region)
        require_region(actor, reg)
        rows = with_ledger_actuals(s, status_rows(s, region=reg, year=year, as_of=code, thresholds=chosen),
                                   as_of=code, thresholds=chosen)
        tracked = [r for r in rows if r.status is not None]
        targets = [{"target_id": r.target_id, "item_id": r.item_id, "text": r.item_text, "metric": r.metric,
                    "comparator": r.comparator, "value": r.value, "unit": r.unit} for r in rows]
        indicators = {t.indicator_id for t in targets_by_id(s, [r.target_id for r in rows])}
        pairs = {(reg.code, i) for i in indicators if i}
        inputs = {"region": reg.code, "year": year, "as_of": code, "thresholds": asdict(chosen), "targets": targets,
                  "observations": observations_of(s, pairs, year - HISTORY_YEARS, year)}
        results = [{f: getattr(r.status, f) for f in STATUS_FIELDS} for r in tracked]
        title = label or f"{reg.name} {year} 目标完成情况（截至 {code or year}）"
        snap = create_snapshot(s, kind="status", label=title, region_id=reg.id, period=code or str(year),
                               params={"year": year, "as_of": code}, inputs=inputs, results=results,
                               actor=actor.name)
        return _snapshot_view(snap)


def get_snapshot_view(db: Database, snapshot_id: int) -> SnapshotView:
    with db.read() as s:
        return _snapshot_view(get_snapshot(s, snapshot_id))


def _snapshot_view(row: Any) -> SnapshotView:
    return SnapshotView(row.id, row.kind, row.label, row.period, row.sha256, row.created_by, json.loads(row.inputs),
                        json.loads(row.results))
