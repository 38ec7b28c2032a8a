"""Regions and units: finding them by the names people type, adding townships and departments, peers.

People write `扬中`, `扬中市`, `揚中市` or `镇江市扬中市`; the store accepts all of them and refuses
ambiguous names (two 鼓楼区 in Jiangsu) with a message listing the candidates.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from targetboard.store.audit import record
from targetboard.store.db import StoreError
from targetboard.store.models import Region, Unit
from targetboard.text.normalize import to_simplified

_SUFFIXES = ("市", "区", "县", "镇", "乡", "街道", "省")


def _clean(name: str) -> str:
    return to_simplified(name).strip().replace(" ", "")


def _describe(session: Session, r: Region) -> str:
    parent = session.get(Region, r.parent_id) if r.parent_id else None
    return f"{parent.name if parent else ''}{r.name} ({r.code})"


def find_region(session: Session, ref: str) -> Region:
    """The region a user means by `ref`: a code, a name, a short name, or parent + name."""
    s = _clean(ref)
    if s.isdigit():
        r = session.scalar(select(Region).where(Region.code == s))
        if r is None:
            raise StoreError(f"region {ref!r}: no region with this code")
        return r
    candidates = list(session.scalars(select(Region).where(Region.name == s)))
    if not candidates:  # short forms: 扬中 -> 扬中市
        candidates = list(session.scalars(select(Region).where(Region.name.in_([s + x for x in _SUFFIXES]))))
    if not candidates:  # parent-qualified: 镇江市扬中市, 南京市鼓楼区
        for parent in session.scalars(select(Region).where(Region.level != "township")):
            if s.startswith(parent.name) and len(s) > len(parent.name):
                rest = s[len(parent.name) :]
                child = session.scalar(
                    select(Region).where(
                        Region.parent_id == parent.id, Region.name.in_([rest, *(rest + x for x in _SUFFIXES)])
                    )
                )
                if child is not None:
                    candidates.append(child)
    if not candidates:
        raise StoreError(
            f"region {ref!r}: not found; use a name such as 扬中市, a code such as 321182, "
            "or add it with `targetboard region add`"
        )
    if len(candidates) > 1:
        options = "; ".join(_describe(session, r) for r in candidates)
        raise StoreError(f"region {ref!r} is ambiguous: {options}; give the code or the city and name")
    return candidates[0]


def peers(session: Session, region: Region) -> list[Region]:
    """The default peer group: the children of the same parent (扬中市 -> 镇江's county-level units)."""
    if region.parent_id is None:
        return [region]
    return list(session.scalars(select(Region).where(Region.parent_id == region.parent_id).order_by(Region.code)))


def children(session: Session, region: Region) -> list[Region]:
    return list(session.scalars(select(Region).where(Region.parent_id == region.id).order_by(Region.code)))


def add_region(
    session: Session, name: str, parent_ref: str, *, level: str = "township", code: str | None = None
) -> Region:
    """Add a division under `parent_ref` (townships get the parent's code plus a 3-digit number)."""
    parent = find_region(session, parent_ref)
    clean = _clean(name)
    if session.scalar(select(Region).where(Region.parent_id == parent.id, Region.name == clean)) is not None:
        raise StoreError(f"region {clean!r} already exists under {parent.name}")
    if code is None:
        n = session.scalar(select(func.count()).select_from(Region).where(Region.parent_id == parent.id)) or 0
        code = f"{parent.code}{n + 1:03d}"
        while session.scalar(select(Region).where(Region.code == code)) is not None:
            n += 1
            code = f"{parent.code}{n + 1:03d}"
    elif session.scalar(select(Region).where(Region.code == code)) is not None:
        raise StoreError(f"region code {code} is already used")
    region = Region(code=code, name=clean, level=level, parent_id=parent.id)
    session.add(region)
    session.flush()
    record(session, "region.add", "region", region.code, name=clean, level=level, parent=parent.name)
    return region


def region_names(session: Session) -> dict[str, str]:
    """Name -> code for every unambiguous name and short name (what importers accept)."""
    seen: dict[str, list[str]] = {}
    for r in session.scalars(select(Region)):
        keys = {r.name, r.code}
        for suffix in _SUFFIXES:
            if r.name.endswith(suffix) and len(r.name) > len(suffix) + 1:
                keys.add(r.name[: -len(suffix)])
        for k in keys:
            seen.setdefault(k, []).append(r.code)
    return {k: v[0] for k, v in seen.items() if len(set(v)) == 1}


def add_unit(session: Session, name: str, region_ref: str, *, kind: str = "department") -> Unit:
    region = find_region(session, region_ref)
    clean = _clean(name)
    if session.scalar(select(Unit).where(Unit.region_id == region.id, Unit.name == clean)) is not None:
        raise StoreError(f"unit {clean!r} already exists in {region.name}")
    unit = Unit(name=clean, kind=kind, region_id=region.id)
    session.add(unit)
    session.flush()
    record(session, "unit.add", "unit", unit.id, name=clean, kind=kind, region=region.name)
    return unit


def find_unit(session: Session, name: str, region: Region) -> Unit:
    clean = _clean(name)
    unit = session.scalar(select(Unit).where(Unit.region_id == region.id, Unit.name == clean))
    if unit is None:
        known = ", ".join(u.name for u in session.scalars(select(Unit).where(Unit.region_id == region.id))) or "none"
        raise StoreError(
            f"unit {clean!r} not found in {region.name} (units there: {known}); add it with `targetboard unit add`"
        )
    return unit
