"""REST API of the review: a document with its items, and the decisions on them (`services.review`).

Same conventions as `web/api.py`: `/api/v1/...`, one error shape, lists as
``{"items": [...], "limit", "offset", "total"}``; typed schemas (Create / Update / Public) so the
OpenAPI document says exactly what a script sends and gets. Permissions are the service's: every
account reads a document; only admins and the supervisors of the plan's region review.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from targetboard.services import observations, review
from targetboard.services.review import ItemFields, ReviewItem, ReviewSheet
from targetboard.web.api import Limit, Name, Offset, Period
from targetboard.web.api_units import ImportPublic
from targetboard.web.deps import NO_NUL, ActorDep, DbDep, RowId, csrf_protect
from targetboard.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["review"], dependencies=[Depends(csrf_protect)],
                   responses=API_ERRORS)

Kind = Literal["target", "outcome", "ranking", "task"]
State = Literal["pending", "accepted", "edited", "rejected", "added"]
Measure = Literal["level", "growth", "change"]
Comparator = Literal[">", ">=", "<", "<=", "~", "=", "range"]
Modality = Literal["strive", "ensure", "expect"]


class ItemFieldsPublic(BaseModel):
    """An item's spec fields (docs/extraction-spec.md); `text` is the document's text at [start, end)."""

    kind: str
    start: int
    end: int
    text: str
    metric: str | None = None
    indicator: str | None = None
    measure: str | None = None
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    comparator: str | None = None
    period: Period = None
    modality: str | None = None
    rank: int | None = None
    peer_group: str | None = None
    region: Name = None


class ReviewItemPublic(BaseModel):
    id: int
    plan_id: int
    state: State
    review_state: Literal["pending", "accepted", "rejected"]
    confidence: float | None
    rule: str | None
    fields: ItemFieldsPublic
    extracted: ItemFieldsPublic | None = Field(description="the item as the extractor gave it; null when added")
    decided_by: str | None = None
    decided_at: str | None = None


class ReviewItemPage(BaseModel):
    items: list[ReviewItemPublic]
    limit: int
    offset: int
    total: int | None


class DocumentPublic(BaseModel):
    plan_id: int
    region_name: str
    year: int
    plan_status: str
    document_name: str
    text: str
    counts: dict[str, int]
    items: list[ReviewItemPublic] = Field(description="in document order")


class _Fields(BaseModel):
    metric: str | None = Field(default=None, max_length=128, pattern=NO_NUL)
    indicator: str | None = Field(default=None, max_length=64, pattern=NO_NUL,
                                  description="a catalog id or name; default: the one the metric reads as")
    measure: Measure | None = None
    value: float | None = None
    value_high: float | None = None
    unit: str | None = Field(default=None, max_length=32, pattern=NO_NUL)
    comparator: Comparator | None = None
    period: str | None = Field(default=None, max_length=16, pattern=NO_NUL)
    modality: Modality | None = None
    rank: int | None = None
    peer_group: str | None = Field(default=None, max_length=32, pattern=NO_NUL)
    region: str | None = Field(default=None, max_length=64, pattern=NO_NUL)


class ReviewItemCreate(_Fields):
    """A missed item: its span in the document's text and its fields (it counts as accepted)."""

    kind: Kind
    start: int = Field(ge=0)
    end: int = Field(ge=1)


class ReviewItemUpdate(_Fields):
    """A correction: only the fields sent change (null clears one); the item is then accepted."""

    kind: Kind | None = None
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=1)


class GoldenPublic(BaseModel):
    plan_id: int
    cases: int
    toml: str = Field(description="golden cases in tests/golden/extraction_cases.toml's format")


def _fields(f: ItemFields) -> ItemFieldsPublic:
    return ItemFieldsPublic(**f.as_dict())


def _item(i: ReviewItem) -> ReviewItemPublic:
    return ReviewItemPublic(id=i.id, plan_id=i.plan_id, state=i.state, review_state=i.review_state,  # type: ignore[arg-type]
                            confidence=i.confidence, rule=i.rule, fields=_fields(i.fields),
                            extracted=_fields(i.extracted) if i.extracted else None, decided_by=i.decided_by,
                            decided_at=i.decided_at)


def _document(sheet: ReviewSheet) -> DocumentPublic:
    ordered = sorted(sheet.items, key=lambda i: (i.start, i.id))
    return DocumentPublic(plan_id=sheet.plan_id, region_name=sheet.region_name, year=sheet.year,
                          plan_status=sheet.plan_status, document_name=sheet.document_name,
                          text=sheet.document_text, counts=sheet.counts, items=[_item(i) for i in ordered])


@router.get("/documents/{plan_id}", response_model=DocumentPublic,
            summary="A plan's document text with every extracted item, its fields and review state")
def get_document(plan_id: RowId, db: DbDep, actor: ActorDep) -> DocumentPublic:
    return _document(review.document_view(db, plan_id))


@router.get("/documents/{plan_id}/review", response_model=ReviewItemPage,
            summary="The items to review, lowest confidence first (admins, supervisors of the plan's region)")
def list_review_items(plan_id: RowId, db: DbDep, actor: ActorDep, limit: Limit = 200, offset: Offset = 0,
                      state: State | None = None) -> ReviewItemPage:
    items = review.review_sheet(db, actor, plan_id).items
    if state is not None:
        items = [i for i in items if i.state == state]
    return ReviewItemPage(items=[_item(i) for i in items[offset:offset + limit]], limit=limit, offset=offset,
                          total=len(items))


@router.post("/documents/{plan_id}/review/items", status_code=201, response_model=ReviewItemPublic,
             summary="Add an item the extractor missed, from a span of the document (reviewers)")
def add_item(plan_id: RowId, body: ReviewItemCreate, db: DbDep, actor: ActorDep) -> ReviewItemPublic:
    return _item(review.add(db, actor, plan_id, body.model_dump()))


@router.post("/review/items/{item_id}/accept", response_model=ReviewItemPublic, summary="Accept an item (reviewers)")
def accept_item(item_id: RowId, db: DbDep, actor: ActorDep) -> ReviewItemPublic:
    return _item(review.accept(db, actor, item_id))


@router.post("/review/items/{item_id}/reject", response_model=ReviewItemPublic, summary="Reject an item (reviewers)")
def reject_item(item_id: RowId, db: DbDep, actor: ActorDep) -> ReviewItemPublic:
    return _item(review.reject(db, actor, item_id))


@router.post("/review/items/{item_id}/reopen", response_model=ReviewItemPublic,
             summary="Put an item back to pending review (reviewers)")
def reopen_item(item_id: RowId, db: DbDep, actor: ActorDep) -> ReviewItemPublic:
    return _item(review.reopen(db, actor, item_id))


@router.patch("/review/items/{item_id}", response_model=ReviewItemPublic,
              summary="Correct an item's fields or span and accept it; the old values are kept (reviewers)")
def edit_item(item_id: RowId, body: ReviewItemUpdate, db: DbDep, actor: ActorDep) -> ReviewItemPublic:
    return _item(review.edit(db, actor, item_id, body.model_dump(exclude_unset=True)))


@router.get("/documents/{plan_id}/review/golden", response_model=GoldenPublic,
            summary="Every correction (edit, reject, add) as golden extraction cases (reviewers)")
def export_golden(plan_id: RowId, db: DbDep, actor: ActorDep) -> GoldenPublic:
    g = review.export_golden(db, actor, plan_id)
    return GoldenPublic(plan_id=g.plan_id, cases=g.cases, toml=g.toml)


@router.post("/documents/{plan_id}/review/outcomes", status_code=201, response_model=ImportPublic,
             summary="Store the plan's accepted outcomes with a catalog indicator as observations (supervisors)")
def store_outcomes(plan_id: RowId, db: DbDep, actor: ActorDep) -> Any:
    v = observations.store_outcomes(db, actor, plan_id)
    return ImportPublic(import_id=v.import_id, file=v.file, rows=v.rows, inserted=v.inserted,
                          corrected=v.corrected, unchanged=v.unchanged)
