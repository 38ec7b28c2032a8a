"""Reference data every database starts with: the indicator catalog and the shipped regions.

Loading is idempotent (missing rows are added, existing rows are left as they are); it runs as part
of ``targetboard db upgrade``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from targetboard.catalog import load_catalog
from targetboard.catalog.regions import jiangsu_regions
from targetboard.model.period import Period
from targetboard.store.models import IndicatorRow, PeriodRow, Region


def insert_missing_reference_data(session: Session) -> None:
    """Add catalog indicators and shipped regions that the database lacks; never overwrite a row.

    Why never overwrite: an office may have renamed a region or corrected an indicator's name; a newer
    targetboard's `db upgrade` must not undo that.
    """
    have = set(session.scalars(select(IndicatorRow.id)))
    for ind in load_catalog():
        if ind.id not in have:
            session.add(IndicatorRow(id=ind.id, name=ind.name, unit=ind.unit, kind=ind.kind,
                                     higher_is_better=ind.higher_is_better))
    regions = {r.code: r for r in session.scalars(select(Region))}
    for rec in jiangsu_regions():
        if rec.code in regions:
            continue
        parent = regions.get(rec.parent_code) if rec.parent_code else None
        row = Region(code=rec.code, name=rec.name, level=rec.level, parent=parent)
        session.add(row)
        regions[rec.code] = row
    session.flush()


def ensure_periods(session: Session, codes: set[str]) -> None:
    """Create the period rows observations refer to (calendar position computed from the code).

    ON CONFLICT DO NOTHING: two imports of the same new month may run at once; both must succeed.
    """
    if not codes:
        return
    have = set(session.scalars(select(PeriodRow.code).where(PeriodRow.code.in_(codes))))
    missing = sorted(codes - have)
    if not missing:
        return
    rows = []
    for code in missing:
        p = Period.parse(code)
        rows.append({"code": p.code, "year": p.year, "kind": p.kind, "last_month": p.last_month})
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert(PeriodRow) if dialect == "postgresql" else sqlite_insert(PeriodRow)).on_conflict_do_nothing()
    session.execute(stmt, rows)
