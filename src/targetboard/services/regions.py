"""Regions and units: find them by the names people type, add townships and departments, list them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from targetboard.services.actors import Actor, require_region
from targetboard.store import Database
from targetboard.store import regions as store
from targetboard.store.models import Region, Unit


@dataclass(frozen=True)
class RegionView:
    id: int
    code: str
    name: str
    level: str
    parent_name: str | None


@dataclass(frozen=True)
class UnitView:
    id: int
    name: str
    kind: str
    region_code: str
    region_name: str


def _region(r: Region, parent: Region | None) -> RegionView:
    return RegionView(r.id, r.code, r.name, r.level, parent.name if parent else None)


def _unit(u: Unit, region: Region) -> UnitView:
    return UnitView(u.id, u.name, u.kind, region.code, region.name)


def find_region(db: Database, ref: str) -> RegionView:
    """The region `ref` names (name, short name, code, or parent + name); NotFound or Invalid otherwise."""
    with db.read() as s:
        r = store.find_region(s, ref)
        return _region(r, r.parent)


def list_regions(db: Database, parent: str | None = None) -> list[RegionView]:
    with db.read() as s:
        if parent:
            p = store.find_region(s, parent)
            return [_region(r, p) for r in store.children(s, p)]
        rows = list(s.scalars(select(Region).order_by(Region.code)))
        by_id = {r.id: r for r in rows}
        return [_region(r, by_id.get(r.parent_id) if r.parent_id else None) for r in rows]


def peer_regions(db: Database, ref: str) -> list[RegionView]:
    """The region's peers (its parent's children), itself included."""
    with db.read() as s:
        r = store.find_region(s, ref)
        return [_region(p, r.parent) for p in store.peers(s, r)]


def add_region(db: Database, actor: Actor, name: str, parent: str, *, level: str = "township",
               code: str | None = None) -> RegionView:
    actor.require("supervisor")
    with db.write("regions") as s:
        require_region(actor, store.find_region(s, parent))
        r = store.add_region(s, name, parent, actor=actor.name, level=level, code=code)
        return _region(r, r.parent)


def add_unit(db: Database, actor: Actor, name: str, region: str, *, kind: str = "department") -> UnitView:
    actor.require("supervisor")
    with db.write("regions") as s:
        require_region(actor, store.find_region(s, region))
        u = store.add_unit(s, name, region, actor=actor.name, kind=kind)
        return _unit(u, u.region)


def list_units(db: Database, region: str) -> list[UnitView]:
    with db.read() as s:
        r = store.find_region(s, region)
        return [_unit(u, r) for u in store.units_of(s, r)]


def home_region(db: Database, actor: Actor) -> str | None:
    """The region a page opens on for `actor`: a supervisor's region, a unit editor's unit's region, else
    the region of the latest stored plan (None when there is none)."""
    from targetboard.store.models import Plan

    with db.read() as s:
        if actor.region_id is not None:
            region = s.get(Region, actor.region_id)
            if region is not None:
                return region.name
        if actor.unit_ids:
            unit = s.get(Unit, min(actor.unit_ids))
            if unit is not None:
                return unit.region.name
        plan = s.scalar(select(Plan).order_by(Plan.year.desc(), Plan.id.desc()).limit(1))
        return plan.region.name if plan is not None else None
