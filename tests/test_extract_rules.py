"""Rule-level cases the golden file's lenient metric match cannot tell apart: the exact metric a
coordinated list gives each member, the codes of a list of periods, and where a sentence starts after a
heading line. Every text is written for this suite."""

from __future__ import annotations

import pytest

from targetboard.extract import extract
from targetboard.extract.metric import split_coordinated
from targetboard.extract.periods import period_list


@pytest.mark.parametrize(
    ("metric", "members"),
    [
        ("城镇、农村居民人均可支配收入", ["城镇居民人均可支配收入", "农村居民人均可支配收入"]),
        ("进口、出口总额", ["进口总额", "出口总额"]),
        ("工业、服务业增加值", ["工业增加值", "服务业增加值"]),  # the head after the shared last character
        ("工业投资、技改投资", ["工业投资", "技改投资"]),  # whole members: no head to share
        ("甲、乙两项", ["甲", "乙两项"]),  # a count is no head noun
    ],
)
def test_a_coordinated_list_gives_every_member_the_head_noun(metric, members):
    assert split_coordinated(metric) == members


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("规上工业增加值一季度、上半年、前三季度", ["Q1", "H1", "M01-M09"]),
        ("1-3月、1-6月和1-12月", ["M01-M03", "M01-M06", ""]),  # 1-12月 is the whole year
        ("7月、8月和9月份", ["M07", "M08", "M09"]),
        ("十一月、十二月", ["M11", "M12"]),
        ("一季度和全年", ["Q1", ""]),
    ],
)
def test_a_list_of_periods_reads_as_their_codes(text, codes):
    found = period_list(text)
    assert found is not None and found[0] == codes


@pytest.mark.parametrize("text", ["5月1日和6月2日", "上半年", "全县工业投资", "比一季度、上半年"])
def test_dates_and_single_periods_are_no_list(text):
    assert period_list(text) is None


def test_a_heading_line_ends_before_a_line_opening_on_a_date():
    text = "一、2025年工作回顾\n1-3月、1-6月，全县外贸进出口总额分别增长4.1%、5.6%。\n"
    items = [i for i in extract(text, year=2026, context="review") if i.kind == "outcome"]
    assert [(i.metric, i.value, i.period) for i in items] == [
        ("外贸进出口总额", 4.1, "2025M01-M03"), ("外贸进出口总额", 5.6, "2025M01-M06")]
    assert all("回顾" not in i.text for i in items)


def test_a_wrapped_figure_still_joins_its_clause():
    """Web copies break a clause before its figure; only a heading followed by a date ends there."""
    items = extract("全年实现地区生产总值\n  7423.26亿元，同比增长6.0%。\n", year=2025, context="review")
    assert {(i.metric, i.value) for i in items if i.kind == "outcome"} >= {("地区生产总值", 7423.26)}
