"""Analytics: target status, year-end forecasts, ranking among peers and ranking-claim checks.

Pure functions over :class:`~targetboard.model.observation.ObservationRecord` lists: no database, no
files beyond the packaged thresholds. The store queries, these modules judge. Rules and examples are in
``docs/analytics.md``.

=================  ============================================================================
module             one job
=================  ============================================================================
``target``         :class:`TargetSpec`, the target as analytics needs it (values in catalog units)
``series``         index one (region, indicator) series once: year -> position -> observation
``forecast``       year-end forecast: seasonal share, linear pace, ytd growth, latest
``compare``        comparator -> one-sided goal; status from forecast, goal and margins
``thresholds``     :class:`Thresholds` and ``thresholds.toml`` (packaged defaults, user override)
``explain``        Chinese wording of statuses and rankings
``status``         :func:`evaluate`, :func:`evaluate_many`
``ranking``        :func:`rank`, :func:`check_claim`, :func:`forecast_rank`
=================  ============================================================================
"""

from targetboard.analytics.explain import STATUS_ZH, VERDICT_ZH
from targetboard.analytics.ranking import (
    ClaimCheck,
    Ranking,
    RankRow,
    check_claim,
    forecast_rank,
    rank,
    rank_of,
)
from targetboard.analytics.series import Series, build_series
from targetboard.analytics.status import (
    TargetSpec,
    TargetStatus,
    evaluate,
    evaluate_many,
    evaluate_series,
    needs_history,
)
from targetboard.analytics.thresholds import Thresholds, load_thresholds

__all__ = [
    "STATUS_ZH",
    "VERDICT_ZH",
    "ClaimCheck",
    "RankRow",
    "Ranking",
    "Series",
    "TargetSpec",
    "TargetStatus",
    "Thresholds",
    "build_series",
    "check_claim",
    "evaluate",
    "evaluate_many",
    "evaluate_series",
    "forecast_rank",
    "load_thresholds",
    "needs_history",
    "rank",
    "rank_of",
]
