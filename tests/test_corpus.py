"""targetboard corpus: datasets and links from a hand-written corpus, checked against hand-computed values."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import targetboard.corpus as corpus
from targetboard.cli import main
from targetboard.corpus.dataset import Dataset
from targetboard.corpus.link import convert, judge, split_unit
from targetboard.corpus.regions import region_code, region_from_path, region_from_text
from targetboard.text import read_document

sys.path.insert(0, str(Path(__file__).parent))
import test_corpus_fixture as corpus_fixture

# Hand-computed from tests/corpus_fixture.py.
# path suffix -> (format, encoding, genre, region, region_code, region_source, year, items incl. tasks)
EXPECTED_DOCUMENTS = {
    "扬中市/yz2022.txt": ("txt", "utf-8", "work_report", "江苏省镇江市扬中市", "321182", "header", 2022, 4),
    "扬中市/yz2023.txt": ("txt", "gb18030", "work_report", "扬中市", "321182", "text", 2023, 3),
    "扬中市/bulletin2022.html": ("html", "utf-8", "bulletin", "扬中市", "321182", "text", 2022, 2),
    "句容市/report2022.docx": ("docx", None, "work_report", "句容市", "321183", "path", 2022, 3),
    "句容市/bulletin2022.txt": ("txt", "gb18030", "bulletin", "江苏省镇江市句容市", "321183", "header", 2022, 2),
}
# (path suffix, kind, metric, indicator, measure, value, unit, comparator, period)
EXPECTED_ITEMS = {
    ("扬中市/yz2022.txt", "outcome", "地区生产总值", "gdp", "growth", 9.1, "%", "=", "2021"),
    ("扬中市/yz2022.txt", "outcome", "一般公共预算收入", "general_budget_revenue", "level", 38.0, "亿元", "=", "2021"),
    ("扬中市/yz2022.txt", "target", "地区生产总值", "gdp", "growth", 8.0, "%", "~", "2022"),
    ("扬中市/yz2022.txt", "target", "一般公共预算收入", "general_budget_revenue", "level", 40.0, "亿元", ">=", "2022"),
    ("扬中市/yz2023.txt", "outcome", "地区生产总值", "gdp", "growth", 7.5, "%", "=", "2022"),
    ("扬中市/yz2023.txt", "outcome", "一般公共预算收入", "general_budget_revenue", "level", 41.2, "亿元", "=", "2022"),
    ("扬中市/yz2023.txt", "target", "地区生产总值", "gdp", "growth", 6.0, "%", "~", "2023"),
    ("扬中市/bulletin2022.html", "outcome", "地区生产总值", "gdp", "growth", 7.6, "%", "=", "2022"),
    ("扬中市/bulletin2022.html", "outcome", "一般公共预算收入", "general_budget_revenue", "level", 412000.0,
     "万元", "=", "2022"),
    ("句容市/report2022.docx", "outcome", "地区生产总值", "gdp", "growth", 8.9, "%", "=", "2021"),
    ("句容市/report2022.docx", "target", "地区生产总值", "gdp", "growth", 7.0, "%", "=", "2022"),
    ("句容市/report2022.docx", "target", "固定资产投资", "fixed_asset_investment", "growth", 10.0, "%", ">=", "2022"),
    ("句容市/bulletin2022.txt", "outcome", "地区生产总值", "gdp", "growth", 6.8, "%", "=", "2022"),
    ("句容市/bulletin2022.txt", "outcome", "固定资产投资", "fixed_asset_investment", "growth", 12.0, "%", "=", "2022"),
}
# (target doc, region_code, metric_key, period, target value, comparator, outcome doc, outcome value (target unit),
#  met, gap, ambiguity, is_latest, status)
EXPECTED_LINKS = {
    ("扬中市/yz2022.txt", "321182", "indicator:gdp", "2022", 8.0, "~", "扬中市/yz2023.txt", 7.5, False, -0.5,
     "revised", True, "linked"),
    ("扬中市/yz2022.txt", "321182", "indicator:gdp", "2022", 8.0, "~", "扬中市/bulletin2022.html", 7.6, False, -0.4,
     "revised", False, "linked"),
    ("扬中市/yz2022.txt", "321182", "indicator:general_budget_revenue", "2022", 40.0, ">=", "扬中市/yz2023.txt", 41.2,
     True, 1.2, None, True, "linked"),
    ("扬中市/yz2022.txt", "321182", "indicator:general_budget_revenue", "2022", 40.0, ">=",
     "扬中市/bulletin2022.html", 41.2, True, 1.2, None, False, "linked"),
    ("扬中市/yz2023.txt", "321182", "indicator:gdp", "2023", 6.0, "~", None, None, None, None, None, None,
     "no_outcome"),
    ("句容市/report2022.docx", "321183", "indicator:gdp", "2022", 7.0, "=", "句容市/bulletin2022.txt", 6.8, False,
     -0.2, None, True, "linked"),
    ("句容市/report2022.docx", "321183", "indicator:fixed_asset_investment", "2022", 10.0, ">=",
     "句容市/bulletin2022.txt", 12.0, True, 2.0, None, True, "linked"),
}


def _suffix(path: str) -> str:
    return "/".join(Path(path).parts[-2:])


def _none(v: object) -> object:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The test corpus extracted once into each format, and linked."""
    root = corpus_fixture.build(tmp_path_factory.mktemp("corpus") / "docs")
    out = {}
    for fmt in ("parquet", "csv", "dta"):
        ds = tmp_path_factory.mktemp(fmt) / "ds"
        corpus.extract_corpus([root], ds, fmt=fmt, jobs=1, batch_size=3)
        corpus.link(ds)
        out[fmt] = ds
    out["root"] = root
    return out


def _documents_by_suffix(ds: Path) -> dict[str, dict]:
    return {_suffix(r["path"]): r for r in corpus.documents(ds, as_arrow=True).to_pylist()}


@pytest.mark.parametrize("fmt", ["parquet", "csv", "dta"])
def test_documents_by_hand(built, fmt):
    docs = _documents_by_suffix(built[fmt])
    assert len(docs) == 7
    for suffix, (f, enc, genre, region, code, source, year, n) in EXPECTED_DOCUMENTS.items():
        d = docs[suffix]
        got = (d["format"], d["encoding"], d["genre"], d["region"], d["region_code"], d["region_source"], d["year"],
               d["items"])
        assert got == (f, enc, genre, region, code, source, year, n), suffix
        assert d["error"] is None and d["duplicate_of"] is None
        assert d["document_id"] == d["sha256"][:16]
    broken = docs["重复/broken.docx"]
    assert broken["error"].startswith(str(built["root"] / "重复" / "broken.docx"))
    assert "docx" in broken["error"] and broken["items"] == 0
    # The copy and the original have the same bytes: the first path in sorted order is the original.
    dup, orig = docs["句容市/bulletin2022.txt"], docs["重复/bulletin2022-copy.txt"]
    first, second = sorted([dup, orig], key=lambda d: d["path"])
    assert first["duplicate_of"] is None and second["duplicate_of"] == first["document_id"]
    assert second["items"] == 0 and second["sha256"] == first["sha256"]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "dta"])
def test_items_by_hand(built, fmt):
    docs = {r["document_id"]: r for r in corpus.documents(built[fmt], as_arrow=True).to_pylist()}
    rows = corpus.items(built[fmt], as_arrow=True).to_pylist()
    got = {
        (EXPECTED_PATH(docs[r["document_id"]]["path"]), r["kind"], r["metric"], r["indicator"], r["measure"],
         r["value"], r["unit"], r["comparator"], r["period"])
        for r in rows if r["kind"] != "task"
    }
    assert got == EXPECTED_ITEMS
    # Each document's items are all there, numbered 0..n-1, and their text is the source's.
    texts = {}
    for r in rows:
        path = docs[r["document_id"]]["path"]
        text = texts.setdefault(path, read_document(path).text)
        assert text[r["start"] : r["end"]] == r["text"]
        assert text[r["sentence_start"] : r["sentence_end"]] == r["sentence"]
        assert r["sentence_start"] <= r["start"] and r["end"] <= r["sentence_end"]
        assert r["year"] == docs[r["document_id"]]["year"]
    for doc_id, d in docs.items():
        nos = sorted(r["item_no"] for r in rows if r["document_id"] == doc_id)
        assert nos == list(range(d["items"]))


def EXPECTED_PATH(path: str) -> str:
    suffix = _suffix(path)
    return "句容市/bulletin2022.txt" if suffix == "重复/bulletin2022-copy.txt" else suffix


def test_sentence_of_an_item(built):
    rows = corpus.items(built["parquet"], as_arrow=True).to_pylist()
    gdp = next(r for r in rows if r["kind"] == "target" and r["value"] == 8.0)
    assert gdp["sentence"] == ("今年经济社会发展的主要预期目标是：地区生产总值增长8%左右，"
                               "一般公共预算收入达到40亿元以上。")


@pytest.mark.parametrize("fmt", ["parquet", "csv", "dta"])
def test_links_by_hand(built, fmt):
    docs = {r["document_id"]: EXPECTED_PATH(r["path"]) for r in corpus.documents(built[fmt], as_arrow=True).to_pylist()}
    got = set()
    for r in corpus.links(built[fmt], as_arrow=True).to_pylist():
        got.add((
            docs[r["target_document_id"]], r["region_code"], r["metric_key"], r["period"], r["target_value"],
            r["target_comparator"], docs.get(r["outcome_document_id"]), _none(r["outcome_value"]), r["met"],
            None if r["gap"] is None else round(r["gap"], 6), r["ambiguity"], r["is_latest"], r["status"],
        ))
    assert got == EXPECTED_LINKS


def test_link_summary_and_counts(built, tmp_path):
    ds = tmp_path / "ds"
    corpus.extract_corpus([built["root"]], ds, jobs=1)
    summary = corpus.link(ds)
    assert (summary.targets, summary.linked, summary.ambiguous, summary.rows) == (5, 4, 1, 7)
    links = corpus.links(ds)
    assert set(links.loc[links.status == "linked", "n_outcomes"]) == {1, 2}


def test_parquet_is_partitioned_by_year_and_reads_back(built):
    ds = built["parquet"]
    years = sorted(p.name for p in (ds / "items").iterdir())
    assert years == ["year=2022", "year=2023"]
    docs_dirs = sorted(p.name for p in (ds / "documents").iterdir())
    assert "year=__HIVE_DEFAULT_PARTITION__" in docs_dirs  # the unreadable file and the duplicate
    t = pq.read_table(next((ds / "items" / "year=2023").iterdir()))
    assert "地区生产总值" in t.column("metric").to_pylist()
    import pyarrow.dataset as pads

    whole = pads.dataset(ds / "items", format="parquet").to_table()
    assert whole.num_rows == sum(d[7] for d in EXPECTED_DOCUMENTS.values())  # duplicates have no items


def test_csv_reads_back_in_pandas_with_bom(built):
    ds = built["csv"]
    raw = (ds / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    docs = pd.read_csv(ds / "documents.csv", encoding="utf-8-sig")
    assert set(docs["region"].dropna()) == {"江苏省镇江市扬中市", "扬中市", "句容市", "江苏省镇江市句容市"}
    items = pd.read_csv(ds / "items.csv", encoding="utf-8-sig")
    assert len(items) == sum(d[7] for d in EXPECTED_DOCUMENTS.values())
    assert "一般公共预算收入" in set(items["metric"])
    links = pd.read_csv(ds / "links.csv", encoding="utf-8-sig")
    assert len(links) == 7


def test_stata_reads_back_with_chinese(built):
    import pyreadstat

    ds = built["dta"]
    df, meta = pyreadstat.read_dta(str(ds / "items.dta"))
    assert "地区生产总值" in set(df["metric"])
    assert any("预期目标" in s for s in df["sentence"])
    assert meta.column_names_to_labels["metric"].startswith("What is measured")
    docs = pd.read_stata(ds / "documents.dta")
    assert "江苏省镇江市扬中市" in set(docs["region"])
    assert len(pd.read_stata(ds / "links.dta")) == 7


def test_formats_agree(built):
    frames = {fmt: corpus.items(built[fmt]).sort_values(["document_id", "item_no"]).reset_index(drop=True)
              for fmt in ("parquet", "csv", "dta")}
    for fmt in ("csv", "dta"):
        pd.testing.assert_frame_equal(frames["parquet"], frames[fmt], check_dtype=False)


def test_codebook_describes_every_column(built):
    for fmt in ("parquet", "csv", "dta"):
        ds = built[fmt]
        book = json.loads((ds / "codebook.json").read_text(encoding="utf-8"))
        assert book["rows"]["documents"] == 7
        for table in ("documents", "items", "links"):
            described = {c["name"] for c in book["tables"][table]}
            actual = set(corpus.read_table(ds, table).columns)
            assert actual <= described, (table, actual - described)
            assert all(c["type"] in ("string", "integer", "float", "boolean") for c in book["tables"][table])
        kinds = next(c for c in book["tables"]["items"] if c["name"] == "kind")
        assert kinds["values"] == ["target", "outcome", "ranking", "task"]
        md = (ds / "codebook.md").read_text(encoding="utf-8")
        assert "| `sentence` |" in md and "| `region_code` |" in md


def test_resume_adds_only_new_documents(tmp_path):
    root = corpus_fixture.build(tmp_path / "docs")
    ds = tmp_path / "ds"
    first = corpus.extract_corpus([root], ds, jobs=1)
    assert (first.extracted, first.duplicates, first.unreadable) == (5, 1, 1)
    again = corpus.extract_corpus([root], ds, jobs=1)
    assert (again.extracted, again.skipped) == (0, 7)
    (root / "扬中市" / "yz2024.txt").write_text(corpus_fixture.YZ_2023.replace("2023", "2024"), encoding="utf-8")
    third = corpus.extract_corpus([root], ds, jobs=1)
    assert (third.extracted, third.skipped) == (1, 7)
    docs = corpus.documents(ds)
    assert len(docs) == 8 and docs["document_id"].is_unique
    assert len(Dataset.open(ds).batches) == 2


def test_partial_batch_left_by_a_kill_is_ignored_then_removed(tmp_path):
    root = corpus_fixture.build(tmp_path / "docs")
    ds = tmp_path / "ds"
    corpus.extract_corpus([root], ds, jobs=1)
    stray = ds / "items" / "year=2022" / "part-000099.parquet"
    stray.write_bytes((next((ds / "items" / "year=2022").iterdir())).read_bytes())
    (ds / ".manifest.json.x.tmp").write_text("{")
    n = len(corpus.items(ds))
    assert n == sum(d[7] for d in EXPECTED_DOCUMENTS.values())  # the stray part is not in the manifest
    corpus.extract_corpus([root], ds, jobs=1)
    assert not stray.exists() and not (ds / ".manifest.json.x.tmp").exists()


def test_two_jobs_give_the_same_dataset(built, tmp_path):
    ds = tmp_path / "ds"
    corpus.extract_corpus([built["root"]], ds, jobs=2, batch_size=2)
    a = corpus.items(ds).sort_values(["document_id", "item_no"]).reset_index(drop=True)
    b = corpus.items(built["parquet"]).sort_values(["document_id", "item_no"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_extra_extractor_fields_flow_through(tmp_path, monkeypatch):
    """Fields the extractor adds later (confidence, anything else) become columns without code changes."""
    from targetboard.corpus import worker

    original = worker.extract_normalized

    def with_extras(nt, **kw):
        items = original(nt, **kw)
        for i in items:
            i.extra = {"confidence": 0.4 if i.kind == "outcome" and i.value == 7.6 else 0.9,
                       "parent": {"objective": 1}}
        return items

    monkeypatch.setattr(worker, "extract_normalized", with_extras)
    root = corpus_fixture.build(tmp_path / "docs")
    ds = tmp_path / "ds"
    corpus.extract_corpus([root], ds, jobs=1)
    items = corpus.items(ds)
    assert set(items["confidence"]) == {0.4, 0.9}
    assert set(items["parent"]) == {'{"objective": 1}'}
    book = json.loads((ds / "codebook.json").read_text(encoding="utf-8"))
    assert "parent" in {c["name"] for c in book["tables"]["items"]}
    corpus.link(ds, min_confidence=0.5)
    links = corpus.links(ds)
    gdp = links[(links.region_code == "321182") & (links.period == "2022") & (links.measure == "growth")]
    assert list(gdp["outcome_value"]) == [7.5] and gdp["ambiguity"].isna().all()


def test_spec_dict_agrees_with_to_dict(dev_dir):
    from targetboard.corpus.worker import spec_dict
    from targetboard.extract import extract

    items = extract(read_document(dev_dir / "doc047.txt").text) + extract(read_document(dev_dir / "seed.txt").text)
    items[0].extra = {"confidence": 0.5}
    for item in items:
        fast, slow = spec_dict(item), item.to_dict()
        assert {k: fast[k] for k in slow} == slow
        assert set(fast) - set(slow) <= {"rule", "table"}


def test_unit_rules():
    assert split_unit("亿元") == (1e8, "元") and split_unit("%") == (1.0, "%")
    assert split_unit("个百分点") == (1.0, "个百分点")
    assert convert(412000, "万元", "亿元") == pytest.approx(41.2)
    assert convert(1.2, "%", "个百分点") is None
    assert judge("~", 8.0, None, 7.5, True) == (False, -0.5)
    assert judge("<=", -3.0, None, -3.5, False) == (True, -0.5)
    assert judge("range", 6.0, 6.5, 6.2, True) == (True, pytest.approx(0.2))
    assert judge("=", -3.0, None, -2.0, False) == (False, 1.0)


def test_regions():
    assert region_code("江苏省镇江市扬中市") == "321182"
    assert region_code("扬中") == "321182"
    assert region_code("鼓楼区") is None  # in 南京 and in 徐州
    assert region_code("江苏省徐州市鼓楼区") == "320302"
    assert region_code("浙江省台州市玉环市") is None
    assert region_from_text("扬中市人民政府工作报告\n") == "扬中市"
    assert region_from_text("镇江市2022年国民经济和社会发展统计公报") == "镇江市"
    assert region_from_path("corpus/句容市/report.docx") == "句容市"
    assert region_from_path("corpus/misc/report.docx") is None


def test_cli_extract_and_link(tmp_path):
    root = corpus_fixture.build(tmp_path / "docs")
    ds = tmp_path / "ds"
    r = CliRunner().invoke(main, ["corpus", "extract", str(root), "--out", str(ds), "--format", "csv", "-j", "1"])
    assert r.exit_code == 0, r.output
    assert "5 extracted" in r.stderr and "1 duplicates" in r.stderr and "1 unreadable" in r.stderr
    assert "broken.docx" in r.stderr
    r = CliRunner().invoke(main, ["corpus", "link", str(ds)])
    assert r.exit_code == 0 and "5 targets, 4 with an outcome, 1 ambiguous" in r.stderr
    assert (ds / "links.csv").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract", "/no/such/folder", "--out", "{tmp}/ds"], "/no/such/folder: no such folder"),
        (["extract", "{root}", "--out", "{tmp}/ds", "--format", "xlsx"], "xlsx: unknown format"),
        (["extract", "{root}", "--out", "{tmp}/ds", "--engine", "spark"], "spark: unknown engine"),
        (["extract", "{root}", "--out", "{tmp}/ds", "--engine", "dask"], "--engine dask needs --scheduler"),
        (["extract", "{root}", "--out", "{root}"], "is not a targetboard dataset"),
        (["extract", "--out", "{tmp}/ds"], "no folder given"),
        (["link", "{tmp}"], "not a targetboard dataset"),
    ],
)
def test_cli_user_mistakes_are_one_line(tmp_path, args, message):
    root = corpus_fixture.build(tmp_path / "docs")
    args = [a.format(tmp=tmp_path, root=root) for a in args]
    r = CliRunner().invoke(main, ["corpus", *args])
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and message in r.stderr and "Traceback" not in r.output


def test_cli_refuses_to_change_a_datasets_format(tmp_path):
    root = corpus_fixture.build(tmp_path / "docs")
    corpus.extract_corpus([root], tmp_path / "ds", fmt="csv")
    r = CliRunner().invoke(main, ["corpus", "extract", str(root), "--out", str(tmp_path / "ds"), "--format", "dta"])
    assert r.exit_code == 1 and "dataset is in csv format, not dta" in r.stderr


def test_cli_constants_match_the_library():
    from targetboard import cli_corpus
    from targetboard.corpus.run import ENGINES
    from targetboard.corpus.schema import FORMATS

    assert cli_corpus.FORMATS == FORMATS and cli_corpus.ENGINES == ENGINES


def test_cli_does_not_import_pandas_at_start_up():
    code = "import sys, targetboard.cli; print('pandas' in sys.modules, 'pyarrow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_progress_bar_shows_documents_characters_items(tmp_path, capsys):
    root = corpus_fixture.build(tmp_path / "docs")
    corpus.extract_corpus([root], tmp_path / "ds", jobs=1, progress=True)
    err = capsys.readouterr().err
    assert "7/7" in err and "chars=" in err and "items=14" in err
