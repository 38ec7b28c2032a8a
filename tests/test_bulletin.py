"""The monthly bulletin on SQLite and PostgreSQL: gathered from the stored data, read back from the
.docx (python-docx) and the .xlsx (openpyxl), byte-identical when made twice, and (slow) rendered by
LibreOffice with the CJK font embedded."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from datetime import date
from importlib import resources
from pathlib import Path

import docx
import openpyxl
import pytest

from targetboard.bulletin import write_docx, write_xlsx
from targetboard.bulletin.fonts import find_cjk_font
from targetboard.errors import Unavailable
from targetboard.sample import SAMPLE_DEPARTMENTS, SAMPLE_LEDGERS, write_sample_ledger
from targetboard.services import assessment, assignments, bulletin, ledgers, plans, regions, reports
from targetboard.services.actors import Actor
from targetboard.store import Database

OFFICE = Actor("督查室", "supervisor")
DAY = date(2022, 7, 1)
LEADS = {"工业应税销售": "工信局", "一般公共预算收入": "财政局", "百亿级企业": "工信局"}
ROOT = Path(__file__).resolve().parents[1]


def scheme_path() -> Path:
    with resources.as_file(resources.files("targetboard").joinpath("data/scheme_yangzhong_departments.toml")) as f:
        return Path(f)


def load_hold_data(url: str) -> Database:
    """The demo's accountability data on the tracked seed: leads, three sample ledgers, a few steps, one
    returned report, and the department scheme published for 2022M06."""
    db = Database(url)
    for name in SAMPLE_DEPARTMENTS:
        regions.add_unit(db, OFFICE, name, "扬中市")
    view = plans.show_plans(db, region="扬中市", year=2022)[0]
    for node in view.nodes:
        if node.kind == "target" and LEADS.get(node.metric or ""):
            assignments.assign(db, OFFICE, node.id, LEADS[node.metric or ""])
    with tempfile.TemporaryDirectory() as tmp:
        for kind, name, header, rows in SAMPLE_LEDGERS:
            ledgers.import_ledger(db, OFFICE, write_sample_ledger(Path(tmp) / name, header, rows), kind=kind,
                                  region="扬中市")
    for kind, ref, steps in (("rectification", "1", ("start", "submit", "return")), ("safety", "1", ("start",))):
        entry = next(e for e in ledgers.list_entries(db, region="扬中市", kind=kind) if e.ref == ref)
        for step in steps:
            ledgers.move(db, OFFICE, entry.id, step, comment="缺少监测报告" if step == "return" else "")
    item = next(n.id for n in view.nodes if n.kind == "target" and n.metric == "一般公共预算收入")
    r = reports.submit_report(db, OFFICE, item, "2022M01", text="一月进展", percent=5)
    reports.review_report(db, OFFICE, r.id, accept=False, comment="缺少佐证材料")
    assessment.run_assessment(db, OFFICE, scheme_path(), region="扬中市", year=2022, as_of="2022M06", day=DAY,
                              publish=True)
    return db


@pytest.fixture()
def hold_db(tracked_url):
    return load_hold_data(tracked_url)


def test_the_bulletin_gathers_what_the_services_say(hold_db):
    b = bulletin.build_bulletin(hold_db, OFFICE, region="扬中", period="2022M06", day=DAY)
    assert (b.region, b.period, b.title) == ("扬中市", "2022M06", "扬中市2022年6月重点工作督查通报")
    # The seed's three targets as of June (see the demo): 工业应税销售 on track, 一般公共预算收入 at risk,
    # 百亿级企业 off track.
    assert b.colour_counts() == {"green": 1, "yellow": 1, "red": 1, "grey": 0}
    assert {t.metric: (t.colour, t.lead_unit) for t in b.targets} == {
        "工业应税销售": ("green", "工信局"), "一般公共预算收入": ("yellow", "财政局"), "百亿级企业": ("red", "工信局")}
    # On July 1 the reports of January to May are overdue (June's are due on July 5): 3 targets x 5
    # months, less 财政局's January one, which was returned instead.
    overdue = [r for r in b.reports if r.reason == "overdue"]
    returned = [r for r in b.reports if r.reason == "returned"]
    assert (len(overdue), len(returned)) == (14, 1)
    assert (returned[0].unit, returned[0].period, returned[0].comment) == ("财政局", "2022M01", "缺少佐证材料")
    # Lights on July 1: rectification 1 (due 06-30, returned to 整改中) red, 2 (07-05) yellow; safety 1 (06-15,
    # 整改中) red; project 3 (06-30, 谋划) red. Safety 3 (07-10) is 9 days away: green.
    assert [(e.ledger, e.ref, e.light) for e in b.ledgers] == [
        ("整改台账", "1", "red"), ("整改台账", "2", "yellow"), ("安全隐患台账", "1", "red"),
        ("重大项目台账", "3", "red")]
    assert b.league is not None and b.league.snapshot_id is not None and b.league.period == "2022M06"
    assert b.league.rows[0].name == "工信局"
    text = bulletin_text_summary(b)
    for fragment in ("量化目标共3个", "绿灯（已完成或进度正常）1个", "黄灯（有风险）1个", "红灯（难以完成）1个",
                     "灰灯（暂无数据或未跟踪）0个", "逾期未报的进度报告14份、退回待重报1份",
                     "亮红灯（逾期）3项、黄灯（7日内到期）1项",
                     f"排名第一的是工信局（{b.league.rows[0].total}分）", "此前无已发布排名"):
        assert fragment in text, fragment


def bulletin_text_summary(b):
    from targetboard.accountability.bulletin_text import summary

    return summary(b)


def test_the_docx_and_xlsx_read_back_and_are_byte_identical(hold_db):
    b = bulletin.build_bulletin(hold_db, OFFICE, region="扬中市", period="2022M06", day=DAY)
    data = write_docx(b)
    again = bulletin.build_bulletin(hold_db, OFFICE, region="扬中市", period="2022M06", day=DAY)
    assert write_docx(again) == data and write_xlsx(again) == write_xlsx(b)
    d = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in d.paragraphs]
    assert paragraphs[0] == "扬中市2022年6月重点工作督查通报"
    assert bulletin_text_summary(b) in paragraphs
    assert d.core_properties.title == b.title and d.core_properties.created.date() == DAY
    assert len(d.inline_shapes) == 2  # the status chart and the league chart
    targets, owed, lit, league = d.tables
    assert [c.text for c in targets.rows[0].cells] == ["状态", "目标", "牵头单位", "完成情况"]
    assert [r.cells[0].text for r in targets.rows[1:]] == ["红·难以完成", "黄·有风险", "绿·进度正常"]
    owed_rows = [[c.text for c in r.cells] for r in owed.rows[1:]]
    assert ["财政局", "一般公共預算收入突破40億元", "2022M01", "退回待重报", "缺少佐证材料"] in owed_rows
    assert ["财政局", "一般公共預算收入突破40億元", "2022M02至2022M05，共4期", "逾期未报", "—"] in owed_rows
    assert sum(1 for r in owed_rows if r[3] == "逾期未报") == 3  # one row per unit and target
    assert [r.cells[6].text for r in lit.rows[1:]] == ["红灯", "黄灯", "红灯", "红灯"]
    assert [r.cells[1].text for r in league.rows[1:]] == [row.name for row in b.league.rows]
    wb = openpyxl.load_workbook(io.BytesIO(write_xlsx(b)))
    assert wb.sheetnames == ["概况", "目标", "进度报告", "台账", "考核排名"]
    assert wb["概况"]["A1"].value == b.title and wb["概况"]["A2"].value == bulletin_text_summary(b)
    assert [[c.value for c in row] for row in wb["概况"].iter_rows(min_row=5, max_row=8)] == [
        ["绿灯", 1], ["黄灯", 1], ["红灯", 1], ["灰灯", 0]]
    assert wb["台账"].max_row == 5 and wb["台账"]["C2"].value == "沿江化工企业VOCs无组织排放（样例）"
    assert [c.value for c in wb["考核排名"]["C"][1:]] == [r.total for r in b.league.rows]


def test_a_fresh_run_or_an_earlier_published_one_when_none_was_published_for_the_period(tracked_url):
    db = Database(tracked_url)
    for name in SAMPLE_DEPARTMENTS:
        regions.add_unit(db, OFFICE, name, "扬中市")
    assert bulletin.build_bulletin(db, OFFICE, region="扬中市", period="2022M06", day=DAY).league is None
    fresh = bulletin.build_bulletin(db, OFFICE, region="扬中市", period="2022M06", day=DAY, scheme_file=scheme_path())
    assert fresh.league is not None and fresh.league.snapshot_id is None and len(fresh.league.rows) == 6
    assessment.run_assessment(db, OFFICE, scheme_path(), region="扬中市", year=2022, as_of="2022M05", day=DAY,
                              publish=True)
    later = bulletin.build_bulletin(db, OFFICE, region="扬中市", period="2022M06", day=DAY)
    assert later.league is not None and later.league.period == "2022M05" and later.league.snapshot_id


def test_no_cjk_font_is_an_error_naming_the_package():
    with pytest.raises(Unavailable, match="fonts-wqy-microhei"):
        find_cjk_font(["/nonexistent/font.ttc"])
    assert find_cjk_font().family == "WenQuanYi Micro Hei"


def test_the_command_writes_both_files(hold_db, tmp_path):
    from click.testing import CliRunner

    from targetboard.cli import main

    url = hold_db.url
    r = CliRunner().invoke(main, ["report", "bulletin", "--region", "扬中市", "--period", "2022年6月", "--day",
                                  "2022-07-01", "--out", str(tmp_path), "--db", url])
    assert r.exit_code == 0, r.output
    assert "红1" in r.output and sorted(p.name for p in tmp_path.iterdir()) == [
        "扬中市2022年6月重点工作督查通报.docx", "扬中市2022年6月重点工作督查通报.xlsx"]
    r = CliRunner().invoke(main, ["report", "bulletin", "--region", "扬中市", "--period", "2022M13", "--out",
                                  str(tmp_path), "--db", url])
    assert r.exit_code == 1 and "2022M13" in r.output


def test_the_writers_are_pure():
    import ast

    src = ROOT / "src" / "targetboard" / "bulletin"
    for path in src.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("sqlalchemy", "targetboard.store", "targetboard.services")), path


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"])
def test_libreoffice_renders_the_chinese_with_the_embedded_cjk_font(hold_db, tmp_path):
    for tool in ("soffice", "pdftoppm", "pdffonts", "pdftotext"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/system-deps.sh"
    b = bulletin.build_bulletin(hold_db, OFFICE, region="扬中市", period="2022M06", day=DAY)
    source = tmp_path / "bulletin.docx"
    source.write_bytes(write_docx(b))
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "bulletin.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line or "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts  # emb = yes
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "扬中市2022年6月重点工作督查通报" in flat and "生态环境局" in flat
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    keep = os.environ.get("TARGETBOARD_BULLETIN_SCREENSHOT")
    if keep:  # TARGETBOARD_BULLETIN_SCREENSHOT=docs/bulletin-page1.png refreshes the README's picture
        shutil.copyfile(png, keep)
