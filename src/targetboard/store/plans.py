"""Plans from documents: store the text with its hash and its plan tree; assignments; review decisions.

Re-importing the same document for the same region and year changes nothing (the hash decides; the
unique keys on `document.sha256` and `plan (document, region, year)` are the backstop when two imports
run at once — the caller holds the `plans` write lock, so the second finds the first's rows).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.errors import Conflict, Invalid, NotFound
from targetboard.extract.plan import Objective, PlanTree
from targetboard.model.items import Item
from targetboard.store.audit import record
from targetboard.store.models import (
    PLAN_STATUSES,
    Assignment,
    Claim,
    Document,
    Plan,
    PlanItem,
    Region,
    Target,
    Unit,
    utcnow,
)
from targetboard.store.regions import find_unit
from targetboard.text.normalize import to_simplified
from targetboard.text.readers import SourceDocument


@dataclass(frozen=True)
class ImportedPlan:
    plan: Plan
    created: bool  # False when this document was already imported for the region and year
    #: For each objective of the tree (in order): the ids of its stored items (empty when not created).
    objective_items: tuple[tuple[Objective, tuple[int, ...]], ...] = ()


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


def document_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_document(session: Session, doc: SourceDocument) -> Document:
    """The stored document with this text, added if new (the hash decides)."""
    digest = document_sha256(doc.text)
    document = session.scalar(select(Document).where(Document.sha256 == digest))
    if document is None:
        document = Document(name=doc.name[:255], sha256=digest, text=doc.text, encoding=doc.encoding,
                            format=doc.format)
        session.add(document)
        session.flush()
    return document


def import_plan(
    session: Session, doc: SourceDocument, tree: PlanTree, region: Region, year: int, *, actor: str,
    review_state: str = "pending",
) -> ImportedPlan:
    """Store `doc` and its plan tree `tree` for `region` and `year` (idempotent).

    Items arrive `pending` review unless the caller says they were reviewed already (the demo's seed).
    A plan imported for a region and year that already has one `supersedes` the newest of them.
    """
    document = store_document(session, doc)
    plan = session.scalar(
        select(Plan).where(Plan.document_id == document.id, Plan.region_id == region.id, Plan.year == year)
    )
    if plan is not None:
        return ImportedPlan(plan, created=False)
    previous = session.scalar(select(Plan.id).where(Plan.region_id == region.id, Plan.year == year)
                              .order_by(Plan.id.desc()).limit(1))
    plan = Plan(document_id=document.id, region_id=region.id, year=year, status="draft", supersedes_id=previous)
    session.add(plan)
    session.flush()
    position = 0

    def add(kind: str, text: str | None, start: int, end: int, parent: PlanItem | None, item: Item | None = None,
            suggestion: str | None = None) -> PlanItem:
        nonlocal position
        position += 1
        row = PlanItem(plan_id=plan.id, parent_id=parent.id if parent else None, kind=kind, text=text, start=start,
                       end=end, position=position, suggested_unit=suggestion, review_state=review_state,
                       confidence=getattr(item, "confidence", None) if item else None,
                       rule=(item.rule[:64] if item and item.rule else None),
                       extracted=json.dumps(item.to_dict(), ensure_ascii=False) if item else None)
        session.add(row)
        session.flush()
        return row

    placed: list[tuple[Objective, tuple[int, ...]]] = []
    for pillar in tree.pillars:
        p_row = add("pillar", pillar.title, pillar.start, pillar.end, None)
        for objective in pillar.objectives:
            o_row = add("objective", objective.title, objective.start, objective.end, p_row)
            ids = []
            for it in objective.items:
                suggestion = suggest_unit(it.text, objective.title) if it.kind in ("task", "target") else None
                row = add(it.kind, it.text, it.start, it.end, o_row, it, suggestion)
                _attach_quantity(session, row, it)
                ids.append(row.id)
            placed.append((objective, tuple(ids)))
    record(session, "plan.import", "plan", plan.id, actor=actor, document=doc.name, sha256=document.sha256,
           region=region.name, year=year, items=position, supersedes=previous)
    return ImportedPlan(plan, created=True, objective_items=tuple(placed))


def _attach_quantity(session: Session, row: PlanItem, it: Item) -> None:
    if it.kind == "target" and it.value is not None:
        session.add(Target(plan_item_id=row.id, indicator_id=it.indicator, metric=(it.metric or "")[:128],
                           measure=it.measure or "level", comparator=it.comparator or "=", value=it.value,
                           value_high=it.value_high, unit=it.unit, period=it.period, modality=it.modality))
    elif it.kind in ("ranking", "outcome"):
        session.add(Claim(plan_item_id=row.id, kind=it.kind, indicator_id=it.indicator, metric=(it.metric or "")[:128],
                          measure=it.measure, value=it.value, unit=it.unit, comparator=it.comparator, rank=it.rank,
                          peer_group=it.peer_group, period=it.period))


def get_item(session: Session, item_id: int) -> PlanItem:
    item = session.get(PlanItem, item_id)
    if item is None:
        raise NotFound(f"规划条目 {item_id} 不存在", f"plan item {item_id}: not found",
                       hint="see the item numbers with `targetboard plan show`")
    return item


def get_plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"规划 {plan_id} 不存在", f"plan {plan_id}: not found")
    return plan


def current_assignments(session: Session, item_ids: list[int]) -> dict[int, list[Assignment]]:
    """The current (not ended) assignments of these items, leads first."""
    out: dict[int, list[Assignment]] = {}
    if not item_ids:
        return out
    q = (select(Assignment).where(Assignment.plan_item_id.in_(item_ids), Assignment.ended_at.is_(None))
         .order_by(Assignment.plan_item_id, Assignment.role, Assignment.id))
    for a in session.scalars(q):
        out.setdefault(a.plan_item_id, []).append(a)
    return out


def assign(session: Session, item_id: int, unit_name: str | None, *, actor: str, role: str = "lead",
           deadline: date | None = None, source: str = "person") -> Assignment:
    """Assign a plan item to a unit of its plan's region; without a name, confirm the rules' suggestion.

    A new lead replaces the current lead (the old row is ended, not deleted: the history stays);
    supporting units accumulate. Assigning the same unit and role again only updates the deadline.
    """
    if role not in ("lead", "support"):
        raise Invalid(f"角色 {role!r} 无效，应为 lead 或 support", f"role {role!r}: expected lead or support")
    item = get_item(session, item_id)
    if item.kind in ("pillar", "objective"):
        raise Invalid(f"条目 {item_id} 是{('支柱' if item.kind == 'pillar' else '目标标题')}，不能分配单位",
                      f"plan item {item_id} is a {item.kind} heading; assign its tasks and targets")
    name = unit_name or item.suggested_unit
    if not name:
        raise Invalid(f"条目 {item_id} 没有指定单位，也没有可确认的建议", f"plan item {item_id}: no unit given and no "
                      "suggestion to confirm")
    unit = find_unit(session, name, item.plan.region)
    now = utcnow()
    current = current_assignments(session, [item_id]).get(item_id, [])
    for a in current:
        if a.unit_id == unit.id and a.role == role:
            if a.deadline != deadline and deadline is not None:
                a.deadline = deadline
                record(session, "assignment.deadline", "plan_item", item.id, actor=actor, unit=unit.name,
                       deadline=deadline)
            return a
        if (role == "lead" and a.role == "lead") or a.unit_id == unit.id:
            a.ended_at, a.ended_by = now, actor[:64]
    row = Assignment(plan_item_id=item.id, unit_id=unit.id, role=role, deadline=deadline,
                     source="suggestion" if unit_name is None else source, assigned_by=actor[:64], assigned_at=now)
    session.add(row)
    session.flush()
    record(session, "assignment.add", "plan_item", item.id, actor=actor, unit=unit.name, role=role,
           deadline=deadline, confirmed_suggestion=unit_name is None)
    return row


def unassigned_suggestions(session: Session, region: Region | None = None) -> list[tuple[PlanItem, Region]]:
    """Items with a rule suggestion and no current lead, in plan order, with their plan's region."""
    assigned = select(Assignment.plan_item_id).where(Assignment.ended_at.is_(None), Assignment.role == "lead")
    q = (select(PlanItem, Region).join(Plan, Plan.id == PlanItem.plan_id).join(Region, Region.id == Plan.region_id)
         .where(PlanItem.suggested_unit.is_not(None), PlanItem.id.not_in(assigned),
                PlanItem.review_state == "accepted")
         .order_by(Plan.id, PlanItem.position))
    if region is not None:
        q = q.where(Plan.region_id == region.id)
    return [(item, reg) for item, reg in session.execute(q).all()]


def set_plan_status(session: Session, plan_id: int, status: str, *, actor: str) -> Plan:
    """Move a plan draft → reviewed → published (or back to draft); the audit trail records it."""
    if status not in PLAN_STATUSES:
        raise Invalid(f"规划状态 {status!r} 无效，应为 {'/'.join(PLAN_STATUSES)}",
                      f"plan status {status!r}: expected one of {', '.join(PLAN_STATUSES)}")
    plan = get_plan(session, plan_id)
    if plan.status == status:
        return plan
    if status == "published":
        pending = session.scalar(select(PlanItem.id).where(PlanItem.plan_id == plan.id,
                                                           PlanItem.review_state == "pending",
                                                           PlanItem.kind.in_(("target", "ranking", "outcome")))
                                 .limit(1))
        if pending is not None:
            raise Conflict(f"规划 {plan_id} 还有未审核的条目（如 {pending}），不能发布",
                           f"plan {plan_id} still has items pending review (e.g. {pending}); review them first")
    old = plan.status
    plan.status, plan.status_changed_by, plan.status_changed_at = status, actor[:64], utcnow()
    session.flush()
    record(session, "plan.status", "plan", plan.id, actor=actor, old=old, new=status)
    return plan


def find_plans(session: Session, region: Region | None = None, year: int | None = None) -> list[Plan]:
    q = select(Plan).order_by(Plan.id)
    if region is not None:
        q = q.where(Plan.region_id == region.id)
    if year is not None:
        q = q.where(Plan.year == year)
    return list(session.scalars(q))


def units_by_id(session: Session, ids: set[int]) -> dict[int, Unit]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
