"""Plans: import a document as a region's plan, show it with live statuses and claim checks, move it
through draft → reviewed → published.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from targetboard.analytics import STATUS_ZH, VERDICT_ZH, ClaimCheck, Thresholds
from targetboard.analytics.status import TargetStatus
from targetboard.errors import Invalid, Where
from targetboard.extract.plan import PlanTree
from targetboard.extract.task_table import TaskTableError, find_header, task_table_document
from targetboard.model.period import Period, PeriodError
from targetboard.services.actors import Actor, require_region
from targetboard.services.documents import extract_document, read_source
from targetboard.store import Database
from targetboard.store import plans as store
from targetboard.store import regions as store_regions
from targetboard.store.models import Plan, PlanItem
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


def _summary(plan: Plan, created: bool) -> PlanSummary:
    kinds: Counter[str] = Counter(i.kind for i in plan.items if i.kind not in ("pillar", "objective") or i.text)
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
    with db.read() as s:
        reg = find_region(s, region) if region else None
        return [_summary(p, False) for p in store.find_plans(s, reg, year)]


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


def _metric(item: PlanItem) -> str | None:
    quantity = item.target or item.claim
    return quantity.metric if quantity is not None else None


def _quantity(item: PlanItem) -> str | None:
    c = item.claim
    if c is None or c.value is None:
        return None
    word = {"growth": "增长", "change": "变动"}.get(c.measure or "", "")
    return f"{word}{c.value:g}{c.unit or ''}"


def show_plans(db: Database, *, region: str | None = None, year: int | None = None, as_of: str | None = None,
               thresholds: Thresholds | None = None) -> list[PlanView]:
    """Stored plans as trees: every node (outcomes and claims included), targets with their live status,
    ranking claims with their check, items with their units."""
    with db.read() as s:
        reg = find_region(s, region) if region else None
        plans = store.find_plans(s, reg, year)
        if not plans:
            return []
        # Every plan's items with their target and claim in three queries: read lazily, `_metric` and
        # `_quantity` cost two queries per item (1,000 for a 500-item plan, 2 s of a 2 s plan page).
        s.scalars(select(Plan).where(Plan.id.in_([p.id for p in plans]))
                  .options(selectinload(Plan.items).options(selectinload(PlanItem.target),
                                                            selectinload(PlanItem.claim)))).all()
        statuses = {r.item_id: r.status for r in status_rows(s, region=reg, year=year, as_of=as_of,
                                                             thresholds=thresholds)}
        out: list[PlanView] = []
        for plan in plans:
            checks = {row.item.id: row.check for row in check_claims(s, plan)}
            assignments = store.current_assignments(s, [i.id for i in plan.items])
            units = store.units_by_id(s, {a.unit_id for rows in assignments.values() for a in rows})
            nodes = []
            for it in plan.items:
                rows = assignments.get(it.id, [])
                lead = next((a for a in rows if a.role == "lead"), None)
                nodes.append(NodeView(
                    id=it.id, kind=it.kind, text=it.text, metric=_metric(it), start=it.start, end=it.end,
                    review_state=it.review_state,
                    lead_unit=units[lead.unit_id].name if lead else None,
                    support_units=tuple(units[a.unit_id].name for a in rows if a.role == "support"),
                    deadline=lead.deadline.isoformat() if lead and lead.deadline else None,
                    suggested_unit=it.suggested_unit, status=statuses.get(it.id), check=checks.get(it.id),
                    quantity=_quantity(it)))
            out.append(PlanView(_summary(plan, False), nodes))
        return out
