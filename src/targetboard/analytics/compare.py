"""Forecast versus target: the comparator as a one-sided goal, and the status it yields.

Why one-sided: a plan promises a floor or a ceiling. ``>`` and ``>=`` are floors, ``<`` and ``<=``
ceilings. The extractor writes ``=`` for a bare number (``增长7%``, ``实现1200亿元``) and ``~`` for
``左右``; a planner means "reach it", so these become a floor when higher is better and a ceiling when
lower is better. Overshooting on the good side never makes a target miss. ``~`` moves the limit
by the tolerance on the wrong side. A ``range`` target (``6%-6.5%``) is met from its low end when
higher is better and up to its high end when lower is better.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "ACHIEVED",
    "AT_RISK",
    "NO_DATA",
    "OFF_TRACK",
    "ON_TRACK",
    "STATUSES",
    "Goal",
    "classify",
    "goal_for",
    "meets",
    "shortfall",
]

ACHIEVED: Final = "achieved"
ON_TRACK: Final = "on_track"
AT_RISK: Final = "at_risk"
OFF_TRACK: Final = "off_track"
NO_DATA: Final = "no_data"
STATUSES: Final = (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)

# Float noise allowance, relative to the limit: a forecast computed as 1200.0000000001 meets ">= 1200".
_EPS: Final = 1e-9


@dataclass(frozen=True, slots=True)
class Goal:
    """What the year's figure must do: reach at least ``limit`` (floor) or stay at most ``limit``."""

    limit: float
    floor: bool
    strict: bool = False  # ">" / "<": equality does not meet the goal


def goal_for(comparator: str, value: float, value_high: float | None, *, higher_is_better: bool,
             tolerance: float) -> Goal:
    """The goal a target's comparator sets; ``tolerance`` (an amount, >= 0) applies to ``~`` only."""
    if comparator == ">":
        return Goal(value, floor=True, strict=True)
    if comparator == ">=":
        return Goal(value, floor=True)
    if comparator == "<":
        return Goal(value, floor=False, strict=True)
    if comparator == "<=":
        return Goal(value, floor=False)
    if comparator == "=":
        return Goal(value, floor=higher_is_better)
    if comparator == "~":
        return Goal(value - tolerance if higher_is_better else value + tolerance, floor=higher_is_better)
    if comparator == "range":
        high = value if value_high is None else value_high
        low, high = min(value, high), max(value, high)
        return Goal(low, floor=True) if higher_is_better else Goal(high, floor=False)
    raise ValueError(f"unknown comparator {comparator!r}")


def shortfall(goal: Goal, x: float) -> float:
    """How far ``x`` is on the wrong side of the limit (negative: the room to spare)."""
    return goal.limit - x if goal.floor else x - goal.limit


def _eps(goal: Goal) -> float:
    return _EPS * max(1.0, abs(goal.limit))


def meets(goal: Goal, x: float) -> bool:
    """Whether ``x`` meets the goal, honouring strictness up to float noise."""
    s = shortfall(goal, x)
    return s < -_eps(goal) if goal.strict else s <= _eps(goal)


def classify(goal: Goal, x: float, *, complete: bool, on_track: float, at_risk: float) -> str:
    """The status of a forecast ``x``; ``on_track`` and ``at_risk`` are margins as amounts (>= 0).

    A complete year is judged exactly (achieved or off_track). Otherwise: on_track when ``x`` meets the
    goal with at least ``on_track`` to spare; at_risk when it falls short by at most ``at_risk``
    (including meeting it with less than ``on_track`` to spare); off_track beyond.
    """
    ok = meets(goal, x)
    if complete:
        return ACHIEVED if ok else OFF_TRACK
    s = shortfall(goal, x)
    eps = _eps(goal)
    if ok and s <= -on_track + eps:
        return ON_TRACK
    if s <= at_risk + eps:
        return AT_RISK
    return OFF_TRACK
