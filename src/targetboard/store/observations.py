"""Writing and reading observations.

Writes are all-or-nothing: the caller holds one transaction around a whole import, this module
inserts new rows, updates changed ones (recording old → new in `observation_revision`) and leaves
identical ones alone, so re-importing the same file changes nothing. A record's ``None`` value or
growth means "this file has no figure for it": the stored figure is kept, never erased. The caller's
transaction holds the observations write lock (`Database.write("observations")`), so the old value a
revision records is exactly the one the correction replaced, however many imports run at once. Bulk statements keep a
province-scale import (millions of rows) practical on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from targetboard.errors import NotFound
from targetboard.ingest.merge import merged_figures
from targetboard.model.observation import ObservationRecord
from targetboard.model.period import Period
from targetboard.store.models import IndicatorRow, Observation, ObservationRevision, PeriodRow, Region, utcnow
from targetboard.store.reference import ensure_periods

_CHUNK = 5000
T = TypeVar("T")


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


def _chunks(seq: Sequence[T], n: int = _CHUNK) -> Iterable[Sequence[T]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def write_observations(session: Session, records: Sequence[ObservationRecord], *, entered_by: str,
                       import_id: int | None = None) -> WriteSummary:
    """Insert, correct or keep each record (in the caller's transaction; nothing is committed here).

    `import_id` ties new rows and revisions to their :class:`ImportBatch`, so the import can be undone.
    """
    if not records:
        return WriteSummary(0, 0, 0)
    region_ids = dict(session.execute(select(Region.code, Region.id).where(
        Region.code.in_({r.region_code for r in records}))).all())
    known_indicators = set(session.scalars(select(IndicatorRow.id).where(
        IndicatorRow.id.in_({r.indicator_id for r in records}))))
    for r in records:
        if r.region_code not in region_ids:
            raise NotFound(f"地区代码 {r.region_code} 不存在",
                           f"observation for region code {r.region_code}: no such region")
        if r.indicator_id not in known_indicators:
            raise NotFound(f"指标 {r.indicator_id} 不在指标目录中",
                           f"observation for indicator {r.indicator_id!r}: not in the catalog")
    ensure_periods(session, {r.period for r in records})

    # Existing rows for the keys in this import: per (region, indicator) and only the import's periods, so
    # a monthly update of every series reads one month, not ten years.
    # Plain IN lists on each column of the unique key (region, indicator, period) are index probes on
    # SQLite and PostgreSQL alike; a row-value IN over pairs is not, on SQLite. Extra rows are dropped.
    wanted = {(region_ids[r.region_code], r.indicator_id, r.period) for r in records}
    regions = sorted({k[0] for k in wanted})
    indicators = sorted({k[1] for k in wanted})
    periods = sorted({k[2] for k in wanted})
    existing: dict[tuple[int, str, str, bool], tuple[int, float | None, float | None]] = {}
    conn = session.connection()
    for region_chunk in _chunks(regions, 200):
        for indicator_chunk in _chunks(indicators, 200):
            for period_chunk in _chunks(periods, 200):
                q = select(Observation.id, Observation.region_id, Observation.indicator_id, Observation.period_code,
                           Observation.ytd, Observation.value, Observation.growth).where(
                    Observation.region_id.in_(list(region_chunk)), Observation.indicator_id.in_(list(indicator_chunk)),
                    Observation.period_code.in_(list(period_chunk)))
                for oid, rid, iid, pcode, ytd, value, growth in conn.execute(q):
                    if (rid, iid, pcode) in wanted:
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
            if r.value is None and r.growth is None:
                unchanged += 1  # nothing to store, nothing stored
                continue
            new_rows.append({"region_id": key[0], "indicator_id": r.indicator_id, "period_code": r.period,
                             "ytd": r.ytd, "value": r.value, "growth": r.growth, "source": r.source[:255],
                             "entered_by": entered_by, "updated_at": now, "import_id": import_id})
            existing[key] = (-1, r.value, r.growth)  # a repeat of the key in the same import is a correction
            continue
        # A missing figure keeps the stored one: a blank cell is "no new figure", never "delete".
        value, growth = merged_figures(r, old[1], old[2])
        if _same(old[1], value) and _same(old[2], growth):
            unchanged += 1
            continue
        if old[0] == -1:  # corrected within the same import: the last figure wins, no revision of itself
            for row in reversed(new_rows):
                if (row["region_id"], row["indicator_id"], row["period_code"], row["ytd"]) == key:
                    row["value"], row["growth"], row["source"] = value, growth, r.source[:255]
                    break
            existing[key] = (-1, value, growth)
            continue
        changed.append({"oid": old[0], "value": value, "growth": growth, "source": r.source[:255],
                        "entered_by": entered_by, "updated_at": now})
        revisions.append({"observation_id": old[0], "old_value": old[1], "new_value": value,
                          "old_growth": old[2], "new_growth": growth, "source": r.source[:255],
                          "changed_by": entered_by, "changed_at": now, "import_id": import_id})
        existing[key] = (old[0], value, growth)
    for chunk in _chunks(new_rows):
        session.execute(insert(Observation), list(chunk))
    if changed:
        table = Observation.__table__
        stmt = (update(table).where(table.c.id == bindparam("oid"))  # type: ignore[arg-type]
                .values(value=bindparam("value"), growth=bindparam("growth"), source=bindparam("source"),
                        entered_by=bindparam("entered_by"), updated_at=bindparam("updated_at")))
        for chunk in _chunks(changed):
            session.execute(stmt, list(chunk))
        for chunk in _chunks(revisions):
            session.execute(insert(ObservationRevision), list(chunk))
    session.flush()
    return WriteSummary(len(new_rows), len(changed), unchanged)


@lru_cache(maxsize=4096)
def _last_month(code: str) -> int:
    return Period.parse(code).last_month


def _existing_codes(conn: Connection, codes: list[str]) -> list[str]:
    """The codes among `codes` that some observation uses (the period table is tiny)."""
    return list(conn.scalars(select(PeriodRow.code).where(PeriodRow.code.in_(codes))))


def _codes_ending_in(years: Iterable[int], months: set[int]) -> list[str]:
    """Every period code of these years that ends in one of these months (M06, Q2, H1 for June ...)."""
    codes: list[str] = []
    for y in years:
        for m in sorted(months):
            codes.append(f"{y}M{m:02d}")
            if m % 3 == 0:
                codes.append(f"{y}Q{m // 3}")
            if m % 6 == 0:
                codes.append(f"{y}H{m // 6}")
            if m == 12:
                codes.append(str(y))
    return codes


def load_series(
    session: Session,
    region_ids: Iterable[int],
    indicator_ids: Iterable[str],
    *,
    first_year: int,
    last_year: int,
    as_of: str | None = None,
) -> dict[tuple[str, str], list[Row[Any]]]:
    """Observations the analytics need, by (region code, indicator).

    Rows carry the `ObservationRecord` field names (region_code, indicator_id, period, ytd, value,
    growth), which is all the analytics read, so no per-row object is built. Only the cells a status
    can use are read:
    - every month of `last_year` (up to `as_of`), and
    - for earlier years, December and the months that are some series' latest in `last_year`, which
      are what the seasonal share compares.
    A province (20,000 series) then reads about a quarter of ten years' rows.
    """
    regions = sorted(set(region_ids))
    indicators = sorted(set(indicator_ids))
    out: dict[tuple[str, str], list[Row[Any]]] = defaultdict(list)
    if not regions or not indicators:
        return out
    cutoff = Period.parse(as_of) if as_of else None
    conn = session.connection()
    columns = (
        Region.code.label("region_code"), Observation.indicator_id.label("indicator_id"),
        Observation.period_code.label("period"), Observation.ytd.label("ytd"), Observation.value.label("value"),
        Observation.growth.label("growth"),
    )
    latest_months: set[int] = set()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of rows: the collector would rescan them again and again
    try:
        # Explicit period codes keep every look-up on the unique key (region, indicator, period): no join
        # with the period table and no rows of other years read only to be filtered out. Only codes that
        # exist (the small period table says which) are asked for.
        last_month = cutoff.last_month if cutoff is not None and cutoff.year == last_year else 12
        existing = _existing_codes(conn, _codes_ending_in([last_year], set(range(1, last_month + 1))))
        month_of = {code: _last_month(code) for code in existing}
        in_current_year = Observation.period_code.in_(existing)
        for chunk in _chunks(regions, 500):
            current = (select(*columns).join(Region, Region.id == Observation.region_id)
                       .where(Observation.region_id.in_(list(chunk)), Observation.indicator_id.in_(indicators),
                              in_current_year))
            series_latest: dict[tuple[str, str], int] = {}
            for row in conn.execute(current):
                month = month_of[row.period]
                key = (row.region_code, row.indicator_id)
                out[key].append(row)
                if month > series_latest.get(key, 0):
                    series_latest[key] = month
            latest_months.update(series_latest.values())
        if first_year < last_year:
            codes = _existing_codes(conn, _codes_ending_in(range(first_year, last_year), latest_months | {12}))
            for chunk in _chunks(regions, 500):
                earlier = (select(*columns).join(Region, Region.id == Observation.region_id)
                           .where(Observation.region_id.in_(list(chunk)), Observation.indicator_id.in_(indicators),
                                  Observation.period_code.in_(codes)))
                for row in conn.execute(earlier):
                    out[(row.region_code, row.indicator_id)].append(row)
    finally:
        if gc_was_enabled:
            gc.enable()
    return out


def revisions_for(session: Session, observation_id: int) -> list[ObservationRevision]:
    return list(session.scalars(select(ObservationRevision).where(
        ObservationRevision.observation_id == observation_id).order_by(ObservationRevision.id)))
