"""Tracking benchmark, the imports: the 2.4 M observations through `write_observations`, and the two other
import shapes a live store sees (a monthly update of every series, a re-import with corrections).

Why through `write_observations` and not a bulk COPY: the import rate is itself a figure (existing-row
look-up, bulk insert, revision bookkeeping), and the database it fills is the one the status steps read.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tracking_profile import SPLIT_IMPORT, profile_call, sql_trace, trace_plans, trace_rows
from tracking_result import BackendResult, Step, fmt_bytes, log
from tracking_workload import Workload

ENTERED_BY = "bench"


def import_all(factory: Any, result: BackendResult, records: Sequence[Any], chunk: int) -> None:
    """(1) The import through `write_observations`, one transaction per chunk.

    With three chunks or more, the last one runs under the profiler (it is not timed: the rate is over
    the others), so a slow import can be read without a second import.
    """
    from targetboard.store.observations import write_observations

    starts = list(range(0, len(records), chunk))
    profiled = starts.pop() if len(starts) >= 3 else None
    times = []
    t_start = time.perf_counter()
    for n, k in enumerate(starts, start=1):
        part = records[k : k + chunk]
        t0 = time.perf_counter()
        with factory.begin() as s:
            summary = write_observations(s, part, entered_by=ENTERED_BY)
        times.append(time.perf_counter() - t0)
        if summary.inserted != len(part):
            raise RuntimeError(f"import chunk at {k}: {summary} (expected {len(part)} new)")
        if n % 8 == 0 or n == len(starts):
            done = k + len(part)
            rate = done / (time.perf_counter() - t_start)
            log(f"{result.backend}: imported {done:,}/{len(records):,} rows, {rate:,.0f} rows/s")
    rows = sum(len(records[k : k + chunk]) for k in starts)
    total = sum(times)
    result.steps.append(Step(f"import: write_observations, {len(times)} tx", [total],
                             f"{rows:,} rows, {rows / total:,.0f} rows/s", key="import", rows=rows))
    result.chunks = (times[0], statistics.median(times), times[-1])
    if profiled is not None:

        def last_chunk() -> None:
            with factory.begin() as s:
                write_observations(s, records[profiled : profiled + chunk], entered_by=ENTERED_BY)

        log(f"{result.backend}: importing the last chunk under the profiler")
        result.profiles["import"] = profile_call(factory.kw["bind"], last_chunk, SPLIT_IMPORT)


def database_size(engine: Any, result: BackendResult, n_records: int) -> None:
    """Database size right after the import (the extras add to it later)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            db = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
            obs = int(conn.execute(text("SELECT pg_total_relation_size('observation')")).scalar_one())
            result.size_bytes = db
            result.size = f"{fmt_bytes(db)} (observation table + its indexes {fmt_bytes(obs)})"
        else:
            path = Path(engine.url.database or "")
            wal = Path(f"{path}-wal")
            wal_size = wal.stat().st_size if wal.exists() else 0
            result.size_bytes = path.stat().st_size + wal_size
            result.size = f"{fmt_bytes(path.stat().st_size)} file + {fmt_bytes(wal_size)} WAL"
    result.size += f", {result.size_bytes / max(1, n_records):,.0f} B per observation"


def extra_imports(factory: Any, result: BackendResult, work: Workload, *, profile: bool) -> None:
    """The extras (no goal), on the full database: next month for every series, then corrections."""
    from targetboard.store.observations import write_observations

    engine = factory.kw["bind"]
    n = len(work.next_month)
    log(f"{result.backend}: extra: next month for every series ({n:,} rows, 1 transaction)")
    with sql_trace(engine) as trace:
        t0 = time.perf_counter()
        with factory.begin() as s:
            write_observations(s, work.next_month, entered_by=ENTERED_BY)
        dt = time.perf_counter() - t0
    result.traces["monthly"] = (dt, trace_rows(trace), trace_plans(engine, trace, 1))
    result.steps.append(Step("extra: monthly update (2023M01), 1 tx", [dt], f"{n:,} rows, {n / dt:,.0f} rows/s",
                             key="monthly", rows=n))
    if profile:
        result.profiles["monthly"] = profile_call(engine, lambda: rewrite(factory, work.next_month),
                                                  SPLIT_IMPORT)
    n = len(work.corrections)
    log(f"{result.backend}: extra: corrections ({n:,} rows)")
    with sql_trace(engine) as trace:
        t0 = time.perf_counter()
        with factory.begin() as s:
            summary = write_observations(s, work.corrections, entered_by=ENTERED_BY)
        dt = time.perf_counter() - t0
    result.traces["corrections"] = (dt, trace_rows(trace), [])
    result.steps.append(Step("extra: corrections, first chunk again, 1 tx", [dt],
                             f"{n:,} rows ({summary.updated:,} revised), {n / dt:,.0f} rows/s",
                             key="corrections", rows=n))


def rewrite(factory: Any, records: Sequence[Any]) -> None:
    """Re-import `records` (all unchanged) and roll back: profiles the existing-row look-up alone."""
    from targetboard.store.observations import write_observations

    with factory() as s:
        write_observations(s, records, entered_by=ENTERED_BY)
        s.rollback()
