"""REST API for holding to account: ledger entries and their steps, assessment runs.

Same conventions as `web.api`; the services decide who sees which entry and who may take which step
(`ledgers.entries_for`, `ledgers.move`, `assessment.run_assessment`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from targetboard.errors import Invalid, Where
from targetboard.services import assessment, ledgers, regions, tracking
from targetboard.services.ledgers import VisibleEntry
from targetboard.web.deps import ActorDep, DbDep, csrf_protect

router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[Depends(csrf_protect)])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "invalid input (the one error shape)"}, 401: {"description": "not logged in"},
    403: {"description": "not allowed for this account"}, 404: {"description": "not found"}}


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


@router.get("/ledgers", response_model=list[LedgerEntryPublic], responses=ERRORS,
            summary="A ledger's entries this account may see, with their lights on `day` (default today)")
def list_ledger(db: DbDep, actor: ActorDep, kind: str = "rectification", region: str | None = None,
                day: date | None = None) -> list[LedgerEntryPublic]:
    rows = ledgers.entries_for(db, actor, region=_region(db, actor, region), kind=kind, today=day)
    return [LedgerEntryPublic(**_entry(r)) for r in rows]


@router.get("/ledgers/{entry_id}", response_model=LedgerEntryDetail, responses=ERRORS,
            summary="One ledger entry with its history")
def get_entry(entry_id: int, db: DbDep, actor: ActorDep, day: date | None = None) -> LedgerEntryDetail:
    row, events = ledgers.entry_for(db, actor, entry_id, today=day)
    history = [LedgerEventPublic(action=e["action"], from_state=e["from"], to_state=e["to"], actor=e["actor"],
                                 at=e["at"], comment=e["comment"] or None) for e in events]
    return LedgerEntryDetail(**_entry(row), history=history)


class LedgerStep(BaseModel):
    action: Annotated[str, Field(min_length=1, max_length=24, description="start, submit, sign_off, return ...")]
    comment: Annotated[str, Field(max_length=500)] = ""


@router.post("/ledgers/{entry_id}/move", response_model=LedgerEntryPublic, responses=ERRORS,
             summary="Take one step on an entry (the kind's transitions; supervisors sign off and return)")
def move_entry(entry_id: int, body: LedgerStep, db: DbDep, actor: ActorDep) -> LedgerEntryPublic:
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


@router.get("/assessment/runs", response_model=list[RunSummaryPublic], responses=ERRORS,
            summary="A region's published assessment runs, newest first")
def list_runs(db: DbDep, actor: ActorDep, region: str | None = None) -> list[RunSummaryPublic]:
    return [RunSummaryPublic(**vars(r)) for r in assessment.list_runs(db, region=_region(db, actor, region))]


@router.get("/assessment/runs/{run_id}", response_model=AssessmentPublic, responses=ERRORS,
            summary="A published run as published, every point with its evidence")
def get_run(run_id: int, db: DbDep, actor: ActorDep) -> AssessmentPublic:
    run = assessment.get_run(db, run_id)
    return _assessment(run.result, run.summary.snapshot_id)


class NewRun(BaseModel):
    scheme: Annotated[str, Field(min_length=1, max_length=64, description="a shipped scheme's id")]
    as_of: Annotated[str, Field(min_length=4, max_length=16, description="figures up to: 2022M06")]
    day: date = Field(description="the day ledger lights are judged on")
    region: Annotated[str | None, Field(max_length=64)] = None
    publish: bool = False


@router.post("/assessment/runs", response_model=AssessmentPublic, responses=ERRORS,
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
