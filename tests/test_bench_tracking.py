"""Smoke test for bench/tracking.py: it runs end to end on a tiny SQLite workload and prints its report.

Why: the tracking benchmark is run by hand (a full run takes minutes and a PostgreSQL server), so a
renamed store or analytics API would otherwise go unnoticed until someone needs the figures. The run
here is scale 0.005 (7 counties x 14 indicators, about 12,000 observations) on SQLite only, and checks
the exit status and the report's headers, never the figures themselves. The benchmark is split into
`bench/tracking_*.py` modules behind the `bench/tracking.py` entry point; running the entry point
exercises all of them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_tracking_benchmark_runs() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "tracking.py"), "--scale", "0.005", "--backend", "sqlite"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO_ROOT,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for header in ("# tracking benchmark", "workload:", "generation (not measured)", "## sqlite",
                   "database size after the import", "step", "median", "p95", "detail", "goal", "verdict",
                   "## summary"):
        assert header in out, f"missing {header!r} in:\n{out}"
    for row in ("import: write_observations", "baseline: SELECT count(*)", "baseline: load_series alone",
                "full status: status_rows", "county status: status_rows", "ranking(", "time split, full",
                "diagnostic: the same + every Chinese explanation", "| county status p95 |"):
        assert row in out, f"missing row {row!r} in:\n{out}"
    assert "verdict: PASS" in out or "verdict: FAIL" in out
    assert "postgresql" not in out.split("## summary")[1], "only SQLite was asked for"
