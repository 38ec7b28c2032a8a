"""Tracking benchmark, databases (never measured): a fresh database per backend, reference data, targets.

Why apart from the timed steps: creating and dropping databases, and the bulk setup of regions and
targets, are the scaffolding every measured step stands on; none of it is part of any figure.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tracking_result import log
from tracking_workload import PLAN_YEAR, TargetSpecRow, Workload

REPO_ROOT = Path(__file__).resolve().parents[1]


def setup_reference(factory: Any, work: Workload) -> None:
    """Synthetic cities and counties via `add_region` (the real path), synthetic indicators directly."""
    from sqlalchemy import insert, select

    from targetboard.store.models import IndicatorRow
    from targetboard.store.regions import add_region

    with factory.begin() as s:
        for code, name in work.cities:
            add_region(s, name, "320000", actor="bench", level="city", code=code)
        for code, name, city in work.counties:
            add_region(s, name, city, actor="bench", level="county", code=code)
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
                                  "start": head + a, "end": head + b, "position": n, "suggested_unit": None,
                                  "review_state": "accepted"})
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
