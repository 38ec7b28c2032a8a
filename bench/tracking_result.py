"""Tracking benchmark, what a run records: steps with their times, per-backend results, goals, formatting.

Why a module of its own: the measuring, profiling and reporting modules all speak in these terms, and
the goals (from the product brief and issue 6) are judged on them in one place.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tracking_profile import Profile

# Goals of issue 6 (the product brief's were 5 s, 100 ms median and 50 ms): a full recompute is judged
# on its median, one county's status on its p95 (a page must not stall one time in twenty).
GOAL_FULL_S = 2.0
GOAL_COUNTY_S = 0.050
GOAL_RANKING_S = 0.050
FULL_RUNS = 3  # after one warm-up: each run reads ~1 M rows
SMALL_RUNS = 40  # county status and ranking: median and p95 of 40 after warm-up

T0 = time.perf_counter()


def log(msg: str) -> None:
    """Progress on stderr (the report on stdout stays clean for diffing and for the smoke test)."""
    print(f"[{time.perf_counter() - T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


@dataclass
class Step:
    """One reported line: a measured step or a baseline."""

    label: str
    times: list[float]
    detail: str = ""
    goal: float | None = None
    goal_counted: bool = True  # False: the goal was set for the other backend; shown for comparison
    key: str = ""  # summary row it feeds
    rows: int = 0  # rows written, for a rows/s figure in the summary
    goal_stat: str = "median"  # which figure the goal judges: median or p95

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        """The 95th percentile by nearest rank: what one call in twenty is slower than (a tail, not the typical)."""
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def judged(self) -> float:
        """The figure the goal is about (median, or p95 for a latency goal)."""
        return self.p95 if self.goal_stat == "p95" else self.median

    @property
    def passed(self) -> bool | None:
        return None if self.goal is None else self.judged < self.goal


@dataclass
class BackendResult:
    backend: str
    description: str
    setup: dict[str, float] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    profiles: dict[str, Profile] = field(default_factory=dict)
    size: str = ""
    size_bytes: int = 0
    sanity: list[str] = field(default_factory=list)
    error: str | None = None
    chunks: tuple[float, float, float] | None = None  # import transaction times: first, median, last
    traces: dict[str, tuple[float, list[tuple[str, float, int]], list[tuple[str, str]]]] = field(default_factory=dict)

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)


def timed(fn: Callable[[], object], runs: int, warmup: int = 1) -> list[float]:
    """Wall times of `runs` calls after `warmup` untimed ones (GC stays on, as in real use)."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1.0 else f"{seconds:.2f} s"


def fmt_bytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n >= 2**20 else f"{n / 1024:,.0f} KiB"
