"""Observation import (targetboard.ingest): real CSV/XLSX files written to tmp_path, records and problems.

Indicators used (catalog units): industrial_taxable_sales 工业应税销售 亿元 flow_ytd, general_budget_revenue
一般公共预算收入 亿元 flow_ytd, industrial_output_above_scale 规模以上工业总产值 亿元 flow_ytd,
deposits_balance 金融机构本外币存款余额 亿元 stock, resident_population 常住人口 万人 stock,
industrial_value_added_above_scale 规模以上工业增加值 亿元, cpi 居民消费价格 % index.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targetboard.catalog import load_catalog
from targetboard.ingest import ImportResult, Problem, read_observations
from targetboard.ingest.units import UnitMismatch, convert, is_unit, parse_unit
from targetboard.model.observation import ObservationRecord

REGIONS = {"扬中市": "321182", "扬中": "321182", "镇江市": "321100", "丹阳市": "321181"}
YZ = "321182"


# --- helpers -------------------------------------------------------------------------------------------


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def read(path: Path, **kwargs: object) -> ImportResult:
    return read_observations(path, regions=REGIONS, **kwargs)  # type: ignore[arg-type]


def by_key(result: ImportResult) -> dict[tuple[str, str, str, bool], ObservationRecord]:
    out = {r.key: r for r in result.records}
    assert len(out) == len(result.records)
    return out


def only_problem(result: ImportResult) -> Problem:
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


TEMPLATE = [
    "地区,指标,时期,累计,数值,单位,同比增长%,来源",
    '扬中市,工业应税销售,2022年1-6月,,"5,802,000",万元,12.3,扬中市统计局',
    "揚中市,industrial_output_above_scale,2022M06,否,80.5,,8,",
    "扬 中,一般公共预算收入,2022,,40.1,亿元,,",
    "扬中市,规上工业总产值,2022年5月,,７０．２,,,",
    "扬中市,一般公共预算收入,2022M06,,21.3,,-2.5%,",
    "扬中市,金融机构本外币存款余额,2022M06,,900,,,",
    "扬中市,常住人口,2022,,"  # value given in 人 in the cell text
    + "342000人,,,",
    ",,,,,,,",
    "扬中市,工业应税销售,2022M07,,—,,,",
]


def check_template_records(result: ImportResult, source: str) -> None:
    assert result.ok, [str(p) for p in result.problems]
    recs = by_key(result)
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", True)] == ObservationRecord(
        YZ, "industrial_taxable_sales", "2022M06", True, 580.2, 12.3, "扬中市统计局"
    )
    assert recs[(YZ, "industrial_output_above_scale", "2022M06", False)].value == 80.5
    assert recs[(YZ, "industrial_output_above_scale", "2022M06", False)].growth == 8.0
    assert recs[(YZ, "industrial_output_above_scale", "2022M06", False)].source == source
    assert recs[(YZ, "general_budget_revenue", "2022", False)].value == 40.1  # a year: not year-to-date
    assert recs[(YZ, "industrial_output_above_scale", "2022M05", False)].value == 70.2  # 2022年5月: month alone
    assert recs[(YZ, "general_budget_revenue", "2022M06", True)].growth == -2.5  # month code + flow: ytd by default
    assert recs[(YZ, "deposits_balance", "2022M06", False)].value == 900  # a stock: never ytd by default
    assert recs[(YZ, "resident_population", "2022", False)].value == 34.2  # 342000人 -> 万人
    assert len(recs) == 7  # the blank row and the row with only "—" import nothing


# --- the template: CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_template_csv_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / f"obs-{encoding}.csv", TEMPLATE, encoding)
    check_template_records(read(path), path.name)


def test_template_english_headers_and_defaults(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "en.csv", [
        "indicator,value,unit,growth",
        "industrial_taxable_sales,580.2,,12.3",
        "一般公共预算收入,213000,万元,",
    ])
    # Neither region nor period column: both come from the defaults (a code and a Chinese period here).
    result = read(path, default_region=YZ, default_period="2022年1-6月")
    assert result.ok, [str(p) for p in result.problems]
    recs = by_key(result)
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", True)].value == 580.2
    assert recs[(YZ, "general_budget_revenue", "2022M06", True)].value == 21.3


def test_template_period_forms(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "periods.csv", [
        "地区,指标,时期,累计,数值",
        "扬中市,工业应税销售,2022Q3,,1",
        "扬中市,工业应税销售,2022H1,,2",
        "扬中市,工业应税销售,2022年前三季度,,3",
        "扬中市,工业应税销售,2022年上半年,,4",
        "扬中市,工业应税销售,2022年5月,是,5",
        "扬中市,工业应税销售,2022年,,6",
    ])
    recs = by_key(read(path))
    assert recs[(YZ, "industrial_taxable_sales", "2022Q3", False)].value == 1
    assert recs[(YZ, "industrial_taxable_sales", "2022H1", False)].value == 2
    assert recs[(YZ, "industrial_taxable_sales", "2022M09", True)].value == 3
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", True)].value == 4
    assert recs[(YZ, "industrial_taxable_sales", "2022M05", True)].value == 5  # 2022年5月 with 累计=是
    assert recs[(YZ, "industrial_taxable_sales", "2022", False)].value == 6


def test_template_same_figures_read_twice_are_identical(tmp_path: Path) -> None:
    """Re-import changes nothing in the store because the reader is deterministic (the store compares keys)."""
    path = write_csv(tmp_path / "obs.csv", TEMPLATE)
    assert read(path).records == read(path).records


# --- the template: XLSX --------------------------------------------------------------------------------


def test_template_xlsx_with_title_row_and_numeric_cells(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "obs.xlsx", {
        "数据": [
            ["扬中市主要指标（导入模板）"],
            [],
            ["地区", "指标", "时期", "累计", "数值(万元)", "单位", "同比增长(%)"],
            ["扬中市", "工业应税销售", "2022M06", "是", 5802000, None, 12.3],
            ["扬中市", "一般公共预算收入", 2022, None, 401000, None, None],
            ["扬中市", "规上工业总产值", "2022M06", "否", 80.5, "亿元", None],
        ],
        "空白": [],
    })
    result = read(path)
    assert result.ok, [str(p) for p in result.problems]
    recs = by_key(result)
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", True)].value == 580.2  # unit from the header
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", True)].source == "obs.xlsx#数据"
    assert recs[(YZ, "general_budget_revenue", "2022", False)].value == 40.1
    assert recs[(YZ, "industrial_output_above_scale", "2022M06", False)].value == 80.5  # unit column beats header


# --- the statistics bureau's sheet -----------------------------------------------------------------------


def bureau_workbook(path: Path) -> Path:
    """Title row, a unit line, a merged two-row header: 1-6月 over 本月|累计, 同比增长% over 本月|累计."""
    rows: list[list[object]] = [
        ["2022年1-6月扬中市主要经济指标"],
        ["单位：万元"],
        ["指标名称", "计量单位", "1-6月", None, "同比增长%", None, "上年同期累计"],
        [None, None, "本月", "累计", "本月", "累计", None],
        ["一、工业"],
        ["工业应税销售", None, 1000000, 5802000, 10.1, 12.3, 5100000],
        ["  其中：规上工业总产值(亿元)", None, "100", "480.5亿元", None, 8, 400],
        ["二、财政"],
        ["一般公共预算收入", "亿元", "—", 21.3, None, "5.3%", 20],
        ["金融机构本外币存款余额", "亿元", None, 900, None, 3, None],
        ["规模以上工业增加值增速", "%", 7.2, 8.1, None, None, None],
        ["居民消费价格指数", "上年=100", None, 102.1, None, None, None],
        [],
        ["注：本表为快报数据，正式数据以统计年鉴为准。"],
    ]
    merges = ["A1:G1", "A3:A4", "B3:B4", "C3:D3", "E3:F3", "G3:G4"]
    return write_xlsx(path, {"1-6月": rows}, {"1-6月": merges})


def test_bureau_sheet_with_title_and_merged_two_row_header(tmp_path: Path) -> None:
    result = read(bureau_workbook(tmp_path / "bureau.xlsx"))
    assert result.ok, [str(p) for p in result.problems]
    recs = by_key(result)
    # 本月 -> month record, 累计 -> ytd record; 万元 from the 单位 line converted to 亿元.
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", False)] == ObservationRecord(
        YZ, "industrial_taxable_sales", "2022M06", False, 100.0, 10.1, "bureau.xlsx#1-6月"
    )
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", True)].value == 580.2
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", True)].growth == 12.3
    # Unit in the row name (亿元) beats the sheet's 万元; a unit in the cell text is read too.
    assert recs[(YZ, "industrial_output_above_scale", "2022M06", False)].value == 100
    assert recs[(YZ, "industrial_output_above_scale", "2022M06", True)].value == 480.5
    assert recs[(YZ, "industrial_output_above_scale", "2022M06", True)].growth == 8
    # "—" is no value: no month record for the budget revenue; the ytd one has its growth.
    assert (YZ, "general_budget_revenue", "2022M06", False) not in recs
    assert recs[(YZ, "general_budget_revenue", "2022M06", True)].growth == 5.3
    # A stock printed in the 累计 column is a month-end level, not year-to-date.
    assert recs[(YZ, "deposits_balance", "2022M06", False)].value == 900
    # A growth-rate row (增速, %) fills growth, not the level.
    assert recs[(YZ, "industrial_value_added_above_scale", "2022M06", True)].value is None
    assert recs[(YZ, "industrial_value_added_above_scale", "2022M06", True)].growth == 8.1
    assert recs[(YZ, "industrial_value_added_above_scale", "2022M06", False)].growth == 7.2
    # An index against last year = 100 becomes the percent change, the catalog's unit for cpi.
    assert recs[(YZ, "cpi", "2022M06", True)].value == pytest.approx(2.1)
    # 上年同期累计 (last year's figure) is ignored, headings and the note are skipped.
    assert len(recs) == 9


def test_bureau_single_header_growth_follows_ytd_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bureau.csv", [
        "2022年1-6月 揚中市 主要經濟指標,,,,",
        "指标,单位,本月,1-6月累计,同比增长%",
        "工业应税销售,亿元,100,580.2,12.3",
        "一般公共预算收入,万元,\"30,000\",\"213,000\",-1.5",
    ], "gb18030")
    result = read(path)
    assert result.ok, [str(p) for p in result.problems]
    recs = by_key(result)
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", True)].growth == 12.3
    assert recs[(YZ, "industrial_taxable_sales", "2022M06", False)].growth is None
    assert recs[(YZ, "general_budget_revenue", "2022M06", False)].value == 3.0
    assert recs[(YZ, "general_budget_revenue", "2022M06", True)].value == 21.3


def test_bureau_month_only_growth_attaches_to_month_and_units_in_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", {"Sheet1": [
        ["项目", "本月(万元)", "增长%"],
        ["工业应税销售", 1000000, 9.5],
    ]})
    result = read(path, default_region="扬中", default_period="2022年6月")
    assert result.ok, [str(p) for p in result.problems]
    assert result.records == [
        ObservationRecord(YZ, "industrial_taxable_sales", "2022M06", False, 100.0, 9.5, "m.xlsx#Sheet1")
    ]


def test_bureau_month_from_header_when_title_gives_the_year(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "y.csv", [
        "2022年扬中市主要经济指标",
        "指标名称,单位,1-5月累计,比上年同期增长(%)",
        "一般公共预算收入,亿元,18.2,4.1",
    ])
    result = read(path)
    assert result.ok, [str(p) for p in result.problems]
    assert result.records == [ObservationRecord(YZ, "general_budget_revenue", "2022M05", True, 18.2, 4.1, "y.csv")]


def test_bureau_month_column_borrows_the_month_of_the_ytd_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "b.xlsx", {"扬中市": [
        ["2022年主要经济指标"],
        ["单位：万元    填报日期：2022-06-10"],
        ["指标", "本月", "1-5月累计"],
        ["工业应税销售", 1000000, 4802000],
    ]})
    result = read(path)  # the region comes from the sheet name
    assert result.ok, [str(p) for p in result.problems]
    recs = by_key(result)
    assert recs[(YZ, "industrial_taxable_sales", "2022M05", False)].value == 100
    assert recs[(YZ, "industrial_taxable_sales", "2022M05", True)].value == 480.2


def test_bureau_plain_value_column_in_an_annual_sheet(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "annual.csv", [
        "镇江市扬中市2022年国民经济主要指标",
        "指标,单位,绝对值,增长%",
        "工业应税销售,亿元,1210.5,10.2",
        "常住人口,人,342000,",
    ])
    result = read(path)
    assert result.ok, [str(p) for p in result.problems]
    recs = by_key(result)
    assert recs[(YZ, "industrial_taxable_sales", "2022", False)].growth == 10.2  # the last region named wins
    assert recs[(YZ, "resident_population", "2022", False)].value == 34.2


# --- problems ------------------------------------------------------------------------------------------


def test_text_in_a_number_cell_names_file_sheet_row_and_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "data.xlsx", {"1-6月": [
        ["2022年1-6月扬中市主要经济指标"],
        [],
        ["指标名称", "单位", "本月", "1-6月累计", "同比增长%"],
        ["工业应税销售", "亿元", 100, 580.2, 12.3],
        ["规上工业总产值", "亿元", 80, 480, 8],
        ["一般公共预算收入", "亿元", 3, 21.3, 5],
        ["工业应税销售收入", "亿元", "12,3a", "…", "-"],
    ]})
    result = read(path)
    problem = only_problem(result)
    assert (problem.file, problem.sheet, problem.row, problem.column) == ("data.xlsx", "1-6月", 7, "本月")
    assert str(problem) == (
        "data.xlsx, sheet 1-6月, row 7, column 本月: text '12,3a' is not a number; expected a number such as 580.2"
    )
    assert not result.ok


def test_number_forms_accepted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", [
        "地区,指标,时期,数值,同比增长%",
        '扬中市,工业应税销售,2022M01,"1,234.5",',
        "扬中市,工业应税销售,2022M02,１２３４．５,",
        "扬中市,工业应税销售,2022M03,580.2亿元,",
        "扬中市,工业应税销售,2022M04, 580.2 ,＋5.1％",
    ])
    result = read(path)
    assert result.ok, [str(p) for p in result.problems]
    assert [r.value for r in result.records] == [1234.5, 1234.5, 580.2, 580.2]
    assert result.records[-1].growth == 5.1


def test_every_problem_of_a_template_is_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [
        "地区,指标,时期,累计,数值,单位,同比增长%",
        "丹徒区,工业应税销售,2022M06,,1,,",  # 2 unknown region
        "扬中市,无此指标,2022M06,,1,,",  # 3 unknown indicator
        "扬中市,工业应税销售,2022年13月,,1,,",  # 4 bad period
        "扬中市,工业应税销售,上半年,,1,,",  # 5 no year
        '扬中市,工业应税销售,2022M05,也许,"12,3a",,5亿元',  # 6 three problems in one row
        "扬中市,工业应税销售,2022M04,,-5,,",  # 7 negative flow
        "丹徒区,规上工业总产值,2022M03,,1,吨,",  # 8 unknown region and wrong unit
        "扬中市,规上工业总产值,2022M02,,5.5,%,",  # 9 a growth rate in the value column
        "扬中市,工业应税销售,2022年1-6月,否,1,,",  # 10 累计 contradicts the period
        "扬中市,工业应税销售,2022M03,,1,,",  # 11
        "扬中,industrial_taxable_sales,2022年1-3月,,2,,",  # 12 duplicate of row 11
    ])
    result = read(path)
    got = [(p.row, p.column) for p in result.problems]
    assert got == [
        (2, "地区"), (3, "指标"), (4, "时期"), (5, "时期"), (6, "累计"), (6, "数值"), (6, "同比增长%"),
        (7, "数值"), (8, "地区"), (8, "单位"), (9, "单位"), (10, "累计"), (12, None),
    ]
    messages = [p.message for p in result.problems]
    assert messages[0].startswith("unknown region '丹徒区'; expected one of ") and "扬中市" in messages[0]
    assert messages[1] == "unknown indicator '无此指标': not in the catalog; see `targetboard indicators`"
    assert "month 13 is not 1-12" in messages[2] and "expected 2022, 2022H1" in messages[2]
    assert "is not 是 or 否" in messages[4]
    assert messages[5] == "text '12,3a' is not a number; expected a number such as 580.2"
    assert "percent change" in messages[6]
    assert messages[7].startswith("negative value -5 for 工业应税销售") and "expected 0 or more" in messages[7]
    assert messages[9] == "unit 吨 does not fit indicator 规模以上工业总产值 (亿元)"
    assert "同比增长%" in messages[10]
    assert "year-to-date" in messages[11]
    assert "row 11 and in row 12" in messages[12] and messages[12].startswith("duplicate: ")
    assert all(p.file == "bad.csv" and p.sheet is None for p in result.problems)
    assert not result.ok


def test_unknown_indicator_row_in_a_bureau_sheet_is_a_problem(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "u.csv", [
        "2022年1-6月扬中市主要经济指标",
        "指标名称,单位,本月,累计",
        "工业应税销售,亿元,100,580.2",
        "三、重点工作",  # a heading without figures: skipped
        "工业开票户数,户,12,40",  # figures under a name the catalog does not know: reported
        ",,1,2",  # figures without a name: reported
    ])
    result = read(path)
    assert [(p.row, p.column) for p in result.problems] == [(5, "指标名称"), (6, "指标名称")]
    assert result.problems[0].message == (
        "unknown indicator '工业开票户数': not in the catalog; see `targetboard indicators`"
    )
    assert "no indicator name" in result.problems[1].message


def test_duplicate_rows_across_sheets_name_both(tmp_path: Path) -> None:
    header = ["指标名称", "单位", "1-6月累计"]
    path = write_xlsx(tmp_path / "dup.xlsx", {
        "A": [["2022年1-6月扬中市"], header, ["工业应税销售", "亿元", 580.2]],
        "B": [["2022年1-6月扬中市"], header, ["工业应税销售", "万元", 5802000]],
    })
    problem = only_problem(read(path))
    assert (problem.sheet, problem.row) == ("B", 3)
    assert "sheet A row 3 and in row 3" in problem.message


def test_missing_required_column_lists_the_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", ["地区,指标,时期,单位", "扬中市,工业应税销售,2022M06,亿元"])
    problem = only_problem(read(path))
    assert (problem.row, problem.column) == (1, None)
    assert problem.message.startswith("missing column 数值 (value); the header row has: 地区, 指标, 时期, 单位")
    # Without 地区 and without a default region, 地区 is missing; with a default it is not.
    path2 = write_csv(tmp_path / "m2.csv", ["指标,时期,数值", "工业应税销售,2022M06,1"])
    assert only_problem(read(path2)).message.startswith("missing column 地区 (region)")
    assert read(path2, default_region="扬中市").ok


def test_bureau_sheet_without_region_or_month(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ["主要经济指标", "指标名称,单位,本月", "工业应税销售,亿元,100"])
    result = read(path)
    assert [p.message.split(":")[0] for p in result.problems] == ["no region", "no period"]
    assert not result.records
    path2 = write_csv(tmp_path / "t2.csv", ["2022年扬中市主要经济指标", "指标名称,单位,本月", "工业应税销售,亿元,100"])
    problem = only_problem(read(path2))
    assert problem.column == "本月" and "cannot tell which month" in problem.message
    assert read(path, default_region="扬中市", default_period="2022M06").records == [
        ObservationRecord(YZ, "industrial_taxable_sales", "2022M06", False, 100.0, None, "t.csv")
    ]


def test_bad_defaults_are_problems(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", ["指标,数值", "工业应税销售,1"])
    result = read(path, default_region="火星", default_period="下个月")
    assert [p.message.split(" ")[0:2] for p in result.problems][:2] == [["default", "region"], ["default", "period"]]


def test_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    problem = only_problem(read(empty))
    assert (problem.file, problem.row) == ("empty.csv", None) and "empty" in problem.message
    blank = write_xlsx(tmp_path / "blank.xlsx", {"Sheet1": []})
    assert "no data" in only_problem(read(blank)).message


def test_truncated_and_unreadable_files(tmp_path: Path) -> None:
    full = bureau_workbook(tmp_path / "full.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(full[: len(full) // 2])
    problem = only_problem(read(cut))
    assert problem.row is None and "damaged or truncated" in problem.message

    quote = tmp_path / "quote.csv"
    quote.write_text('地区,指标,时期,数值\n扬中市,工业应税销售,2022M06,"58', encoding="utf-8")
    problem = only_problem(read(quote))
    assert problem.row == 2 and "truncated" in problem.message

    midrow = tmp_path / "midrow.csv"
    midrow.write_text("地区,指标,时期,数值,同比增长%\n扬中市,工业应税销售,2022M06,58", encoding="utf-8")
    problem = only_problem(read(midrow))
    assert problem.row == 2 and "truncated" in problem.message

    midchar = tmp_path / "midchar.csv"
    midchar.write_bytes("地区,指标,时期,数值\n扬中市,工业应税销售,2022M06,1\n扬".encode()[:-1])
    assert any("middle of a character" in p.message for p in read(midchar).problems)

    assert "not found" in only_problem(read(tmp_path / "nope.csv")).message
    assert only_problem(read(tmp_path)).row is None  # a directory: unreadable, not an exception

    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert ".xls" in only_problem(read(xls)).message

    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    assert only_problem(read(junk)).row is None


def test_no_header_found(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["a,b,c", "1,2,3"])
    problem = only_problem(read(path))
    assert problem.row == 1 and problem.message.startswith("no header row found")


def test_unit_conflict_between_cell_and_unit_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["地区,指标,时期,数值,单位", "扬中市,工业应税销售,2022M06,580.2亿元,万元"])
    problem = only_problem(read(path))
    assert problem.column == "数值" and "says 亿元" in problem.message and "says 万元" in problem.message


def test_stock_in_both_columns_with_different_levels_is_a_problem(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [
        "2022年6月扬中市主要经济指标",
        "指标名称,单位,本月,累计",
        "金融机构本外币存款余额,亿元,900,905",
        "常住人口,万人,34.2,34.2",  # the same level twice: fine
    ])
    result = read(path)
    problem = only_problem(result)
    assert (problem.row, problem.column) == (3, "累计") and "a stock is a level at month end" in problem.message
    assert by_key(result)[(YZ, "resident_population", "2022M06", False)].value == 34.2


_CELLS = st.sampled_from([
    "地区", "指标", "时期", "累计", "数值", "单位", "同比增长%", "指标名称", "本月", "1-6月累计", "扬中市",
    "工业应税销售", "2022M06", "2022年1-6月", "万元", "吨", "—", "12,3a", "580.2", '"', "注：", "是",
    "上年=100", "", "１２",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELLS, max_size=8), max_size=8), cut=st.integers(0, 400),
       encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_never_raises_on_odd_csv(tmp_path: Path, rows: list[list[str]], cut: int, encoding: str) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes("\n".join(",".join(r) for r in rows).encode(encoding)[:cut])
    result = read(path, default_period="2022M06")
    assert all(isinstance(p, Problem) and p.file == "odd.csv" and str(p) for p in result.problems)


# --- units and the result types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (5802000, "万元", "亿元", 580.2),
        (58020000000, "元", "亿元", 580.2),
        (580.2, "亿元", "万元", 5802000),
        (34.2, "万人", "人", 342000),
        (12000, "吨", "万吨", 1.2),
        (3, "‰", "%", 0.3),
        (15, "万元/人", "元/人", 150000),
        (1.5, "亿千瓦时", "万千瓦时", 15000),
        (1.2, "万", "家", 12000),
        (7, "萬元", "万元", 7),
    ],
)
def test_convert(value: float, src: str, dst: str, expected: float) -> None:
    assert convert(value, src, dst) == expected


def test_convert_refuses_other_bases() -> None:
    with pytest.raises(UnitMismatch):
        convert(1, "吨", "亿元")
    with pytest.raises(UnitMismatch):
        convert(1, "美元", "元")
    assert parse_unit("（单位：万元）").text == "万元"
    assert is_unit("亿元") and not is_unit("不含农户") and not is_unit("a")


def test_every_catalog_unit_is_recognised() -> None:
    bases = frozenset(parse_unit(i.unit).base for i in load_catalog())
    for ind in load_catalog():
        assert convert(1.0, ind.unit, ind.unit) == 1.0
        assert is_unit(ind.unit, bases | frozenset(b for x in bases for b in x.split("/"))), ind.unit


def test_problem_str_and_result_ok() -> None:
    assert str(Problem("a.csv", None, None, None, "the file is empty")) == "a.csv: the file is empty"
    assert str(Problem("a.xlsx", "S", 3, None, "x\ny")) == "a.xlsx, sheet S, row 3: x y"
    assert ImportResult([], []).ok
    assert not ImportResult([], [Problem("a", None, None, None, "m")]).ok
