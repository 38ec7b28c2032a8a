"""Periods as users write them: codes (``2022M06``) and Chinese (``2022年1-6月``, ``2022年6月``, ``2022年``).

Why: the store and analytics only know period codes plus a year-to-date flag, but sheets say
``2022年1-6月`` (June, year to date), ``2022年6月`` (June alone) or ``2022年上半年``. Two entry points:
:func:`parse_period_text` for a whole cell (the template's 时期 column, ``default_period``), strict;
:func:`find_period` for a title such as ``2022年1-6月扬中市主要经济指标``, which searches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from targetboard.ingest.cells import CellValue, text_of
from targetboard.ingest.names import fold
from targetboard.model.period import Period, PeriodError

__all__ = ["EXPECTED_PERIOD", "PeriodSpec", "find_period", "parse_period_text"]

EXPECTED_PERIOD = "expected 2022, 2022H1, 2022Q3, 2022M06, 2022年1-6月, 2022年6月 or 2022年"

_YEARS = (1949, 2100)  # a 4-digit number outside this is a typo, not a year of statistics
_DASH = r"[-—–~～至到]"
_YEAR = r"(?P<year>\d{4})(?:年度?)?"
# Named parts of a year: (period kind, n, year-to-date). Longest first, so 前三季度 wins over 三季度.
_WORDS: dict[str, tuple[str, int, bool | None]] = {
    "上半年": ("M", 6, True),
    "前三季度": ("M", 9, True),
    "第一季度": ("M", 3, True),
    "一季度": ("M", 3, True),
    "1季度": ("M", 3, True),
    "下半年": ("H", 2, None),
    "第二季度": ("Q", 2, None),
    "二季度": ("Q", 2, None),
    "2季度": ("Q", 2, None),
    "第三季度": ("Q", 3, None),
    "三季度": ("Q", 3, None),
    "3季度": ("Q", 3, None),
    "第四季度": ("Q", 4, None),
    "四季度": ("Q", 4, None),
    "4季度": ("Q", 4, None),
    "全年": ("Y", 1, None),
}
_WORD_ALT = "|".join(sorted(_WORDS, key=len, reverse=True))
_RANGE_RE = re.compile(rf"(?<!\d)(?P<first>\d{{1,2}}){_DASH}(?P<last>\d{{1,2}})月份?")
_MONTH_RE = re.compile(r"(?<![\d\-—–~～至到])(?P<month>\d{1,2})月份?")
_WORD_RE = re.compile(_WORD_ALT)
_YEAR_RE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?:年|(?!\d))")
_DATE_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_ISO_MONTH_RE = re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$")
_CHINESE_RE = re.compile(
    rf"^{_YEAR}(?P<rest>(?:\d{{1,2}}{_DASH})?\d{{1,2}}月份?(?:累计)?|{_WORD_ALT})?$"
)


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    """A period and what the text said about year-to-date: True (1-6月), False (6月) or None (not said)."""

    period: Period
    ytd: bool | None = None


def _month(year: int, month: int, ytd: bool | None, text: str) -> PeriodSpec:
    if not 1 <= month <= 12:
        raise PeriodError(f"period {text!r}: month {month} is not 1-12; {EXPECTED_PERIOD}")
    return PeriodSpec(Period.month(year, month), ytd)


def _part(year: int, rest: str, text: str) -> PeriodSpec:
    """The part of a year after 2022年: ``1-6月``, ``6月``, ``上半年``..."""
    if rest in _WORDS:
        kind, n, ytd = _WORDS[rest]
        return PeriodSpec(Period(year) if kind == "Y" else Period(year, kind, n), ytd)
    if m := _RANGE_RE.fullmatch(rest.removesuffix("累计")):
        first, last = int(m.group("first")), int(m.group("last"))
        if first != 1:
            raise PeriodError(
                f"period {text!r} covers months {first}-{last}, which is not year-to-date (1-N月); {EXPECTED_PERIOD}"
            )
        return _month(year, last, True, text)
    m = _MONTH_RE.fullmatch(rest.removesuffix("累计"))
    if m is None:
        raise PeriodError(f"period {text!r} is not understood; {EXPECTED_PERIOD}")
    return _month(year, int(m.group("month")), True if rest.endswith("累计") else False, text)


def parse_period_text(cell: CellValue) -> PeriodSpec:
    """A whole cell as a period; raises PeriodError with a user-facing message.

    ``2022M06``/``2022H1``/``2022Q3``/``2022`` (codes, year-to-date not said); ``2022年1-6月`` (ytd);
    ``2022年6月`` (not ytd); ``2022年``; ``2022年上半年`` (= 1-6月); ``2022-06``; an Excel date (its month).
    """
    if isinstance(cell, datetime | date):
        return PeriodSpec(Period.month(cell.year, cell.month))
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    spec = _parse_text(text_of(cell))
    if not _YEARS[0] <= spec.period.year <= _YEARS[1]:
        raise PeriodError(f"period {text_of(cell)!r}: year {spec.period.year} is implausible; {EXPECTED_PERIOD}")
    return spec


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> PeriodSpec:
    """:func:`parse_period_text` for text (memoised: a file repeats a few periods on every row)."""
    s = fold(text).upper()
    if not s:
        raise PeriodError(f"period is empty; {EXPECTED_PERIOD}")
    if re.fullmatch(r"\d{4}(?:[HQM]\d{1,2})?", s):
        try:
            return PeriodSpec(Period.parse(s))
        except PeriodError as exc:
            raise PeriodError(f"{exc} ({EXPECTED_PERIOD})") from None
    if m := _ISO_MONTH_RE.match(s):
        return _month(int(m.group("year")), int(m.group("month")), None, text)
    m = _CHINESE_RE.match(s)
    if m is None:
        raise PeriodError(f"period {text!r} is not understood; {EXPECTED_PERIOD}")
    year = int(m.group("year"))
    rest = m.group("rest")
    return PeriodSpec(Period(year)) if not rest else _part(year, rest, text)


def find_period(text: str, fallback_year: int | None = None) -> PeriodSpec | None:
    """The period a title names (``2022年1-6月扬中市主要经济指标`` -> 2022M06, ytd), or None.

    The year may be missing (a sheet named ``1-6月``); then ``fallback_year`` supplies it. A month
    range that does not start in January is not a year-to-date figure and is ignored here, and so
    are full dates (``填报日期：2022年7月10日``).
    """
    s = _DATE_RE.sub(" ", fold(text))  # 填报日期：2022年7月10日 is when, not what
    ym = _YEAR_RE.search(s)
    year = int(ym.group("year")) if ym else fallback_year
    if year is None:
        return None
    rest = s[ym.end() :] + " " + s[: ym.start()] if ym else s
    for m in _RANGE_RE.finditer(rest):
        if m.group("first") == "1" and 1 <= int(m.group("last")) <= 12:
            return PeriodSpec(Period.month(year, int(m.group("last"))), True)
    if w := _WORD_RE.search(rest):
        kind, n, ytd = _WORDS[w.group()]
        return PeriodSpec(Period(year) if kind == "Y" else Period(year, kind, n), ytd)
    for m in _MONTH_RE.finditer(rest):
        if 1 <= int(m.group("month")) <= 12:
            return PeriodSpec(Period.month(year, int(m.group("month"))), None)
    return PeriodSpec(Period(year)) if ym else None
