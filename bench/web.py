#!/usr/bin/env python3
"""Web benchmark: a real `targetboard serve` process on loopback under 20 concurrent clients, on SQLite
(and PostgreSQL with --backend postgresql|both).

Why this shape (issue 7): a county's supervision office and its departments open the plan page, a
target page and the status API at the same time; the goal is p95 < 100 ms on SQLite on the 2-core
development machine. The workload is GENERATED SAMPLE DATA (not real), built through the services:
- a generated plan text for 扬中市 2022 (7 pillars x 8 objectives, each with targets over the catalog's
  year-to-date flow indicators and a task), imported with `plans.import_plan` (reviewed): ~500 items;
- 20 department units, every target and task assigned to one of them (`assignments.assign`);
- observations for 镇江's six county-level units: 50 indicators x 2019-2022 x 12 months = 2,400 per
  unit (14,400 rows), imported through the real importer as a CSV;
- one admin account; every client logs in through the log-in form (a session cookie, as a browser).
The server is `targetboard serve`'s own code path (`cli_web.serve`: one uvicorn process, one worker,
access log on) started in a subprocess. Each client sends `--requests` requests in turn to
- `/plans` (the plan tree, ~500 rows with status badges),
- `/targets/{id}` (a random target: source, status, chart, peer ranking),
- `/api/v1/targets?region=扬中市&year=2022` (the status API: every target with its live status),
waiting `--think` seconds (uniform 0..2x) between requests; `--think 0` is the saturation run.
Reported: p50 / p95 / max per endpoint, requests/s, the server's CPU time per timed request (what
other jobs on a shared machine do not inflate), and an in-process baseline in the same run
(the service calls behind each endpoint, timed without HTTP, one at a time), so each figure is a
ratio as well as an absolute.

Usage:
  .venv/bin/python bench/web.py [--backend sqlite|postgresql|both] [--clients 20] [--requests 30]
                                [--think 1.0] [--items 500] [--indicators 50] [--strict]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import REPO_ROOT, ensure_importable

ensure_importable()

SEED = 20221202
REGION = "扬中市"
PEERS = ("京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市")
YEAR = 2022
YEARS = (2019, 2020, 2021, 2022)
INDICATORS = 50
UNITS = 20
PASSWORD = "bench-password-42"
SECRET = "bench-secret-" + "x" * 32
GOAL_MS = 100.0
NUMS = "一二三四五六七八九十"
SOURCE = "基准样例数据（生成，非真实）"
ENDPOINTS = ("plan page", "target page", "status API")


# --- the workload (generated sample data) ----------------------------------------------------------

def plan_text(items: int, indicators: list[tuple[str, str]], rng: random.Random) -> str:
    """A plan document whose extraction has about `items` items: pillars, objectives, targets, tasks."""
    per_objective = 8  # 6 target sentences + 2 tasks (the extractor finds 8 items and the heading)
    objectives = max(1, round(items / (per_objective + 1.1)))
    pillars = max(1, min(len(NUMS), round(math.sqrt(objectives))))
    lines = [f"{REGION}{YEAR}年重点工作目标任务（生成的基准样例，非真实）", ""]
    k = 0
    for p in range(pillars):
        lines.append(f"{NUMS[p]}、聚焦第{p + 1}方面重点工作，推动高质量发展")
        for o in range(math.ceil(objectives / pillars)):
            lines.append(f"（{NUMS[o % len(NUMS)]}）推进第{p + 1}-{o + 1}项工作。")
            sentences = []
            for t in range(per_objective):
                name, unit = indicators[k % len(indicators)]
                k += 1
                if t % 3 == 2:
                    sentences.append(f"实施第{k}号重点项目，加快推进项目建设")
                elif t % 3 == 0:
                    sentences.append(f"{name}增长{rng.randint(5, 12)}%以上")
                else:
                    sentences.append(f"{name}达到{rng.randint(20, 900)}{unit}")
            lines.append("；".join(sentences) + "。")
    return "\n".join(lines) + "\n"


_SEASON = (0.055, 0.115, 0.205, 0.285, 0.375, 0.475, 0.555, 0.64, 0.73, 0.815, 0.905, 1.0)


def observations_csv(indicators: list[tuple[str, str]], rng: random.Random) -> bytes:
    """Year-to-date monthly figures, 2019-2022, for the six units: the import template, labelled sample."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["地区", "指标", "时期", "累计", "数值", "单位", "同比增长%", "来源"])
    for region in PEERS:
        for name, unit in indicators:
            level = rng.lognormvariate(math.log(300.0), 0.8)
            previous: list[float] = []
            for year in YEARS:
                level *= 1 + rng.uniform(-0.02, 0.12)
                months = []
                for m in range(12):
                    v = level * _SEASON[m] * rng.uniform(0.97, 1.03)
                    growth = f"{(v / previous[m] - 1) * 100:.1f}" if previous else ""
                    w.writerow([region, name, f"{year}M{m + 1:02d}", "是", f"{v:.2f}", unit, growth, SOURCE])
                    months.append(v)
                previous = months
    return out.getvalue().encode("utf-8")


@dataclass
class Built:
    plan_id: int
    items: int
    targets: list[int]  # plan item ids of the targets
    seconds: float


def build(url: str, items: int, n_indicators: int = INDICATORS) -> Built:
    """Schema, plan, units, assignments, observations and the admin account, through the services."""
    from targetboard.catalog import load_catalog
    from targetboard.services import assignments, observations, plans, regions, users, web_support
    from targetboard.services.actors import Actor
    from targetboard.store import Database

    t0 = time.perf_counter()
    rng = random.Random(SEED)
    db = Database(url)
    db.upgrade()
    root = Actor("bench")
    indicators = [(i.name, i.unit) for i in load_catalog() if i.kind == "flow_ytd"][:n_indicators]
    text = plan_text(items, indicators, rng)
    summary = plans.import_plan(db, root, text.encode("utf-8"), filename="bench-plan.txt", region=REGION, year=YEAR,
                                reviewed=True)
    units = [f"基准部门{u:02d}" for u in range(UNITS)]
    for name in units:
        regions.add_unit(db, root, name, REGION)
    view = web_support.show_plan(db, summary.id)
    assignable = [n for n in view.nodes if n.kind in ("target", "task")]
    for k, node in enumerate(assignable):
        assignments.assign(db, root, node.id, units[k % UNITS])
    observations.import_observations(db, root, observations_csv(indicators, rng), filename="bench.csv")
    users.add_user(db, root, "bench-admin", role="admin", password=PASSWORD)
    targets = [n.id for n in view.nodes if n.kind == "target"]
    db.dispose()
    return Built(summary.id, len(view.nodes), targets, time.perf_counter() - t0)


# --- the in-process baseline ----------------------------------------------------------------------

def baseline(url: str, built: Built, repeats: int) -> dict[str, float]:
    """Median ms of the service calls behind each endpoint, in this process, one at a time (no HTTP,
    no template, no JSON): what the server cannot do faster than."""
    from targetboard.services import observations, plans, tracking, web_support
    from targetboard.store import Database

    db = Database(url)
    rng = random.Random(SEED + 1)

    def plan_page() -> None:
        plans.list_plans(db)
        web_support.show_plan(db, built.plan_id)

    def target_page() -> None:
        item = rng.choice(built.targets)
        source = web_support.item_source(db, item)
        view = web_support.show_plan(db, source.plan_id)
        node = next(n for n in view.nodes if n.id == item)
        if node.metric and node.status and node.status.latest_period:
            tracking.rank_indicator(db, node.metric, region=REGION, period=node.status.latest_period)
            tracking.target_statuses(db, region=REGION, year=YEAR)
            observations.indicator_series(db, region=REGION, indicator=node.metric)

    def status_api() -> None:
        tracking.target_statuses(db, region=REGION, year=YEAR)

    out = {}
    for name, fn in zip(ENDPOINTS, (plan_page, target_page, status_api), strict=True):
        fn()  # warm-up
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - t0) * 1000)
        out[name] = statistics.median(runs)
    db.dispose()
    return out


# --- the server and the clients -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVE = "import sys; from targetboard.cli import main; sys.argv[0] = 'targetboard'; main()"


def start_server(url: str, port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    """`targetboard serve --db URL --port P --workers N` in a subprocess, ready when /login answers.

    Its log (one access line per request) goes to a file: a pipe nobody reads would fill up and stall
    the server mid-run.
    """
    import httpx

    env = {**os.environ, "TARGETBOARD_SECRET_KEY": SECRET, "PYTHONPATH": str(REPO_ROOT / "src")}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", SERVE, "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--db", url, "--workers", str(workers)], env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 60 s")


@dataclass
class Load:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {e: [] for e in ENDPOINTS})
    errors: int = 0
    seconds: float = 0.0
    cpu: float | None = None  # the server's CPU seconds during the timed requests

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())


async def _login(client: object, base: str) -> None:
    import httpx

    assert isinstance(client, httpx.AsyncClient)
    html = (await client.get(f"{base}/login")).text
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, html[:300]
    r = await client.post(f"{base}/login", data={"username": "bench-admin", "password": PASSWORD,
                                                 "csrf_token": m.group(1)})
    assert r.status_code == 303, (r.status_code, r.text[:300])


async def run_load(base: str, built: Built, clients: int, requests: int, think: float, pid: int) -> Load:
    """`clients` logged-in clients, each sending `requests` requests (endpoints in turn, random target)."""
    import httpx

    load = Load()
    paths = {"plan page": lambda r: "/plans",
             "target page": lambda r: f"/targets/{r.choice(built.targets)}",
             "status API": lambda r: f"/api/v1/targets?region={REGION}&year={YEAR}&limit=1000"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    sessions = [httpx.AsyncClient(timeout=120, limits=limits, follow_redirects=False) for _ in range(clients)]
    try:
        await asyncio.gather(*(_login(c, base) for c in sessions))
        for c in sessions:  # warm-up: one of each, not counted
            for e in ENDPOINTS:
                await c.get(base + paths[e](random.Random(0)))

        async def client(n: int, c: httpx.AsyncClient) -> None:
            rng = random.Random(SEED + 100 + n)
            await asyncio.sleep(rng.uniform(0, think))  # users do not all click at the same instant
            for k in range(requests):
                endpoint = ENDPOINTS[(n + k) % len(ENDPOINTS)]
                t0 = time.perf_counter()
                r = await c.get(base + paths[endpoint](rng))
                elapsed = (time.perf_counter() - t0) * 1000
                if r.status_code != 200:
                    load.errors += 1
                load.latencies[endpoint].append(elapsed)
                if think:
                    await asyncio.sleep(rng.uniform(0, 2 * think))

        t0, cpu0 = time.perf_counter(), cpu_seconds(pid)
        await asyncio.gather(*(client(n, c) for n, c in enumerate(sessions)))
        load.seconds, cpu1 = time.perf_counter() - t0, cpu_seconds(pid)
        load.cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    finally:
        await asyncio.gather(*(c.aclose() for c in sessions))
    return load


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time so far of a process and its live children, the workers of `serve --workers`
    (Linux /proc; None elsewhere): on a shared machine the server's CPU time per request is the figure
    that other jobs do not inflate."""
    total = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            if p == pid:
                return None
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        todo.extend(_children(p))
    return total


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def bench(url: str, args: argparse.Namespace, tmp: Path) -> bool:
    """Build, baseline, serve, load; print the table. True when the p95 goal is met on every endpoint."""
    built = build(url, args.items, args.indicators)
    print(f"  generated sample data: {built.items} plan items ({len(built.targets)} targets), "
          f"{UNITS} units, {args.indicators * len(YEARS) * 12} observations per unit x {len(PEERS)} units; "
          f"built in {built.seconds:.1f} s")
    base_ms = baseline(url, built, args.baseline_repeats)
    port = free_port()
    server = start_server(url, port, tmp / "server.log", args.workers)
    try:
        load = asyncio.run(run_load(f"http://127.0.0.1:{port}", built, args.clients, args.requests, args.think,
                                    server.pid))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"  {args.workers} server worker(s); {args.clients} clients x {args.requests} requests, "
          f"think {args.think:g} s; "
          f"{load.requests} requests in {load.seconds:.1f} s = {load.requests / load.seconds:.1f} req/s; "
          f"errors {load.errors}; load average {os.getloadavg()[0]:.1f}")
    if load.cpu is not None:
        print(f"  server CPU: {load.cpu:.1f} s for the {load.requests} timed requests = "
              f"{load.cpu / load.requests * 1000:.0f} ms/request (capacity of one worker: "
              f"{load.requests / load.cpu:.1f} req/s)")
    print(f"  {'endpoint':12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'in-process ms':>14} "
          f"{'p50/in-proc':>11}")
    ok = load.errors == 0
    for e in ENDPOINTS:
        values = load.latencies[e]
        p50, p95 = pct(values, 0.5), pct(values, 0.95)
        ok &= p95 < GOAL_MS
        print(f"  {e:12} {len(values):5d} {p50:8.1f} {p95:8.1f} {max(values):8.1f} {base_ms[e]:14.1f} "
              f"{p50 / base_ms[e]:10.1f}x")
    print(f"  goal (p95 < {GOAL_MS:g} ms on every endpoint): {'PASS' if ok else 'FAIL'}")
    return ok


def _pg_database() -> tuple[str, str]:
    """A private database on the test server: (its URL, its name)."""
    import uuid

    from sqlalchemy import create_engine, text

    admin = os.environ.get("TARGETBOARD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:54329/postgres")
    name = f"tb_bench_web_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.rsplit("/", 1)[0] + "/" + name, name


def _pg_drop(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = os.environ.get("TARGETBOARD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:54329/postgres")
    engine = create_engine(admin.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="server processes (`serve --workers`; default 1)")
    parser.add_argument("--requests", type=int, default=30, help="requests per client (default 30)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a client waits between requests (0: back to back)")
    parser.add_argument("--items", type=int, default=500, help="plan items to generate (about)")
    parser.add_argument("--indicators", type=int, default=INDICATORS,
                        help=f"indicators with observations (default {INDICATORS}: 2,400 observations per unit)")
    parser.add_argument("--baseline-repeats", type=int, default=10)
    parser.add_argument("--strict", action="store_true", help="exit 1 when SQLite misses the goal")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"web: {args.items} plan items, {args.clients} clients; GENERATED SAMPLE DATA (not real); "
          f"load average {os.getloadavg()[0]:.1f}")
    failed = False
    for backend in backends:
        print(f"\n{backend}")
        with tempfile.TemporaryDirectory() as tmp:
            if backend == "sqlite":
                failed |= not bench(f"sqlite:///{Path(tmp) / 'bench.db'}", args, Path(tmp))
            else:
                url, name = _pg_database()
                try:
                    bench(url, args, Path(tmp))
                finally:
                    _pg_drop(name)
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
