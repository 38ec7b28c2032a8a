"""Tracking benchmark, profiling: one call under cProfile, its SQL statements, the garbage collector's share
and the backend's query plans.

Why: a figure alone does not say what to fix. Every goal step gets one profiled run (not timed), and a
failing goal or `--profile` prints where the time went.
"""

from __future__ import annotations

import cProfile
import gc
import pstats
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class Profile:
    """Where one profiled call spent its time: functions (cProfile) and SQL statements (engine events)."""

    total: float
    split: list[tuple[str, float, int]]  # (function, cumulative s, calls) for the named functions
    own: list[tuple[str, float, float, int]]  # (function, own s, cumulative s, calls), hottest first
    ours: list[tuple[str, float, int]]  # targetboard functions by cumulative time
    sql: list[tuple[str, float, int]]  # (statement shape, execute s, count)
    sql_total: float
    gc_seconds: float  # in the cyclic garbage collector (gc.callbacks)
    gc_full: int  # of which generation-2 collections
    plans: list[tuple[str, str]]  # (statement shape, query plan) of the slowest SELECTs


_PARAMS = re.compile(r"(?:\?|%\([^)]*\)s|\$\d+|__\[POSTCOMPILE_\w+\])(?:\s*,\s*(?:\?|%\([^)]*\)s|\$\d+))+")


def _shape(statement: str) -> str:
    """A statement with its expanded IN lists collapsed, so that chunks of one query group together."""
    s = " ".join(statement.split())
    s = _PARAMS.sub("…", s)
    s = re.sub(r"\(\s*\((?:…|\?|%\([^)]*\)s)\)(?:\s*,\s*\((?:…|\?|%\([^)]*\)s)\))+\s*\)", "(…)", s)
    return s if len(s) <= 150 else s[:147] + "..."


def _fname(key: tuple[str, int, str]) -> str:
    filename, line, func = key
    if filename == "~":
        return func
    for marker in ("/site-packages/", "/src/", "/lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({func})"


# (file suffix, function, label) whose cumulative time the "time split" line shows; nested ones say so.
SPLIT_STATUS = (("observations.py", "load_series", "load_series"), ("status.py", "evaluate_many", "evaluate_many"),
                ("series.py", "build_series", "(in it: build_series)"), ("tracking.py", "_spec", "_spec"))


SPLIT_IMPORT = (("observations.py", "write_observations", "write_observations"),
                ("reference.py", "ensure_periods", "(in it: ensure_periods)"))


SPLIT_RANKING = (("regions.py", "find_region", "find_region"), ("tracking.py", "_indicator", "_indicator"),
                 ("regions.py", "peers", "peers"), ("observations.py", "load_series", "load_series"),
                 ("ranking.py", "rank", "rank"))


@contextmanager
def sql_trace(engine: Any) -> Iterator[dict[str, list[Any]]]:
    """Record every statement's execute time (and its first parameters, for EXPLAIN) while the block runs.

    For SQLite the execute time of a SELECT excludes stepping through its rows (that happens on fetch);
    for psycopg it includes receiving them.
    """
    from sqlalchemy import event

    sql: dict[str, list[Any]] = {}  # shape -> [times, statement, parameters]

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        conn.info.setdefault("bench_t", []).append(time.perf_counter())

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        dt = time.perf_counter() - conn.info["bench_t"].pop()
        entry = sql.setdefault(_shape(statement), [[], statement, None if executemany else params])
        entry[0].append(dt)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield sql
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


@contextmanager
def gc_trace() -> Iterator[list[float]]:
    """Time spent in the cyclic garbage collector while the block runs: [seconds, full collections]."""
    acc = [0.0, 0.0]
    started: list[float] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            acc[0] += time.perf_counter() - started.pop()
            acc[1] += info.get("generation") == 2

    gc.callbacks.append(callback)
    try:
        yield acc
    finally:
        gc.callbacks.remove(callback)


def explain(engine: Any, statement: str, params: Any) -> str:
    """The backend's plan for one captured SELECT, one line per plan node."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + statement, params or ())
            lines = [str(r[-1]) for r in cur.fetchall()]
        else:
            cur.execute("EXPLAIN " + statement, params or None)
            lines = [str(r[0]).strip() for r in cur.fetchall()]
        cur.close()
        raw.rollback()
        plan = re.sub(r"'\{[^}]{60,}\}'", "'{…}'", " | ".join(lines))  # PostgreSQL prints the IN lists in full
        return plan if len(plan) <= 900 else plan[:897] + "..."
    finally:
        raw.close()


def trace_plans(engine: Any, trace: dict[str, list[Any]], top: int) -> list[tuple[str, str]]:
    """Query plans of the slowest `top` SELECT shapes of a trace (with their first parameters)."""
    plans = []
    for shape, entry in sorted(trace.items(), key=lambda kv: -sum(kv[1][0]))[:top]:
        _times, statement, params = entry
        if statement.lstrip().upper().startswith("SELECT") and params is not None:
            try:
                plans.append((shape, explain(engine, statement, params)))
            except Exception as e:  # a plan is a bonus; never fail the benchmark for it
                plans.append((shape, f"(no plan: {type(e).__name__}: {e})"))
    return plans


def profile_call(engine: Any, fn: Callable[[], object], split: Sequence[tuple[str, str, str]]) -> Profile:
    """One call under cProfile, with the SQL statements, the garbage collector's share and query plans.

    cProfile slows Python-heavy code more than SQL, so read the shares, not the absolute seconds.
    """
    prof = cProfile.Profile()
    with sql_trace(engine) as sql, gc_trace() as gc_time:
        t0 = time.perf_counter()
        prof.enable()
        fn()
        prof.disable()
        total = time.perf_counter() - t0
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]]
    raw = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    split_rows = []
    for file_suffix, func, label in split:
        hits = [(v[3], v[1]) for k, v in raw.items() if k[2] == func and k[0].endswith(file_suffix)]
        if hits:
            split_rows.append((label, sum(h[0] for h in hits), sum(h[1] for h in hits)))
    own = sorted(((_fname(k), v[2], v[3], v[1]) for k, v in raw.items()), key=lambda r: -r[1])[:14]
    ours = sorted(((_fname(k), v[3], v[1]) for k, v in raw.items() if "/targetboard/" in k[0]),
                  key=lambda r: -r[1])[:12]
    sql_rows = sorted(((s, sum(e[0]), len(e[0])) for s, e in sql.items()), key=lambda r: -r[1])
    plans = trace_plans(engine, sql, 3)
    return Profile(total, split_rows, own, ours, sql_rows[:8], sum(r[1] for r in sql_rows), gc_time[0],
                   int(gc_time[1]), plans)


def trace_rows(trace: dict[str, list[Any]]) -> list[tuple[str, float, int]]:
    return sorted(((shape, sum(e[0]), len(e[0])) for shape, e in trace.items()), key=lambda r: -r[1])
