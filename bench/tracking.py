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
- Goals (issue 6; the product brief's were 5 s / 100 ms / 50 ms): full recompute of all 20,000 targets
  < 2 s on SQLite (median; the Chinese explanations are built on request, not in a bulk recompute); one
  county's status, explanations included, p95 < 50 ms, and one ranking < 50 ms (median), of 40 calls
  after warm-up, on each backend.
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

Layout (one job per module, all in bench/):
  tracking.py           this entry point: command line, the run across backends, exit status
  tracking_workload.py  the seeded workload (never measured)
  tracking_db.py        fresh databases per backend, regions, indicators and targets (never measured)
  tracking_import.py    the import through write_observations, and the two extra imports
  tracking_steps.py     the timed goal steps with their same-run baselines
  tracking_profile.py   cProfile, SQL statement timing, GC share and query plans of one run
  tracking_result.py    steps, results, goals, p95, formatting
  tracking_report.py    the per-backend report and the summary table

Usage:
  .venv/bin/python bench/tracking.py [--backend sqlite|postgresql|both] [--scale S] [--strict] [--profile]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys

from _common import ensure_importable  # bench/ is on sys.path when a script runs
from tracking_db import backend_url
from tracking_report import print_backend, print_summary, source_state
from tracking_result import BackendResult, log
from tracking_steps import measure_backend
from tracking_workload import CHUNK, PLAN_YEAR, SEED, YEARS, generate


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
