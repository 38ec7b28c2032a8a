"""docs/research.md runs: its DuckDB queries and its panel code, on the hand-written corpus, with hand answers."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import targetboard.corpus as corpus

sys.path.insert(0, str(Path(__file__).parent))
import test_corpus_fixture as corpus_fixture

DOC = Path(__file__).resolve().parents[1] / "docs" / "research.md"
duckdb = pytest.importorskip("duckdb")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = corpus_fixture.build(tmp_path_factory.mktemp("c") / "docs")
    ds = tmp_path_factory.mktemp("d") / "panel-ds"
    corpus.extract_corpus([root], ds, jobs=1)
    corpus.link(ds)
    return ds


def test_missed_targets_by_year(dataset):
    missed, per_year, items = (q.replace("DATASET", str(dataset)) for q in _blocks("sql"))
    rows = duckdb.sql(missed).fetchall()
    # Hand-computed: 扬中市 GDP growth 8%左右 vs 7.5% (next year's report, the latest source); 句容市 7% vs 6.8%.
    assert rows == [
        ("2022", "扬中市", "地区生产总值", "~ 8.0", 7.5, -0.5),  # the extractor's own region for the item
        ("2022", "句容市", "地区生产总值", "= 7.0", 6.8, -0.2),
    ]
    # checked: 扬中 GDP, 扬中 revenue (met, 41.2 >= 40), 句容 GDP, 句容 investment (met, 12 >= 10).
    assert duckdb.sql(per_year).fetchall() == [("2022", 4, 2, -0.35)]
    got = {(y, k): (n, d) for y, k, n, d in duckdb.sql(items).fetchall()}
    # 2022 documents: 扬中 report 2 outcomes + 2 targets, 扬中 bulletin 2, 句容 report 1 + 2, 句容 bulletin 2.
    assert got == {(2022, "outcome"): (7, 4), (2022, "target"): (4, 2), (2023, "outcome"): (2, 1),
                   (2023, "target"): (1, 1)}


def test_panel_code(dataset, monkeypatch, capsys):
    (code,) = [b for b in _blocks("python") if "pivot_table" in b]
    monkeypatch.chdir(dataset.parent)
    scope: dict = {}
    exec(compile(code, str(DOC), "exec"), scope)
    panel = scope["panel"].set_index(["region_code", "period"])
    assert list(panel.index) == [("321182", "2022"), ("321183", "2022")]
    assert panel.loc[("321182", "2022"), "gdp_target_value"] == 8.0
    assert panel.loc[("321182", "2022"), "gdp_outcome_value"] == 7.5
    assert panel.loc[("321183", "2022"), "fixed_asset_investment_gap"] == pytest.approx(2.0)
    assert panel.loc[("321183", "2022"), "gdp_gap"] == pytest.approx(-0.2)
