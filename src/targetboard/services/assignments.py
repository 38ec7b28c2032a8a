"""Responsible units: the keyword rules suggest, a person (or a task-decomposition table) decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from targetboard.services.actors import Actor, require_region
from targetboard.store import Database
from targetboard.store import plans as store
from targetboard.store.regions import find_region, units_of


@dataclass(frozen=True)
class Suggestion:
    item_id: int
    text: str
    region_name: str
    unit: str
    unit_exists: bool  # False: the suggested unit is not set up yet (`targetboard unit add` first)


@dataclass(frozen=True)
class AssignmentView:
    item_id: int
    unit: str
    role: str
    deadline: date | None
    confirmed_suggestion: bool


def suggestions(db: Database, *, region: str | None = None) -> list[Suggestion]:
    """Unassigned items with the unit the rules suggest, and whether that unit exists in the region."""
    with db.read() as s:
        reg = find_region(s, region) if region else None
        rows = store.unassigned_suggestions(s, reg)
        known: dict[int, set[str]] = {}
        out = []
        for item, item_region in rows:
            names = known.setdefault(item_region.id, {u.name for u in units_of(s, item_region)})
            out.append(Suggestion(item.id, item.text or "", item_region.name, item.suggested_unit or "",
                                  (item.suggested_unit or "") in names))
        return out


def assign(db: Database, actor: Actor, item_id: int, unit: str | None = None, *, role: str = "lead",
           deadline: date | None = None) -> AssignmentView:
    """Assign `item_id` to `unit` (None: confirm the rules' suggestion). Supervisors assign."""
    actor.require("supervisor")
    with db.write("plans") as s:
        require_region(actor, store.get_item(s, item_id).plan.region)
        row = store.assign(s, item_id, unit, actor=actor.name, role=role, deadline=deadline)
        return AssignmentView(row.plan_item_id, row.unit.name, row.role, row.deadline, row.source == "suggestion")
