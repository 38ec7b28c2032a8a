"""REST API for holding to account: ledger entries and their steps, assessment runs.

Same conventions as `web.api`; the services decide who sees which entry and who may take which step
(`ledgers.entries_for`, `ledgers.move`, `assessment.run_assessment`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from targetboard.errors import Invalid, Where
from targetboard.services import assessment, ledgers, regions, reports, tracking
from targetboard.services.ledgers import VisibleEntry
from targetboard.web.api import Name
from targetboard.web.deps import NO_NUL, ActorDep, DbDep, RowId, csrf_protect
from targetboard.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[Depends(csrf_protect)],
                   responses=API_ERRORS)


class LedgerActionPublic(BaseModel):
    action: str
    name: str


class LedgerEntryPublic(BaseModel):
    id: int
    kind: str
    ref: str
    title: str
    unit: str | None
    deadline: date | None
    state: str
    state_name: str
    progress: str
    light: str = Field(description="green, yellow, red, done (on the day asked for)")
    returned: int
    fields: dict[str, str]
    actions: list[LedgerActionPublic] = Field(description="the steps this account may take now")


class LedgerEventPublic(BaseModel):
    action: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    comment: str | None


class LedgerEntryDetail(LedgerEntryPublic):
    history: list[LedgerEventPublic]


def _entry(row: VisibleEntry) -> dict[str, Any]:
    e = row.entry
    return {"id": e.id, "kind": e.kind, "ref": e.ref, "title": e.title, "unit": e.unit, "deadline": e.deadline,
            "state": e.state, "state_name": e.state_name, "progress": e.progress, "light": e.light,
            "returned": e.returned, "fields": e.fields,
            "actions": [LedgerActionPublic(action=a.action, name=a.name) for a in row.actions]}


def _region(db: DbDep, actor: ActorDep, region: str | None) -> str:
    name = region or regions.home_region(db, actor)
    if name is None:
        raise Invalid("请指定地区", "give a region", where=Where(field="region"))
    return name


@router.get("/ledgers", response_model=list[LedgerEntryPublic],
            summary="A ledger's entries this account may see, with their lights on `day` (default today)")
def list_ledger(db: DbDep, actor: ActorDep,
                kind: Annotated[str, Query(max_length=16, pattern=NO_NUL)] = "rectification", region: Name = None,
                day: date | None = None) -> list[LedgerEntryPublic]:
    rows = ledgers.entries_for(db, actor, region=_region(db, actor, region), kind=kind, today=day)
    return [LedgerEntryPublic(**_entry(r)) for r in rows]


@router.get("/ledgers/{entry_id}", response_model=LedgerEntryDetail,
            summary="One ledger entry with its history")
def get_entry(entry_id: RowId, db: DbDep, actor: ActorDep, day: date | None = None) -> LedgerEntryDetail:
    row, events = ledgers.entry_for(db, actor, entry_id, today=day)
    history = [LedgerEventPublic(action=e["action"], from_state=e["from"], to_state=e["to"], actor=e["actor"],
                                 at=e["at"], comment=e["comment"] or None) for e in events]
    return LedgerEntryDetail(**_entry(row), history=history)


class LedgerStep(BaseModel):
    action: Annotated[str, Field(min_length=1, max_length=24, pattern=NO_NUL,
                                 description="start, submit, sign_off, return ...")]
    comment: Annotated[str, Field(max_length=500, pattern=NO_NUL)] = ""


@router.post("/ledgers/{entry_id}/move", response_model=LedgerEntryPublic,
             summary="Take one step on an entry (the kind's transitions; supervisors sign off and return)")
def move_entry(entry_id: RowId, body: LedgerStep, db: DbDep, actor: ActorDep) -> LedgerEntryPublic:
    ledgers.move(db, actor, entry_id, body.action, comment=body.comment)
    row, _ = ledgers.entry_for(db, actor, entry_id)
    return LedgerEntryPublic(**_entry(row))


class RunSummaryPublic(BaseModel):
    snapshot_id: int
    label: str
    period: str | None
    scheme_id: str
    created_by: str
    created_at: datetime


class ItemScorePublic(BaseModel):
    item_id: str
    rule: str
    points: str
    max_points: str
    explanation: str
    evidence: list[dict[str, str]]


class SubjectScorePublic(BaseModel):
    subject: str
    name: str
    total: str
    rank: int
    movement: int | None
    vetoed: bool
    items: list[ItemScorePublic]


class AssessmentPublic(BaseModel):
    snapshot_id: int | None = Field(description="set when published")
    scheme_id: str
    scheme_version: str
    period: str
    table: list[SubjectScorePublic]


def _assessment(result: Any, snapshot_id: int | None) -> AssessmentPublic:
    return AssessmentPublic(
        snapshot_id=snapshot_id, scheme_id=result.scheme_id, scheme_version=result.scheme_version,
        period=result.period,
        table=[SubjectScorePublic(subject=s.subject, name=s.name, total=s.total, rank=s.rank, movement=s.movement,
                                  vetoed=s.vetoed,
                                  items=[ItemScorePublic(item_id=i.item_id, rule=i.rule, points=i.points,
                                                         max_points=i.max_points, explanation=i.explanation,
                                                         evidence=[{"kind": e.kind, "ref": e.ref, "note": e.note}
                                                                   for e in i.evidence]) for i in s.items])
               for s in result.table])


@router.get("/assessment/runs", response_model=list[RunSummaryPublic],
            summary="A region's published assessment runs, newest first")
def list_runs(db: DbDep, actor: ActorDep, region: Name = None) -> list[RunSummaryPublic]:
    return [RunSummaryPublic(**vars(r)) for r in assessment.list_runs(db, region=_region(db, actor, region))]


@router.get("/assessment/runs/{run_id}", response_model=AssessmentPublic,
            summary="A published run as published, every point with its evidence")
def get_run(run_id: RowId, db: DbDep, actor: ActorDep) -> AssessmentPublic:
    run = assessment.get_run(db, run_id)
    return _assessment(run.result, run.summary.snapshot_id)


class NewRun(BaseModel):
    scheme: Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL, description="a shipped scheme's id")]
    as_of: Annotated[str, Field(min_length=4, max_length=16, pattern=NO_NUL, description="figures up to: 2022M06")]
    day: date = Field(description="the day ledger lights are judged on")
    region: Annotated[str | None, Field(max_length=64, pattern=NO_NUL)] = None
    publish: bool = False


@router.post("/assessment/runs", response_model=AssessmentPublic,
             summary="Score a region's units with a shipped scheme (supervisors); publish freezes a snapshot")
def run(body: NewRun, db: DbDep, actor: ActorDep) -> AssessmentPublic:
    choice = next((s for s in assessment.packaged_schemes() if s.id == body.scheme), None)
    if choice is None:
        raise Invalid(f"没有考核方案 {body.scheme!r}", f"no assessment scheme {body.scheme!r}",
                      where=Where(field="scheme"))
    period = tracking.parse_period(body.as_of)
    view = assessment.run_assessment(db, actor, choice.file, region=_region(db, actor, body.region),
                                     year=period.year, as_of=period.code, day=body.day, publish=body.publish)
    return _assessment(view.result, view.snapshot_id)


class ReportPublic(BaseModel):
    id: int
    item_id: int
    unit: str
    period: str
    text: str
    percent: int
    state: str = Field(description="submitted, accepted, returned")
    comment: str
    evidence: list[dict[str, Any]] = Field(description="filename, size, sha256 of each evidence file")


def _report(r: Any) -> ReportPublic:
    return ReportPublic(id=r.id, item_id=r.item_id, unit=r.unit, period=r.period, text=r.text, percent=r.percent,
                        state=r.state, comment=r.comment,
                        evidence=[{"filename": n, "size": size, "sha256": sha} for n, size, sha in r.evidence])


class DuePublic(BaseModel):
    unit: str
    item_id: int
    item_text: str
    period: str
    reason: str = Field(description="overdue, returned")


@router.get("/reports", response_model=list[ReportPublic],
            summary="Progress reports this account may see (a unit editor: its units'), newest first")
def list_reports(db: DbDep, actor: ActorDep, region: Name = None,
                 state: Literal["submitted", "accepted", "returned"] | None = None) -> list[ReportPublic]:
    rows = reports.reports_for(db, actor, region=_region(db, actor, region), state=state)
    return [_report(r.report) for r in rows]


@router.get("/reports/due", response_model=list[DuePublic],
            summary="Reports owed on `day` (default today): overdue after the grace days, or returned")
def due_reports(db: DbDep, actor: ActorDep, region: Name = None, day: date | None = None) -> list[DuePublic]:
    rows = reports.due_for(db, actor, region=_region(db, actor, region), today=day or date.today())
    return [DuePublic(unit=d.unit, item_id=d.item_id, item_text=d.item_text, period=d.period, reason=d.reason)
            for d in rows]


@router.post("/reports", status_code=201, response_model=ReportPublic,
             summary="The lead unit's report on an item for a period, with evidence files (multipart)")
async def submit_report(db: DbDep, actor: ActorDep, item_id: Annotated[int, Form()],
                        period: Annotated[str, Form(max_length=16, pattern=NO_NUL)],
                        text: Annotated[str, Form(max_length=4000, pattern=NO_NUL)],
                        percent: Annotated[int, Form(ge=0, le=100)],
                        files: Annotated[list[UploadFile] | None, File()] = None) -> ReportPublic:
    evidence = [((f.filename or "file").rsplit("/", 1)[-1], await f.read(reports.MAX_EVIDENCE_BYTES + 1))
                for f in files or []]
    view = await run_in_threadpool(lambda: reports.submit_report(db, actor, item_id, period, text=text,
                                                                 percent=percent, evidence=evidence))
    return _report(view)


class ReportReview(BaseModel):
    accept: bool
    comment: Annotated[str, Field(max_length=1000, pattern=NO_NUL)] = ""


@router.post("/reports/{report_id}/review", response_model=ReportPublic,
             summary="Accept a submitted report, or return it with a comment (supervisors)")
def review(report_id: RowId, body: ReportReview, db: DbDep, actor: ActorDep) -> ReportPublic:
    return _report(reports.review_report(db, actor, report_id, accept=body.accept, comment=body.comment))
