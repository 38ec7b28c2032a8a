"""Smoke tests for the benchmark scripts: they run end to end and print the tables people read.

Why: the benchmarks are run by hand and in CI only occasionally, so a renamed API or a scorer change
would otherwise go unnoticed until someone needs the figures. These runs are small (full dev corpus for
accuracy with no floor, 20,000 chars and one repeat for speed) and only check exit status and headers,
never the figures themselves.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH = REPO_ROOT / "bench"


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO_ROOT,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_accuracy_benchmark_runs() -> None:
    proc = run("extraction_accuracy.py", "--min-f1", "0.0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for header in ("kind", "precision", "recall", "F1", "matched", "pred", "gold", "document"):
        assert header in out, f"missing {header!r} in:\n{out}"
    for row in ("target", "outcome", "ranking", "overall", "seed"):
        assert row in out, f"missing row {row!r} in:\n{out}"
    assert out.rstrip().splitlines()[-1].startswith("F1 ")


@pytest.mark.slow
def test_speed_benchmark_runs() -> None:
    proc = run("extraction_speed.py", "--chars", "20000", "--repeats", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for header in ("measurement", "chars/s", "best s", "median s", "items"):
        assert header in out, f"missing {header!r} in:\n{out}"
    for row in ("normalize, per document", "extract, per document", "normalize, one text", "extract, one text"):
        assert row in out, f"missing row {row!r} in:\n{out}"
    assert "ratio extract/normalize" in out
    assert "verdict: PASS" in out or "verdict: FAIL" in out


@pytest.mark.slow
def test_web_benchmark_runs() -> None:
    """A real server and clients on a tiny workload: the script builds, serves, loads and reports."""
    proc = run("web.py", "--items", "40", "--indicators", "3", "--clients", "3", "--requests", "3",
               "--think", "0", "--baseline-repeats", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for header in ("endpoint", "p50 ms", "p95 ms", "max ms", "in-process ms", "req/s", "server CPU"):
        assert header in out, f"missing {header!r} in:\n{out}"
    for row in ("plan page", "target page", "status API"):
        assert row in out, f"missing row {row!r} in:\n{out}"
    assert "errors 0" in out and "GENERATED SAMPLE DATA" in out
    assert "goal (p95 < 100 ms on every endpoint): " in out
