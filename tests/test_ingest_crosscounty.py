"""The city statistics bureau's cross-county sheet: regions as columns or as rows, real XLSX and CSV files.

Catalog units used: 工业应税销售 (industrial_taxable_sales) 亿元 flow_ytd, 一般公共预算收入
(general_budget_revenue) 亿元 flow_ytd, 金融机构本外币存款余额 (deposits_balance) 亿元 stock,
规模以上工业增加值 (industrial_value_added_above_scale).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from targetboard.ingest import ImportResult, read_observations
from targetboard.model.observation import ObservationRecord

ZJ = {"镇江市": "321100", "京口区": "321102", "润州区": "321111", "丹徒区": "321112", "丹阳市": "321181",
      "扬中市": "321182", "句容市": "321183", "扬中": "321182", "丹阳": "321181", "句容": "321183"}
YZ, DY, JR, JK, CITY = "321182", "321181", "321183", "321102", "321100"
TITLE = "2022年1-6月镇江市各辖市区主要经济指标"


def write_xlsx(path: Path, rows: list[list[object]], merges: list[str] = (), sheet: str = "各辖市区") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(source: Path, **kwargs: object) -> ImportResult:
    return read_observations(source, regions=ZJ, **kwargs)  # type: ignore[arg-type]


def records(result: ImportResult) -> dict[tuple[str, str, str, bool], ObservationRecord]:
    assert result.ok, [str(p) for p in result.problems]
    out = {r.key: r for r in result.records}
    assert len(out) == len(result.records)
    return out


# --- regions as columns -------------------------------------------------------------------------------

COLUMNS_SHEET: list[list[object]] = [
    [TITLE],
    ["单位：亿元"],
    ["指标名称", "计量单位", "全市", None, None, "扬中市", None, None, "丹阳市", None, None, "句容市", None, None],
    [None, None, "本月", "1-6月累计", "增长%", "本月", "1-6月累计", "增长%", "本月", "1-6月累计", "增长%", "本月",
     "1-6月累计", "增长%"],
    ["工业应税销售", None, 300, 1800.5, 9.9, 100, 580.2, 12.3, 120, 700.1, 8.1, 80, 520.2, 7.5],
    ["一般公共预算收入", "万元", 90000, 600000, 3.1, 30000, 213000, -1.5, 35000, 250000, 2.2, 25000, None, None],
    ["金融机构本外币存款余额", None, None, 9800, 8.8, None, 905.3, 10.1, None, 1500, 9.2, None, 800, "—"],
    ["注：本表为快报数据。"],
]
COLUMNS_MERGES = ["C3:E3", "F3:H3", "I3:K3", "L3:N3", "A3:A4", "B3:B4"]


def check_columns_records(result: ImportResult, source: str) -> None:
    recs = records(result)
    assert {r.region_code for r in recs.values()} == {YZ, DY, JR}  # 全市 is a total, not a region
    sales = recs[(YZ, "industrial_taxable_sales", "2022M06", True)]
    assert (sales.value, sales.growth, sales.source) == (580.2, 12.3, source)
    month = recs[(YZ, "industrial_taxable_sales", "2022M06", False)]
    assert (month.value, month.growth) == (100.0, None)  # the single growth column goes with 累计
    assert recs[(DY, "industrial_taxable_sales", "2022M06", True)].value == 700.1
    revenue = recs[(YZ, "general_budget_revenue", "2022M06", True)]
    assert (revenue.value, revenue.growth) == (21.3, -1.5)  # 万元 from the 计量单位 column -> 亿元
    assert (JR, "general_budget_revenue", "2022M06", True) not in recs  # blank: no figure, no record
    assert recs[(JR, "general_budget_revenue", "2022M06", False)].value == 2.5
    deposits = recs[(YZ, "deposits_balance", "2022M06", False)]  # a stock is never year-to-date
    assert (deposits.value, deposits.growth) == (905.3, 10.1)
    assert recs[(JR, "deposits_balance", "2022M06", False)].growth is None  # — is no figure
    assert len(recs) == 3 * 2 + 3 * 2 - 1 + 3


def test_regions_as_columns_xlsx_with_merged_headers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "各辖市区.xlsx", COLUMNS_SHEET, COLUMNS_MERGES)
    result = read(path)
    check_columns_records(result, "各辖市区.xlsx#各辖市区")
    loc = result.locations[(YZ, "industrial_taxable_sales", "2022M06", True)]
    assert (loc.sheet, loc.row, loc.value_column) == ("各辖市区", 5, "扬中市/1-6月累计")
    assert loc.growth_column == "扬中市/增长%"


def test_regions_as_columns_csv_region_written_once_above_its_columns(tmp_path: Path) -> None:
    """A CSV export of merged cells leaves the region above the first sub-column only."""
    lines = [",".join("" if c is None else str(c) for c in row) for row in COLUMNS_SHEET]
    path = write_csv(tmp_path / "各辖市区.csv", lines)
    check_columns_records(read(path), "各辖市区.csv")


def test_regions_as_columns_single_header_row_plain_values_period_from_default(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "peers.xlsx", [
        ["镇江市各辖市区工业应税销售（亿元）"],
        ["指标", "京口区", "丹阳", "扬中市", "合计"],
        ["工业应税销售", 210.5, 700.1, 580.2, 1490.8],
        ["工业应税销售增幅(%)", 5.1, 8.1, 12.3, 9.0],
    ])
    result = read(path, default_period="2022年1-6月")
    recs = records(result)
    assert set(recs) == {(code, "industrial_taxable_sales", "2022M06", True) for code in (JK, DY, YZ)}
    assert (recs[(DY, "industrial_taxable_sales", "2022M06", True)].value,
            recs[(DY, "industrial_taxable_sales", "2022M06", True)].growth) == (700.1, 8.1)


def test_unit_in_title_converts(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "peers.xlsx", [
        ["2022年1-6月各辖市区一般公共预算收入（万元）"],
        ["指标", "扬中市", "丹阳市"],
        ["一般公共预算收入", 213000, 250000],
    ])
    recs = records(read(path))
    assert recs[(YZ, "general_budget_revenue", "2022M06", True)].value == 21.3
    assert recs[(DY, "general_budget_revenue", "2022M06", True)].value == 25.0


def test_city_named_itself_is_read_as_the_city(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "peers.xlsx", [
        [TITLE],
        ["指标", "镇江市", "扬中市", "丹阳市"],
        ["工业应税销售", 1800.5, 580.2, 700.1],
    ])
    recs = records(read(path))
    assert recs[(CITY, "industrial_taxable_sales", "2022M06", True)].value == 1800.5


# --- regions as rows ----------------------------------------------------------------------------------

ROWS_SHEET: list[list[object]] = [
    [TITLE],
    ["地区", "工业应税销售(亿元)", None, None, "一般公共预算收入(万元)", None, "规模以上工业增加值增速(%)"],
    [None, "本月", "1-6月累计", "同比增长%", "1-6月累计", "同比增长%", None],
    ["全市", 300, 1800.5, 9.9, 600000, 3.1, 8.0],
    ["京口区", 50, 210.5, 5.1, 80000, 1.0, 6.0],
    ["丹阳市", 120, 700.1, 8.1, 250000, 2.2, 9.5],
    ["扬中市", 100, 580.2, 12.3, 213000, -1.5, 10.2],
    ["句容市", 80, 520.2, 7.5, "—", None, 7.7],
    ["资料来源：镇江市统计局"],
]
ROWS_MERGES = ["A2:A3", "B2:D2", "E2:F2", "G2:G3"]


def check_rows_records(result: ImportResult) -> None:
    recs = records(result)
    assert {r.region_code for r in recs.values()} == {JK, DY, YZ, JR}  # 全市 skipped
    sales = recs[(YZ, "industrial_taxable_sales", "2022M06", True)]
    assert (sales.value, sales.growth) == (580.2, 12.3)
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", False)].value == 100
    revenue = recs[(DY, "general_budget_revenue", "2022M06", True)]
    assert (revenue.value, revenue.growth) == (25.0, 2.2)
    assert (JR, "general_budget_revenue", "2022M06", True) not in recs
    growth_only = recs[(YZ, "industrial_value_added_above_scale", "2022M06", True)]
    assert (growth_only.value, growth_only.growth) == (None, 10.2)


def test_regions_as_rows_xlsx_several_indicators_with_sub_columns(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "rows.xlsx", ROWS_SHEET, ROWS_MERGES)
    check_rows_records(read(path))


def test_regions_as_rows_csv(tmp_path: Path) -> None:
    lines = [",".join("" if c is None else str(c) for c in row) for row in ROWS_SHEET]
    check_rows_records(read(write_csv(tmp_path / "rows.csv", lines)))


def test_regions_as_rows_blank_region_header_and_bytes_upload(tmp_path: Path) -> None:
    data = "\n".join([
        "2022年5月各县市区主要指标",
        ",工业应税销售,金融机构本外币存款余额",
        "扬中,95.5,900",
        "句容,75,790.5",
    ]).encode("gb18030")
    result = read_observations(data, filename="五月.csv", regions=ZJ)
    recs = records(result)
    # 2022年5月 says nothing about year-to-date: a flow's plain value is 1-5月累计 by the template's default
    assert recs[(YZ, "industrial_taxable_sales", "2022M05", True)].value == 95.5
    assert recs[(JR, "deposits_balance", "2022M05", False)].value == 790.5
    assert recs[(YZ, "industrial_taxable_sales", "2022M05", True)].source == "五月.csv"


# --- errors --------------------------------------------------------------------------------------------


def test_unknown_region_and_non_number_are_reported_with_location(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS_SHEET]
    rows[5] = ["丹阳县", 120, 700.1, 8.1, 250000, 2.2, 9.5]
    rows[6] = ["扬中市", 100, "58O.2", 12.3, 213000, -1.5, 10.2]
    path = write_xlsx(tmp_path / "bad.xlsx", rows, ROWS_MERGES)
    result = read(path)
    assert not result.ok
    messages = [str(p) for p in result.problems]
    assert messages == [
        "bad.xlsx, sheet 各辖市区, row 6, column 地区: unknown region '丹阳县'; expected one of " + messages[0].split(
            "expected one of ")[1],
        "bad.xlsx, sheet 各辖市区, row 7, column 工业应税销售(亿元)/1-6月累计: text '58O.2' is not a number; "
        "expected a number such as 580.2",
    ]
    assert "扬中市" in messages[0] and "(or a total such as 全市, 合计)" in messages[0]


def test_unknown_region_in_the_header_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", [
        [TITLE],
        ["指标", "扬中市", "丹阳市", "镇江新区"],
        ["工业应税销售", 580.2, 700.1, 300],
    ])
    problem, = read(path).problems
    assert (problem.file, problem.sheet, problem.row, problem.column) == ("bad.xlsx", "各辖市区", 2, "镇江新区")
    assert problem.message.startswith("unknown region '镇江新区' in the header; expected one of ")


def test_unknown_indicator_and_missing_period(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", [
        ["镇江市各辖市区主要经济指标"],
        ["指标", "扬中市", "丹阳市"],
        ["工业开票户数", 5, 6],
        ["工业应税销售", 580.2, 700.1],
    ])
    messages = [str(p) for p in read(path).problems]
    assert messages[0].startswith(
        "bad.xlsx, sheet 各辖市区, row 2: no period: the title '镇江市各辖市区主要经济指标' names no year or month")
    assert messages[1] == ("bad.xlsx, sheet 各辖市区, row 3, column 指标: unknown indicator '工业开票户数': not in the "
                           "catalog; see `targetboard indicators`")
    assert len(messages) == 2


def test_unit_that_does_not_fit_is_reported(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", [
        [TITLE],
        ["指标", "单位", "扬中市", "丹阳市"],
        ["工业应税销售", "吨", 580.2, 700.1],
    ])
    messages = [str(p) for p in read(path).problems]
    expected = "bad.xlsx, sheet 各辖市区, row 3, column 单位: unit 吨 does not fit indicator 工业应税销售 (亿元)"
    assert messages == [expected] * 2


def test_same_figure_twice_across_orientations_is_a_duplicate(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "列"
    for row in [[TITLE], ["指标", "扬中市", "丹阳市"], ["工业应税销售", 580.2, 700.1]]:
        ws.append(row)
    ws2 = wb.create_sheet("行")
    for row in [[TITLE], ["地区", "工业应税销售"], ["扬中市", 580.2]]:
        ws2.append(row)
    wb.save(tmp_path / "two.xlsx")
    problem, = read(tmp_path / "two.xlsx").problems
    assert (problem.sheet, problem.row) == ("行", 3)
    assert "duplicate: 扬中市 工业应税销售 2022M06 (year-to-date) is given twice" in problem.message


@pytest.mark.parametrize("shape", ["bureau", "template"])
def test_other_shapes_are_not_taken_for_cross_county_sheets(tmp_path: Path, shape: str) -> None:
    if shape == "bureau":
        rows: list[list[object]] = [["2022年1-6月扬中市主要经济指标"], ["指标名称", "本月", "1-6月累计"],
                                    ["工业应税销售", 100, 580.2]]
    else:
        rows = [["地区", "指标", "时期", "数值"], ["扬中市", "工业应税销售", "2022M06", 580.2],
                ["丹阳市", "工业应税销售", "2022M06", 700.1], ["句容市", "工业应税销售", "2022M06", 520.2]]
    recs = records(read(write_xlsx(tmp_path / f"{shape}.xlsx", rows)))
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", True)].value == 580.2


def test_level_row_and_growth_row_complete_each_other(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "peers.xlsx", [
        [TITLE],
        ["指标", "扬中市", "丹阳市"],
        ["工业应税销售", 580.2, 700.1],
        ["工业应税销售增幅(%)", 12.3, None],
    ])
    result = read(path)
    recs = records(result)
    assert (recs[(YZ, "industrial_taxable_sales", "2022M06", True)].value,
            recs[(YZ, "industrial_taxable_sales", "2022M06", True)].growth) == (580.2, 12.3)
    assert recs[(DY, "industrial_taxable_sales", "2022M06", True)].growth is None
    loc = result.locations[(YZ, "industrial_taxable_sales", "2022M06", True)]
    assert (loc.row, loc.value_column, loc.growth_row, loc.growth_column) == (3, "扬中市", 4, "扬中市")


def test_regions_as_rows_one_indicator_named_by_the_title(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "sales.xlsx", [
        ["2022年1-6月各辖市区规模以上工业增加值完成情况"],
        ["单位：亿元"],
        ["县(市、区)", "本月", "1-6月累计", "同比增长%", "位次"],
        ["扬中市", 20.1, 110.5, 10.2, 1],
        ["句容市", 15.0, 90.3, 7.7, 2],
        ["合计", 35.1, 200.8, 9.0, None],
    ])
    recs = records(read(path))
    ytd = recs[(YZ, "industrial_value_added_above_scale", "2022M06", True)]
    assert (ytd.value, ytd.growth) == (110.5, 10.2)  # not 工业增加值: the longest name the title holds wins
    assert recs[(JR, "industrial_value_added_above_scale", "2022M06", False)].value == 15.0
    assert len(recs) == 4


def test_one_region_and_a_total_make_a_cross_county_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "one.xlsx", [[TITLE], ["指标", "全市", "扬中市"], ["工业应税销售", 1800.5, 580.2]])
    assert list(records(read(path))) == [(YZ, "industrial_taxable_sales", "2022M06", True)]

_FIGURES = st.lists(st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False).map(float),
                    min_size=3, max_size=3)


@settings(max_examples=30, deadline=None)
@given(sales=_FIGURES, revenue=_FIGURES)
def test_both_orientations_read_the_same_figures(sales: list[float], revenue: list[float]) -> None:
    """A sheet and its transpose are the same data: the records must be equal, whatever the figures."""
    names = ["扬中市", "丹阳市", "句容市"]
    by_columns = [TITLE, "指标," + ",".join(names), "工业应税销售," + ",".join(map(str, sales)),
                  "一般公共预算收入(万元)," + ",".join(map(str, revenue))]
    by_rows = [TITLE, "地区,工业应税销售,一般公共预算收入(万元)"] + [
        f"{n},{s},{r}" for n, s, r in zip(names, sales, revenue, strict=True)]
    a = read_observations("\n".join(by_columns).encode(), filename="a.csv", regions=ZJ)
    b = read_observations("\n".join(by_rows).encode(), filename="a.csv", regions=ZJ)
    assert a.ok and b.ok
    assert sorted(a.records, key=lambda r: r.key) == sorted(b.records, key=lambda r: r.key)
    assert len(a.records) == 6
    assert {r.key: r.value for r in a.records}[(YZ, "general_budget_revenue", "2022M06", True)] == pytest.approx(
        revenue[0] / 10000)
