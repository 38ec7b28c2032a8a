#!/usr/bin/env python3
"""Accountability benchmark: an assessment run for 100 units x 200 scheme items, and a 10,000-entry
ledger with its deadline lights, on SQLite (and PostgreSQL with --backend both).

Why this shape (issue 8): a county scores every department and township on a scheme of about a hundred
to two hundred items; a city's supervision office keeps ledgers of thousands of findings. The goal is a
whole run under 2 s on SQLite. The workload:
- 100 department units; a scheme of 200 items: 60 `linear`, 60 `step` and 60 `rank` items over the
  catalog's 60 year-to-date flow indicators, 4 `ledger` items (one per ledger kind) and 16 `bonus`;
- one plan whose 6,000 targets (one per unit and indicator) are each assigned to their unit as lead,
  and the region's year-to-date observations for those indicators (2019-2022, monthly);
- 10,000 ledger entries over the four kinds and the 100 units, with deadlines around the run's day.
Timed steps (median of `--repeats`, each in a fresh session like a CLI call):
- `score only`: `run_scheme` on inputs gathered beforehand: the pure arithmetic, the baseline;
- `gather inputs`: reading targets, statuses and ledgers from the store;
- `run`: `run_assessment` end to end (gather + score), the goal step;
- `run + publish`: the same with the snapshot written;
- `ledger lights`: listing one kind's 2,500 entries with their lights.
Deterministic: one seeded `random.Random`. Setup time is reported apart.

Usage:
  .venv/bin/python bench/accountability.py [--backend sqlite|postgresql|both] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _common import ensure_importable

ensure_importable()

UNITS = 100
INDICATORS = 60  # the catalog's year-to-date flow indicators
ENTRIES = 10_000
DAY = date(2022, 7, 1)
GOAL_SECONDS = 2.0


def scheme_text(indicators: list[str]) -> str:
    parts = ['[scheme]\nid = "bench"\nname = "基准考核"\nversion = "1"\nsubjects = "department"\n']
    parts.append(f'[[category]]\nid = "figures"\nname = "指标"\nweight = {INDICATORS * 3}\n')
    for i, ind in enumerate(indicators):
        parts.append(f'[[category.item]]\nid = "lin{i}"\nrule = "linear"\npoints = 1\ncap = 1.2\nindicator = "{ind}"\n')
        parts.append(f'[[category.item]]\nid = "step{i}"\nrule = "step"\npoints = 1\nindicator = "{ind}"\n')
        parts.append(f'[[category.item]]\nid = "rank{i}"\nrule = "rank"\npoints = 1\nstep = 0.01\n'
                     f'indicator = "{ind}"\n')
    parts.append('[[category]]\nid = "ledgers"\nname = "台账"\nweight = 40\n')
    for kind in ("rectification", "safety", "project", "listing"):
        parts.append(f'[[category.item]]\nid = "{kind}"\nrule = "ledger"\nledger = "{kind}"\npoints = 10\n'
                     'per_overdue = 1\nper_returned = 0.5\n')
    parts.append('[[category]]\nid = "adjust"\nname = "加分"\nweight = 0\n')
    for i in range(16):
        parts.append(f'[[category.item]]\nid = "bonus{i}"\nrule = "bonus"\nper_event = 1\nmax = 2\n')
    return "\n".join(parts)


def build(url: str, rng: random.Random) -> tuple[list[str], int]:
    """Schema, units, plan with targets and assignments, observations, ledger entries (bulk inserts)."""
    from sqlalchemy import insert, select

    from targetboard.catalog import load_catalog
    from targetboard.model.observation import ObservationRecord
    from targetboard.store import Database
    from targetboard.store.models import (
        Assignment,
        Document,
        LedgerEntry,
        Plan,
        PlanItem,
        Region,
        Target,
        Unit,
    )
    from targetboard.store.observations import write_observations

    db = Database(url)
    db.upgrade()
    indicators = [i.id for i in load_catalog() if i.kind == "flow_ytd"][:INDICATORS]
    now = datetime.now(UTC)
    with db.write() as s:
        region = s.scalar(select(Region).where(Region.code == "321182"))
        assert region is not None
        s.execute(insert(Unit), [{"name": f"部门{u:03d}", "kind": "department", "region_id": region.id}
                                 for u in range(UNITS)])
        units = list(s.scalars(select(Unit.id).where(Unit.region_id == region.id).order_by(Unit.id)))
        doc = Document(name="bench.txt", sha256="bench", text="基准", encoding="utf-8", format="txt")
        s.add(doc)
        s.flush()
        plan = Plan(document_id=doc.id, region_id=region.id, year=2022, status="published")
        s.add(plan)
        s.flush()
        items = [{"plan_id": plan.id, "parent_id": None, "kind": "target", "text": f"目标{n}", "start": 0, "end": 2,
                  "position": n, "review_state": "accepted"} for n in range(UNITS * INDICATORS)]
        s.execute(insert(PlanItem), items)
        item_ids = list(s.scalars(select(PlanItem.id).where(PlanItem.plan_id == plan.id).order_by(PlanItem.id)))
        catalog = load_catalog()
        targets, assigns = [], []
        for n, item_id in enumerate(item_ids):
            unit, ind = units[n // INDICATORS], indicators[n % INDICATORS]
            targets.append({"plan_item_id": item_id, "indicator_id": ind, "metric": catalog.get(ind).name,
                            "measure": "level", "comparator": ">=", "value": rng.uniform(50, 150),
                            "unit": catalog.get(ind).unit, "period": "2022"})
            assigns.append({"plan_item_id": item_id, "unit_id": unit, "role": "lead", "source": "person",
                            "assigned_by": "bench", "assigned_at": now})
        s.execute(insert(Target), targets)
        s.execute(insert(Assignment), assigns)
        entries = []
        kinds = ("rectification", "safety", "project", "listing")
        initial = {"rectification": "in_progress", "safety": "in_progress", "project": "started",
                   "listing": "filed"}
        for n in range(ENTRIES):
            kind = kinds[n % 4]
            entries.append({"kind": kind, "region_id": region.id, "ref": str(n), "title": f"事项{n}",
                            "unit_id": units[rng.randrange(UNITS)],
                            "deadline": DAY + timedelta(days=rng.randint(-60, 90)), "state": initial[kind],
                            "progress": "", "fields": "{}", "returned_count": rng.choice((0, 0, 0, 1)),
                            "created_by": "bench", "created_at": now, "updated_at": now})
        s.execute(insert(LedgerEntry), entries)
        records = [ObservationRecord("321182", ind, f"{y}M{m:02d}", True, 10.0 * m * (1 + 0.05 * (y - 2019)), 8.0,
                                     "bench") for ind in indicators for y in range(2019, 2023) for m in range(1, 13)]
        write_observations(s, records, entered_by="bench")
    db.dispose()
    return indicators, plan.id


def timed(fn, repeats: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), min(runs)


def bench(url: str, repeats: int) -> dict[str, tuple[float, float]]:
    from targetboard.accountability.scheme import load_scheme
    from targetboard.accountability.scoring import run_scheme
    from targetboard.services import assessment, ledgers
    from targetboard.services.actors import Actor
    from targetboard.store import Database

    rng = random.Random(20221201)
    t0 = time.perf_counter()
    indicators, _ = build(url, rng)
    setup = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        scheme_file = Path(tmp) / "scheme.toml"
        scheme_file.write_text(scheme_text(indicators), encoding="utf-8")
        scheme = load_scheme(scheme_file)
        db = Database(url)
        office = Actor("bench", "supervisor")
        subjects, inputs = assessment.gather_inputs(db, scheme, region="扬中市", year=2022, as_of="2022M06", day=DAY)
        assert len(subjects) == UNITS and len(scheme.items()) == 200, (len(subjects), len(scheme.items()))
        out = {
            "score only (baseline)": timed(lambda: run_scheme(scheme, period="2022M06", subjects=subjects,
                                                              inputs=inputs), repeats),
            "gather inputs": timed(lambda: assessment.gather_inputs(db, scheme, region="扬中市", year=2022,
                                                                    as_of="2022M06", day=DAY), repeats),
            "run (goal < 2 s)": timed(lambda: assessment.run_assessment(db, office, scheme_file, region="扬中市",
                                                                        year=2022, as_of="2022M06", day=DAY),
                                      repeats),
            "run + publish": timed(lambda: assessment.run_assessment(db, office, scheme_file, region="扬中市",
                                                                     year=2022, as_of="2022M06", day=DAY,
                                                                     publish=True), max(1, repeats // 2)),
            "ledger lights, 2,500 entries": timed(lambda: ledgers.list_entries(db, region="扬中市",
                                                                               kind="rectification", today=DAY),
                                                  repeats),
        }
        db.dispose()
    out["setup (not timed)"] = (setup, setup)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the run misses the goal")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    failed = False
    print(f"accountability: {UNITS} units x 200 items, {INDICATORS * UNITS} targets, {ENTRIES} ledger entries; "
          f"load {os.getloadavg()[0]:.1f}")
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            if backend == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            else:
                url = _pg_database()
            results = bench(url, args.repeats)
        print(f"\n{backend}")
        print(f"  {'step':34} {'median s':>9} {'best s':>9}")
        for name, (median, best) in results.items():
            print(f"  {name:34} {median:9.3f} {best:9.3f}")
        run = results["run (goal < 2 s)"][0]
        base = results["score only (baseline)"][0]
        verdict = "PASS" if run < GOAL_SECONDS else "FAIL"
        failed |= run >= GOAL_SECONDS and backend == "sqlite"
        print(f"  run / score-only: {run / base:.1f}x   goal (run < {GOAL_SECONDS:g} s): {verdict}")
    return 1 if failed and args.strict else 0


def _pg_database() -> str:
    import uuid

    from sqlalchemy import create_engine, text

    admin = os.environ.get("TARGETBOARD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:54329/postgres")
    name = f"tb_bench_acc_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.rsplit("/", 1)[0] + "/" + name


if __name__ == "__main__":
    raise SystemExit(main())
