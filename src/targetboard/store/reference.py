"""Reference data every database starts with: the indicator catalog and the shipped regions.

Loading is idempotent (missing rows are added, changed names updated), so it runs on every
``connect(create=True)`` and after every upgrade without duplicating anything.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.catalog import load_catalog
from targetboard.catalog.regions import jiangsu_regions
from targetboard.model.period import Period
from targetboard.store.models import IndicatorRow, PeriodRow, Region


def load_reference_data(session: Session) -> None:
    existing = {i.id: i for i in session.scalars(select(IndicatorRow))}
    for ind in load_catalog():
        row = existing.get(ind.id)
        if row is None:
            session.add(IndicatorRow(id=ind.id, name=ind.name, unit=ind.unit, kind=ind.kind,
                                  higher_is_better=ind.higher_is_better))
        elif (row.name, row.unit, row.kind, row.higher_is_better) != (ind.name, ind.unit, ind.kind,
                                                                      ind.higher_is_better):
            row.name, row.unit, row.kind, row.higher_is_better = ind.name, ind.unit, ind.kind, ind.higher_is_better
    regions = {r.code: r for r in session.scalars(select(Region))}
    for rec in jiangsu_regions():
        row = regions.get(rec.code)
        parent = regions.get(rec.parent_code) if rec.parent_code else None
        if row is None:
            row = Region(code=rec.code, name=rec.name, level=rec.level, parent=parent)
            session.add(row)
            regions[rec.code] = row
        elif row.name != rec.name:
            row.name = rec.name
    session.flush()


def ensure_periods(session: Session, codes: set[str]) -> None:
    """Create the period rows observations refer to (calendar position computed from the code)."""
    if not codes:
        return
    have = set(session.scalars(select(PeriodRow.code).where(PeriodRow.code.in_(codes))))
    for code in sorted(codes - have):
        p = Period.parse(code)
        session.add(PeriodRow(code=p.code, year=p.year, kind=p.kind, last_month=p.last_month))
    session.flush()
