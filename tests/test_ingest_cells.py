"""Blank and formula cells never erase a value (issue 6, defect 8); bytes uploads behave like paths.

Formulas: openpyxl writes a formula without a saved result (``<f>..</f><v></v>``), as a program that
never calculated the sheet would. For the saved-result case the test writes the result into the XML
(what Excel and WPS do on save) and checks that openpyxl really reads it back before using the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl

from targetboard.ingest import ImportResult, read_observations

REGIONS = {"扬中市": "321182", "丹阳市": "321181"}
YZ = "321182"
KEY = (YZ, "industrial_taxable_sales", "2022M06", True)


def template_with_formula(path: Path) -> Path:
    """A template sheet whose 数值 is =B*... and whose 同比增长% is a formula; rows 2 and 3."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["地区", "指标", "时期", "数值", "同比增长%", "上年同期"])
    ws.append(["扬中市", "工业应税销售", "2022年1-6月", 580.2, "=ROUND((D2/F2-1)*100,1)", 516.6])
    ws.append(["扬中市", "一般公共预算收入", "2022年1-6月", "=10+11.3", None, None])
    wb.save(path)
    return path


def with_saved_results(path: Path, results: dict[str, str]) -> Path:
    """Write each formula cell's result next to its formula, as Excel does when it saves a workbook."""
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                for ref, value in results.items():
                    text, n = re.subn(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v></v>', rf"\g<1><v>{value}</v>", text)
                    assert n == 1, ref
                data = text.encode()
            dst.writestr(item, data)
    src.close()
    path.write_bytes(out.getvalue())
    return path


def read(source: Path | bytes, **kwargs: object) -> ImportResult:
    return read_observations(source, regions=REGIONS, **kwargs)  # type: ignore[arg-type]


def test_formula_with_saved_result_is_read_as_its_value(tmp_path: Path) -> None:
    path = with_saved_results(template_with_formula(tmp_path / "f.xlsx"), {"E2": "12.3", "D3": "21.3"})
    wb = openpyxl.load_workbook(path, data_only=True)  # the file really holds the cached results
    assert (wb.active["E2"].value, wb.active["D3"].value) == (12.3, 21.3)
    wb.close()
    result = read(path)
    assert result.ok, [str(p) for p in result.problems]
    recs = {r.key: r for r in result.records}
    assert (recs[KEY].value, recs[KEY].growth) == (580.2, 12.3)
    assert recs[(YZ, "general_budget_revenue", "2022M06", True)].value == 21.3


def test_formula_without_saved_result_is_refused_naming_the_cell(tmp_path: Path) -> None:
    path = template_with_formula(tmp_path / "f.xlsx")
    result = read(path)
    assert [(p.file, p.sheet, p.row, p.column) for p in result.problems] == [("f.xlsx", "数据", 2, "E"),
                                                                             ("f.xlsx", "数据", 3, "D")]
    first = result.problems[0].message
    assert first.startswith("cell E2 holds the formula =ROUND((D2/F2-1)*100,1) but no saved result")
    assert "open the file in Excel or WPS and save it again" in first and "选择性粘贴" in first
    assert not result.ok


def test_only_the_missing_result_is_refused(tmp_path: Path) -> None:
    path = with_saved_results(template_with_formula(tmp_path / "f.xlsx"), {"E2": "12.3"})
    problem, = read(path).problems
    assert (problem.row, problem.column) == (3, "D")
    assert problem.message.startswith("cell D3 holds the formula =10+11.3")


def test_blank_growth_means_no_figure_not_delete(tmp_path: Path) -> None:
    """Defect 8: a record built from an empty cell carries None, which the store reads as "keep"."""
    for name, content in {
        "blank.csv": "地区,指标,时期,数值,同比增长%\n扬中市,工业应税销售,2022年1-6月,580.2,\n",
        "dash.csv": "地区,指标,时期,数值,同比增长%\n扬中市,工业应税销售,2022年1-6月,580.2,—\n",
        "nocol.csv": "地区,指标,时期,数值\n扬中市,工业应税销售,2022年1-6月,580.2\n",
        "growth_only.csv": "地区,指标,时期,数值,同比增长%\n扬中市,工业应税销售,2022年1-6月,,12.3\n",
    }.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        result = read(tmp_path / name)
        record, = result.records
        if name == "growth_only.csv":
            assert (record.value, record.growth) == (None, 12.3)
            assert result.locations[KEY].value_column is None and result.locations[KEY].growth_column == "同比增长%"
        else:
            assert (record.value, record.growth) == (580.2, None), name
            assert result.locations[KEY].growth_column is None


def test_bytes_upload_behaves_like_the_path_and_names_the_file(tmp_path: Path) -> None:
    path = with_saved_results(template_with_formula(tmp_path / "f.xlsx"), {"E2": "12.3", "D3": "21.3"})
    from_path = read(path)
    from_bytes = read(path.read_bytes(), filename="上传.xlsx")
    assert [(r.key, r.value, r.growth) for r in from_bytes.records] == [
        (r.key, r.value, r.growth) for r in from_path.records]
    assert [r.source for r in from_bytes.records] == ["上传.xlsx#数据"] * 2
    bad = read("地区,指标,时期,数值\n扬中市,工业应税销售,2022M06,12x\n".encode(), filename="上传.csv")
    assert [str(p) for p in bad.problems] == [
        "上传.csv, row 2, column 数值: text '12x' is not a number; expected a number such as 580.2"]
    uncached = read(template_with_formula(tmp_path / "g.xlsx").read_bytes(), filename="表.xlsx")
    assert uncached.problems[0].file == "表.xlsx" and uncached.problems[0].sheet == "数据"


def test_bytes_without_a_name_are_sniffed(tmp_path: Path) -> None:
    path = with_saved_results(template_with_formula(tmp_path / "f.xlsx"), {"E2": "12.3", "D3": "21.3"})
    assert read(path.read_bytes()).ok  # a zip: read as a workbook
    csv = read("地区,指标,时期,数值\n扬中市,工业应税销售,2022M06,580.2\n".encode("gb18030"))
    assert csv.ok and csv.records[0].source == "upload"
    empty = read(b"", filename="空.csv")
    assert [str(p) for p in empty.problems] == [
        "空.csv: the file is empty; expected a .csv (UTF-8 or GB18030) or an .xlsx workbook with a header row and "
        "data rows"]


def test_merged_figures_keep_what_is_stored_for_none() -> None:
    from targetboard.ingest.merge import changes_stored, merged_figures
    from targetboard.model.observation import ObservationRecord

    blank_growth = ObservationRecord(YZ, "industrial_taxable_sales", "2022M06", True, 580.2, None, "f.csv")
    assert merged_figures(blank_growth, 580.2, 12.3) == (580.2, 12.3)
    assert not changes_stored(blank_growth, 580.2, 12.3)  # re-importing with a blank cell is not a correction
    assert changes_stored(blank_growth, 570.0, 12.3)
    growth_only = ObservationRecord(YZ, "industrial_taxable_sales", "2022M06", True, None, 12.5, "f.csv")
    assert merged_figures(growth_only, 580.2, 12.3) == (580.2, 12.5)
    assert changes_stored(growth_only, 580.2, 12.3)
    assert merged_figures(growth_only, None, None) == (None, 12.5)
    assert not changes_stored(blank_growth, 580.2 + 1e-12, 12.3)


def test_formula_whose_saved_result_is_empty_text_is_no_figure(tmp_path: Path) -> None:
    """=IF(..,"",..) saved by Excel as an empty string (t="str", <v></v>): a real empty result, not refused."""
    path = with_saved_results(template_with_formula(tmp_path / "f.xlsx"), {"D3": "21.3"})
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(rb'<c r="E2"', b'<c r="E2" t="str"', data)
                assert n == 1
            dst.writestr(item, data)
    src.close()
    path.write_bytes(out.getvalue())
    result = read(path)
    assert result.ok, [str(p) for p in result.problems]
    recs = {r.key: r for r in result.records}
    assert (recs[KEY].value, recs[KEY].growth) == (580.2, None)
