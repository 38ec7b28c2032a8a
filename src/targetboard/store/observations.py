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
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, TypeVar

from sqlalchemy import Connection, bindparam, insert, select, update
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


def _existing_codes(known: set[str], codes: list[str]) -> list[str]:
    """The codes among `codes` that the period table holds (`known`, read once per call: it is tiny)."""
    return [c for c in codes if c in known]


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


class SeriesRow(NamedTuple):
    """One observation as the analytics read it (the `ObservationRecord` field names, no source).

    Why a named tuple and not the SQLAlchemy row: a province-wide status reads 140,000 of them and the
    analytics read each field several times; a SQLAlchemy `Row` attribute costs about a microsecond
    (a key look-up), a named tuple's a few dozen nanoseconds, and it is built straight from the
    driver's tuple.
    """

    region_code: str
    indicator_id: str
    period: str
    ytd: bool
    value: float | None
    growth: float | None


def load_series(
    session: Session,
    region_ids: Iterable[int],
    indicator_ids: Iterable[str],
    *,
    first_year: int,
    last_year: int,
    as_of: str | None = None,
    series: Collection[tuple[int, str]] | None = None,
    history: Collection[tuple[int, str]] | None = None,
) -> dict[tuple[str, str], list[SeriesRow]]:
    """Observations the analytics need, by (region code, indicator).

    Only the cells a status can use are read:
    - every month of `last_year` (up to `as_of`), and
    - for earlier years, December and the months that are some series' latest in `last_year`, which
      are what the seasonal share compares.
    A province (20,000 series) then reads about a quarter of ten years' rows.

    `series` (the (region id, indicator) pairs a status needs) narrows `last_year` further: its latest
    month is read first, and earlier months only for the series that month does not settle (no
    year-to-date row there with both a value and a growth rate). Why that is enough: a settled series'
    every reading (level, growth, latest) comes from that row, the highest position of the year, so
    the earlier months could change nothing; and they are most of the year's rows. Without `series`,
    every month is read, as a ranking of some earlier month needs.

    `history` (with `series`; see `analytics.needs_history`) narrows the earlier years to the series
    whose targets compare with them (a flow's level, a change) and the series the latest month does
    not settle (a growth rate may then be derived from last year's level). A growth rate or a stock
    settled this year needs no history, and skipping it halves a province-wide read.
    """
    regions = sorted(set(region_ids))
    indicators = sorted(set(indicator_ids))
    out: dict[tuple[str, str], list[SeriesRow]] = defaultdict(list)
    if not regions or not indicators:
        return out
    cutoff = Period.parse(as_of) if as_of else None
    conn = session.connection()
    code_of: dict[int, str] = {}
    for chunk in _chunks(regions, 500):
        for rid, code in conn.execute(select(Region.id, Region.code).where(Region.id.in_(list(chunk)))):
            code_of[rid] = code
    gc_was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of rows: the collector would rescan them again and again
    try:
        # Explicit period codes keep every look-up on the unique key (region, indicator, period): no join
        # with the period table and no rows of other years read only to be filtered out. Only codes that
        # exist (the small period table says which) are asked for.
        last_month = cutoff.last_month if cutoff is not None and cutoff.year == last_year else 12
        known = set(conn.scalars(select(PeriodRow.code).where(PeriodRow.year.between(first_year, last_year))))
        existing = _existing_codes(known, _codes_ending_in([last_year], set(range(1, last_month + 1))))
        month_of = {code: _last_month(code) for code in existing}
        latest_months: set[int] = set()
        if series is not None and existing:
            top = max(month_of.values())
            _read(conn, regions, indicators, [c for c in existing if month_of[c] == top], code_of, out)
            if out:
                latest_months.add(top)
            settled = _settled(out)
            lagging = [(r, i) for r, i in series if (code_of.get(r), i) not in settled]
            if lagging:
                earlier = [c for c in existing if month_of[c] != top]
                found = _read_pairs(conn, lagging, earlier, code_of)
                for key, rows in found.items():
                    out[key].extend(rows)
                    latest_months.add(max(month_of[row.period] for row in rows))
            if history is not None:
                back = set(history).union(lagging)
                if first_year < last_year and back:
                    codes = _existing_codes(known, _codes_ending_in(range(first_year, last_year),
                                                                   latest_months | {12}))
                    for key, rows in _read_pairs(conn, sorted(back), codes, code_of).items():
                        out[key].extend(rows)
                return out
        else:
            _read(conn, regions, indicators, existing, code_of, out)
            for rows in out.values():
                latest_months.add(max(month_of[row.period] for row in rows))
        if first_year < last_year:
            codes = _existing_codes(known, _codes_ending_in(range(first_year, last_year), latest_months | {12}))
            _read(conn, regions, indicators, codes, code_of, out)
    finally:
        if gc_was_enabled:
            gc.enable()
    return out


#: Built once: a status read runs it per region group, and building a statement costs more than a
#: county's rows (the compiled form is cached by SQLAlchemy either way; the IN lists expand per call).
_SERIES_QUERY = select(
    Observation.region_id, Observation.indicator_id, Observation.period_code, Observation.ytd, Observation.value,
    Observation.growth,
).where(
    Observation.region_id.in_(bindparam("regions", expanding=True)),
    Observation.indicator_id.in_(bindparam("indicators", expanding=True)),
    Observation.period_code.in_(bindparam("codes", expanding=True)),
)


def _read(conn: Connection, regions: Sequence[int], indicators: Sequence[str], codes: Sequence[str],
          code_of: Mapping[int, str], out: dict[tuple[str, str], list[SeriesRow]]) -> None:
    """Append the observations of these regions, indicators and period codes to `out`.

    The rows come from the DBAPI cursor in one `fetchall`: going through SQLAlchemy's result fetched
    them one by one and built a `Row` each, which together cost more than the query. `bool(ytd)`:
    SQLite hands booleans back as 0/1.
    """
    if not codes:
        return
    for chunk in _chunks(regions, 500):
        result = conn.execute(_SERIES_QUERY, {"regions": list(chunk), "indicators": list(indicators),
                                              "codes": list(codes)})
        try:
            raw = result.cursor.fetchall()
        finally:
            result.close()
        for rid, iid, period, ytd, value, growth in raw:
            code = code_of[rid]
            out[(code, iid)].append(SeriesRow(code, iid, period, bool(ytd), value, growth))


def _settled(out: Mapping[tuple[str, str], list[SeriesRow]]) -> set[tuple[str, str]]:
    """The series (all read at one month) that have there a row from January (year to date, or a period
    starting in January) with both a value and a growth rate."""
    settled: set[tuple[str, str]] = set()
    for key, rows in out.items():
        for row in rows:
            if (row.value is not None and row.growth is not None
                    and (row.ytd or Period.parse(row.period).first_month == 1)):
                settled.add(key)
                break
    return settled


def _read_pairs(conn: Connection, pairs: Sequence[tuple[int, str]], codes: Sequence[str],
               code_of: Mapping[int, str]) -> dict[tuple[str, str], list[SeriesRow]]:
    """The observations of these (region id, indicator) series in these period codes: one query per set of
    indicators that regions share (most regions share one), keeping only the series asked for."""
    found: dict[tuple[str, str], list[SeriesRow]] = defaultdict(list)
    if not codes or not pairs:
        return found
    wanted = {(code_of.get(r), i) for r, i in pairs}
    by_region: dict[int, set[str]] = defaultdict(set)
    for region_id, indicator_id in pairs:
        by_region[region_id].add(indicator_id)
    groups: dict[frozenset[str], list[int]] = defaultdict(list)
    for region_id, inds in by_region.items():
        groups[frozenset(inds)].append(region_id)
    for shared, regions in groups.items():
        _read(conn, sorted(regions), sorted(shared), codes, code_of, found)
    return {key: rows for key, rows in found.items() if key in wanted}


def revisions_for(session: Session, observation_id: int) -> list[ObservationRevision]:
    return list(session.scalars(select(ObservationRevision).where(
        ObservationRevision.observation_id == observation_id).order_by(ObservationRevision.id)))
