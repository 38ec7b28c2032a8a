"""Rank among peers, and check a document's ranking claim (增幅列镇江首位) against observations.

Why: county leaders are judged by position among their peers (比学赶超、争先进位), and documents say
where they stand. A claim is checkable once the peers' figures for the same period are in: rank the
peers, compare with the claimed place, and say so in Chinese. Ties share a place (competition
ranking 1, 2, 2, 4), as statistical bulletins print them (并列第2位).

Pure: records in, rankings out. Regions in ``peers`` without a figure are listed last, unranked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from targetboard.analytics.explain import num, period_phrase
from targetboard.analytics.series import ObservationLike, locate
from targetboard.catalog.indicators import load_catalog

__all__ = ["ClaimCheck", "RankRow", "Ranking", "check_claim", "forecast_rank", "rank", "rank_of", "rank_values"]

_BY = ("level", "growth")


@dataclass(frozen=True)
class RankRow:
    """One peer's place; ``value`` and ``rank`` are None when the peer has no figure."""

    region_code: str
    region_name: str
    value: float | None
    rank: int | None


@dataclass(frozen=True)
class Ranking:
    """Peers ordered by place (best first), those without a figure last in ``peers`` order."""

    indicator_id: str
    period: str
    by: str  # level | growth
    rows: list[RankRow]


@dataclass(frozen=True)
class ClaimCheck:
    """The verdict on a ranking claim: true, false, incomplete (peers without figures could change it), or
    no_data (claimant or all but one peer missing)."""

    verdict: str
    claimed_rank: int
    actual_rank: int | None
    ranking: Ranking
    explanation: str


def rank_values(values: Mapping[str, float | None], peers: Mapping[str, str], *,
                higher_is_better: bool = True) -> list[RankRow]:
    """Rank the peers by ``values`` (code -> figure); ties share the better place.

    Values equal to within float noise (1e-9 relative) tie, so forecasts computed along different
    paths do not split a tie that the printed figures show. Non-finite values count as missing.
    """
    have = [(code, v) for code in peers if (v := values.get(code)) is not None and math.isfinite(v)]
    have.sort(key=(lambda cv: -cv[1]) if higher_is_better else (lambda cv: cv[1]))  # stable: peers order
    rows: list[RankRow] = []
    place = 0
    holder: float | None = None
    for i, (code, v) in enumerate(have, start=1):
        if holder is None or not math.isclose(v, holder, rel_tol=1e-9, abs_tol=1e-12):
            place, holder = i, v
        rows.append(RankRow(code, peers[code], v, place))
    ranked = {code for code, _ in have}
    rows.extend(RankRow(code, name, None, None) for code, name in peers.items() if code not in ranked)
    return rows


def _figures(observations: Sequence[ObservationLike], peers: Mapping[str, str], indicator_id: str,
             period: str, by: str, ytd: bool) -> dict[str, float]:
    """Each peer's figure for the period: the observation at the same calendar position (so ``2022H1``
    ytd and ``2022M06`` ytd are one period); an annual figure wins over a December year-to-date one."""
    if by not in _BY:
        raise ValueError(f"by must be one of {_BY}, got {by!r}")
    want = locate(period, ytd)
    if want is None:
        raise ValueError(f"period {period!r} is not a calendar period (2022, 2022H1, 2022Q3, 2022M06)")
    year, pos, _ = want
    out: dict[str, float] = {}
    from_annual: set[str] = set()
    for r in observations:
        if r.indicator_id != indicator_id or r.region_code not in peers:
            continue
        found = locate(r.period, r.ytd)
        if found is None or found[0] != year or found[1] != pos:
            continue
        v = r.value if by == "level" else r.growth
        if v is None or not math.isfinite(v):
            continue
        code = r.region_code
        if code in from_annual or (code in out and not found[2]):
            continue
        out[code] = v
        if found[2]:
            from_annual.add(code)
    return out


def rank(observations: Sequence[ObservationLike], *, peers: Mapping[str, str], indicator_id: str, period: str,
         by: str = "level", ytd: bool = True, higher_is_better: bool = True) -> Ranking:
    """Rank ``peers`` (code -> name) by level or growth of an indicator in a period."""
    values = _figures(observations, peers, indicator_id, period, by, ytd)
    return Ranking(indicator_id, period, by, rank_values(values, peers, higher_is_better=higher_is_better))


def rank_of(ranking: Ranking, region_code: str) -> int | None:
    """A region's place, or None when it has no figure or is not among the peers."""
    for row in ranking.rows:
        if row.region_code == region_code:
            return row.rank
    return None


def _indicator_words(indicator_id: str, name: str | None, unit: str | None) -> tuple[str, str]:
    """The name and unit explanations print; the catalog fills what the caller left out."""
    if name is not None and unit is not None:
        return name, unit
    catalog = load_catalog()
    if indicator_id in catalog:
        ind = catalog.get(indicator_id)
        return (name if name is not None else ind.name), (unit if unit is not None else ind.unit)
    return (name if name is not None else indicator_id), (unit or "")


def check_claim(observations: Sequence[ObservationLike], *, peers: Mapping[str, str], region_code: str,
                indicator_id: str, period: str, by: str, claimed_rank: int, claim_text: str | None = None,
                peer_group_name: str | None = None, higher_is_better: bool = True, ytd: bool = True,
                indicator_name: str | None = None, unit: str | None = None) -> ClaimCheck:
    """Check "``region_code`` ranks ``claimed_rank`` among ``peers``" (the claimant is one of the peers).

    no_data when the claimant has no figure or fewer than two peers have one: a place among one is no
    place. ``peer_group_name`` is printed as given (镇江6个县(市、区)); by default ``N个地区``.
    """
    if region_code not in peers:
        raise ValueError(f"claimant {region_code!r} must be one of the peers")
    ranking = rank(observations, peers=peers, indicator_id=indicator_id, period=period, by=by, ytd=ytd,
                   higher_is_better=higher_is_better)
    name, unit = _indicator_words(indicator_id, indicator_name, unit)
    located = locate(period, ytd)
    assert located is not None  # rank() has validated the period
    when = period_phrase(located[0], located[1])
    claim = f"“{claim_text}”" if claim_text else f"所称第{claimed_rank}位"
    row = next(r for r in ranking.rows if r.region_code == region_code)
    with_data = sum(1 for r in ranking.rows if r.rank is not None)
    if row.value is None or row.rank is None:
        text = f"{when}{row.region_name}{name}暂无数据，无法核实{claim}"
        return ClaimCheck("no_data", claimed_rank, None, ranking, text)
    if with_data < 2:
        text = f"{when}{name}仅{with_data}个地区有数据，无法核实{claim}"
        return ClaimCheck("no_data", claimed_rank, row.rank, ranking, text)
    figure = f"同比增速{num(row.value)}%" if by == "growth" else f"{num(row.value)}{unit}"
    tied = sum(1 for r in ranking.rows if r.rank == row.rank) > 1
    group = peer_group_name or f"{len(peers)}个地区"
    holds = row.rank == claimed_rank
    missing = len(peers) - with_data
    if missing and row.rank <= claimed_rank:
        # Peers without a figure could still rank above the claimant: a place among some is not a
        # place among all, so the claim is neither confirmed nor refuted (only a worse place already
        # refutes it, since missing peers can only push the claimant further down).
        text = (
            f"{when}{name}{figure}，在{group}中有数据的{with_data}个地区里列第{row.rank}位；"
            f"另有{missing}个地区暂无数据，无法核实{claim}"
        )
        return ClaimCheck("incomplete", claimed_rank, row.rank, ranking, text)
    text = (
        f"{when}{name}{figure}，列{group}{'并列' if tied else ''}第{row.rank}位，"
        f"与{claim}{'相符' if holds else '不符'}"
    )
    return ClaimCheck("true" if holds else "false", claimed_rank, row.rank, ranking, text)


def forecast_rank(forecasts: Mapping[str, float | None], *, peers: Mapping[str, str], region_code: str,
                  higher_is_better: bool = True, indicator_id: str = "", period: str = "",
                  by: str = "level") -> tuple[int | None, Ranking]:
    """The year-end place ``region_code`` is heading for, from each peer's forecast (e.g. the
    ``forecast`` of its :class:`~targetboard.analytics.status.TargetStatus`), with the whole ranking."""
    ranking = Ranking(indicator_id, period, by, rank_values(forecasts, peers, higher_is_better=higher_is_better))
    return rank_of(ranking, region_code), ranking
