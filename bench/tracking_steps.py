"""Tracking benchmark, the timed steps: full status recompute, one county's status and one ranking, each
with the baselines it is read against (count(*), a bare DBAPI fetch of the rows it reads, `load_series`
alone), measured on the same database in the same run.

Why baselines beside the goals: seconds do not survive a change of machine or a busy neighbour, ratios
to a bare fetch of the same rows do. Every timed call opens a fresh session, like a CLI call or a web
request, so the ORM identity map cannot turn repeats into cache hits.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracking_db import setup_reference, setup_targets
from tracking_import import database_size, extra_imports, import_all
from tracking_profile import SPLIT_RANKING, SPLIT_STATUS, profile_call
from tracking_result import (
    FULL_RUNS,
    GOAL_COUNTY_S,
    GOAL_FULL_S,
    GOAL_RANKING_S,
    SMALL_RUNS,
    BackendResult,
    Step,
    log,
    timed,
)
from tracking_workload import AS_OF, HISTORY_FIRST, PLAN_YEAR, Workload


@dataclass(frozen=True)
class Bench:
    """The database under test and the ids the steps ask about."""

    factory: Any
    engine: Any
    counties: dict[str, int]  # code -> region id
    county_code: str
    county_id: int
    peer_ids: list[int]
    indicator_ids: list[str]


def sql_in(values: Sequence[object]) -> str:
    return ", ".join(str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'" for v in values)


def dbapi_fetch(engine: Any, sql: str) -> int:
    """Rows of `sql` through the bare DBAPI cursor: the floor any Python-side approach pays."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(sql)
        n = len(cur.fetchall())
        cur.close()
        return n
    finally:
        raw.close()


def full_runs(first: float) -> int:
    """Timed full recomputes after the warm-up: 3, or 2 when one takes long (keeps the run < 15 min)."""
    return FULL_RUNS if first < 5.0 else 2


def _sql(bench: Bench) -> tuple[str, str, str]:
    """(all rows of the four years a status reads, only the cells a June status uses, the key filter)."""
    columns = "SELECT r.code, o.indicator_id, o.period_code, o.ytd, o.value, o.growth, o.source "
    keys = (f"o.region_id IN ({sql_in(list(bench.counties.values()))}) "
            f"AND o.indicator_id IN ({sql_in(bench.indicator_ids)})")
    wide = (columns + "FROM observation o JOIN region r ON r.id = o.region_id "
            f"JOIN period p ON p.code = o.period_code WHERE {keys} "
            f"AND p.year >= {HISTORY_FIRST} AND p.year <= {PLAN_YEAR}")
    cells = [f"{y}M{m:02d}" for y in range(HISTORY_FIRST, PLAN_YEAR) for m in (6, 12)]
    cells += [str(y) for y in range(HISTORY_FIRST, PLAN_YEAR)] + [f"{PLAN_YEAR}M{m:02d}" for m in range(1, 7)]
    narrow = (columns + "FROM observation o JOIN region r ON r.id = o.region_id "
              f"WHERE {keys} AND o.period_code IN ({sql_in(cells)})")
    return wide, narrow, keys


def _load_kw(bench: Bench, work: Workload, region_ids: Sequence[int]) -> dict[str, Any]:
    """load_series as status_rows calls it, for these regions: with as_of (since it narrows the read to
    the cells used), and with the series and those needing history (since issue 6), when it takes them."""
    from targetboard.store.observations import load_series

    params = inspect.signature(load_series).parameters
    kw: dict[str, Any] = {"as_of": AS_OF} if "as_of" in params else {}
    ids = set(region_ids)
    if "series" in params:
        kw["series"] = [(bench.counties[t.county_code], t.indicator.id) for t in work.targets
                        if bench.counties[t.county_code] in ids]
    if "history" in params:  # analytics.needs_history: a flow's level (the bench has no change targets)
        kw["history"] = [(bench.counties[t.county_code], t.indicator.id) for t in work.targets
                         if bench.counties[t.county_code] in ids and t.measure == "level"
                         and t.indicator.kind == "flow_ytd"]
    return kw


def full_status_steps(bench: Bench, result: BackendResult, work: Workload) -> None:
    """(2) The full status recompute, with the reads it does as baselines, its profile and two diagnostics."""
    from targetboard.store.observations import load_series
    from targetboard.store.tracking import status_rows

    engine, factory = bench.engine, bench.factory
    wide, narrow, _keys = _sql(bench)
    log(f"{result.backend}: baselines for the full recompute")
    n_wide = dbapi_fetch(engine, wide)
    n_narrow = dbapi_fetch(engine, narrow)
    result.steps.append(Step("baseline: DBAPI fetch, all rows of the 4 years",
                             timed(lambda: dbapi_fetch(engine, wide), 2, warmup=0),
                             f"{n_wide:,} rows ({HISTORY_FIRST}-{PLAN_YEAR})", key="fetch_full"))
    result.steps.append(Step("baseline: DBAPI fetch, only the cells a status uses",
                             timed(lambda: dbapi_fetch(engine, narrow), 2, warmup=0),
                             f"{n_narrow:,} rows (M06, M12 + {PLAN_YEAR} to June)", key="fetch_narrow"))
    load_kw = _load_kw(bench, work, list(bench.counties.values()))

    def load_full() -> int:
        with factory() as s:
            got = load_series(s, bench.counties.values(), bench.indicator_ids, first_year=HISTORY_FIRST,
                              last_year=PLAN_YEAR, **load_kw)
            return sum(len(v) for v in got.values())

    n_loaded = load_full()
    result.steps.append(Step("baseline: load_series alone, as status_rows calls it", timed(load_full, 2, warmup=0),
                             f"{n_loaded:,} rows", key="load_full"))

    def full_status() -> list[Any]:
        with factory() as s:
            return status_rows(s, year=PLAN_YEAR, as_of=AS_OF)

    def full_explained() -> list[Any]:
        with factory() as s:
            rows = status_rows(s, year=PLAN_YEAR, as_of=AS_OF)
            for r in rows:  # the text, whether built eagerly or on request
                if r.status is not None:
                    _ = r.status.explanation
            return rows

    log(f"{result.backend}: full status recompute (warm-up)")
    t0 = time.perf_counter()
    rows = full_status()
    runs = full_runs(time.perf_counter() - t0)
    statuses = Counter(r.status.status if r.status is not None else "untracked" for r in rows)
    result.sanity.append(f"full recompute: {len(rows):,} rows; " + ", ".join(f"{k} {v:,}" for k, v in
                                                                            sorted(statuses.items())))
    if len(rows) != len(work.targets):
        result.sanity.append(f"WARNING: {len(rows):,} status rows for {len(work.targets):,} targets")
    log(f"{result.backend}: full status recompute ({runs} timed runs)")
    result.steps.append(Step(f"full status: status_rows(year={PLAN_YEAR}, as_of={AS_OF})",
                             timed(full_status, runs, warmup=0), f"{len(rows):,} targets, median of {runs}",
                             goal=GOAL_FULL_S, goal_counted=engine.dialect.name == "sqlite", key="full"))
    result.profiles["full"] = profile_call(engine, full_status, SPLIT_STATUS)
    gc.collect()
    gc.disable()  # diagnostic: what the collector costs while ~1 M fresh records are alive
    try:
        t0 = time.perf_counter()
        full_status()
        no_gc = time.perf_counter() - t0
    finally:
        gc.enable()
    result.steps.append(Step("diagnostic: the same with gc.disable()", [no_gc], "1 run, no goal", key="full_nogc"))
    t0 = time.perf_counter()
    full_explained()
    result.steps.append(Step("diagnostic: the same + every Chinese explanation", [time.perf_counter() - t0],
                             "1 run, no goal", key="full_explained"))


def county_steps(bench: Bench, result: BackendResult, work: Workload) -> None:
    """(3) One county's status, explanations included (what a page or `targetboard status` shows)."""
    from targetboard.store.models import Region
    from targetboard.store.observations import load_series
    from targetboard.store.tracking import status_rows

    engine, factory = bench.engine, bench.factory
    wide, _narrow, keys = _sql(bench)
    load_kw = _load_kw(bench, work, [bench.county_id])
    n_ind = len(bench.indicator_ids)

    def county_series() -> None:
        with factory() as s:
            load_series(s, [bench.county_id], bench.indicator_ids, first_year=HISTORY_FIRST, last_year=PLAN_YEAR,
                        **load_kw)

    def county_status() -> list[Any]:
        with factory() as s:
            region = s.get(Region, bench.county_id)
            rows = status_rows(s, region=region, year=PLAN_YEAR, as_of=AS_OF)
            for r in rows:
                if r.status is not None:
                    _ = r.status.explanation
            return rows

    county_sql = wide.replace(keys, f"o.region_id = {bench.county_id} AND o.indicator_id IN "
                                    f"({sql_in(bench.indicator_ids)})")
    log(f"{result.backend}: county status")
    n_county = len(county_status())
    n_rows = dbapi_fetch(engine, county_sql)
    result.steps.append(Step("baseline: DBAPI fetch, the county's rows of 4 years",
                             timed(lambda: dbapi_fetch(engine, county_sql), SMALL_RUNS), f"{n_rows:,} rows",
                             key="fetch_county"))
    result.steps.append(Step(f"baseline: load_series alone, 1 county x {n_ind} indicators",
                             timed(county_series, SMALL_RUNS), key="load_county"))
    result.steps.append(Step(f"county status: status_rows(region={bench.county_code}, ...)",
                             timed(county_status, SMALL_RUNS),
                             f"{n_county} targets + explanations, {SMALL_RUNS} runs", goal=GOAL_COUNTY_S,
                             goal_stat="p95", key="county"))
    result.profiles["county"] = profile_call(engine, county_status, SPLIT_STATUS)


def ranking_steps(bench: Bench, result: BackendResult, work: Workload) -> None:
    """(4) One ranking among the first city's counties, by growth."""
    from targetboard.store.observations import load_series
    from targetboard.store.tracking import ranking

    factory = bench.factory
    rank_ind = work.ranking_indicator

    def peer_series() -> None:
        with factory() as s:
            load_series(s, bench.peer_ids, [rank_ind.id], first_year=PLAN_YEAR, last_year=PLAN_YEAR)

    def one_ranking() -> Any:
        with factory() as s:
            return ranking(s, rank_ind.id, bench.county_code, AS_OF, by="growth")

    log(f"{result.backend}: ranking")
    r = one_ranking()
    ranked = sum(1 for row in r.rows if row.rank is not None)
    result.sanity.append(f"ranking {rank_ind.id} {AS_OF} by growth: {ranked} of {len(r.rows)} peers ranked")
    result.steps.append(Step(f"baseline: load_series alone, {len(bench.peer_ids)} peers x 1 indicator",
                             timed(peer_series, SMALL_RUNS), key="load_peers"))
    result.steps.append(Step(f"ranking({rank_ind.id}, {bench.county_code}, {AS_OF}, by=growth)",
                             timed(one_ranking, SMALL_RUNS), f"{len(bench.peer_ids)} peers, {SMALL_RUNS} runs",
                             goal=GOAL_RANKING_S, key="ranking"))
    result.profiles["ranking"] = profile_call(bench.engine, one_ranking, SPLIT_RANKING)


def measure_backend(result: BackendResult, url: str, work: Workload, args: argparse.Namespace) -> None:
    """Everything for one backend: setup, import, baselines, goals, extras, size."""
    from sqlalchemy import select
    from sqlalchemy.orm import sessionmaker

    from targetboard.store import Database
    from targetboard.store.models import Region

    t0 = time.perf_counter()
    database = Database(url)
    database.upgrade()
    factory = sessionmaker(database.engine, expire_on_commit=False)
    engine = database.engine
    result.setup["schema + reference data (db upgrade)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    setup_reference(factory, work)
    result.setup["regions + indicators"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    setup_targets(factory, work)
    result.setup[f"{len(work.targets):,} targets"] = time.perf_counter() - t0
    log(f"{result.backend}: setup done")

    import_all(factory, result, work.records, args.chunk)

    t0 = time.perf_counter()
    if engine.dialect.name == "postgresql":
        # A bulk load is followed by autovacuum's ANALYZE within a minute anyway; doing it now makes the
        # plans deterministic. SQLite gets nothing: the application never runs ANALYZE there.
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        result.setup["ANALYZE"] = time.perf_counter() - t0
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        result.setup["WAL checkpoint"] = time.perf_counter() - t0
    database_size(engine, result, len(work.records))

    with factory() as s:
        counties = dict(s.execute(select(Region.code, Region.id).where(
            Region.code.in_([c for c, _, _ in work.counties]))).all())
    county_code = work.counties[0][0]
    bench = Bench(factory, engine, counties, county_code, counties[county_code],
                  [counties[c] for c, _, city in work.counties if city == work.counties[0][2]],
                  [i.id for i in work.indicators])

    def count_all() -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM observation").scalar()

    result.steps.append(Step("baseline: SELECT count(*) FROM observation", timed(count_all, 3), key="count"))
    try:
        import targetboard.store.tracking  # noqa: F401
    except ImportError as e:  # the analytics package is being written alongside
        result.error = f"targetboard.store.tracking not importable: {e}"
        log(result.error)
        return
    full_status_steps(bench, result, work)
    county_steps(bench, result, work)
    ranking_steps(bench, result, work)
    if not args.skip_extras:
        extra_imports(factory, result, work, profile=args.profile)
    engine.dispose()
