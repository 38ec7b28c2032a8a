"""The `targetboard` command, run as a real subprocess on real files (as a user would)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TB = [sys.executable, "-m", "targetboard.cli"]
SEED_SENTENCE = "力爭全年工業應稅銷售突破1200億元,一般公共預算收入突破40億元。"


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None,
        process: bool = False) -> subprocess.CompletedProcess[str]:
    """The command in-process (CliRunner), or as a real subprocess where that is what is tested
    (`python -m targetboard.cli`, standard input from a pipe)."""
    if not process:
        from click.testing import CliRunner

        from targetboard.cli import main

        result = CliRunner().invoke(main, list(args), input=stdin, env={"NO_COLOR": "1"})
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)
    proc = subprocess.run(
        [*TB, *args], input=stdin, capture_output=True, cwd=cwd, timeout=120, env={**os.environ, "NO_COLOR": "1"}
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


@pytest.fixture()
def plan_file(tmp_path: Path) -> Path:
    p = tmp_path / "plan.txt"
    p.write_text(SEED_SENTENCE, encoding="utf-8")
    return p


def test_jsonl_is_spec_objects_with_document(plan_file):
    r = run("extract", "--format", "jsonl", str(plan_file))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    scored = [x for x in rows if x["kind"] != "task"]
    assert [(x["metric"], x["value"], x["unit"], x["comparator"], x["modality"]) for x in scored] == [
        ("工业应税销售", 1200, "亿元", ">", "strive"),
        ("一般公共预算收入", 40, "亿元", ">", "strive"),  # 力争 governs the whole sentence
    ]
    text = plan_file.read_text(encoding="utf-8")
    for x in rows:
        assert x["document"] == str(plan_file)
        assert text[x["start"] : x["end"]] == x["text"]
        for field in ("kind", "start", "end", "text", "metric", "indicator", "measure", "value", "value_high",
                      "unit", "comparator", "period", "modality", "rank", "peer_group", "region"):
            assert field in x


def test_json_csv_and_table_formats(plan_file):
    j = json.loads(run("extract", "--format", "json", str(plan_file)).stdout)
    assert isinstance(j, list) and j[0]["metric"] == "工业应税销售"
    rows = list(csv.DictReader(io.StringIO(run("extract", "--format", "csv", str(plan_file)).stdout)))
    assert rows[0]["document"] == str(plan_file) and rows[0]["value"] == "1200" and rows[0]["unit"] == "亿元"
    table = run("extract", str(plan_file)).stdout
    assert "工业应税销售" in table and "> 1200 亿元" in table and "力争" in table


def test_plan_json_for_the_seed():
    seed = ROOT.parent / "shared" / "corpus" / "dev" / "seed.txt"
    r = run("extract", "--plan", "--format", "json", str(seed))
    assert r.returncode == 0, r.stderr
    tree = json.loads(r.stdout)
    assert tree["document"] == str(seed)
    titles = [p["title"] for p in tree["pillars"] if p["title"]]
    assert len(titles) == 4 and titles[0].startswith("堅定不移推進產業強市")
    assert sum(1 for p in tree["pillars"] for o in p["objectives"] if o["title"]) == 13


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "big5"])
def test_encodings_are_detected_and_reported(tmp_path, encoding):
    simplified = "力争全年工业应税销售突破1200亿元,一般公共预算收入突破40亿元。"
    text = "全市地區生產總值增長百分之六,一般公共預算收入達到四十億元。" if encoding == "big5" else simplified
    p = tmp_path / f"doc-{encoding}.txt"
    p.write_bytes(text.encode(encoding))
    r = run("extract", "--verbose", "--format", "jsonl", str(p))
    assert r.returncode == 0, r.stderr
    assert f"encoding {encoding}" in r.stderr
    values = [json.loads(x)["value"] for x in r.stdout.splitlines() if json.loads(x)["kind"] != "task"]
    assert values in ([1200, 40], [6, 40])


def test_errors_name_the_file_and_other_inputs_still_run(tmp_path, plan_file):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "missing.txt"
    r = run("extract", "--format", "jsonl", str(empty), str(plan_file), str(binary), str(missing))
    assert r.returncode == 1
    errors = r.stderr.strip().splitlines()
    assert len(errors) == 3, r.stderr
    for name, line in zip(("empty.txt", "blob.txt", "missing.txt"), errors, strict=True):
        assert line.startswith("targetboard: error: ") and name in line
    assert "Traceback" not in r.stderr
    docs = {json.loads(x)["document"] for x in r.stdout.splitlines()}
    assert docs == {str(plan_file)}


def test_directory_means_every_supported_file_and_jobs_keep_order(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.txt").write_text(f"力争全年工业应税销售突破{1000 + i}亿元。", encoding="utf-8")
    (folder / "notes.xyz").write_text("ignored", encoding="utf-8")
    serial = run("extract", "--format", "jsonl", str(folder))
    parallel = run("extract", "--format", "jsonl", "--jobs", "2", str(folder))
    assert serial.returncode == parallel.returncode == 0
    assert serial.stdout == parallel.stdout
    values = [json.loads(x)["value"] for x in serial.stdout.splitlines() if json.loads(x)["kind"] == "target"]
    assert values == [1000, 1001, 1002, 1003, 1004]


def test_stdin(plan_file):
    r = run("extract", "--format", "jsonl", "-", stdin=plan_file.read_bytes(), process=True)
    assert r.returncode == 0
    assert json.loads(r.stdout.splitlines()[0])["document"] == "<stdin>"


def test_docx_input(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("今年发展主要预期目标是:地区生产总值增长5%左右。")
    path = tmp_path / "report.docx"
    d.save(str(path))
    r = run("extract", "--format", "jsonl", str(path))
    row = next(json.loads(x) for x in r.stdout.splitlines() if json.loads(x)["kind"] == "target")
    assert (row["metric"], row["value"], row["comparator"], row["modality"]) == ("地区生产总值", 5, "~", "expect")


def test_help_documents_every_option():
    r = run("extract", "--help")
    assert r.returncode == 0
    for option in ("--format", "--plan", "--jobs", "--verbose", "--year", "--context", "table|jsonl|json|csv"):
        assert option in r.stdout
    assert "demo" in run("--help").stdout


def test_demo_prints_tree_and_targets():
    r = run("demo")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "總量拼出新位次。" in out and "工业应税销售" in out and "> 1200 亿元" in out
    assert "4 个支柱, 13 个目标" in out and "3 条排名声明" in out
    assert "整改台账：4 项，红灯 1，黄灯 1，绿灯 2" in out  # the sample ledgers, lit on 2022-07-01
    assert "1  工信局  64.31 分" in out and "已发布为快照" in out  # the sample league table


def test_readme_gives_exactly_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./scripts/demo.sh" in readme and "./scripts/test.sh" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./scripts/test.sh" in ci
    for script in ("scripts/demo.sh", "scripts/test.sh", "scripts/setup.sh", ".ci/run"):
        assert os.access(ROOT / script, os.X_OK), script
