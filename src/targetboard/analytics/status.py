"""Target status: is a plan's annual target achieved, on track, at risk or off track?

Pure: target specs and observation records in, statuses out; the store queries, this module judges.
The steps for one target (rules in ``docs/analytics.md``):

1. read the target year from the (region, indicator) series, not after ``as_of``
   (:mod:`~targetboard.analytics.forecast`: seasonal share, linear pace, ytd growth or latest);
2. turn the comparator into a one-sided goal and classify the forecast against it with the
   thresholds (:mod:`~targetboard.analytics.compare`);
3. word it in Chinese (:mod:`~targetboard.analytics.explain`), when the explanation is first read.

Why ``evaluate_many`` takes observations grouped by (region, indicator): each series is indexed once
(:func:`~targetboard.analytics.series.build_series`) and shared by every target on it, so the cost is
one pass over the observations plus a few dict look-ups per target.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from targetboard.analytics import forecast
from targetboard.analytics.compare import NO_DATA, classify, goal_for
from targetboard.analytics.explain import describe
from targetboard.analytics.explain_en import describe_en, no_data_en
from targetboard.analytics.forecast import Reading
from targetboard.analytics.series import Cut, ObservationLike, Series, build_series, cut_of
from targetboard.analytics.target import TargetSpec
from targetboard.analytics.thresholds import DEFAULT_THRESHOLDS, Thresholds, load_thresholds

__all__ = [
    "TargetSpec",
    "TargetStatus",
    "Thresholds",
    "evaluate",
    "evaluate_many",
    "evaluate_series",
    "load_thresholds",
    "needs_history",
]


@dataclass(frozen=True, slots=True)
class _Basis:
    """What the wording of an evaluated status needs, kept so the text can be built when first read."""

    target: TargetSpec
    reading: Reading
    quantity: str
    x: float
    tolerance: float


@dataclass(frozen=True, slots=True)
class TargetStatus:
    """The verdict on one target, with the figures behind it and a Chinese explanation.

    ``forecast`` is the compared quantity for the full year: a level, a growth rate (%), or for a
    change target the change on last year. ``completion`` is actual / target for level targets (a
    flow's year-to-date share of the annual target, 完成全年目标的48.3%); None otherwise.

    Why the explanation is built on first read (:attr:`explanation`) rather than with the status: a
    province-wide recompute judges 20,000 targets and shows none of the sentences, which cost as much
    as the judging. The text is the same whenever it is read; statuses compare on their figures.
    """

    target_id: str
    status: str  # achieved | on_track | at_risk | off_track | no_data
    latest_period: str | None
    latest_value: float | None
    latest_growth: float | None
    completion: float | None
    forecast: float | None
    forecast_method: str | None  # seasonal_share | linear_pace | ytd_growth | latest
    share: float | None
    #: The explanation when given or once built; None until then (see :attr:`explanation`).
    text: str | None = field(default=None, compare=False, repr=False)
    basis: _Basis | None = field(default=None, compare=False, repr=False)
    #: The English explanation of a status without a reading (with a reading it is built from `basis`).
    text_en: str | None = field(default=None, compare=False, repr=False)

    @property
    def explanation(self) -> str:
        """The Chinese explanation (1-6月累计580亿元，按近三年同期占全年比重47.5%推算，…), built once."""
        text = self.text
        if text is None:
            b = self.basis
            text = "" if b is None else describe(b.target, b.reading, quantity=b.quantity, x=b.x, status=self.status,
                                                 tolerance=b.tolerance)
            object.__setattr__(self, "text", text)  # a cache of a derived value: the status itself is unchanged
        return text

    @property
    def explanation_en(self) -> str:
        """The same explanation in English (for the English pages and API clients that ask for it)."""
        b = self.basis
        if b is not None:
            return describe_en(b.target, b.reading, quantity=b.quantity, x=b.x, status=self.status,
                               tolerance=b.tolerance)
        return self.text_en or self.explanation


def _no_data(target: TargetSpec, series: Series, cut: Cut | None, quantity: str) -> TargetStatus:
    """No reading for the compared quantity: say what is missing."""
    year = target.year
    if not series.cells(year, cut):
        what, missing = f"暂无{year}年数据", "year"
    elif quantity == "growth":
        what, missing = f"暂无{year}年同比增速数据", "growth"
    elif target.kind == "flow_ytd":
        what, missing = f"暂无{year}年累计数据", "ytd"
    else:
        what, missing = f"暂无{year}年数据", "year"
    return TargetStatus(target.target_id, NO_DATA, None, None, None, None, None, None, None, what,
                        text_en=no_data_en(year, missing))


def _evaluate(target: TargetSpec, series: Series, cut: Cut | None, th: Thresholds) -> TargetStatus:
    quantity = target.quantity
    flow = target.kind == "flow_ytd"
    year = target.year
    if quantity == "growth":
        reading = forecast.growth(
            series, year, cut, ytd_only=flow, ytd_method=target.kind in ("flow_ytd", "index")
        )
    elif flow:
        reading = forecast.flow_level(series, year, cut)
    else:
        reading = forecast.latest_level(series, year, cut)
    if reading is None:
        return _no_data(target, series, cut, quantity)
    rec = reading.record
    latest_growth = reading.actual if quantity == "growth" else rec.growth

    x = reading.forecast
    if quantity == "change":
        base = forecast.year_end_level(series, year - 1, flow=flow)
        if base is None:
            return TargetStatus(
                target.target_id, NO_DATA, rec.period, rec.value, latest_growth, None, None, None, None,
                f"暂无{year - 1}年全年数据，无法推算比上年增减", text_en=no_data_en(year, "base"),
            )
        x -= base

    if quantity == "growth":
        tolerance = th.approx_points
        on_track, at_risk = th.growth_on_track_points, th.growth_at_risk_points
    else:
        tolerance = th.approx_relative * abs(target.value)
        ref = target.value
        if target.comparator == "range" and not target.higher_is_better and target.value_high is not None:
            ref = max(target.value, target.value_high)
        scale = abs(ref) or 1.0  # a target of 0 takes the margins as absolute amounts
        on_track, at_risk = th.on_track_margin * scale, th.at_risk_margin * scale
    goal = goal_for(
        target.comparator, target.value, target.value_high,
        higher_is_better=target.higher_is_better, tolerance=tolerance,
    )
    status = classify(goal, x, complete=reading.complete, on_track=on_track, at_risk=at_risk)
    completion = reading.actual / target.value if quantity == "level" and target.value else None
    return TargetStatus(
        target_id=target.target_id,
        status=status,
        latest_period=rec.period,
        latest_value=rec.value,
        latest_growth=latest_growth,
        completion=completion,
        forecast=x,
        forecast_method=reading.method,
        share=reading.share,
        basis=_Basis(target, reading, quantity, x, tolerance),
    )


def needs_history(target: TargetSpec) -> bool:
    """Whether judging ``target`` reads years before its own, whatever the data: a flow's level (the
    seasonal share compares earlier years) and a change (on last year's full-year level).

    Why it is exposed: a store can then skip the history of the other series (growth rates, stocks,
    rates), which is most of what a province-wide status would read. A growth target may still need
    last year's level when this year's growth is not reported; the store reads it for those series.
    """
    quantity = target.quantity
    return quantity == "change" or (quantity == "level" and target.kind == "flow_ytd")


def evaluate_series(target: TargetSpec, series: Series, *, as_of: str | None = None,
                    thresholds: Thresholds = DEFAULT_THRESHOLDS) -> TargetStatus:
    """Evaluate a target against an already indexed series (see :func:`build_series`)."""
    return _evaluate(target, series, cut_of(as_of), thresholds)


def evaluate(target: TargetSpec, observations: Sequence[ObservationLike], *, as_of: str | None = None,
             thresholds: Thresholds = DEFAULT_THRESHOLDS) -> TargetStatus:
    """Evaluate one target; observations of other regions or indicators are ignored.

    ``as_of`` (a period code such as ``2022M06``) hides every observation whose period ends later, to
    reproduce what the board said at the time.
    """
    own = [r for r in observations if r.region_code == target.region_code and r.indicator_id == target.indicator_id]
    return _evaluate(target, build_series(own), cut_of(as_of), thresholds)


def evaluate_many(targets: Iterable[TargetSpec],
                  observations_by_region_indicator: Mapping[tuple[str, str], Sequence[ObservationLike]], *,
                  as_of: str | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[TargetStatus]:
    """Evaluate many targets, in order; observations come grouped by (region_code, indicator_id).

    Each group is indexed once and shared by all targets on it; the records of a group are trusted to
    belong to it (not re-checked, for speed). A missing group means no data.
    """
    cut = cut_of(as_of)
    built: dict[tuple[str, str], Series] = {}
    out: list[TargetStatus] = []
    with _gc_paused():
        for target in targets:
            key = (target.region_code, target.indicator_id)
            series = built.get(key)
            if series is None:
                series = built[key] = build_series(observations_by_region_indicator.get(key, ()))
            out.append(_evaluate(target, series, cut, thresholds))
    return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk evaluation, restoring its state afterwards.

    Why: the caller holds millions of observation objects, and each full collection triggered by the
    many small objects created here traverses all of them; on 2 million observations that was about
    40 % of ``evaluate_many``'s time. Nothing created here forms a reference cycle, so nothing is lost
    by collecting later.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
