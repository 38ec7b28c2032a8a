#!/usr/bin/env python3
"""Tracking benchmark: import, full status recompute, one county's status and one ranking at province
scale, on SQLite and PostgreSQL.

Why this shape:
- The store promises live tracking with nothing precomputed (`store/tracking.py`): every status call
  reads observations and runs the analytics. Whether that stays usable depends on the data volume of a
  province, so the workload is one: 100 counties x 200 indicators x 10 years (2013-2022) x 12 monthly
  year-to-date figures = 2.4 M observations (value + growth), and 20,000 targets (one 2022 plan per
  county, one target per indicator, mixed level/growth measures and comparators).
- Observations go in through `write_observations`, in transactions of `--chunk` (50,000) records: the
  real import path, revisions bookkeeping included, not a bulk COPY.
- Goals (from the product brief): full recompute of all 20,000 targets < 5 s on SQLite; one county's
  status < 100 ms and one ranking < 50 ms (median of 20 after warm-up) on each backend.
- Each goal step has a baseline measured in the same run on the same database (count(*), a raw DBAPI
  fetch of the rows the step reads, `load_series` alone), so the figures read as ratios that survive a
  change of machine, and a profiled run that splits the time between SQL, `load_series` and the
  analytics. A failing goal (or `--profile`) prints the hottest functions and the SQL statements.
- Deterministic: one seeded `random.Random` generates everything, once per process, and its time is
  reported apart from the measured steps (as is the setup of regions, indicators and targets).
- Every timed call opens a fresh session, like a CLI call or a web request: the ORM identity map
  cannot turn repeats into cache hits.

The catalog holds 107 flow_ytd/stock/rate indicators; the remaining 93 of the 200 are synthetic rows
(`synthetic_001`..., kind flow_ytd, unit 亿元) inserted into the `indicator` table of the benchmark
database only. Regions: 10 synthetic cities (codes 39CC00) under 江苏省, 10 counties each (39CCNN),
added with `add_region`; the ranking's peer group is the first city's 10 counties.

`--scale S` multiplies counties and indicators by sqrt(S) each (years and months stay, the forecasts
need the history), so `--scale 0.01` is 10 counties x 20 indicators. Goals are judged at any scale but
mean something only at scale 1.

Usage:
  .venv/bin/python bench/tracking.py [--backend sqlite|postgresql|both] [--scale S] [--strict] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import inspect
import math
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import ensure_importable  # bench/ is on sys.path when a script runs

REPO_ROOT = Path(__file__).resolve().parents[1]

SEED = 20221231
YEARS = tuple(range(2013, 2023))
PLAN_YEAR = 2022
AS_OF = "2022M06"
HISTORY_FIRST = 2019  # status_rows reads PLAN_YEAR - HISTORY_YEARS (3) .. PLAN_YEAR
FULL_COUNTIES = 100
FULL_INDICATORS = 200
COUNTIES_PER_CITY = 10
CHUNK = 50_000
SOURCE = "bench/tracking.py"
ENTERED_BY = "bench"

GOAL_FULL_S = 5.0
GOAL_COUNTY_S = 0.100
GOAL_RANKING_S = 0.050
FULL_RUNS = 3  # after one warm-up: each run reads ~1 M rows
SMALL_RUNS = 40  # county status and ranking: median and p95 of 40 after warm-up

# Report headers, also checked by tests/test_bench_tracking.py.
STEP_HEADER = (f"{'step':<52}  {'median':>9}  {'p95':>9}  {'min':>9}  {'detail':<40}  {'goal':>9}  "
               f"{'verdict':<7}")
SUMMARY_TITLE = "## summary"


_T0 = time.perf_counter()


def log(msg: str) -> None:
    """Progress on stderr (the report on stdout stays clean for diffing and for the smoke test)."""
    print(f"[{time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# Workload generation (not measured)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    name: str
    unit: str
    kind: str
    higher_is_better: bool
    synthetic: bool


@dataclass(frozen=True)
class TargetSpecRow:
    """One generated target, before it has database ids."""

    county_code: str
    indicator: IndicatorSpec
    measure: str
    comparator: str
    value: float
    value_high: float | None
    unit: str
    modality: str | None
    text: str


@dataclass
class Workload:
    scale: float
    seed: int
    cities: list[tuple[str, str]]  # (code, name)
    counties: list[tuple[str, str, str]]  # (code, name, city code)
    indicators: list[IndicatorSpec]
    records: list[Any]  # ObservationRecord, ordered by county, indicator, year, month
    targets: list[TargetSpecRow]
    next_month: list[Any]  # 2023M01 records for every series (the "monthly update" extra)
    corrections: list[Any]  # the first chunk again with every 20th value revised (the "corrections" extra)
    seconds: float

    @property
    def synthetic_count(self) -> int:
        return sum(1 for i in self.indicators if i.synthetic)

    @property
    def ranking_indicator(self) -> IndicatorSpec:
        flows = [i for i in self.indicators if i.kind == "flow_ytd" and not i.synthetic]
        for i in flows:
            if i.id == "gdp":
                return i
        return (flows or self.indicators)[0]


def _indicator_pool(n: int) -> list[IndicatorSpec]:
    """Catalog flow_ytd/stock/rate indicators in catalog order, then synthetic ones up to max(n, 200)."""
    from targetboard.catalog import load_catalog

    pool = [IndicatorSpec(i.id, i.name, i.unit, i.kind, i.higher_is_better, False)
            for i in load_catalog() if i.kind in ("flow_ytd", "stock", "rate")]
    k = 0
    while len(pool) < max(n, FULL_INDICATORS):
        k += 1
        pool.append(IndicatorSpec(f"synthetic_{k:03d}", f"合成指标{k:03d}", "亿元", "flow_ytd", True, True))
    return pool


def _base_level(rng: random.Random, unit: str) -> float:
    """A plausible county-scale level for the unit (only the order of magnitude matters)."""
    if unit == "%":
        return rng.uniform(5.0, 60.0)
    if unit == "元":
        return rng.uniform(2e4, 1.5e5)
    if unit == "亿元":
        return rng.lognormvariate(math.log(120.0), 0.8)
    return rng.lognormvariate(math.log(200.0), 1.0)


def _comparator_text(comparator: str, value: float, high: float | None, unit: str, measure: str) -> str:
    verb = "增长" if measure == "growth" else "达到"
    v = f"{value:g}{unit}"
    return {
        ">=": f"{verb}{v}以上", ">": f"{verb}超过{v}", "=": f"{verb}{v}", "~": f"{verb}{v}左右",
        "<=": f"控制在{v}以内", "<": f"低于{v}", "range": f"{verb}{value:g}-{(high or value):g}{unit}",
    }[comparator]


def generate(scale: float, seed: int) -> Workload:
    """Regions, indicators, 2.4 M x scale observations and the targets, from one seeded generator.

    Flows: an annual level growing by a per-series trend plus noise, spread over the months by a
    back-loaded seasonal profile per indicator (noisy per year), reported year to date with the growth
    on the same months a year earlier. Stocks and rates: a point reading drifting through the year.
    Targets sit around what the trend gives for 2022, so the statuses come out mixed.
    """
    from targetboard.model.observation import ObservationRecord

    t0 = time.perf_counter()
    rng = random.Random(seed)
    factor = math.sqrt(scale)
    n_counties = max(2, round(FULL_COUNTIES * factor))
    n_indicators = max(2, round(FULL_INDICATORS * factor))
    pool = _indicator_pool(n_indicators)
    if n_indicators >= len(pool):
        indicators = pool
    else:  # a seeded sample keeps the mix of kinds and of synthetic rows at small scales
        chosen = set(rng.sample(range(len(pool)), n_indicators))
        indicators = [ind for k, ind in enumerate(pool) if k in chosen]
    cities = [(f"39{c:02d}00", f"基准{c:02d}市") for c in range(1, math.ceil(n_counties / COUNTIES_PER_CITY) + 1)]
    counties = []
    for k in range(n_counties):
        c, n = divmod(k, COUNTIES_PER_CITY)
        counties.append((f"39{c + 1:02d}{n + 1:02d}", f"基准{c + 1:02d}{n + 1:02d}县", cities[c][0]))

    periods = {(y, m): f"{y}M{m:02d}" for y in (*YEARS, YEARS[-1] + 1) for m in range(1, 13)}
    profiles = {}
    for ind in indicators:
        slope = rng.uniform(-0.1, 0.5)
        profiles[ind.id] = [max(0.2, 1.0 + slope * (m - 6.5) / 5.5 + rng.gauss(0.0, 0.08)) for m in range(1, 13)]

    records: list[Any] = []
    next_month: list[Any] = []
    history: dict[tuple[str, str], tuple[float, float]] = {}  # (county, indicator) -> (2021 level, trend)
    append = records.append
    gauss = rng.gauss
    for code, _name, _city in counties:
        for ind in indicators:
            trend = rng.uniform(0.02, 0.09)
            level = _base_level(rng, ind.unit)
            profile = profiles[ind.id]
            flow = ind.kind == "flow_ytd"
            percent = ind.unit == "%"

            def year_values(annual: float, profile: list[float] = profile, flow: bool = flow) -> list[float]:
                if flow:
                    weights = [w * (1.0 + gauss(0.0, 0.03)) for w in profile]
                    total = sum(weights)
                    run = 0.0
                    out = []
                    for w in weights:
                        run += w
                        out.append(annual * run / total)
                    return out
                return [annual * (1.0 + gauss(0.0, 0.004)) * (0.97 + 0.03 * m / 12) for m in range(1, 13)]

            prev = year_values(level)
            level_2021 = level
            for y in YEARS:
                level *= 1.0 + trend + gauss(0.0, 0.02)
                if percent:
                    level = min(level, 99.0)
                cur = year_values(level)
                for m in range(12):
                    v = cur[m]
                    append(ObservationRecord(code, ind.id, periods[(y, m + 1)], True, round(v, 4),
                                             round((v / prev[m] - 1.0) * 100.0, 1), SOURCE))
                if y == PLAN_YEAR - 1:
                    level_2021 = cur[11]
                prev = cur
            history[(code, ind.id)] = (level_2021, trend)
            v = prev[0] * (1.0 + trend + gauss(0.0, 0.02))
            next_month.append(ObservationRecord(code, ind.id, periods[(YEARS[-1] + 1, 1)], True, round(v, 4),
                                                round((v / prev[0] - 1.0) * 100.0, 1), SOURCE))

    corrections = [r if k % 20 else ObservationRecord(r.region_code, r.indicator_id, r.period, r.ytd,
                                                        round((r.value or 0.0) * 1.01, 4), r.growth, "corrected")
                   for k, r in enumerate(records[:CHUNK])]

    targets: list[TargetSpecRow] = []
    modalities = (None, "expect", "strive", "ensure")
    for code, _name, _city in counties:
        for ind in indicators:
            level_2021, trend = history[(code, ind.id)]
            growth = rng.random() < 0.4
            comparators = (">=", ">", "=", "~", "range") if ind.higher_is_better else ("<=", "<", "=", "~", "range")
            comparator = rng.choices(comparators, weights=(4, 1, 3, 2, 1))[0]
            if growth:
                value = round(trend * 100.0 + rng.gauss(0.0, 1.5), 1)
                high = round(value + 0.5, 1) if comparator == "range" else None
                unit = "%"
            else:
                value = level_2021 * (1.0 + trend + rng.gauss(0.0, 0.03))
                unit = ind.unit
                if unit == "亿元" and rng.random() < 0.2:  # stated in 万元: the unit conversion runs too
                    value, unit = value * 1e4, "万元"
                value = round(value, 2)
                high = round(value * 1.05, 2) if comparator == "range" else None
            measure = "growth" if growth else "level"
            text = ind.name + _comparator_text(comparator, value, high, unit, measure)
            targets.append(TargetSpecRow(code, ind, measure, comparator, value, high, unit,
                                         rng.choice(modalities), text))
    return Workload(scale, seed, cities, counties, indicators, records, targets, next_month, corrections,
                    time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------------
# Database setup (not measured)
# --------------------------------------------------------------------------------------------------


def setup_reference(factory: Any, work: Workload) -> None:
    """Synthetic cities and counties via `add_region` (the real path), synthetic indicators directly."""
    from sqlalchemy import insert, select

    from targetboard.store.models import IndicatorRow
    from targetboard.store.regions import add_region

    with factory.begin() as s:
        for code, name in work.cities:
            add_region(s, name, "320000", level="city", code=code)
        for code, name, city in work.counties:
            add_region(s, name, city, level="county", code=code)
        have = set(s.scalars(select(IndicatorRow.id)))
        rows = [{"id": i.id, "name": i.name, "unit": i.unit, "kind": i.kind, "higher_is_better": i.higher_is_better}
                for i in work.indicators if i.id not in have]
        if rows:
            s.execute(insert(IndicatorRow), rows)


def setup_targets(factory: Any, work: Workload) -> None:
    """One document and 2022 plan per county, one plan item + target per generated target (bulk inserts)."""
    from sqlalchemy import insert, select

    from targetboard.store.models import Document, Plan, PlanItem, Region, Target

    by_county: dict[str, list[TargetSpecRow]] = {}
    for t in work.targets:
        by_county.setdefault(t.county_code, []).append(t)
    with factory.begin() as s:
        region_ids = dict(s.execute(select(Region.code, Region.id).where(
            Region.code.in_([c for c, _, _ in work.counties]))).all())
        item_rows: list[dict[str, object]] = []
        target_rows: list[dict[str, object]] = []
        for code, name, _city in work.counties:
            rows = by_county.get(code, [])
            offsets = []
            pos = 0
            for t in rows:
                offsets.append((pos, pos + len(t.text)))
                pos += len(t.text) + 2
            title = f"{name}{PLAN_YEAR}年主要预期目标\n"
            text = title + "；\n".join(t.text for t in rows)
            head = len(title)
            digest = hashlib.sha256(text.encode()).hexdigest()
            doc = Document(name=f"{name}{PLAN_YEAR}年政府工作报告（基准）", sha256=digest, text=text, encoding="utf-8",
                           format="txt")
            s.add(doc)
            s.flush()
            plan = Plan(document_id=doc.id, region_id=region_ids[code], year=PLAN_YEAR)
            s.add(plan)
            s.flush()
            for n, (t, (a, b)) in enumerate(zip(rows, offsets, strict=True), start=1):
                item_rows.append({"plan_id": plan.id, "parent_id": None, "kind": "target", "text": t.text,
                                  "start": head + a, "end": head + b, "position": n, "unit_id": None,
                                  "suggested_unit": None, "assignment_confirmed": False})
                target_rows.append({"indicator_id": t.indicator.id, "metric": t.indicator.name, "measure": t.measure,
                                    "comparator": t.comparator, "value": t.value, "value_high": t.value_high,
                                    "unit": t.unit, "period": str(PLAN_YEAR), "modality": t.modality})
        ids: list[int] = []
        for k in range(0, len(item_rows), 5000):
            ids.extend(s.scalars(insert(PlanItem).returning(PlanItem.id, sort_by_parameter_order=True),
                                 item_rows[k : k + 5000]).all())
        for row, item_id in zip(target_rows, ids, strict=True):
            row["plan_item_id"] = item_id
        for k in range(0, len(target_rows), 5000):
            s.execute(insert(Target), target_rows[k : k + 5000])


# --------------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------------


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

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        """The 95th percentile by nearest rank: what one call in twenty is slower than (a tail, not the typical)."""
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def passed(self) -> bool | None:
        return None if self.goal is None else self.median < self.goal


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


def _fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1.0 else f"{seconds:.2f} s"


def _fmt_bytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n >= 2**20 else f"{n / 1024:,.0f} KiB"


def _sql_in(values: Sequence[object]) -> str:
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


def _import(factory: Any, result: BackendResult, records: Sequence[Any], chunk: int) -> None:
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


def _size(engine: Any, result: BackendResult, n_records: int) -> None:
    """Database size right after the import (the extras add to it later)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            db = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
            obs = int(conn.execute(text("SELECT pg_total_relation_size('observation')")).scalar_one())
            result.size_bytes = db
            result.size = f"{_fmt_bytes(db)} (observation table + its indexes {_fmt_bytes(obs)})"
        else:
            path = Path(engine.url.database or "")
            wal = Path(f"{path}-wal")
            wal_size = wal.stat().st_size if wal.exists() else 0
            result.size_bytes = path.stat().st_size + wal_size
            result.size = f"{_fmt_bytes(path.stat().st_size)} file + {_fmt_bytes(wal_size)} WAL"
    result.size += f", {result.size_bytes / max(1, n_records):,.0f} B per observation"


def _full_runs(first: float) -> int:
    """Timed full recomputes after the warm-up: 3, or 2 when one takes long (keeps the run < 15 min)."""
    return FULL_RUNS if first < 2 * GOAL_FULL_S else 2


def measure_backend(result: BackendResult, url: str, work: Workload, args: argparse.Namespace) -> None:
    """Everything for one backend: setup, import, baselines, goals, extras, size."""
    from sqlalchemy import select

    from targetboard.store.db import connect
    from targetboard.store.models import Region
    from targetboard.store.observations import load_series, write_observations

    t0 = time.perf_counter()
    factory = connect(url)
    engine = factory.kw["bind"]
    result.setup["schema + reference data (connect)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    setup_reference(factory, work)
    result.setup["regions + indicators"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    setup_targets(factory, work)
    result.setup[f"{len(work.targets):,} targets"] = time.perf_counter() - t0
    log(f"{result.backend}: setup done")

    _import(factory, result, work.records, args.chunk)

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
    _size(engine, result, len(work.records))

    with factory() as s:
        counties = dict(s.execute(select(Region.code, Region.id).where(
            Region.code.in_([c for c, _, _ in work.counties]))).all())
    county_code = work.counties[0][0]
    county_id = counties[county_code]
    peer_ids = [counties[c] for c, _, city in work.counties if city == work.counties[0][2]]
    indicator_ids = [i.id for i in work.indicators]
    rank_ind = work.ranking_indicator
    n_ind = len(indicator_ids)

    def count_all() -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM observation").scalar()

    result.steps.append(Step("baseline: SELECT count(*) FROM observation", timed(count_all, 3), key="count"))

    # (2) full status recompute, with the reads it does as baselines
    columns = "SELECT r.code, o.indicator_id, o.period_code, o.ytd, o.value, o.growth, o.source "
    keys = f"o.region_id IN ({_sql_in(list(counties.values()))}) AND o.indicator_id IN ({_sql_in(indicator_ids)})"
    wide = (columns + "FROM observation o JOIN region r ON r.id = o.region_id "
            f"JOIN period p ON p.code = o.period_code WHERE {keys} "
            f"AND p.year >= {HISTORY_FIRST} AND p.year <= {PLAN_YEAR}")
    cells = [f"{y}M{m:02d}" for y in range(HISTORY_FIRST, PLAN_YEAR) for m in (6, 12)]
    cells += [str(y) for y in range(HISTORY_FIRST, PLAN_YEAR)] + [f"{PLAN_YEAR}M{m:02d}" for m in range(1, 7)]
    narrow = (columns + "FROM observation o JOIN region r ON r.id = o.region_id "
              f"WHERE {keys} AND o.period_code IN ({_sql_in(cells)})")
    log(f"{result.backend}: baselines for the full recompute")
    n_wide = dbapi_fetch(engine, wide)
    n_narrow = dbapi_fetch(engine, narrow)
    result.steps.append(Step("baseline: DBAPI fetch, all rows of the 4 years",
                             timed(lambda: dbapi_fetch(engine, wide), 2, warmup=0),
                             f"{n_wide:,} rows ({HISTORY_FIRST}-{PLAN_YEAR})", key="fetch_full"))
    result.steps.append(Step("baseline: DBAPI fetch, only the cells a status uses",
                             timed(lambda: dbapi_fetch(engine, narrow), 2, warmup=0),
                             f"{n_narrow:,} rows (M06, M12 + {PLAN_YEAR} to June)", key="fetch_narrow"))

    # load_series as status_rows calls it (it takes as_of once it narrows its read to the cells used)
    as_of_kw = {"as_of": AS_OF} if "as_of" in inspect.signature(load_series).parameters else {}

    def load_full() -> int:
        with factory() as s:
            got = load_series(s, counties.values(), indicator_ids, first_year=HISTORY_FIRST, last_year=PLAN_YEAR,
                              **as_of_kw)
            return sum(len(v) for v in got.values())

    n_loaded = load_full()
    result.steps.append(Step("baseline: load_series alone, as status_rows calls it", timed(load_full, 2, warmup=0),
                             f"{n_loaded:,} rows", key="load_full"))

    try:
        from targetboard.store.tracking import ranking, status_rows
    except ImportError as e:  # the analytics package is being written alongside
        result.error = f"targetboard.store.tracking not importable: {e}"
        log(result.error)
        return

    def full_status() -> list[Any]:
        with factory() as s:
            return status_rows(s, year=PLAN_YEAR, as_of=AS_OF)

    log(f"{result.backend}: full status recompute (warm-up)")
    t0 = time.perf_counter()
    rows = full_status()
    runs = _full_runs(time.perf_counter() - t0)
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

    # (3) one county
    def county_series() -> None:
        with factory() as s:
            load_series(s, [county_id], indicator_ids, first_year=HISTORY_FIRST, last_year=PLAN_YEAR, **as_of_kw)

    def county_status() -> list[Any]:
        with factory() as s:
            region = s.get(Region, county_id)
            return status_rows(s, region=region, year=PLAN_YEAR, as_of=AS_OF)

    county_sql = wide.replace(keys, f"o.region_id = {county_id} AND o.indicator_id IN ({_sql_in(indicator_ids)})")
    log(f"{result.backend}: county status")
    n_county = len(county_status())
    n_rows = dbapi_fetch(engine, county_sql)
    result.steps.append(Step("baseline: DBAPI fetch, the county's rows of 4 years",
                             timed(lambda: dbapi_fetch(engine, county_sql), SMALL_RUNS), f"{n_rows:,} rows",
                             key="fetch_county"))
    result.steps.append(Step(f"baseline: load_series alone, 1 county x {n_ind} indicators",
                             timed(county_series, SMALL_RUNS), key="load_county"))
    result.steps.append(Step(f"county status: status_rows(region={county_code}, ...)",
                             timed(county_status, SMALL_RUNS),
                             f"{n_county} targets, median of {SMALL_RUNS}", goal=GOAL_COUNTY_S, key="county"))
    result.profiles["county"] = profile_call(engine, county_status, SPLIT_STATUS)

    # (4) one ranking
    def peer_series() -> None:
        with factory() as s:
            load_series(s, peer_ids, [rank_ind.id], first_year=PLAN_YEAR, last_year=PLAN_YEAR)

    def one_ranking() -> Any:
        with factory() as s:
            return ranking(s, rank_ind.id, county_code, AS_OF, by="growth")

    log(f"{result.backend}: ranking")
    r = one_ranking()
    ranked = sum(1 for row in r.rows if row.rank is not None)
    result.sanity.append(f"ranking {rank_ind.id} {AS_OF} by growth: {ranked} of {len(r.rows)} peers ranked")
    result.steps.append(Step(f"baseline: load_series alone, {len(peer_ids)} peers x 1 indicator",
                             timed(peer_series, SMALL_RUNS), key="load_peers"))
    result.steps.append(Step(f"ranking({rank_ind.id}, {county_code}, {AS_OF}, by=growth)",
                             timed(one_ranking, SMALL_RUNS), f"{len(peer_ids)} peers, median of {SMALL_RUNS}",
                             goal=GOAL_RANKING_S, key="ranking"))
    result.profiles["ranking"] = profile_call(engine, one_ranking, SPLIT_RANKING)

    # extras (no goal): the two other import shapes a live store sees, on the full database
    if not args.skip_extras:
        n = len(work.next_month)
        log(f"{result.backend}: extra: next month for every series ({n:,} rows, 1 transaction)")
        with sql_trace(engine) as trace:
            t0 = time.perf_counter()
            with factory.begin() as s:
                write_observations(s, work.next_month, entered_by=ENTERED_BY)
            dt = time.perf_counter() - t0
        result.traces["monthly"] = (dt, _trace_rows(trace), trace_plans(engine, trace, 1))
        result.steps.append(Step("extra: monthly update (2023M01), 1 tx", [dt], f"{n:,} rows, {n / dt:,.0f} rows/s",
                                 key="monthly", rows=n))
        if args.profile:
            result.profiles["monthly"] = profile_call(engine, lambda: _rewrite(factory, work.next_month),
                                                      SPLIT_IMPORT)
        n = len(work.corrections)
        log(f"{result.backend}: extra: corrections ({n:,} rows)")
        with sql_trace(engine) as trace:
            t0 = time.perf_counter()
            with factory.begin() as s:
                summary = write_observations(s, work.corrections, entered_by=ENTERED_BY)
            dt = time.perf_counter() - t0
        result.traces["corrections"] = (dt, _trace_rows(trace), [])
        result.steps.append(Step("extra: corrections, first chunk again, 1 tx", [dt],
                                 f"{n:,} rows ({summary.updated:,} revised), {n / dt:,.0f} rows/s",
                                 key="corrections", rows=n))
    engine.dispose()


def _trace_rows(trace: dict[str, list[Any]]) -> list[tuple[str, float, int]]:
    return sorted(((shape, sum(e[0]), len(e[0])) for shape, e in trace.items()), key=lambda r: -r[1])


def _rewrite(factory: Any, records: Sequence[Any]) -> None:
    """Re-import `records` (all unchanged) and roll back: profiles the existing-row look-up alone."""
    from targetboard.store.observations import write_observations

    with factory() as s:
        write_observations(s, records, entered_by=ENTERED_BY)
        s.rollback()


def source_state() -> str:
    """Which code was measured: the commit, the files changed since, and a digest of src/ as it was read.

    Several people edit src/ while benchmarks run; the digest tells two reports apart even when the
    commit is the same. Read-only git commands only.
    """
    src = REPO_ROOT / "src"
    digest = hashlib.sha256()
    for path in sorted(src.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml", ".csv"):
            digest.update(str(path.relative_to(src)).encode() + b"\0" + path.read_bytes())
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO_ROOT, capture_output=True,
                               text=True, check=True).stdout.split("\n")
        changed = [line[3:].removeprefix("src/targetboard/") for line in dirty if line.strip()]
    except (OSError, subprocess.CalledProcessError):
        return f"src digest {digest.hexdigest()[:12]} (no git)"
    more = f", uncommitted: {', '.join(changed)}" if changed else ""
    return f"commit {head}{more}; src digest {digest.hexdigest()[:12]}"


# --------------------------------------------------------------------------------------------------
# Backends
# --------------------------------------------------------------------------------------------------


def pg_admin_url(given: str | None) -> str:
    """The admin URL: --pg-url, else $TARGETBOARD_TEST_POSTGRES_URL, else what scripts/postgres.sh prints."""
    if given:
        return given
    if env := os.environ.get("TARGETBOARD_TEST_POSTGRES_URL"):
        return env
    proc = subprocess.run([str(REPO_ROOT / "scripts" / "postgres.sh")], capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise SystemExit(f"scripts/postgres.sh failed: {proc.stderr.strip()}")
    return proc.stdout.strip().splitlines()[-1]


@contextmanager
def backend_url(backend: str, args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """A fresh, empty database of the kind, dropped (or deleted) afterwards unless --keep."""
    if backend == "sqlite":
        tmp = Path(tempfile.mkdtemp(prefix="tb-bench-tracking-"))
        path = tmp / "bench.db"
        try:
            import sqlite3

            yield f"sqlite:///{path}", f"SQLite {sqlite3.sqlite_version}, file {path}, WAL, synchronous=NORMAL"
        finally:
            if args.keep:
                log(f"kept {path}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = make_url(pg_admin_url(args.pg_url)).set(drivername="postgresql+psycopg")
    name = f"tb_bench_tracking_{os.getpid()}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        version = conn.execute(text("SHOW server_version")).scalar_one()
        settings = {k: conn.execute(text(f"SHOW {k}")).scalar_one()
                    for k in ("shared_buffers", "fsync", "synchronous_commit")}
    try:
        desc = (f"PostgreSQL {version} on {admin.host}:{admin.port}, database {name}, psycopg; "
                + ", ".join(f"{k}={v}" for k, v in settings.items()))
        yield admin.set(database=name).render_as_string(hide_password=False), desc
    finally:
        if args.keep:
            log(f"kept database {name}")
        else:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def _verdict(step: Step) -> str:
    if step.passed is None:
        return ""
    word = "PASS" if step.passed else "FAIL"
    return word if step.goal_counted else f"({word})"


def print_backend(res: BackendResult, show_profiles: bool) -> None:
    print(f"## {res.backend}: {res.description}")
    print()
    print("setup (not measured): " + "; ".join(f"{k} {_fmt_s(v)}" for k, v in res.setup.items()))
    if res.chunks:
        first, median, last = res.chunks
        print(f"import transactions: first {_fmt_s(first)}, median {_fmt_s(median)}, last {_fmt_s(last)} "
              "(a rising trend is the cost of the growing indexes)")
    print(f"database size after the import: {res.size}")
    print()
    print(STEP_HEADER)
    print("-" * len(STEP_HEADER))
    for st in res.steps:
        goal = f"< {_fmt_s(st.goal)}" if st.goal is not None else ""
        mn = _fmt_s(min(st.times)) if len(st.times) > 1 else ""
        p95 = _fmt_s(st.p95) if len(st.times) > 1 else ""
        print(f"{st.label:<52}  {_fmt_s(st.median):>9}  {p95:>9}  {mn:>9}  {st.detail:<40}  {goal:>9}  "
              f"{_verdict(st):<7}".rstrip())
    if any(not st.goal_counted for st in res.steps if st.goal is not None):
        print("(verdict in parentheses: the goal was set for SQLite; shown for comparison, not counted)")
    print()
    for line in res.sanity:
        print(f"check: {line}")
    if res.error:
        print(f"ERROR: {res.error}")
    ratios = _ratios(res)
    if ratios:
        print("ratios: " + "; ".join(ratios))
    print()
    for key, prof in res.profiles.items():
        step = res.step(key)
        failed = step is not None and step.passed is False
        split = ", ".join(f"{name} {cum / prof.total:.0%}" for name, cum, _ in prof.split)
        print(f"time split, {key} (one cProfile'd run, {_fmt_s(prof.total)}): {split}; "
              f"SQL execute {prof.sql_total / prof.total:.0%} in {sum(n for _, _, n in prof.sql)} statements; "
              f"garbage collector {prof.gc_seconds / prof.total:.0%} ({prof.gc_full} full collections)")
        if not (failed or show_profiles):
            top = "; ".join(f"{secs:.2f} s in {n} x {stmt[:90]}" for stmt, secs, n in prof.sql[:2])
            print(f"  slowest SQL: {top}")
        if failed or show_profiles:
            _print_profile(key, prof)
    for key, (total, rows, plans) in res.traces.items():
        top = "; ".join(f"{secs:.2f} s in {n} x {stmt[:90]}" for stmt, secs, n in rows[:2])
        print(f"SQL, {key} ({_fmt_s(total)} in all): {top}")
        for stmt, plan in plans:
            print(f"  plan of {stmt[:60]}...: {plan}")
    print()


def _ratios(res: BackendResult) -> list[str]:
    out = []
    pairs = (("full", "fetch_full", "full recompute / DBAPI fetch of 4 years"),
             ("full", "fetch_narrow", "full recompute / DBAPI fetch of the cells used"),
             ("load_full", "fetch_full", "load_series / DBAPI fetch of 4 years"),
             ("full", "load_full", "full recompute / load_series"),
             ("full", "full_nogc", "full recompute / the same without GC"),
             ("county", "load_county", "county status / its load_series"),
             ("load_county", "fetch_county", "county load_series / DBAPI fetch"),
             ("ranking", "load_peers", "ranking / its load_series"))
    for a, b, label in pairs:
        sa, sb = res.step(a), res.step(b)
        if sa and sb and sb.median > 0:
            out.append(f"{label} {sa.median / sb.median:.1f}x")
    return out


def _print_profile(key: str, prof: Profile) -> None:
    print(f"### profile: {key}")
    print(f"{'own s':>8}  {'cum s':>8}  {'calls':>9}  function (hottest own time first)")
    for name, own, cum, calls in prof.own:
        print(f"{own:8.3f}  {cum:8.3f}  {calls:9,}  {name}")
    print(f"{'cum s':>8}  {'calls':>9}  targetboard function")
    for name, cum, calls in prof.ours:
        print(f"{cum:8.3f}  {calls:9,}  {name}")
    print(f"{'exec s':>8}  {'count':>9}  SQL statement (IN lists collapsed)")
    for stmt, secs, n in prof.sql:
        print(f"{secs:8.3f}  {n:9,}  {stmt}")
    for stmt, plan in prof.plans:
        print(f"plan of {stmt[:60]}...: {plan}")
    print()


def print_summary(results: list[BackendResult], work: Workload) -> bool:
    """The cross-backend table and the overall verdict; True when every counted goal passed."""
    print(SUMMARY_TITLE)
    print()
    names = [r.backend for r in results]
    print("| measurement | " + " | ".join(names) + " | goal |")
    print("|---|" + "---|" * len(names) + "---|")

    def cell(res: BackendResult, key: str, rate: bool = False) -> str:
        key, _, stat = key.partition(":")
        st = res.step(key)
        if st is None:
            return "n/a"
        if stat == "p95":
            return _fmt_s(st.p95)
        if rate:
            return f"{st.rows / st.median:,.0f}"
        v = _verdict(st)
        return _fmt_s(st.median) + (f" {v}" if v else "")

    n_t = len(work.targets)
    rows = [
        ("import through write_observations, rows/s", "import", True, "—"),
        ("baseline: SELECT count(*)", "count", False, "—"),
        (f"full status recompute ({n_t:,} targets)", "full", False, f"< {_fmt_s(GOAL_FULL_S)} (SQLite)"),
        (f"county status ({len(work.indicators)} targets)", "county", False, f"< {_fmt_s(GOAL_COUNTY_S)}"),
        ("county status p95", "county:p95", False, "—"),
        ("ranking (one indicator, peers by growth)", "ranking", False, f"< {_fmt_s(GOAL_RANKING_S)}"),
        ("ranking p95", "ranking:p95", False, "—"),
        ("extra: monthly update of every series, rows/s", "monthly", True, "—"),
        ("extra: corrections re-import, rows/s", "corrections", True, "—"),
    ]
    for label, key, rate, goal in rows:
        if all(r.step(key.partition(":")[0]) is None for r in results):
            continue
        print(f"| {label} | " + " | ".join(cell(r, key, rate) for r in results) + f" | {goal} |")
    print("| database size | " + " | ".join(_fmt_bytes(r.size_bytes) for r in results) + " | — |")
    print()
    counted = [st for r in results for st in r.steps if st.goal is not None and st.goal_counted]
    failed = [st for st in counted if not st.passed]
    errors = [r for r in results if r.error]
    ok = not failed and not errors and len(counted) > 0
    if ok:
        print(f"verdict: PASS ({len(counted)} goals)")
    else:
        detail = [f"{len(failed)} of {len(counted)} goals failed"] + [f"{r.backend}: {r.error}" for r in errors]
        print("verdict: FAIL (" + "; ".join(detail) + ")")
    if work.scale != 1.0:
        print(f"(scale {work.scale:g}: the goals are set for scale 1)")
    return ok


# --------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--scale", type=float, default=1.0, help="workload factor (counties and indicators x sqrt)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--chunk", type=int, default=CHUNK, help=f"records per import transaction (default {CHUNK:,})")
    ap.add_argument("--pg-url", help="PostgreSQL admin URL (default: $TARGETBOARD_TEST_POSTGRES_URL or "
                                     "what scripts/postgres.sh prints)")
    ap.add_argument("--profile", action="store_true", help="print the full profiles even when the goals pass")
    ap.add_argument("--skip-extras", action="store_true", help="skip the monthly-update and corrections imports")
    ap.add_argument("--keep", action="store_true", help="keep the databases (paths/names on stderr)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a goal fails")
    args = ap.parse_args(argv)
    if args.scale <= 0:
        ap.error("--scale must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_importable()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    log(f"generating the workload (scale {args.scale:g}, seed {args.seed})")
    work = generate(args.scale, args.seed)
    # The generated records (2.4 M objects) stay alive for the second backend; frozen, the garbage
    # collector skips them, so its full collections cost in the measured calls what they would cost
    # in a process that does not hold the workload.
    gc.collect()
    gc.freeze()
    log(f"generated {len(work.records):,} observations, {len(work.targets):,} targets in {work.seconds:.1f}s")

    results = []
    for backend in backends:
        res = BackendResult(backend, "")
        try:
            with backend_url(backend, args) as (url, desc):
                res.description = desc
                log(f"{backend}: {desc}")
                measure_backend(res, url, work, args)
        except SystemExit as e:
            res.error = str(e)
        results.append(res)
        gc.collect()

    n_cat = len(work.indicators) - work.synthetic_count
    print(f"# tracking benchmark (scale {work.scale:g}, seed {work.seed})")
    print()
    print(f"workload: {len(work.counties)} counties in {len(work.cities)} synthetic cities x {len(work.indicators)} "
          f"indicators ({n_cat} from the catalog, {work.synthetic_count} synthetic) x {len(YEARS)} years "
          f"({YEARS[0]}-{YEARS[-1]}) x 12 months ytd = {len(work.records):,} observations; "
          f"{len(work.targets):,} targets in {len(work.counties)} plans for {PLAN_YEAR}")
    print(f"generation (not measured): {work.seconds:.1f} s, once for all backends")
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform(terse=True)}")
    print(f"code measured: {source_state()}")
    print()
    for res in results:
        print_backend(res, args.profile)
    ok = print_summary(results, work)
    if any(r.error for r in results):
        return 1
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
