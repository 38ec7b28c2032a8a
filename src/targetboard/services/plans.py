"""Plans: import a document as a region's plan, show it with live statuses and claim checks, move it
through draft → reviewed → published.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import and_, func, or_, select

from targetboard.analytics import STATUS_ZH, VERDICT_ZH, ClaimCheck, Thresholds
from targetboard.analytics.status import TargetStatus
from targetboard.errors import Invalid, Where
from targetboard.extract.plan import PlanTree
from targetboard.extract.task_table import TaskTableError, find_header, task_table_document
from targetboard.model.period import Period, PeriodError
from targetboard.services import status_cache
from targetboard.services.actors import Actor, require_region
from targetboard.services.documents import extract_document, read_source
from targetboard.services.ledgers import with_ledger_actuals
from targetboard.store import Database
from targetboard.store import plans as store
from targetboard.store import regions as store_regions
from targetboard.store.models import Assignment, Claim, Plan, PlanItem, Target, Unit
from targetboard.store.regions import find_region, units_of
from targetboard.store.tracking import check_claims, status_rows
from targetboard.text.readers import DocumentError, SourceDocument
from targetboard.text.tables import table_rows

#: The order counts are reported in, with their Chinese words.
COUNT_WORDS = {"pillars": "个支柱", "objectives": "个目标", "tasks": "项任务", "targets": "个量化目标",
               "outcomes": "项成果数据", "rankings": "条排名声明"}


@dataclass(frozen=True)
class PlanCounts:
    """What a plan holds, counted the same way for an extracted tree and a stored plan.

    Pillars and objectives count only titled ones (an untitled group holds a preamble, not a heading).
    """

    pillars: int = 0
    objectives: int = 0
    tasks: int = 0
    targets: int = 0
    outcomes: int = 0
    rankings: int = 0

    def zh(self) -> str:
        return ", ".join(f"{getattr(self, k)} {w}" for k, w in COUNT_WORDS.items())

    def en(self) -> str:
        return ", ".join(f"{getattr(self, k)} {k}" for k in COUNT_WORDS)


def _counts(kinds: Counter[str]) -> PlanCounts:
    return PlanCounts(kinds["pillar"], kinds["objective"], kinds["task"], kinds["target"], kinds["outcome"],
                      kinds["ranking"])


def count_tree(tree: PlanTree) -> PlanCounts:
    kinds: Counter[str] = Counter()
    for p in tree.pillars:
        kinds["pillar"] += p.title is not None
        for o in p.objectives:
            kinds["objective"] += o.title is not None
            kinds.update(i.kind for i in o.items)
    return _counts(kinds)


@dataclass(frozen=True)
class PlanSummary:
    id: int
    region_code: str
    region_name: str
    year: int
    status: str
    document: str
    created: bool
    counts: PlanCounts
    supersedes_id: int | None = None


def _summary(plan: Plan, created: bool, kinds: Counter[str] | None = None) -> PlanSummary:
    """The plan's summary; `kinds` when the caller has counted its items already (else they are loaded)."""
    if kinds is None:
        kinds = Counter(i.kind for i in plan.items if i.kind not in ("pillar", "objective") or i.text)
    return PlanSummary(plan.id, plan.region.code, plan.region.name, plan.year, plan.status, plan.document.name,
                       created, _counts(kinds), plan.supersedes_id)


def import_plan(db: Database, actor: Actor, source: str | Path | bytes | SourceDocument, *, region: str, year: int,
                filename: str | None = None, reviewed: bool = False) -> PlanSummary:
    """Read, extract and store a plan for `region` and `year` (idempotent: the same text changes nothing).

    Items arrive pending review, unless `reviewed` (items a person has already checked, like the demo's
    seed): only supervisors may skip the review.
    """
    actor.require("supervisor")
    if not 1949 <= year <= 2100:
        raise Invalid(f"年份 {year} 不合理，应在 1949-2100 之间", f"year {year}: expected 1949-2100")
    doc = source if isinstance(source, SourceDocument) else read_source(source, filename)
    with db.read() as s:
        region_name = find_region(s, region).name
    extracted = extract_document(doc, year=year, region=region_name)
    with db.write("plans") as s:
        reg = find_region(s, region)
        require_region(actor, reg)
        result = store.import_plan(s, doc, extracted.tree, reg, year, actor=actor.name,
                                   review_state="accepted" if reviewed else "pending")
        return _summary(result.plan, result.created)


def _deadline(code: str | None) -> date | None:
    """A task table's deadline as a date: an ISO date as it is, a period code as its last day."""
    if not code:
        return None
    try:
        return date.fromisoformat(code)
    except ValueError:
        pass
    last = code.split("-")[-1]  # 2026-2027 -> 2027
    try:
        p = Period.parse(last)
    except PeriodError:
        return None
    return date(p.year, p.last_month, calendar.monthrange(p.year, p.last_month)[1])


def import_task_table(db: Database, actor: Actor, source: str | Path | bytes, *, region: str, year: int,
                      filename: str | None = None, reviewed: bool = False,
                      create_units: bool = False) -> PlanSummary:
    """Store a task-decomposition table (重点工作任务分解表, .xlsx or a .docx table) as a plan and assign each
    row's lead and supporting units and deadline as the table says: no person confirms them one by one.

    Units the table names but the region lacks are refused (listed), unless `create_units`.
    """
    actor.require("supervisor")
    name = filename or (Path(source).name if not isinstance(source, bytes) else "upload.xlsx")
    tables = [t for t in table_rows(source, name) if _has_task_header(t)]
    if not tables:
        raise Invalid("文件中没有任务分解表（需有 工作任务/目标要求 与 牵头单位/责任单位/完成时限 等列）",
                      "no task-decomposition table found (expected columns such as 工作任务/目标要求 with "
                      "牵头单位/责任单位/完成时限)", where=Where(file=name))
    text, tree = task_table_document(tables[0], year=year)
    doc = SourceDocument(name, text, None, Path(name).suffix.lstrip(".").lower() or "xlsx")
    with db.write("plans") as s:
        reg = find_region(s, region)
        require_region(actor, reg)
        named = sorted({u for p in tree.pillars for o in p.objectives if o.assignment
                        for u in (*o.assignment.lead_units, *o.assignment.co_units)})
        known = {u.name for u in units_of(s, reg)}
        missing = [u for u in named if u not in known]
        if missing and not create_units:
            raise Invalid(f"表中有 {len(missing)} 个单位在{reg.name}尚未建立：{'、'.join(missing)}",
                          f"{len(missing)} units named in the table are not set up in {reg.name}: "
                          f"{', '.join(missing)}", where=Where(file=name),
                          hint="add them with `targetboard unit add`, or import with --create-units")
        for unit in missing:
            store_regions.add_unit(s, unit, reg.code, actor=actor.name)
        result = store.import_plan(s, doc, tree, reg, year, actor=actor.name,
                                   review_state="accepted" if reviewed else "pending")
        for objective, ids in result.objective_items:
            a = objective.assignment
            if a is None or not a.lead_units:
                continue
            due = _deadline(a.deadline)
            for item_id in ids:
                store.assign(s, item_id, a.lead_units[0], actor=actor.name, deadline=due, source="task_table")
                for unit in [*a.lead_units[1:], *a.co_units]:
                    store.assign(s, item_id, unit, actor=actor.name, role="support", deadline=due,
                                 source="task_table")
        return _summary(result.plan, result.created)


def is_task_table(source: str | Path | bytes, filename: str | None = None) -> bool:
    """Whether a file is a task-decomposition table: an .xlsx, or a .docx holding such a table."""
    name = filename or (Path(source).name if not isinstance(source, bytes) else "")
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return True
    if suffix != ".docx":
        return False
    try:
        return any(_has_task_header(t) for t in table_rows(source, name))
    except DocumentError:
        return False


def _has_task_header(rows: list[list[str]]) -> bool:
    try:
        find_header(rows)
    except TaskTableError:
        return False
    return True


def set_plan_status(db: Database, actor: Actor, plan_id: int, status: str) -> PlanSummary:
    actor.require("supervisor")
    with db.write("plans") as s:
        require_region(actor, store.get_plan(s, plan_id).region)
        return _summary(store.set_plan_status(s, plan_id, status, actor=actor.name), False)


def list_plans(db: Database, *, region: str | None = None, year: int | None = None) -> list[PlanSummary]:
    """Every stored plan (of a region, a year) with its counts; the counts come from one grouped query
    rather than from loading every item of every plan (every page load lists the plans)."""
    return list(status_cache.cached(db, ("list_plans", region, year), lambda: _list_plans(db, region=region,
                                                                                         year=year)))


def _list_plans(db: Database, *, region: str | None, year: int | None) -> list[PlanSummary]:
    with db.read() as s:
        reg = find_region(s, region) if region else None
        plans = store.find_plans(s, reg, year)
        kinds: dict[int, Counter[str]] = {p.id: Counter() for p in plans}
        if plans:
            counted = (select(PlanItem.plan_id, PlanItem.kind, func.count())
                       .where(PlanItem.plan_id.in_(list(kinds)),
                              or_(PlanItem.kind.not_in(("pillar", "objective")),
                                  and_(PlanItem.text.is_not(None), PlanItem.text != "")))
                       .group_by(PlanItem.plan_id, PlanItem.kind))
            for plan_id, kind, n in s.execute(counted):
                kinds[plan_id][kind] = n
        return [_summary(p, False, kinds[p.id]) for p in plans]


@dataclass(frozen=True)
class NodeView:
    """One node of a stored plan, with what a reader needs beside it."""

    id: int
    kind: str
    text: str | None
    metric: str | None
    start: int
    end: int
    review_state: str
    lead_unit: str | None = None
    support_units: tuple[str, ...] = ()
    deadline: str | None = None
    suggested_unit: str | None = None
    status: TargetStatus | None = None
    check: ClaimCheck | None = None
    quantity: str | None = None  # an outcome's figure, 6.5% / 38亿元

    @property
    def status_label(self) -> str | None:
        return STATUS_ZH.get(self.status.status, self.status.status) if self.status else None

    @property
    def verdict_label(self) -> str | None:
        return VERDICT_ZH.get(self.check.verdict, self.check.verdict) if self.check else None


@dataclass(frozen=True)
class PlanView:
    summary: PlanSummary
    nodes: list[NodeView] = field(default_factory=list)


#: Items a person reviews before they count (`services.review`); headings are the document's structure.
REVIEWED_KINDS = ("task", "target", "outcome", "ranking")


def show_plans(db: Database, *, region: str | None = None, year: int | None = None, as_of: str | None = None,
               thresholds: Thresholds | None = None) -> list[PlanView]:
    """Stored plans as trees: the headings and the accepted items (outcomes and claims included), targets
    with their live status, ranking claims with their check, items with their units.

    Items pending review or rejected are left out: the extractor is wrong about one item in ten on
    unseen documents, so only what a person accepted (or what was imported as reviewed) is the plan.

    Items and assignments are read as plain rows (two queries for all the plans), not ORM objects: the
    plan page and every target page build this tree, and for a 500-item plan the ORM objects (an item,
    its target or claim, its assignments and units) cost more than the statuses themselves.
    """
    views: list[PlanView] = status_cache.cached(
        db, ("show_plans", region, year, as_of, repr(thresholds)),
        lambda: _show_plans(db, region=region, year=year, as_of=as_of, thresholds=thresholds))
    return list(views)  # a copy: the cached list is shared


def _show_plans(db: Database, *, region: str | None, year: int | None, as_of: str | None,
                thresholds: Thresholds | None) -> list[PlanView]:
    with db.read() as s:
        reg = find_region(s, region) if region else None
        plans = store.find_plans(s, reg, year)
        if not plans:
            return []
        judged = with_ledger_actuals(s, status_rows(s, region=reg, year=year, as_of=as_of, thresholds=thresholds),
                                     as_of=as_of, thresholds=thresholds)  # count targets fed by a ledger
        statuses = {r.item_id: r.status for r in judged}
        ids = [p.id for p in plans]
        items = s.execute(
            select(PlanItem.plan_id, PlanItem.id, PlanItem.kind, PlanItem.text, PlanItem.start, PlanItem.end,
                   PlanItem.review_state, PlanItem.suggested_unit, Target.id, Target.metric, Claim.id, Claim.metric,
                   Claim.measure, Claim.value, Claim.unit)
            .outerjoin(Target, Target.plan_item_id == PlanItem.id)
            .outerjoin(Claim, Claim.plan_item_id == PlanItem.id)
            .where(PlanItem.plan_id.in_(ids))
            .order_by(PlanItem.plan_id, PlanItem.position)).all()
        units: dict[int, list[tuple[str, str, date | None]]] = {}  # item -> (role, unit, deadline), leads first
        for item_id, role, unit_name, deadline in s.execute(
                select(Assignment.plan_item_id, Assignment.role, Unit.name, Assignment.deadline)
                .join(Unit, Unit.id == Assignment.unit_id)
                .join(PlanItem, PlanItem.id == Assignment.plan_item_id)
                .where(PlanItem.plan_id.in_(ids), Assignment.ended_at.is_(None))
                .order_by(Assignment.plan_item_id, Assignment.role, Assignment.id)):
            units.setdefault(item_id, []).append((role, unit_name, deadline))
        checks = {row.item.id: row.check for plan in plans for row in check_claims(s, plan)}
        by_plan: dict[int, list[NodeView]] = {i: [] for i in ids}
        kinds: dict[int, Counter[str]] = {i: Counter() for i in ids}
        for (plan_id, item_id, kind, text, start, end, review_state, suggested, target_id, target_metric, claim_id,
             claim_metric, measure, value, unit) in items:
            if kind not in ("pillar", "objective") or text:
                kinds[plan_id][kind] += 1
            if kind in REVIEWED_KINDS and review_state != "accepted":
                continue
            rows = units.get(item_id, [])
            lead = next((r for r in rows if r[0] == "lead"), None)
            quantity = None
            if claim_id is not None and value is not None:
                word = {"growth": "增长", "change": "变动"}.get(measure or "", "")
                quantity = f"{word}{value:g}{unit or ''}"
            by_plan[plan_id].append(NodeView(
                id=item_id, kind=kind, text=text,
                metric=target_metric if target_id is not None else claim_metric if claim_id is not None else None,
                start=start, end=end, review_state=review_state,
                lead_unit=lead[1] if lead else None,
                support_units=tuple(name for role, name, _ in rows if role == "support"),
                deadline=lead[2].isoformat() if lead and lead[2] else None,
                suggested_unit=suggested, status=statuses.get(item_id), check=checks.get(item_id),
                quantity=quantity))
        return [PlanView(_summary(plan, False, kinds[plan.id]), by_plan[plan.id]) for plan in plans]
