"""The hand-over between the shape parsers and validation: one Draft per figure found, plus shared context.

Why: both parsers (template, bureau) find the same things: a region, an indicator, a period, a
value in some unit, a growth rate. Unit conversion, range checks and duplicate detection then
happen once, in :mod:`targetboard.ingest.validate`, whatever shape the figure came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from targetboard.catalog.indicators import Indicator
from targetboard.ingest.cells import CellError, CellValue, Number, parse_number
from targetboard.ingest.lookup import Lookup
from targetboard.ingest.periods import PeriodSpec
from targetboard.ingest.problems import Problems
from targetboard.ingest.rules import Rules
from targetboard.ingest.units import parse_unit
from targetboard.model.period import Period

__all__ = ["Context", "Draft", "Entry", "default_ytd", "parse_growth"]


@dataclass
class Draft:
    """One observation as found in the file, before unit conversion and checks.

    ``value`` and ``growth`` are None when the file gives no such figure: an empty cell, a "no value"
    marker (``—``), a missing column, or (in a workbook) a cell whose formula result is empty. None
    never means "delete": the record carries it on, and the store keeps what it holds for that field.
    A formula cell with no saved result is refused earlier (:mod:`targetboard.ingest.tables`), so that
    it can never pass for an empty cell.
    """

    sheet: str | None
    row: int
    region_code: str
    region_label: str  # as written (or the default), for messages
    indicator: Indicator
    period: str
    ytd: bool
    value: float | None  # None: no level in this file (keep the stored one)
    unit: str | None  # unit the value is written in; None means the catalog unit
    unit_column: str | None  # header of the cell the unit came from, for a unit problem
    value_column: str | None
    growth: float | None  # None: no growth rate in this file (keep the stored one)
    source: str
    growth_column: str | None = None  # header of the growth cell, for messages


@dataclass
class Entry:
    """The figures a sheet gives for one key (period and year-to-date, for one region and indicator),
    gathered from its value, unit and growth columns before they become a Draft (bureau and cross-county
    sheets alike)."""

    value: float | None = None
    unit: str | None = None
    unit_column: str | None = None
    value_column: str | None = None
    growth: float | None = None
    growth_column: str | None = None


@dataclass
class Context:
    """What every parser needs for one file: where problems go, lookups, rules and the caller's defaults."""

    file: str
    problems: Problems
    lookup: Lookup
    rules: Rules
    default_region: str | None  # a code, already checked
    default_region_label: str | None
    default_period: PeriodSpec | None

    @property
    def bases(self) -> frozenset[str]:
        """Unit bases the catalog uses, so that any of its units is recognised after a number."""
        return self.lookup.unit_bases

    def source(self, sheet: str | None) -> str:
        """The default source of a record: the file name, and the sheet for a workbook."""
        return self.file if sheet is None else f"{self.file}#{sheet}"


def default_ytd(indicator: Indicator, period: Period) -> bool:
    """Year-to-date unless said otherwise: a flow reported for a month is, by bureau convention, 1-N月累计."""
    return indicator.kind == "flow_ytd" and period.kind == "M"


def parse_growth(cell: CellValue, bases: frozenset[str]) -> Number | None:
    """A growth cell: a number, optionally followed by %; raises CellError for anything else."""
    number = parse_number(cell, bases)
    if number is not None and number.unit is not None and parse_unit(number.unit).base != "%":
        raise CellError(
            f"growth is a percent change, not a value in {number.unit}; expected a number such as 5.3 or 5.3%"
        )
    return number
