"""A unit's work: the plan items assigned to a department, and who may look at them.

Why a use case of its own: the unit page ("my items") is where a department lives: its targets with their
status, its tasks with their deadlines, and the indicators it may enter figures for. Who may open which
unit is decided here, not in the page: a unit editor sees only its own units; a supervisor the units of
its region (and below); admins and viewers every unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from targetboard.analytics import Thresholds
from targetboard.catalog import load_catalog
from targetboard.errors import Forbidden, NotFound
from targetboard.services.actors import Actor, require_region
from targetboard.services.plans import NodeView, PlanSummary, show_plans
from targetboard.services.regions import UnitView
from targetboard.store import Database
from targetboard.store.models import Region, Unit

#: Item kinds a unit is answerable for (headings and outcomes are not).
WORK_KINDS = ("target", "task", "ranking")


@dataclass(frozen=True)
class EntryIndicator:
    """An indicator the unit may enter a figure for: the catalog name and unit, and whether its figures
    are cumulative (a flow such as 工业应税销售 is entered as 1-N月累计)."""

    name: str
    unit: str
    cumulative: bool


@dataclass(frozen=True)
class UnitWork:
    unit: UnitView
    plan: PlanSummary | None
    items: list[NodeView]
    indicators: list[EntryIndicator]
    may_enter: bool = False  # whether the actor may enter this unit's figures (its editors, supervisors, admins)


def _view(u: Unit) -> UnitView:
    return UnitView(u.id, u.name, u.kind, u.region.code, u.region.name)


def _may_see(actor: Actor, unit: Unit) -> bool:
    if actor.role == "unit_editor":
        return unit.id in actor.unit_ids
    if actor.role == "supervisor":
        try:
            require_region(actor, unit.region)
        except Forbidden:
            return False
    return True


def visible_units(db: Database, actor: Actor) -> list[UnitView]:
    """The units `actor` may open, by region then name."""
    with db.read() as s:
        units = s.scalars(select(Unit).join(Region, Region.id == Unit.region_id).order_by(Region.code, Unit.name))
        return [_view(u) for u in units if _may_see(actor, u)]


def unit_work(db: Database, actor: Actor, unit_id: int, *, as_of: str | None = None,
              thresholds: Thresholds | None = None) -> UnitWork:
    """The items of the region's latest plan that `unit_id` leads or supports, with live status."""
    with db.read() as s:
        unit = s.get(Unit, unit_id)
        if unit is None:
            raise NotFound(f"单位 {unit_id} 不存在", f"unit {unit_id}: not found")
        if not _may_see(actor, unit):
            raise Forbidden(f"{actor.name} 无权查看{unit.name}的事项", f"{actor.name} may not see {unit.name}'s items")
        view = _view(unit)
    plans = show_plans(db, region=view.region_code, as_of=as_of, thresholds=thresholds)
    may_enter = actor.role in ("admin", "supervisor") or (actor.role == "unit_editor" and unit_id in actor.unit_ids)
    if not plans:
        return UnitWork(view, None, [], [], may_enter)
    plan = max(plans, key=lambda p: (p.summary.year, p.summary.id))
    items = [n for n in plan.nodes
             if n.kind in WORK_KINDS and view.name in (n.lead_unit, *n.support_units)]
    catalog = load_catalog()
    seen: dict[str, EntryIndicator] = {}
    for n in items:
        ind = catalog.find(n.metric) if n.kind == "target" and n.metric else None
        if ind is not None and ind.name not in seen:
            seen[ind.name] = EntryIndicator(ind.name, ind.unit, ind.kind == "flow_ytd")
    return UnitWork(view, plan.summary, items, list(seen.values()), may_enter)
