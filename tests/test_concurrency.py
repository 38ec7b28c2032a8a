"""Writers running at the same time, as real processes, on SQLite and PostgreSQL.

Each worker is a separate Python process that waits for a common start time, then calls a service:
what two offices (or a cron job and a person) do when they import at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from targetboard.store import Database
from targetboard.store.models import Observation, ObservationRevision, Plan, Region

WORKER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from targetboard.errors import TargetboardError
    from targetboard.services import observations, plans, regions
    from targetboard.services.actors import Actor
    from targetboard.store import Database

    url, gate, action, arg = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    db = Database(url)
    # A barrier: say this process is ready, then wait until every process is, so all start together.
    (gate / f"ready-{action}-{arg.replace('/', '_')}-{time.monotonic_ns()}").touch()
    deadline = time.time() + 60
    while len(list(gate.iterdir())) < int(gate.name.split("-")[-1]) and time.time() < deadline:
        time.sleep(0.005)
    try:
        if action == "import":
            r = observations.import_observations(db, Actor(Path(arg).stem), arg)
            print(json.dumps({"ok": True, "inserted": r.inserted, "corrected": r.corrected}))
        elif action == "plan":
            r = plans.import_plan(db, Actor("office", "supervisor"), arg, region="扬中市", year=2022)
            print(json.dumps({"ok": True, "id": r.id, "created": r.created}))
        elif action == "region":
            r = regions.add_region(db, Actor("office", "supervisor"), arg, "扬中市")
            print(json.dumps({"ok": True, "code": r.code}))
    except TargetboardError as e:
        print(json.dumps({"ok": False, "kind": e.kind, "message": e.message("en")}))
""")


def run_together(url: str, jobs: list[tuple[str, str]]) -> list[dict[str, object]]:
    """Start one process per (action, argument), released together once all are up; their JSON results."""
    gate = Path(tempfile.mkdtemp(prefix="tb-gate-")) / f"gate-{len(jobs)}"
    gate.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(gate), action, arg],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for action, arg in jobs]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "Traceback" not in err, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


pytestmark = pytest.mark.slow  # real processes: a few seconds each to start

HEADER = "地区,指标,时期,累计,数值,单位,同比增长%\n"


def sheet(path: Path, rows: list[tuple[str, str, str, float]]) -> str:
    """A template CSV: (region, indicator, period, value) rows, year to date."""
    text = HEADER + "".join(f"{r},{i},{p},是,{v},亿元,\n" for r, i, p, v in rows)
    path.write_text(text, encoding="utf-8")
    return str(path)


REGIONS = ["京口区", "润州区", "丹徒区", "丹阳市"]


def test_imports_started_together_on_a_fresh_database_all_land(db_url, tmp_path):
    """Defect 1: the first imports of new periods raced on the period table and ended in a traceback."""
    files = [sheet(tmp_path / f"{r}.csv", [(r, "工业应税销售", f"2022M{m:02d}", 100.0 * m) for m in range(1, 7)])
             for r in REGIONS]
    results = run_together(db_url, [("import", f) for f in files])
    assert all(r["ok"] and r["inserted"] == 6 for r in results), results
    with Database(db_url).read() as s:
        assert s.scalar(select(func.count()).select_from(Observation)) == 24


def test_concurrent_corrections_record_exactly_what_each_replaced(db_url, tmp_path):
    """Defect 2: v2 and v3 imported at once after v1; every revision's old value is what it replaced."""
    keys = [(r, f"2022M{m:02d}") for r in REGIONS for m in range(1, 7)]
    v1 = sheet(tmp_path / "v1.csv", [(r, "工业应税销售", p, 100.0) for r, p in keys])
    assert run_together(db_url, [("import", v1)])[0]["ok"]
    v2 = sheet(tmp_path / "v2.csv", [(r, "工业应税销售", p, 200.0) for r, p in keys])
    v3 = sheet(tmp_path / "v3.csv", [(r, "工业应税销售", p, 300.0) for r, p in keys])
    results = run_together(db_url, [("import", v2), ("import", v3)])
    assert [r["corrected"] for r in results] == [24, 24], results
    with Database(db_url).read() as s:
        final = dict(s.execute(select(Observation.id, Observation.value)).all())
        revs = s.execute(select(ObservationRevision.observation_id, ObservationRevision.old_value,
                                ObservationRevision.new_value).order_by(ObservationRevision.id)).all()
    chains: dict[int, list[tuple[float, float]]] = {}
    for oid, old, new in revs:
        chains.setdefault(oid, []).append((old, new))
    assert len(chains) == 24
    for oid, chain in chains.items():
        assert len(chain) == 2
        assert chain[0][0] == 100.0  # the first correction replaced v1
        assert chain[1][0] == chain[0][1]  # the second replaced exactly what the first wrote
        assert chain[1][1] == final[oid]  # and what it wrote is what is stored


def test_the_same_plan_imported_twice_at_once_is_stored_once(db_url):
    seed = str(Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_e84110f20f91e93f.txt")
    results = run_together(db_url, [("plan", seed), ("plan", seed), ("plan", seed)])
    assert all(r["ok"] for r in results), results
    assert sorted(r["created"] for r in results) == [False, False, True]
    assert len({r["id"] for r in results}) == 1
    with Database(db_url).read() as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == 1


def test_townships_added_together_get_distinct_codes(db_url):
    names = ["三茅街道", "新坝镇", "油坊镇", "八桥镇"]
    results = run_together(db_url, [("region", n) for n in names])
    assert all(r["ok"] for r in results), results
    assert sorted(r["code"] for r in results) == [f"321182{n:03d}" for n in range(1, 5)]
    again = run_together(db_url, [("region", "三茅街道"), ("region", "三茅街道")])
    assert all(not r["ok"] and r["kind"] == "conflict" for r in again), again
    with Database(db_url).read() as s:
        assert s.scalar(select(func.count()).select_from(Region).where(Region.level == "township")) == 4
