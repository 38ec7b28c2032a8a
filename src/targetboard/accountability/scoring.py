"""Score subjects (townships or departments) with a scheme: points per item, totals, a league table.

Why every point carries its evidence: "scores nobody can trace" is what offices complain of. Each
item's points come with the figures, ranks, ledger counts or events behind them and the references
(observation, target, report, ledger entry) the services passed in, so a league table can be
explained line by line and audited later. Arithmetic is decimal, rounded half-up to two places, and
the result serialises to canonical JSON: the same inputs give byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from targetboard.accountability.scheme import Scheme, SchemeItem
from targetboard.errors import Invalid

CENT = Decimal("0.01")


@lru_cache(maxsize=8192)
def _d(x: float) -> Decimal:
    """The float as the decimal it prints as (0.1 -> Decimal('0.1'), not its binary expansion).

    Memoised: a scheme's points, caps and steps repeat for every subject."""
    return Decimal(repr(x))


def _round(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(x: Decimal | float) -> str:
    d = x if isinstance(x, Decimal) else _d(x)
    text = format(d.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Evidence:
    """What a point rests on: an observation, target, report, ledger entry or event, by reference."""

    kind: str  # observation, target, report, ledger, event
    ref: str
    note: str = ""


@dataclass(frozen=True)
class ItemInput:
    """One subject's inputs for one scheme item (the services gather them)."""

    actual: float | None = None
    target: float | None = None
    higher_is_better: bool = True
    rank: int | None = None
    overdue: int = 0
    returned: int = 0
    events: int = 0
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    rule: str
    points: str  # decimal as text, two places: exact and byte-stable
    max_points: str
    explanation: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class SubjectScore:
    subject: str
    name: str
    total: str
    rank: int
    movement: int | None  # places gained since the previous run (进位 > 0, 退位 < 0); None: not ranked then
    vetoed: bool
    items: tuple[ItemScore, ...]


@dataclass(frozen=True)
class AssessmentResult:
    scheme_id: str
    scheme_version: str
    period: str
    table: tuple[SubjectScore, ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, no spaces): the same run gives the same bytes."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _score_item(item: SchemeItem, x: ItemInput) -> tuple[Decimal, str, bool]:
    """(points, explanation, veto) for one item."""
    full = _d(item.points)
    if item.rule in ("step", "linear"):
        if x.actual is None or x.target is None:
            return Decimal(0), "暂无完成值或目标值，不得分", False
        actual, target = _d(x.actual), _d(x.target)
        met = actual >= target if x.higher_is_better else actual <= target
        if item.rule == "step":
            word = "达到" if met else "未达到"
            return (full if met else Decimal(0)), f"完成{_fmt(actual)}，{word}目标{_fmt(target)}", False
        if target == 0 or (not x.higher_is_better and actual == 0):
            return (full if met else Decimal(0)), "目标或完成值为0，按是否达标计分", False
        ratio = actual / target if x.higher_is_better else target / actual
        counted = max(Decimal(0), min(ratio, _d(item.cap)))
        pts = full * counted
        capped = "（已封顶）" if ratio > _d(item.cap) else ""
        return pts, (f"完成{_fmt(actual)}，目标{_fmt(target)}，完成率{_fmt(_round(ratio * 100))}%{capped}，"
                     f"得{_fmt(full)}分×{_fmt(_round(counted * 100))}%"), False
    if item.rule == "rank":
        if x.rank is None:
            return Decimal(0), "暂无排名，不得分", False
        pts = max(Decimal(0), full - _d(item.step) * (x.rank - 1))
        return pts, f"排名第{x.rank}位，第1位得满分{_fmt(full)}分，每后退一位扣{_fmt(item.step)}分", False
    if item.rule == "ledger":
        lost = _d(item.per_overdue) * x.overdue + _d(item.per_returned) * x.returned
        pts = max(Decimal(0), full - lost)
        return pts, (f"逾期{x.overdue}项×{_fmt(item.per_overdue)}分，退回{x.returned}项×{_fmt(item.per_returned)}分，"
                     f"扣{_fmt(min(lost, full))}分"), False
    if item.rule in ("bonus", "penalty"):
        amount = min(_d(item.per_event) * x.events, _d(item.max))
        if not amount:
            return Decimal(0), f"无{'加分' if item.rule == 'bonus' else '扣分'}事项", False
        sign = Decimal(1) if item.rule == "bonus" else Decimal(-1)
        word = "加" if item.rule == "bonus" else "扣"
        text = f"{x.events}项×{_fmt(item.per_event)}分，{word}{_fmt(amount)}分（上限{_fmt(item.max)}分）"
        return sign * amount, text, False
    # veto (一票否决)
    if x.events:
        return Decimal(0), f"发生{x.events}项一票否决事项，总分记为0", True
    return Decimal(0), "无一票否决事项", False


def run_scheme(scheme: Scheme, *, period: str, subjects: Mapping[str, str],
               inputs: Mapping[tuple[str, str], ItemInput],
               previous_ranks: Mapping[str, int] | None = None) -> AssessmentResult:
    """Score every subject on every item; rank by total (ties share a place, vetoed subjects last).

    `inputs` maps (subject id, item id) to what the services gathered; a missing pair scores as "no
    data". `previous_ranks` (the last published run) gives each subject's movement.
    """
    known = {i.id for _, i in scheme.items()}
    unknown = sorted({item for (_, item) in inputs} - known)
    if unknown:
        raise Invalid(f"输入中有方案没有的考核项：{'、'.join(unknown)}", f"inputs name items the scheme lacks: "
                      f"{', '.join(unknown)}")
    scored: list[tuple[str, Decimal, bool, tuple[ItemScore, ...]]] = []
    scheme_items = [(item, str(_round(_d(item.points)))) for _, item in scheme.items()]
    nothing = ItemInput()
    for subject in sorted(subjects):
        items: list[ItemScore] = []
        total = Decimal(0)
        vetoed = False
        for item, max_points in scheme_items:
            x = inputs.get((subject, item.id), nothing)
            pts, text, veto = _score_item(item, x)
            pts = _round(pts)
            vetoed |= veto
            total += pts
            items.append(ItemScore(item.id, item.rule, str(pts), max_points, text, x.evidence))
        total = Decimal(0) if vetoed else _round(total)
        scored.append((subject, total, vetoed, tuple(items)))
    order = sorted(scored, key=lambda s: (s[2], -s[1], s[0]))
    table: list[SubjectScore] = []
    for i, (subject, total, vetoed, scores) in enumerate(order):
        if i and not vetoed and not order[i - 1][2] and order[i - 1][1] == total:
            place = table[-1].rank  # a tie shares the place
        else:
            place = i + 1
        before = (previous_ranks or {}).get(subject)
        table.append(SubjectScore(subject, subjects[subject], str(total), place,
                                  None if before is None else before - place, vetoed, scores))
    return AssessmentResult(scheme.id, scheme.version, period, tuple(table))


def movement_zh(movement: int | None) -> str:
    """进位 / 退位 wording for a league table."""
    if movement is None:
        return "—"
    if movement > 0:
        return f"进位{movement}"
    if movement < 0:
        return f"退位{-movement}"
    return "持平"


def league_rows(result: AssessmentResult) -> Sequence[tuple[int, str, str, str]]:
    """(rank, name, total, movement) for printing."""
    return [(s.rank, s.name + ("（一票否决）" if s.vetoed else ""), s.total, movement_zh(s.movement))
            for s in result.table]
