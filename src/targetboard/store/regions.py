"""Regions and units: finding them by the names people type, adding townships and departments, peers.

People write `扬中`, `扬中市`, `揚中市` or `镇江市扬中市`; the store accepts all of them and refuses
ambiguous names (two 鼓楼区 in Jiangsu) with a message listing the candidates.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.errors import Conflict, Invalid, NotFound
from targetboard.ingest.names import fold
from targetboard.store.audit import record
from targetboard.store.models import Region, Unit

_SUFFIXES = ("市", "区", "县", "镇", "乡", "街道", "省")


def _clean(name: str) -> str:
    """Names are compared (and stored) in the importer's folded form, so a sheet and a command agree."""
    return fold(name)


def _describe(session: Session, r: Region) -> str:
    parent = session.get(Region, r.parent_id) if r.parent_id else None
    return f"{parent.name if parent else ''}{r.name} ({r.code})"


def find_region(session: Session, ref: str) -> Region:
    """The region a user means by `ref`: a code, a name, a short name, or parent + name."""
    s = _clean(ref)
    if s.isdigit():
        r = session.scalar(select(Region).where(Region.code == s))
        if r is None:
            raise NotFound(f"地区代码 {ref}：没有这个地区", f"region code {ref}: no such region",
                           hint="list the regions with `targetboard region list`")
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
        raise NotFound(f"地区 {ref!r} 不存在；请用地区名称（如 扬中市）或代码（如 321182）",
                       f"region {ref!r}: not found; use a name such as 扬中市 or a code such as 321182",
                       hint="add it with `targetboard region add`")
    if len(candidates) > 1:
        options = "; ".join(_describe(session, r) for r in candidates)
        raise Invalid(f"地区 {ref!r} 有多个同名：{options}；请给出代码或“市+名称”",
                      f"region {ref!r} is ambiguous: {options}; give the code or the city and name")
    return candidates[0]


def peers(session: Session, region: Region) -> list[Region]:
    """The default peer group: the children of the same parent (扬中市 -> 镇江's county-level units)."""
    if region.parent_id is None:
        return [region]
    return list(session.scalars(select(Region).where(Region.parent_id == region.parent_id).order_by(Region.code)))


def children(session: Session, region: Region) -> list[Region]:
    return list(session.scalars(select(Region).where(Region.parent_id == region.id).order_by(Region.code)))


def add_region(
    session: Session, name: str, parent_ref: str, *, actor: str, level: str = "township", code: str | None = None
) -> Region:
    """Add a division under `parent_ref` (townships get the parent's code plus the next free 3-digit number).

    The caller holds the write lock (`Database.write`), so the next free number cannot be taken meanwhile;
    the unique key on `code` remains the backstop.
    """
    parent = find_region(session, parent_ref)
    clean = _clean(name)
    if not clean:
        raise Invalid("地区名称为空", "region name is empty")
    if session.scalar(select(Region).where(Region.parent_id == parent.id, Region.name == clean)) is not None:
        raise Conflict(f"地区 {clean} 已存在于 {parent.name} 之下",
                       f"region {clean!r} already exists under {parent.name}")
    if code is None:
        taken = {c for c in session.scalars(select(Region.code).where(Region.code.like(f"{parent.code}___")))}
        n = 1
        while f"{parent.code}{n:03d}" in taken:
            n += 1
        code = f"{parent.code}{n:03d}"
    elif session.scalar(select(Region).where(Region.code == code)) is not None:
        raise Conflict(f"地区代码 {code} 已被使用", f"region code {code} is already used")
    region = Region(code=code, name=clean, level=level, parent_id=parent.id)
    session.add(region)
    session.flush()
    record(session, "region.add", "region", region.code, actor=actor, name=clean, level=level, parent=parent.name)
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


def region_names_by_code(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(session.execute(select(Region.code, Region.name).where(Region.code.in_(sorted(codes)))).all())


def add_unit(session: Session, name: str, region_ref: str, *, actor: str, kind: str = "department") -> Unit:
    """Add a responsible unit to a region (names are unique within a region)."""
    region = find_region(session, region_ref)
    clean = _clean(name)
    if not clean:
        raise Invalid("单位名称为空", "unit name is empty")
    if session.scalar(select(Unit).where(Unit.region_id == region.id, Unit.name == clean)) is not None:
        raise Conflict(f"单位 {clean} 已存在于 {region.name}", f"unit {clean!r} already exists in {region.name}")
    unit = Unit(name=clean, kind=kind, region_id=region.id)
    session.add(unit)
    session.flush()
    record(session, "unit.add", "unit", unit.id, actor=actor, name=clean, kind=kind, region=region.name)
    return unit


def units_of(session: Session, region: Region) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.region_id == region.id).order_by(Unit.name)))


def find_unit(session: Session, name: str, region: Region) -> Unit:
    clean = _clean(name)
    unit = session.scalar(select(Unit).where(Unit.region_id == region.id, Unit.name == clean))
    if unit is None:
        known = "、".join(u.name for u in units_of(session, region)) or "无"
        raise NotFound(f"{region.name}没有单位 {clean}（现有单位：{known}）",
                       f"unit {clean!r} not found in {region.name} (units there: {known})",
                       hint="add it with `targetboard unit add`")
    return unit
