"""Tracking benchmark, the report: one section per backend, then the cross-backend summary and verdict.

Why apart: the report is read by people and checked by `tests/test_bench_tracking.py` (its headers), so
its wording changes for other reasons than the measurements.
"""

from __future__ import annotations

import hashlib
import subprocess

from tracking_db import REPO_ROOT
from tracking_profile import Profile
from tracking_result import GOAL_COUNTY_S, GOAL_FULL_S, GOAL_RANKING_S, BackendResult, Step, fmt_bytes, fmt_s
from tracking_workload import Workload

# Report headers, also checked by tests/test_bench_tracking.py.
STEP_HEADER = (f"{'step':<52}  {'median':>9}  {'p95':>9}  {'min':>9}  {'detail':<40}  {'goal':>13}  "
               f"{'verdict':<7}")
SUMMARY_TITLE = "## summary"


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


def verdict_of(step: Step) -> str:
    if step.passed is None:
        return ""
    word = "PASS" if step.passed else "FAIL"
    return word if step.goal_counted else f"({word})"


def print_backend(res: BackendResult, show_profiles: bool) -> None:
    print(f"## {res.backend}: {res.description}")
    print()
    print("setup (not measured): " + "; ".join(f"{k} {fmt_s(v)}" for k, v in res.setup.items()))
    if res.chunks:
        first, median, last = res.chunks
        print(f"import transactions: first {fmt_s(first)}, median {fmt_s(median)}, last {fmt_s(last)} "
              "(a rising trend is the cost of the growing indexes)")
    print(f"database size after the import: {res.size}")
    print()
    print(STEP_HEADER)
    print("-" * len(STEP_HEADER))
    for st in res.steps:
        goal = f"{'p95 ' if st.goal_stat == 'p95' else ''}< {fmt_s(st.goal)}" if st.goal is not None else ""
        mn = fmt_s(min(st.times)) if len(st.times) > 1 else ""
        p95 = fmt_s(st.p95) if len(st.times) > 1 else ""
        print(f"{st.label:<52}  {fmt_s(st.median):>9}  {p95:>9}  {mn:>9}  {st.detail:<40}  {goal:>13}  "
              f"{verdict_of(st):<7}".rstrip())
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
        print(f"time split, {key} (one cProfile'd run, {fmt_s(prof.total)}): {split}; "
              f"SQL execute {prof.sql_total / prof.total:.0%} in {sum(n for _, _, n in prof.sql)} statements; "
              f"garbage collector {prof.gc_seconds / prof.total:.0%} ({prof.gc_full} full collections)")
        if not (failed or show_profiles):
            top = "; ".join(f"{secs:.2f} s in {n} x {stmt[:90]}" for stmt, secs, n in prof.sql[:2])
            print(f"  slowest SQL: {top}")
        if failed or show_profiles:
            _print_profile(key, prof)
    for key, (total, rows, plans) in res.traces.items():
        top = "; ".join(f"{secs:.2f} s in {n} x {stmt[:90]}" for stmt, secs, n in rows[:2])
        print(f"SQL, {key} ({fmt_s(total)} in all): {top}")
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
        v = verdict_of(st)
        if stat == "p95":
            return fmt_s(st.p95) + (f" {v}" if v and st.goal_stat == "p95" else "")
        if rate:
            return f"{st.rows / st.median:,.0f}"
        return fmt_s(st.median) + (f" {v}" if v and st.goal_stat == "median" else "")

    n_t = len(work.targets)
    rows = [
        ("import through write_observations, rows/s", "import", True, "—"),
        ("baseline: SELECT count(*)", "count", False, "—"),
        (f"full status recompute ({n_t:,} targets)", "full", False, f"< {fmt_s(GOAL_FULL_S)} (SQLite)"),
        (f"county status ({len(work.indicators)} targets), median", "county", False, "—"),
        ("county status p95", "county:p95", False, f"< {fmt_s(GOAL_COUNTY_S)}"),
        ("ranking (one indicator, peers by growth)", "ranking", False, f"< {fmt_s(GOAL_RANKING_S)}"),
        ("ranking p95", "ranking:p95", False, "—"),
        ("diagnostic: full recompute + every explanation", "full_explained", False, "—"),
        ("extra: monthly update of every series, rows/s", "monthly", True, "—"),
        ("extra: corrections re-import, rows/s", "corrections", True, "—"),
    ]
    for label, key, rate, goal in rows:
        if all(r.step(key.partition(":")[0]) is None for r in results):
            continue
        print(f"| {label} | " + " | ".join(cell(r, key, rate) for r in results) + f" | {goal} |")
    print("| database size | " + " | ".join(fmt_bytes(r.size_bytes) for r in results) + " | — |")
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
