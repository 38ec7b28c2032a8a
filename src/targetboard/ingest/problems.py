"""What an import returns: records, and every problem found, each pointing at a file, sheet, row and column.

Why collect instead of raise: a statistics clerk fixing a sheet wants the whole list at once, not one
error per attempt; and imports are all-or-nothing, so any problem means nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from targetboard.model.observation import ObservationRecord

__all__ = ["ImportResult", "Location", "Problem", "Problems", "RecordKey"]

RecordKey = tuple[str, str, str, bool]
"""What identifies an observation: (region_code, indicator_id, period code, ytd), as ObservationRecord.key."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as the user sees it (Excel row numbers, header text)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        """One line: ``data.xlsx, sheet 1-6月, row 7, column 本月: text '12,3a' is not a number; ...``."""
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {' '.join(self.message.split())}"


@dataclass(frozen=True)
class Location:
    """Where a record's figures stand in the file, so that a later check (plausibility) can point at them."""

    file: str
    sheet: str | None
    row: int | None
    value_column: str | None  # header of the cell the level came from (None: no level in the file)
    growth_column: str | None  # header of the cell the growth rate came from (None: no growth in the file)
    growth_row: int | None = None  # row of the growth cell when another row gave it (工业应税销售增幅), else None


@dataclass
class ImportResult:
    """Records ready for the store, and the problems that must be fixed before any of them is written.

    A record's ``value`` or ``growth`` of None means "this file gives no such figure" (an empty cell,
    ``—``, no such column): the store must keep what it holds for that field, never overwrite it with
    NULL. ``locations`` maps each record's key to the cell it came from (for plausibility messages).
    """

    records: list[ObservationRecord]
    problems: list[Problem]
    locations: dict[RecordKey, Location] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when there is nothing to fix (the store imports all records or, otherwise, none)."""
        return not self.problems


@dataclass
class Problems:
    """A collector bound to one file, so that callers only say where in it and what."""

    file: str
    items: list[Problem] = field(default_factory=list)

    def add(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        self.items.append(Problem(self.file, sheet, row, column, message))
