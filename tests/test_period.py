"""Period codes (DHIS2-style ISO-like)."""

from __future__ import annotations

import pytest

from targetboard.model.period import Period, PeriodError, PeriodRange, parse_period


@pytest.mark.parametrize(
    ("code", "year", "kind", "last"),
    [("2022", 2022, "Y", 12), ("2022H1", 2022, "H", 6), ("2022Q3", 2022, "Q", 9), ("2022M06", 2022, "M", 6),
     ("2022m6", 2022, "M", 6)],
)
def test_parse(code, year, kind, last):
    p = Period.parse(code)
    assert (p.year, p.kind, p.last_month) == (year, kind, last)
    assert Period.parse(p.code) == p


@pytest.mark.parametrize("bad", ["22", "2022M13", "2022Q5", "2022H3", "二〇二二", "2022-06"])
def test_bad_codes_say_what_was_expected(bad):
    with pytest.raises(PeriodError, match=r"expected 2022, 2022H1, 2022Q3 or 2022M06|must be"):
        Period.parse(bad)


def test_order_and_year_to_date():
    assert Period.parse("2022M06") < Period.parse("2022Q3") < Period.parse("2022")
    assert Period.parse("2022H1").year_to_date_month().code == "2022M06"
    assert Period.parse("2022Q3").first_month == 7


def test_extractor_period_forms():
    assert parse_period("2021-2025") == PeriodRange(2021, 2025)
    assert parse_period("2025M01-M09") == Period(2025, "M", 9)
    assert parse_period("2022H1") == Period(2022, "H", 1)
