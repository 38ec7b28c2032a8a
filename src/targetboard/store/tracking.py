"""Live tracking: targets' status and forecast, peer rankings and ranking-claim checks.

This module only gathers rows from the store and hands plain records to the pure analytics
(`targetboard.analytics`); nothing is precomputed or cached in tables, so a corrected observation
shows in the next status call.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.analytics import (
    STATUS_ZH,
    ClaimCheck,
    Ranking,
    TargetSpec,
    TargetStatus,
    Thresholds,
    check_claim,
    evaluate_many,
    forecast_rank,
    needs_history,
    rank,
)
from targetboard.catalog import load_catalog
from targetboard.errors import NotFound
from targetboard.ingest.units import UnitMismatch, convert
from targetboard.model.period import Period, PeriodRange, parse_period
from targetboard.store.models import Claim, IndicatorRow, Plan, PlanItem, Region, Target
from targetboard.store.observations import load_series
from targetboard.store.regions import find_region, peers

#: Years of history a forecast may look back on (the seasonal share uses up to three earlier years).
HISTORY_YEARS = 3


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One target with its live status; plain values, so a province's 20,000 rows stay cheap."""

    target_id: int
    plan_id: int
    item_id: int
    region_name: str
    item_text: str | None
    metric: str
    comparator: str
    value: float
    unit: str | None
    status: TargetStatus | None  # None: the target's metric is not in the catalog (nothing to track)

    @property
    def label(self) -> str:
        """The status in Chinese (进度正常, 有风险 ...), or 未跟踪 when the metric is not tracked."""
        return STATUS_ZH.get(self.status.status, self.status.status) if self.status else "未跟踪"


@lru_cache(maxsize=1024)
def _period_year(period: str | None, plan_year: int) -> int:
    """The year a target is for: its own period (a range counts by its end), else the plan's year."""
    if not period:
        return plan_year
    try:
        p = parse_period(period)
    except ValueError:
        return plan_year
    return p.end if isinstance(p, PeriodRange) else p.year


def _in_unit(value: float | None, unit: str | None, catalog_unit: str) -> float | None:
    """A target level in the indicator's catalog unit (1.3万亿斤 -> 13000亿斤); None if it cannot be."""
    if value is None:
        return None
    try:
        return convert(value, unit or catalog_unit, catalog_unit)
    except UnitMismatch:
        return None


def status_rows(
    session: Session,
    *,
    region: Region | None = None,
    year: int | None = None,
    as_of: str | None = None,
    thresholds: Thresholds | None = None,
) -> list[StatusRow]:
    """Every stored target (of a region / plan year) with its live status, in plan order.

    Each status's Chinese explanation is worded when first read (`row.status.explanation`), so a
    province-wide recompute that shows none of them does not pay for 20,000 sentences.
    """
    q = (
        select(Target.id, Target.indicator_id, Target.measure, Target.comparator, Target.value, Target.value_high,
               Target.unit, Target.period, Target.metric, PlanItem.id, PlanItem.text, Plan.id, Plan.year,
               Plan.region_id, Region.code, Region.name)
        .join(PlanItem, PlanItem.id == Target.plan_item_id)
        .join(Plan, Plan.id == PlanItem.plan_id)
        .join(Region, Region.id == Plan.region_id)
        .where(PlanItem.review_state == "accepted")
        .order_by(Plan.id, PlanItem.position)
    )
    # The plans first, as a subquery: filtering on the joined plan let SQLite scan every target of the
    # store (there are no statistics to tell it otherwise) for one county's 200.
    plans = select(Plan.id)
    if region is not None:
        plans = plans.where(Plan.region_id == region.id)
    if year is not None:
        plans = plans.where(Plan.year == year)
    if region is not None or year is not None:
        q = q.where(PlanItem.plan_id.in_(plans.scalar_subquery()))
    conn = session.connection()
    # Plain tuples, not ORM objects: the loop below reads five fields per target.
    indicators: dict[str, tuple[str, str, str, str, bool]] = {
        iid: (iid, name, unit, kind, hib) for iid, name, unit, kind, hib in conn.execute(
            select(IndicatorRow.id, IndicatorRow.name, IndicatorRow.unit, IndicatorRow.kind,
                   IndicatorRow.higher_is_better))
    }
    gc_was_enabled = gc.isenabled()
    gc.disable()  # many small objects: the collector would rescan them again and again
    try:
        rows = conn.execute(q).all()
        specs: list[TargetSpec] = []
        region_ids: set[int] = set()
        wanted: set[tuple[int, str]] = set()
        history: set[tuple[int, str]] = set()
        for (tid, iid, measure, comparator, value, high, unit, period, _metric, _item, _text, _plan, plan_year,
             region_id, code, _name) in rows:
            ind = indicators.get(iid or "")
            if ind is None or measure not in ("level", "growth", "change"):
                continue
            ind_id, ind_name, ind_unit, kind, higher_is_better = ind
            level: float | None = value
            if measure == "level":
                level, high = _in_unit(value, unit, ind_unit), _in_unit(high, unit, ind_unit)
            if level is None:
                continue
            spec = TargetSpec(
                target_id=str(tid), region_code=code, indicator_id=ind_id, indicator_name=ind_name, unit=ind_unit,
                kind=kind, measure=measure, comparator=comparator, value=level, value_high=high,
                year=_period_year(period, plan_year), higher_is_better=higher_is_better,
            )
            specs.append(spec)
            region_ids.add(region_id)
            wanted.add((region_id, ind_id))
            if needs_history(spec):
                history.add((region_id, ind_id))
        statuses: dict[str, TargetStatus] = {}
        if specs:
            first = min(sp.year for sp in specs) - HISTORY_YEARS
            last = max(sp.year for sp in specs)
            series = load_series(session, region_ids, {sp.indicator_id for sp in specs}, first_year=first,
                                 last_year=last, as_of=as_of, series=wanted,
                                 history=history if _one_year(specs) else None)
            evaluated = evaluate_many(specs, series, as_of=as_of, thresholds=thresholds or Thresholds())
            statuses = {st.target_id: st for st in evaluated}
        return [
            StatusRow(tid, plan_id, item_id, name, text, metric, comparator, value, unit, statuses.get(str(tid)))
            for (tid, _iid, _m, comparator, value, _h, unit, _p, metric, item_id, text, plan_id, _y, _r, _c, name)
            in rows
        ]
    finally:
        if gc_was_enabled:
            gc.enable()


def _one_year(specs: Sequence[TargetSpec]) -> bool:
    """Whether every target is for one year: `load_series` narrows its read to one target year."""
    return len({sp.year for sp in specs}) == 1


def _indicator(session: Session, ref: str) -> IndicatorRow:
    ind = session.get(IndicatorRow, ref)
    if ind is None:
        found = load_catalog().match(ref)
        ind = session.get(IndicatorRow, found.id) if found else None
    if ind is None:
        raise NotFound(f"指标 {ref!r} 不在指标目录中", f"indicator {ref!r}: not in the catalog",
                       hint="see `targetboard indicators`")
    return ind


def ranking(session: Session, indicator_ref: str, region_ref: str, period: str, *, by: str = "level") -> Ranking:
    """Rank a region among its peers (the children of its parent) for one indicator and period."""
    ind = _indicator(session, indicator_ref)
    region = find_region(session, region_ref)
    p = Period.parse(period)
    group = peers(session, region)
    series = load_series(session, [r.id for r in group], [ind.id], first_year=p.year, last_year=p.year)
    observations = [o for rows in series.values() for o in rows]
    return rank(observations, peers={r.code: r.name for r in group}, indicator_id=ind.id, period=p.code, by=by,
                ytd=p.kind != "Y", higher_is_better=ind.higher_is_better)


@dataclass(frozen=True)
class ClaimRow:
    claim: Claim
    item: PlanItem
    check: ClaimCheck | None  # None: metric not in the catalog, or no period/rank to check


def check_claims(session: Session, plan: Plan) -> list[ClaimRow]:
    """Check every ranking claim of a plan against the observations of its region's peers."""
    region = session.get(Region, plan.region_id)
    assert region is not None
    group = peers(session, region)
    parent = session.get(Region, region.parent_id) if region.parent_id else None
    out: list[ClaimRow] = []
    q = (select(Claim, PlanItem).join(PlanItem, PlanItem.id == Claim.plan_item_id)
         .where(PlanItem.plan_id == plan.id, Claim.kind == "ranking", PlanItem.review_state == "accepted")
         .order_by(PlanItem.position))
    for claim, item in session.execute(q).all():
        ind = session.get(IndicatorRow, claim.indicator_id) if claim.indicator_id else None
        if ind is None or claim.rank is None:
            out.append(ClaimRow(claim, item, None))
            continue
        p = parse_period(claim.period or str(plan.year))
        period = Period(p.end) if isinstance(p, PeriodRange) else p
        month = period.year_to_date_month() if period.kind != "M" else period
        series = load_series(session, [r.id for r in group], [ind.id], first_year=month.year, last_year=month.year)
        observations = [o for rows in series.values() for o in rows]
        by = "growth" if claim.measure == "growth" else "level"
        check = check_claim(observations, peers={r.code: r.name for r in group}, region_code=region.code,
                            indicator_id=ind.id, period=month.code, by=by, claimed_rank=claim.rank,
                            claim_text=item.text, peer_group_name=claim.peer_group or (parent.name if parent else None),
                            higher_is_better=ind.higher_is_better)
        out.append(ClaimRow(claim, item, check))
    return out


def forecast_year_end_rank(
    session: Session, indicator_ref: str, region_ref: str, year: int, *, as_of: str | None = None
) -> tuple[int | None, Ranking]:
    """The region's year-end rank among its peers if every peer ends the year at its forecast level."""
    ind = _indicator(session, indicator_ref)
    region = find_region(session, region_ref)
    group = peers(session, region)
    specs = [
        TargetSpec(target_id=r.code, region_code=r.code, indicator_id=ind.id, indicator_name=ind.name, unit=ind.unit,
                   kind=ind.kind, measure="level", comparator=">=", value=0.0, value_high=None, year=year,
                   higher_is_better=ind.higher_is_better)
        for r in group
    ]
    series = load_series(session, [r.id for r in group], [ind.id], first_year=year - HISTORY_YEARS, last_year=year,
                         as_of=as_of, series=[(r.id, ind.id) for r in group])
    statuses = evaluate_many(specs, series, as_of=as_of, thresholds=Thresholds())
    forecasts = {st.target_id: st.forecast for st in statuses}
    return forecast_rank(forecasts, peers={r.code: r.name for r in group}, region_code=region.code,
                         higher_is_better=ind.higher_is_better)


def target_statuses(rows: Sequence[StatusRow]) -> dict[int, TargetStatus | None]:
    return {r.target_id: r.status for r in rows}


def targets_by_id(session: Session, target_ids: Sequence[int]) -> list[Target]:
    """The stored targets with these ids (their indicator, measure and period)."""
    if not target_ids:
        return []
    return list(session.scalars(select(Target).where(Target.id.in_(list(target_ids)))))
