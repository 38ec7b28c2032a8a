"""Import batches: every observation file imported is one row, so it can be listed and undone exactly.

Why undo works from the batch and not from the audit trail: the batch's id is on every row it created
(`observation.import_id`) and on every revision it wrote (`observation_revision.import_id`), so undoing
is "delete what it created, put back what it replaced" — refused whole when a later import has since
changed the same figures, because then "put back" would erase someone else's correction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from targetboard.errors import Conflict, NotFound
from targetboard.store.models import ImportBatch, Observation, ObservationRevision, Region, utcnow


@dataclass(frozen=True)
class UndoSummary:
    import_id: int
    deleted: int
    restored: int


def create_batch(session: Session, *, file_name: str, sha256: str | None, actor: str) -> ImportBatch:
    batch = ImportBatch(kind="observations", file_name=file_name[:255], sha256=sha256, actor=actor[:64],
                        inserted=0, corrected=0, unchanged=0)
    session.add(batch)
    session.flush()
    return batch


def get_batch(session: Session, import_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, import_id)
    if batch is None:
        raise NotFound(f"导入批次 {import_id} 不存在", f"import {import_id}: not found",
                       hint="list imports with `targetboard import list`")
    return batch


def list_batches(session: Session, *, limit: int = 50) -> list[ImportBatch]:
    return list(session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)))


def undo_batch(session: Session, import_id: int, *, actor: str) -> UndoSummary:
    """Reverse one import (caller holds the observations write lock), or raise Conflict and change nothing."""
    batch = get_batch(session, import_id)
    if batch.undone_at is not None:
        raise Conflict(f"导入批次 {import_id} 已于 {batch.undone_at:%Y-%m-%d %H:%M} 被 {batch.undone_by} 撤销",
                       f"import {import_id} was already undone by {batch.undone_by}")
    revisions = list(session.scalars(
        select(ObservationRevision).where(ObservationRevision.import_id == import_id)
        .order_by(ObservationRevision.id.desc())))
    created = list(session.scalars(select(Observation).where(Observation.import_id == import_id)))
    touched = {r.observation_id for r in revisions} | {o.id for o in created}
    later: dict[int, int] = {}
    if touched:
        last_own = max((r.id for r in revisions), default=0)
        rows = session.execute(
            select(ObservationRevision.observation_id, func.max(ObservationRevision.id))
            .where(ObservationRevision.observation_id.in_(touched),
                   (ObservationRevision.import_id.is_(None)) | (ObservationRevision.import_id != import_id))
            .group_by(ObservationRevision.observation_id)).all()
        later = {oid: rid for oid, rid in rows if rid > last_own or oid in {o.id for o in created}}
    if later:
        sample = ", ".join(str(k) for k in sorted(later)[:5])
        raise Conflict(f"导入批次 {import_id} 之后又有 {len(later)} 个数值被修改（观测值 {sample}…），不能撤销",
                       f"import {import_id}: {len(later)} of its figures were changed later (observations "
                       f"{sample}...); undo the later imports first")
    now = utcnow()
    restored = 0
    first_old: dict[int, ObservationRevision] = {}
    for rev in revisions:  # newest first: the oldest revision of each row holds what the import replaced
        first_old[rev.observation_id] = rev
    for oid, rev in first_old.items():
        obs = session.get(Observation, oid)
        assert obs is not None
        session.add(ObservationRevision(observation_id=oid, old_value=obs.value, new_value=rev.old_value,
                                        old_growth=obs.growth, new_growth=rev.old_growth,
                                        source=f"撤销导入 {import_id}", changed_by=actor[:64], changed_at=now))
        session.execute(update(Observation).where(Observation.id == oid)
                        .values(value=rev.old_value, growth=rev.old_growth, updated_at=now, entered_by=actor[:64]))
        restored += 1
    if created:
        session.execute(delete(Observation).where(Observation.import_id == import_id))
    batch.undone_at = now
    batch.undone_by = actor[:64]
    session.flush()
    return UndoSummary(import_id, len(created), restored)


@dataclass(frozen=True)
class ObservationRow:
    id: int
    region_code: str
    region_name: str
    indicator_id: str
    period: str
    ytd: bool
    value: float | None
    growth: float | None
    source: str
    entered_by: str
    import_id: int | None


def list_observations(session: Session, *, region_ids: list[int] | None = None, indicator_id: str | None = None,
                      period: str | None = None, limit: int = 200, offset: int = 0) -> list[ObservationRow]:
    q = (select(Observation.id, Region.code, Region.name, Observation.indicator_id, Observation.period_code,
                Observation.ytd, Observation.value, Observation.growth, Observation.source, Observation.entered_by,
                Observation.import_id)
         .join(Region, Region.id == Observation.region_id)
         .order_by(Region.code, Observation.indicator_id, Observation.period_code, Observation.ytd)
         .limit(limit).offset(offset))
    if region_ids is not None:
        q = q.where(Observation.region_id.in_(region_ids))
    if indicator_id:
        q = q.where(Observation.indicator_id == indicator_id)
    if period:
        q = q.where(Observation.period_code == period)
    return [ObservationRow(*row) for row in session.execute(q).all()]


Key = tuple[str, str, str, bool]


def stored_levels(session: Session, keys: set[Key]) -> dict[Key, float | None]:
    """The stored level of each (region code, indicator, period, ytd) key that has an observation."""
    out: dict[Key, float | None] = {}
    regions = sorted({k[0] for k in keys})
    indicators = sorted({k[1] for k in keys})
    periods = sorted({k[2] for k in keys})
    q = (select(Region.code, Observation.indicator_id, Observation.period_code, Observation.ytd, Observation.value)
         .join(Region, Region.id == Observation.region_id)
         .where(Region.code.in_(regions), Observation.indicator_id.in_(indicators),
                Observation.period_code.in_(periods)))
    for code, ind, period, ytd, value in session.execute(q).all():
        key = (code, ind, period, bool(ytd))
        if key in keys:
            out[key] = value
    return out
