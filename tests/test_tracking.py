"""Tracking end to end through the CLI, on SQLite and PostgreSQL: plan import, observation import
(good and bad files), status with forecast and explanation, peer ranking and the ranking-claim check."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from targetboard.cli import main
from targetboard.sample import SAMPLE_SOURCE, write_sample_csv
from targetboard.store import Database
from targetboard.store.models import Observation, ObservationRevision

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_e84110f20f91e93f.txt"


def tb(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def tb_fails(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture()
def tracked(tracked_url, tmp_path):
    """A database with the seed as 扬中市's 2022 plan and the sample data imported (from a template)."""
    return tracked_url, write_sample_csv(tmp_path / "sample.csv")


def _observations(db_url: str) -> int:
    with Database(db_url).read() as s:
        return s.scalar(select(func.count()).select_from(Observation)) or 0


def test_the_cli_from_an_empty_database(empty_db_url, tmp_path):
    db_url = empty_db_url
    assert "升级到 0007" in tb("db", "upgrade", "--db", db_url)
    assert "已是最新版本 0007" in tb("db", "upgrade", "--db", db_url)
    out = tb("plan", "import", str(SEED), "--region", "扬中市", "--year", "2022", "--by", "督查室", "--db", db_url)
    assert out.startswith("已导入规划") and "4 个支柱, 13 个目标" in out
    sample = write_sample_csv(tmp_path / "sample.csv")
    out = tb("import", "observations", str(sample), "--db", db_url)
    assert "936 行：新增 936" in out and "导入批次 1" in out
    out = tb("plan", "import", str(SEED), "--region", "扬中", "--year", "2022", "--db", db_url)
    assert out.startswith("已导入过，未作改动")
    out = tb("import", "observations", str(sample), "--db", db_url)
    assert "新增 0，更正 0（已记录原值→新值），未变 936" in out and "无变化" in out
    out = tb("--lang", "en", "import", "observations", str(sample), "--db", db_url)
    assert "0 new, 0 corrected (old → new recorded), 936 unchanged" in out


def test_status_forecast_and_explanation(tracked):
    db_url, _ = tracked
    out = tb("status", "--region", "扬中市", "--year", "2022", "--period", "2022M06", "--db", db_url)
    assert "工业应税销售 > 1200亿元：进度正常" in out
    assert "1-6月累计572.33亿元，按近三年同期占全年比重" in out and "高于目标1200亿元" in out
    assert "一般公共预算收入 > 40亿元：有风险" in out
    assert "百亿级企业 >= 3家：难以完成" in out


def test_ranking_and_claim_check(tracked):
    db_url, _ = tracked
    out = tb("rank", "工业应税销售", "--region", "扬中市", "--period", "2022年1-6月", "--by", "growth", "--db", db_url)
    lines = out.strip().splitlines()
    assert lines[0] == "工业应税销售（%）2022M06 按增速排名"
    assert lines[1].strip() == "6 个地区中 6 个有数据"
    assert lines[2].split()[:2] == ["1", "扬中市"] and lines[2].endswith("◀")
    assert len(lines) == 8  # 镇江's six county-level units
    shown = tb("plan", "show", "--region", "扬中市", "--as-of", "2022M06", "--db", db_url)
    assert shown.count("【属实】") == 3
    assert "總量拼出新位次。" in shown and "【进度正常】" in shown


def test_corrected_value_updates_and_records_old_to_new(tracked, tmp_path):
    db_url, sample = tracked
    rows = list(csv.reader(sample.open(encoding="utf-8")))
    fixed = tmp_path / "corrected.csv"
    with fixed.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(rows[0])
        for r in rows[1:]:
            if r[0] == "扬中市" and r[1] == "工业应税销售" and r[2] == "2022M06":
                r[4] = "580"
            w.writerow(r)
    out = tb("import", "observations", str(fixed), "--db", db_url)
    assert "新增 0，更正 1" in out
    with Database(db_url).read() as s:
        rev = s.scalars(select(ObservationRevision)).one()
        assert (rev.old_value, rev.new_value) == (572.33, 580.0)
    out = tb("status", "--region", "扬中市", "--year", "2022", "--period", "2022M06", "--db", db_url)
    assert "1-6月累计580亿元" in out  # the next status call sees the correction: nothing is precomputed
    out = tb("status", "--region", "扬中市", "--year", "2022", "--db", db_url)
    assert "工业应税销售 > 1200亿元：已完成" in out  # the sample's full year is in: judged exactly


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


HEADER = ["地区", "指标", "时期", "累计", "数值", "单位", "同比增长%", "来源"]
GOOD = ["扬中市", "工业应税销售", "2022M07", "是", "700", "亿元", "11", SAMPLE_SOURCE]


@pytest.mark.parametrize(
    ("case", "header", "rows", "expected"),
    [
        (
            "wrong unit",
            HEADER,
            [GOOD, ["扬中市", "工业应税销售", "2022M08", "是", "800", "吨", "", ""]],
            ["row 3", "单位"],
        ),
        (
            "unknown indicator",
            HEADER,
            [GOOD, ["扬中市", "火星产值", "2022M08", "是", "8", "亿元", "", ""]],
            ["row 3", "火星产值"],
        ),
        (
            "text in a number",
            HEADER,
            [GOOD, ["扬中市", "工业应税销售", "2022M08", "是", "12,3a", "亿元", "", ""]],
            ["row 3", "数值"],
        ),
        ("duplicate rows", HEADER, [GOOD, GOOD], ["row 2", "row 3"]),
        ("missing column", [h for h in HEADER if h != "数值"], [[c for i, c in enumerate(GOOD) if i != 4]], ["数值"]),
        ("unknown region", HEADER, [GOOD, ["火星市", *GOOD[1:]]], ["row 3", "火星市"]),
    ],
)
def test_bad_imports_are_rejected_whole_with_a_precise_report(tracked, tmp_path, case, header, rows, expected):
    db_url, _ = tracked
    before = _observations(db_url)
    bad = _write(tmp_path / f"{case.replace(' ', '_')}.csv", header, rows)
    out = tb_fails("import", "observations", str(bad), "--db", db_url)
    assert bad.name in out and "未导入任何数据" in out
    for fragment in expected:
        assert fragment in out, (case, out)
    assert _observations(db_url) == before


def test_truncated_xlsx_is_rejected(tracked, tmp_path):
    import openpyxl

    db_url, _ = tracked
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(GOOD)
    path = tmp_path / "data.xlsx"
    wb.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = _observations(db_url)
    out = tb_fails("import", "observations", str(path), "--db", db_url)
    assert "data.xlsx" in out
    assert _observations(db_url) == before


def test_region_and_unit_commands(db_url):
    assert "321182001" in tb("region", "add", "三茅街道", "--parent", "扬中市", "--db", db_url)
    assert "三茅街道" in tb("region", "list", "--parent", "扬中", "--db", db_url)
    tb("unit", "add", "商务局", "--region", "扬中市", "--db", db_url)
    assert "商务局" in tb("unit", "list", "--region", "扬中市", "--db", db_url)
    assert "有多个同名" in tb_fails("unit", "add", "财政局", "--region", "鼓楼区", "--db", db_url)
    assert "ambiguous" in tb_fails("--lang", "en", "unit", "add", "财政局", "--region", "鼓楼区", "--db", db_url)


def test_year_end_rank_forecast_and_custom_thresholds(tracked, tmp_path):
    db_url, _ = tracked
    out = tb("rank", "工业应税销售", "--region", "扬中市", "--period", "2022M06", "--forecast", "--db", db_url)
    assert out.startswith("工业应税销售（亿元）2022 年末预计排名（依据截至 2022M06 的数据）")
    ranked = [line.split()[1] for line in out.strip().splitlines()[2:]]
    assert ranked[0] == "丹阳市" and "扬中市" in ranked  # 丹阳's level is far ahead in the sample
    strict = tmp_path / "strict.toml"
    strict.write_text("on_track_margin = 0.02\n", encoding="utf-8")
    out = tb("status", "--region", "扬中市", "--year", "2022", "--period", "2022M06", "--thresholds", str(strict),
             "--db", db_url)
    assert "工业应税销售 > 1200亿元：有风险" in out  # 1209 is less than 2% above 1200
    bad = tmp_path / "bad.toml"
    bad.write_text("on_track_margin = -1\n", encoding="utf-8")
    assert "bad.toml" in tb_fails("status", "--thresholds", str(bad), "--db", db_url)
