"""The development corpus (../shared/corpus/dev, read in place) through `corpus extract` and `link`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import targetboard.corpus as corpus
from targetboard.cli import main
from targetboard.extract import extract
from targetboard.text import read_document


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["parquet", "dta"])
def test_dev_corpus_end_to_end(dev_dir: Path, tmp_path: Path, fmt: str):
    ds = tmp_path / "ds"
    r = CliRunner().invoke(main, ["corpus", "extract", str(dev_dir), "--out", str(ds), "--format", fmt, "-j", "2"])
    assert r.exit_code == 0, r.output
    docs = corpus.documents(ds)
    txts = sorted(dev_dir.glob("*.txt"))
    assert sorted(docs["path"]) == sorted(str(p) for p in txts)
    assert docs["error"].isna().all() and docs["duplicate_of"].isna().all()
    assert set(docs["genre"]) <= {"work_report", "plan", "midyear_report", "bulletin", "other"}
    zhenjiang = docs[docs["path"].str.endswith("doc047.txt")].iloc[0]
    assert (zhenjiang["region"], zhenjiang["region_code"], zhenjiang["year"]) == ("江苏省镇江市", "321100", 2021)
    items = corpus.items(ds)
    # The dataset holds exactly what `extract` gives for each file, span for span.
    for path in txts:
        doc = read_document(path)
        want = [(i.kind, i.start, i.end, i.metric, i.value) for i in extract(doc.text)]
        doc_id = docs.loc[docs["path"] == str(path), "document_id"].iloc[0]
        mine = items[items["document_id"] == doc_id].sort_values("item_no")
        got = [(k, s, e, None if pd.isna(m) else m, None if pd.isna(v) else v)
               for k, s, e, m, v in zip(mine["kind"], mine["start"], mine["end"], mine["metric"], mine["value"],
                                        strict=True)]
        assert got == want, path.name
        assert all(s in doc.text for s in mine["sentence"])
    r = CliRunner().invoke(main, ["corpus", "link", str(ds)])
    assert r.exit_code == 0, r.output
    links = corpus.links(ds)
    targets = items[items["kind"] == "target"]
    assert set(zip(links["target_document_id"], links["target_item_no"], strict=True)) == set(
        zip(targets["document_id"], targets["item_no"], strict=True)
    ), "every target has at least one row in links"
