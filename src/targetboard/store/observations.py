"""Writing and reading observations.

Writes are all-or-nothing: the caller holds one transaction around a whole import, this module
inserts new rows, updates changed ones (recording old → new in `observation_revision`) and leaves
identical ones alone, so re-importing the same file changes nothing. Bulk statements keep a
province-scale import (millions of rows) practical on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, tuple_, update
from sqlalchemy.orm import Session

from targetboard.model.observation import ObservationRecord
from targetboard.store.db import StoreError
from targetboard.store.models import Indicator, Observation, ObservationRevision, Period, Region, utcnow
from targetboard.store.reference import ensure_periods

_CHUNK = 5000


@dataclass(frozen=True)
class WriteSummary:
    inserted: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.inserted} new, {self.updated} corrected (old → new recorded), {self.unchanged} unchanged"


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _chunks(seq: Sequence[object], n: int = _CHUNK) -> Iterable[Sequence[object]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def write_observations(session: Session, records: Sequence[ObservationRecord], *, entered_by: str) -> WriteSummary:
    """Insert, correct or keep each record (in the caller's transaction; nothing is committed here)."""
    if not records:
        return WriteSummary(0, 0, 0)
    region_ids = dict(session.execute(select(Region.code, Region.id).where(
        Region.code.in_({r.region_code for r in records}))).all())
    known_indicators = set(session.scalars(select(Indicator.id).where(
        Indicator.id.in_({r.indicator_id for r in records}))))
    for r in records:
        if r.region_code not in region_ids:
            raise StoreError(f"observation for region code {r.region_code}: no such region")
        if r.indicator_id not in known_indicators:
            raise StoreError(f"observation for indicator {r.indicator_id!r}: not in the catalog")
    ensure_periods(session, {r.period for r in records})

    # Existing rows for the keys in this import, fetched per (region, indicator) to keep the query indexed.
    pairs = {(region_ids[r.region_code], r.indicator_id) for r in records}
    existing: dict[tuple[int, str, str, bool], tuple[int, float | None, float | None]] = {}
    for chunk in _chunks(sorted(pairs), 500):
        q = select(Observation.id, Observation.region_id, Observation.indicator_id, Observation.period_code,
                   Observation.ytd, Observation.value, Observation.growth).where(
            tuple_(Observation.region_id, Observation.indicator_id).in_(list(chunk)))
        for oid, rid, iid, pcode, ytd, value, growth in session.execute(q):
            existing[(rid, iid, pcode, bool(ytd))] = (oid, value, growth)

    now = utcnow()
    new_rows: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    revisions: list[dict[str, object]] = []
    unchanged = 0
    for r in records:
        key = (region_ids[r.region_code], r.indicator_id, r.period, r.ytd)
        old = existing.get(key)
        if old is None:
            new_rows.append({"region_id": key[0], "indicator_id": r.indicator_id, "period_code": r.period,
                             "ytd": r.ytd, "value": r.value, "growth": r.growth, "source": r.source[:255],
                             "entered_by": entered_by, "updated_at": now})
        elif _same(old[1], r.value) and _same(old[2], r.growth):
            unchanged += 1
        else:
            changed.append({"oid": old[0], "value": r.value, "growth": r.growth, "source": r.source[:255],
                            "entered_by": entered_by, "updated_at": now})
            revisions.append({"observation_id": old[0], "old_value": old[1], "new_value": r.value,
                              "old_growth": old[2], "new_growth": r.growth, "source": r.source[:255],
                              "changed_by": entered_by, "changed_at": now})
    for chunk in _chunks(new_rows):
        session.execute(insert(Observation), list(chunk))
    if changed:
        stmt = (update(Observation.__table__).where(Observation.__table__.c.id == bindparam("oid"))
                .values(value=bindparam("value"), growth=bindparam("growth"), source=bindparam("source"),
                        entered_by=bindparam("entered_by"), updated_at=bindparam("updated_at")))
        for chunk in _chunks(changed):
            session.execute(stmt, list(chunk))
        for chunk in _chunks(revisions):
            session.execute(insert(ObservationRevision), list(chunk))
    session.flush()
    return WriteSummary(len(new_rows), len(changed), unchanged)


def load_series(
    session: Session, region_ids: Iterable[int], indicator_ids: Iterable[str], *, first_year: int, last_year: int
) -> dict[tuple[str, str], list[ObservationRecord]]:
    """Observations for the given regions and indicators in [first_year, last_year], by (region code, indicator)."""
    regions = list(set(region_ids))
    indicators = list(set(indicator_ids))
    out: dict[tuple[str, str], list[ObservationRecord]] = defaultdict(list)
    if not regions or not indicators:
        return out
    for chunk in _chunks(regions, 500):
        q = (
            select(Region.code, Observation.indicator_id, Observation.period_code, Observation.ytd,
                   Observation.value, Observation.growth, Observation.source)
            .join(Region, Region.id == Observation.region_id)
            .join(Period, Period.code == Observation.period_code)
            .where(Observation.region_id.in_(list(chunk)), Observation.indicator_id.in_(indicators),
                   Period.year >= first_year, Period.year <= last_year)
        )
        for code, iid, pcode, ytd, value, growth, source in session.execute(q):
            out[(code, iid)].append(ObservationRecord(code, iid, pcode, bool(ytd), value, growth, source))
    return out


def revisions_for(session: Session, observation_id: int) -> list[ObservationRevision]:
    return list(session.scalars(select(ObservationRevision).where(
        ObservationRevision.observation_id == observation_id).order_by(ObservationRevision.id)))
