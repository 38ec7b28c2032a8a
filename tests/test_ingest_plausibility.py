"""Plausibility flags: magnitude jumps against the previous period or last year, implausible rates."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from targetboard.ingest import read_observations
from targetboard.ingest.plausibility import FORCE_HINT, comparison_keys, load_plausibility, magnitude_flags
from targetboard.model.observation import ObservationRecord

REGIONS = {"扬中市": "321182", "丹阳市": "321181"}
YZ = "321182"
SALES = "industrial_taxable_sales"


def rec(period: str, value: float | None, *, ytd: bool = True, indicator: str = SALES,
        growth: float | None = None) -> ObservationRecord:
    return ObservationRecord(YZ, indicator, period, ytd, value, growth, "f.xlsx#1-6月")


def test_comparison_keys_previous_period_then_last_year() -> None:
    assert comparison_keys(rec("2022M06", 580.2)) == [(YZ, SALES, "2022M05", True), (YZ, SALES, "2021M06", True)]
    # January year-to-date is not compared with December year-to-date (a whole year is 12 times more)
    assert comparison_keys(rec("2022M01", 90.0)) == [(YZ, SALES, "2021M01", True)]
    assert comparison_keys(rec("2022M01", 90.0, ytd=False)) == [(YZ, SALES, "2021M12", False),
                                                                (YZ, SALES, "2021M01", False)]
    assert comparison_keys(rec("2022Q1", 90.0, ytd=False))[0] == (YZ, SALES, "2021Q4", False)
    assert comparison_keys(rec("2022H2", 90.0, ytd=False))[0] == (YZ, SALES, "2022H1", False)
    assert comparison_keys(rec("2022", 1200.0, ytd=False)) == [(YZ, SALES, "2021", False)]
    assert comparison_keys(rec("2022M06", None, growth=12.3)) == []  # no level, nothing to compare


def test_a_figure_typed_in_wan_yuan_is_flagged_against_last_month() -> None:
    record = rec("2022M06", 5802000.0)
    previous = {(YZ, SALES, "2022M05", True): 480.1, (YZ, SALES, "2021M06", True): 516.6}
    flag, = magnitude_flags([record], previous, region_names={YZ: "扬中市"})
    assert (flag.file, flag.sheet, flag.row, flag.column) == ("f.xlsx#1-6月", None, None, None)
    assert flag.message == (
        "扬中市 工业应税销售 2022M06 (year-to-date): 5,802,000 亿元 is 12,085 times the value for 2022M05 "
        "(480.1 亿元); expected a figure of the same magnitude: check the unit (万元 for 亿元?) and the column; "
        f"{FORCE_HINT}")
    assert "--force" in flag.message


def test_a_figure_too_small_is_flagged_against_last_year_when_no_previous_month() -> None:
    flag, = magnitude_flags([rec("2022M06", 0.058)], {(YZ, SALES, "2021M06", True): 516.6})
    assert "is 1/8,907 of the value for 2021M06 (516.6 亿元)" in flag.message


def test_ordinary_changes_and_missing_previous_values_are_not_flagged() -> None:
    previous = {(YZ, SALES, "2022M05", True): 480.1, (YZ, SALES, "2021M06", True): 516.6}
    assert magnitude_flags([rec("2022M06", 580.2)], previous) == []
    assert magnitude_flags([rec("2022M06", 3000.0)], previous) == []  # 6.2x: a jump, but below 8x
    assert magnitude_flags([rec("2022M06", 5802000.0)], {}) == []  # nothing to compare with
    rate = ObservationRecord(YZ, "tertiary_industry_share", "2022", False, 52.0, None, "f.csv")
    assert magnitude_flags([rate], {(YZ, "tertiary_industry_share", "2021", False): 5.0}) == []  # % not compared


def test_the_threshold_is_data() -> None:
    assert load_plausibility().ratio == 8.0
    previous = {(YZ, SALES, "2022M05", True): 100.0}
    assert magnitude_flags([rec("2022M06", 799.0)], previous) == []
    assert len(magnitude_flags([rec("2022M06", 800.0)], previous)) == 1
    assert len(magnitude_flags([rec("2022M06", 12.5)], previous)) == 1


def test_records_of_the_same_file_are_compared_with_each_other(tmp_path: Path) -> None:
    """May in 亿元 and June typed in 万元 (labelled 亿元) in one sheet: flagged with sheet, row and column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["地区", "指标", "时期", "数值", "单位", "同比增长%"])
    ws.append(["扬中市", "工业应税销售", "2022年1-5月", 480.1, "亿元", 11.0])
    ws.append(["扬中市", "工业应税销售", "2022年1-6月", 5802000, "亿元", 12.3])
    ws.append(["扬中市", "居民消费价格", "2022年6月", 2.1, "%", 102.1])
    ws.append(["扬中市", "一般公共预算收入", "2022年1-6月", 21.3, "亿元", 1530])
    wb.save(tmp_path / "月报.xlsx")
    result = read_observations(tmp_path / "月报.xlsx", regions=REGIONS)
    assert result.ok, [str(p) for p in result.problems]
    flags = magnitude_flags(result.records, {}, locations=result.locations, region_names={YZ: "扬中市"})
    assert [(f.file, f.sheet, f.row, f.column) for f in flags] == [
        ("月报.xlsx", "数据", 3, "数值"), ("月报.xlsx", "数据", 4, "同比增长%"), ("月报.xlsx", "数据", 5, "同比增长%")]
    assert "5,802,000 亿元 is 12,085 times the value for 2022M05 (480.1 亿元)" in flags[0].message
    assert flags[1].message == ("扬中市 居民消费价格 2022M06 (not year-to-date): growth 102.1% looks like the index "
                                f"level (last year = 100), not the percent change; expected 2.1; {FORCE_HINT}")
    assert "growth 1,530% is beyond +-1,000%" in flags[2].message


def test_index_level_in_the_value_and_a_share_above_100() -> None:
    cpi = ObservationRecord(YZ, "cpi", "2022M06", False, 102.1, None, "f.csv")
    share = ObservationRecord(YZ, "tertiary_industry_share", "2022", False, 523.0, None, "f.csv")
    ok = ObservationRecord(YZ, "cpi", "2022M06", True, 2.1, -0.5, "f.csv")
    flags = magnitude_flags([cpi, share, ok], {})
    assert len(flags) == 2
    assert "102.1% looks like the index level (last year = 100)" in flags[0].message and "上年=100" in flags[0].message
    assert "523% is beyond +-100% for a rate or share" in flags[1].message
