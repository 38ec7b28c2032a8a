"""One indicator value for a region and period, as importers produce it and analytics consume it.

Pure data: the store keeps these in its `observation` table; importers validate into them; the
analytics read lists of them. Values are in the indicator's catalog unit (importers convert 万元 to
亿元 and the like), so analytics never have to think about magnitudes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ObservationRecord:
    """A validated observation ready to be written."""

    region_code: str  # GB/T 2260 code or the store's code for a township
    indicator_id: str  # catalog id, e.g. industrial_taxable_sales
    period: str  # Period code: 2022, 2022H1, 2022Q3, 2022M06
    ytd: bool  # year-to-date figure (1-N月累计) rather than the period alone
    value: float | None  # level in the indicator's catalog unit
    growth: float | None  # percent change on the same period a year earlier (同比增长 %)
    source: str  # file name (and sheet) or "sample" / "manual"

    @property
    def key(self) -> tuple[str, str, str, bool]:
        """What identifies an observation: re-importing the same key updates rather than duplicates."""
        return (self.region_code, self.indicator_id, self.period, self.ytd)
