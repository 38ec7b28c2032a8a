"""The target as analytics sees it: a plan's promise about one indicator of one region for one year.

Why a separate type from the extracted `Item`: an item carries text, spans and a unit as written;
here the value must already be in the indicator's catalog unit and the indicator resolved, because
the comparison with observations (also in catalog units) must not have to think about magnitudes.
The store builds these from reviewed targets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from targetboard.catalog.indicators import KINDS
from targetboard.model.items import COMPARATORS, MEASURES

__all__ = ["TargetSpec"]


@dataclass(frozen=True)
class TargetSpec:
    """One quantified annual target, ready to be evaluated.

    ``value`` and ``value_high`` are in the indicator's catalog unit (亿元 for 1200亿元); ``unit`` is
    what explanations print after numbers. ``measure`` is level, growth (同比 %) or change (比上年
    增减, in ``unit``); ``comparator`` is about the signed value, as the extractor writes it.
    """

    target_id: str
    region_code: str
    indicator_id: str
    indicator_name: str
    unit: str
    kind: str  # indicator kind: flow_ytd, stock, rate, count, index
    measure: str
    comparator: str
    value: float
    value_high: float | None
    year: int
    higher_is_better: bool

    def __post_init__(self) -> None:
        """Refuse what the evaluation cannot mean, naming the target, instead of a wrong status later."""
        where = f"target {self.target_id!r}"
        if self.kind not in KINDS:
            raise ValueError(f"{where}: kind {self.kind!r} is not one of {sorted(KINDS)}")
        if self.measure not in MEASURES:
            raise ValueError(f"{where}: measure {self.measure!r} is not one of {list(MEASURES)}")
        if self.comparator not in COMPARATORS:
            raise ValueError(f"{where}: comparator {self.comparator!r} is not one of {list(COMPARATORS)}")
        if not math.isfinite(self.value):
            raise ValueError(f"{where}: value must be a finite number")
        if self.value_high is not None and not math.isfinite(self.value_high):
            raise ValueError(f"{where}: value_high must be a finite number or None")

    @property
    def quantity(self) -> str:
        """What is compared: ``level``, ``growth`` or ``change``.

        A level target in % on a price index (居民消费价格涨幅3%左右) is a growth target: the catalog
        defines an index's targets as its percent change on the previous year.
        """
        if self.measure == "level" and self.kind == "index" and self.unit == "%":
            return "growth"
        return self.measure
