"""Observations: import a file (validate all, then write all or nothing), list, undo an import.

Why the steps are split between a read and a write transaction: reading and validating a province's
sheet takes seconds and needs no lock; only the write takes the observations lock, so imports queue
for the write alone and each one's revisions record exactly the values it replaced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from targetboard.errors import Forbidden, ImportRejected, NotFound
from targetboard.ingest import read_observations
from targetboard.ingest.problems import Problem
from targetboard.model.observation import ObservationRecord
from targetboard.services.actors import Actor
from targetboard.store import Database
from targetboard.store import imports as store_imports
from targetboard.store.audit import record
from targetboard.store.models import Assignment, Plan, PlanItem, Region, Target
from targetboard.store.observations import write_observations
from targetboard.store.regions import find_region, region_names


@dataclass(frozen=True)
class ImportView:
    import_id: int | None  # None: nothing changed, so nothing was recorded
    file: str
    rows: int
    inserted: int
    corrected: int
    unchanged: int

    def zh(self) -> str:
        return f"{self.rows} 行：新增 {self.inserted}，更正 {self.corrected}（已记录原值→新值），未变 {self.unchanged}"

    def en(self) -> str:
        return (f"{self.rows} rows: {self.inserted} new, {self.corrected} corrected (old → new recorded), "
                f"{self.unchanged} unchanged")


@dataclass(frozen=True)
class BatchView:
    id: int
    file: str
    actor: str
    at: str
    inserted: int
    corrected: int
    unchanged: int
    undone_by: str | None


def _editable_series(db: Database, actor: Actor) -> set[tuple[str, str]]:
    """(region code, indicator id) a unit editor may enter: those of targets assigned to its units."""
    with db.read() as s:
        q = (select(Region.code, Target.indicator_id)
             .join(PlanItem, PlanItem.id == Target.plan_item_id).join(Plan, Plan.id == PlanItem.plan_id)
             .join(Region, Region.id == Plan.region_id)
             .join(Assignment, Assignment.plan_item_id == PlanItem.id)
             .where(Assignment.unit_id.in_(actor.unit_ids), Assignment.ended_at.is_(None),
                    Target.indicator_id.is_not(None)))
        return {(code, ind) for code, ind in s.execute(q).all()}


def _check_scope(db: Database, actor: Actor, records: list[ObservationRecord], file: str) -> None:
    actor.require("supervisor", "unit_editor")
    if actor.role != "unit_editor":
        return
    allowed = _editable_series(db, actor)
    outside = sorted({(r.region_code, r.indicator_id) for r in records} - allowed)
    if outside:
        sample = "、".join(f"{c}/{i}" for c, i in outside[:5])
        raise Forbidden(f"{file}：{actor.name} 只能填报本单位负责的指标，"
                        f"文件中有 {len(outside)} 个不属于本单位（{sample}）",
                        f"{file}: {actor.name} may enter only its units' indicators; {len(outside)} are not "
                        f"({sample})")


def read_file(db: Database, source: str | Path | bytes, *, filename: str | None = None, region: str | None = None,
              period: str | None = None) -> tuple[str, list[ObservationRecord], list[Problem]]:
    """Validate a file without writing anything: (file name, records, problems)."""
    name = filename or (Path(source).name if not isinstance(source, bytes) else "upload")
    with db.read() as s:
        names = region_names(s)
        default_region = find_region(s, region).code if region else None
    if isinstance(source, bytes):
        import tempfile

        suffix = Path(name).suffix or ".csv"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(source)
            result = read_observations(path, regions=names, default_region=default_region, default_period=period)
        problems = [Problem(name, p.sheet, p.row, p.column, p.message) if p.file != name else p
                    for p in result.problems]
        return name, list(result.records), problems
    result = read_observations(source, regions=names, default_region=default_region, default_period=period)
    return name, list(result.records), list(result.problems)


def import_observations(db: Database, actor: Actor, source: str | Path | bytes, *, filename: str | None = None,
                        region: str | None = None, period: str | None = None) -> ImportView:
    """Validate everything, then write all or nothing; ImportRejected lists every problem found."""
    name, records, problems = read_file(db, source, filename=filename, region=region, period=period)
    if problems:
        raise ImportRejected(name, problems, hint="fix the file and import it again; nothing was stored")
    _check_scope(db, actor, records, name)
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    with db.write("observations") as s:
        batch = store_imports.create_batch(s, file_name=name, sha256=digest, actor=actor.name)
        summary = write_observations(s, records, entered_by=actor.name, import_id=batch.id)
        if not summary.inserted and not summary.updated:
            s.delete(batch)
            s.flush()
            return ImportView(None, name, len(records), 0, 0, summary.unchanged)
        batch.inserted, batch.corrected, batch.unchanged = summary.inserted, summary.updated, summary.unchanged
        sources = sorted({r.source for r in records} - {name})
        record(s, "observations.import", "import", batch.id, actor=actor.name, file=name, sha256=digest,
               inserted=summary.inserted, corrected=summary.updated, unchanged=summary.unchanged,
               **({"sources": sources[:10]} if sources else {}))
        return ImportView(batch.id, name, len(records), summary.inserted, summary.updated, summary.unchanged)


def list_imports(db: Database, *, limit: int = 50) -> list[BatchView]:
    with db.read() as s:
        return [BatchView(b.id, b.file_name, b.actor, f"{b.at:%Y-%m-%d %H:%M:%S}", b.inserted, b.corrected,
                          b.unchanged, b.undone_by) for b in store_imports.list_batches(s, limit=limit)]


def undo_import(db: Database, actor: Actor, import_id: int) -> store_imports.UndoSummary:
    """Reverse one import exactly (refused whole when later imports changed the same figures)."""
    actor.require("supervisor")
    with db.write("observations") as s:
        result = store_imports.undo_batch(s, import_id, actor=actor.name)
        record(s, "observations.undo", "import", import_id, actor=actor.name, deleted=result.deleted,
               restored=result.restored)
        return result


def list_observations(db: Database, *, region: str | None = None, indicator: str | None = None,
                      period: str | None = None, limit: int = 200, offset: int = 0
                      ) -> list[store_imports.ObservationRow]:
    from targetboard.catalog import load_catalog

    with db.read() as s:
        region_ids = [find_region(s, region).id] if region else None
        indicator_id = None
        if indicator:
            catalog = load_catalog()
            found = catalog.get(indicator) if indicator in catalog else catalog.match(indicator)
            if found is None:
                raise NotFound(f"指标 {indicator!r} 不在指标目录中", f"indicator {indicator!r}: not in the catalog",
                               hint="see `targetboard indicators`")
            indicator_id = found.id
        return store_imports.list_observations(s, region_ids=region_ids, indicator_id=indicator_id, period=period,
                                               limit=limit, offset=offset)
