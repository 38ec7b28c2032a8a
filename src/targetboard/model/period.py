"""Periods as ISO-like codes, DHIS2 style: ``2022``, ``2022H1``, ``2022Q3``, ``2022M06``.

Statistics bureaus report flows year-to-date (``1-6月累计``); such a figure is the month period
``2022M06`` with ``ytd=True`` on the observation, not a separate period type, so that "June, year to
date" and "June alone" share one calendar position and differ only in what was summed.
A range (``2021-2025``, a five-year plan) is a `PeriodRange`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

from targetboard.errors import Invalid

_CODE = re.compile(r"^(?P<year>\d{4})(?:(?P<kind>[HQM])(?P<n>\d{1,2}))?$")
_MONTHS_IN = {"Y": 12, "H": 6, "Q": 3, "M": 1}
_COUNT = {"H": 2, "Q": 4, "M": 12}


class PeriodError(Invalid, ValueError):
    """A period code that is not one of 2022, 2022H1, 2022Q3, 2022M06."""


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period: a year, half-year, quarter or month."""

    year: int
    kind: str = "Y"  # Y, H, Q or M
    n: int = 1

    @classmethod
    def parse(cls, code: str) -> Period:
        """``2022M06`` -> Period(2022, "M", 6); raises PeriodError naming what was expected."""
        m = _CODE.match(code.strip().upper())
        if not m:
            raise PeriodError(f"period {code!r}: expected 2022, 2022H1, 2022Q3 or 2022M06")
        year = int(m.group("year"))
        kind = m.group("kind") or "Y"
        n = int(m.group("n") or 1)
        if kind != "Y" and not 1 <= n <= _COUNT[kind]:
            raise PeriodError(f"period {code!r}: {kind} must be 1..{_COUNT[kind]}")
        return cls(year, kind, n)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, "M", month)

    @property
    def code(self) -> str:
        if self.kind == "Y":
            return str(self.year)
        if self.kind == "M":
            return f"{self.year}M{self.n:02d}"
        return f"{self.year}{self.kind}{self.n}"

    @property
    def last_month(self) -> int:
        """The calendar month (1-12) the period ends in: 2022H1 -> 6, 2022Q3 -> 9, 2022 -> 12."""
        return self.n * _MONTHS_IN[self.kind]

    @property
    def first_month(self) -> int:
        return self.last_month - _MONTHS_IN[self.kind] + 1

    def year_to_date_month(self) -> Period:
        """The month period whose year-to-date figure covers the same months (2022H1 -> 2022M06)."""
        return Period(self.year, "M", self.last_month)

    def shift_years(self, years: int) -> Period:
        return Period(self.year + years, self.kind, self.n)

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.last_month, -_MONTHS_IN[self.kind])

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class PeriodRange:
    """An inclusive range of years, as five-year plans set them (``2021-2025``)."""

    start: int
    end: int

    @property
    def code(self) -> str:
        return f"{self.start}-{self.end}"


def parse_period(code: str) -> Period | PeriodRange:
    """A period code as the extractor writes it: ``2022``, ``2022H1``, ``2021-2025``, ``2022M01-M09``.

    ``2022M01-M09`` (January to September) is returned as the month it ends in, ``2022M09``: the
    year-to-date figure for that month covers exactly those months.
    """
    s = code.strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{4})", s):
        return PeriodRange(int(m.group(1)), int(m.group(2)))
    if m := re.fullmatch(r"(\d{4})M01-M(\d{2})", s):
        return Period(int(m.group(1)), "M", int(m.group(2)))
    return Period.parse(s)
