"""Plans from documents: store the text with its hash and its plan tree; assign items to units.

Re-importing the same document for the same region and year changes nothing (the hash decides).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.extract.plan import extract_plan
from targetboard.model.items import Item
from targetboard.store.audit import record
from targetboard.store.db import StoreError
from targetboard.store.models import Claim, Document, Plan, PlanItem, Region, Target
from targetboard.store.regions import find_unit
from targetboard.text.normalize import to_simplified
from targetboard.text.readers import SourceDocument


@dataclass(frozen=True)
class ImportedPlan:
    plan: Plan
    created: bool  # False when this document was already imported for the region and year


@cache
def _unit_rules() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = resources.files("targetboard.catalog").joinpath("unit_rules.toml").read_text(encoding="utf-8")
    return tuple((r["unit"], tuple(r["keywords"])) for r in tomllib.loads(raw)["rule"])


def suggest_unit(*texts: str | None) -> str | None:
    """The department the rules suggest for an item (its own text first, then its objective's title)."""
    for text in texts:
        if not text:
            continue
        simple = to_simplified(text)
        for unit, keywords in _unit_rules():
            if any(k in simple for k in keywords):
                return unit
    return None


def import_plan(
    session: Session, doc: SourceDocument, region: Region, year: int, *, actor: str | None = None
) -> ImportedPlan:
    """Store `doc` and the plan tree read from it for `region` and `year` (idempotent)."""
    digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    document = session.scalar(select(Document).where(Document.sha256 == digest))
    if document is None:
        document = Document(name=doc.name, sha256=digest, text=doc.text, encoding=doc.encoding, format=doc.format)
        session.add(document)
        session.flush()
    plan = session.scalar(
        select(Plan).where(Plan.document_id == document.id, Plan.region_id == region.id, Plan.year == year)
    )
    if plan is not None:
        return ImportedPlan(plan, created=False)
    plan = Plan(document_id=document.id, region_id=region.id, year=year)
    session.add(plan)
    session.flush()
    tree = extract_plan(doc.text, year=year)
    position = 0

    def add(kind: str, text: str | None, start: int, end: int, parent: PlanItem | None, **kw: object) -> PlanItem:
        nonlocal position
        position += 1
        item = PlanItem(plan_id=plan.id, parent_id=parent.id if parent else None, kind=kind, text=text, start=start,
                        end=end, position=position, assignment_confirmed=False, **kw)
        session.add(item)
        session.flush()
        return item

    for pillar in tree.pillars:
        p_row = add("pillar", pillar.title, pillar.start, pillar.end, None)
        for objective in pillar.objectives:
            o_row = add("objective", objective.title, objective.start, objective.end, p_row)
            for it in objective.items:
                suggestion = suggest_unit(it.text, objective.title) if it.kind in ("task", "target") else None
                row = add(it.kind, it.text, it.start, it.end, o_row, suggested_unit=suggestion)
                _attach_quantity(session, row, it)
    record(session, "plan.import", "plan", plan.id, actor=actor, document=doc.name, sha256=digest,
           region=region.name, year=year, items=position)
    return ImportedPlan(plan, created=True)


def _attach_quantity(session: Session, row: PlanItem, it: Item) -> None:
    if it.kind == "target" and it.value is not None:
        session.add(Target(plan_item_id=row.id, indicator_id=it.indicator, metric=it.metric or "",
                           measure=it.measure or "level", comparator=it.comparator or "=", value=it.value,
                           value_high=it.value_high, unit=it.unit, period=it.period, modality=it.modality))
    elif it.kind in ("ranking", "outcome"):
        session.add(Claim(plan_item_id=row.id, kind=it.kind, indicator_id=it.indicator, metric=it.metric or "",
                          measure=it.measure, value=it.value, unit=it.unit, comparator=it.comparator, rank=it.rank,
                          peer_group=it.peer_group, period=it.period))


def assign(session: Session, item_id: int, unit_name: str | None = None, *, actor: str | None = None) -> PlanItem:
    """Assign a plan item to a unit of its plan's region; without a name, confirm the rules' suggestion."""
    item = session.get(PlanItem, item_id)
    if item is None:
        raise StoreError(f"plan item {item_id}: not found (see `targetboard plan show`)")
    name = unit_name or item.suggested_unit
    if not name:
        raise StoreError(f"plan item {item_id}: no unit given and no suggestion to confirm")
    region = item.plan.region
    item.unit = find_unit(session, name, region)
    item.assignment_confirmed = True
    session.flush()
    record(session, "plan_item.assign", "plan_item", item.id, actor=actor, unit=name,
           confirmed_suggestion=unit_name is None)
    return item


def find_plans(session: Session, region: Region | None = None, year: int | None = None) -> list[Plan]:
    q = select(Plan).order_by(Plan.id)
    if region is not None:
        q = q.where(Plan.region_id == region.id)
    if year is not None:
        q = q.where(Plan.year == year)
    return list(session.scalars(q))
