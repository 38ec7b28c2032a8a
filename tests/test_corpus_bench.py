"""bench/corpus.py runs end to end on a tiny generated corpus (figures are not checked, only that it works)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "corpus.py"


@pytest.mark.slow
def test_corpus_benchmark_runs(dev_dir):
    proc = subprocess.run([sys.executable, str(BENCH), "--docs", "60", "--skip-dask", "--corpus", str(dev_dir)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for text in ("corpus: 60 documents", "| 1 job | 60 |", "| 2 jobs | 60 |", "speed-up 1 -> 2 jobs", "peak RSS"):
        assert text in proc.stdout, proc.stdout
