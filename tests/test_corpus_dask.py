"""The same corpus extraction on Dask distributed (a LocalCluster, light enough for a shared 2-core machine)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import targetboard.corpus as corpus
from targetboard.cli import main

sys.path.insert(0, str(Path(__file__).parent))
import test_corpus_fixture as corpus_fixture

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None,
                                  silence_logs=40) as c:
        yield c


def _items(ds: Path) -> pd.DataFrame:
    return corpus.items(ds).sort_values(["document_id", "item_no"]).reset_index(drop=True)


def test_dask_engine_gives_the_local_dataset(tmp_path, cluster):
    root = corpus_fixture.build(tmp_path / "docs")
    with distributed.Client(cluster) as client:
        summary = corpus.extract_corpus([root], tmp_path / "dask", engine="dask", client=client, batch_size=2)
    assert (summary.extracted, summary.duplicates, summary.unreadable) == (5, 1, 1)
    corpus.extract_corpus([root], tmp_path / "local", jobs=1)
    pd.testing.assert_frame_equal(_items(tmp_path / "dask"), _items(tmp_path / "local"))
    a = corpus.documents(tmp_path / "dask").sort_values("path").reset_index(drop=True)
    b = corpus.documents(tmp_path / "local").sort_values("path").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_cli_dask_scheduler_address(tmp_path, cluster):
    root = corpus_fixture.build(tmp_path / "docs")
    ds = tmp_path / "ds"
    r = CliRunner().invoke(main, ["corpus", "extract", str(root), "--out", str(ds), "--engine", "dask",
                                  "--scheduler", cluster.scheduler_address])
    assert r.exit_code == 0, r.output
    assert "5 extracted" in r.stderr
    assert len(corpus.documents(ds)) == 7


def test_cli_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr("targetboard.corpus.run.CONNECT_TIMEOUT", "1s")
    root = corpus_fixture.build(tmp_path / "docs")
    r = CliRunner().invoke(main, ["corpus", "extract", str(root), "--out", str(tmp_path / "ds"), "--engine", "dask",
                                  "--scheduler", "tcp://127.0.0.1:9"])
    assert r.exit_code == 1
    assert "tcp://127.0.0.1:9: cannot reach the Dask scheduler" in r.stderr and r.stderr.count("\n") == 1
    assert not (tmp_path / "ds").exists()
