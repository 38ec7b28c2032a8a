"""The document page and the review screen (server-rendered; `static/review.js` adds text selection).

Why a page of its own: the extractor is right about 9 times in 10 on unseen documents, so a supervisor
reads every extracted item beside its sentence and accepts, corrects or rejects it, and adds what was
missed by selecting it in the text. Every form posts back here and redirects to the screen (no script
needed; the script only fills the offsets of a selection). The decisions, the permission checks and
the golden-case export are `services.review`'s; routes here shape the results for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from targetboard.errors import Invalid, TargetboardError
from targetboard.services import observations, review, web_support
from targetboard.services.review import FIELD_NAMES, ReviewItem, ReviewSheet
from targetboard.web.deps import ActorDep, DbDep, csrf_protect
from targetboard.web.i18n import N_
from targetboard.web.pages import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])

#: The reviewer's view of an item's state (`services.review.STATES`).
STATE_ZH = {"pending": N_("待审核"), "accepted": N_("已采纳"), "edited": N_("已修改"), "rejected": N_("已驳回"),
            "added": N_("人工添加")}
#: The four kinds of extracted item, in the legend's order.
ITEM_KINDS = ("target", "outcome", "ranking", "task")
#: Field labels of the edit and add forms.
FIELD_ZH = {"kind": N_("类型"), "start": N_("起点"), "end": N_("终点"), "metric": N_("指标名称"),
            "indicator": N_("目录指标"), "measure": N_("口径"), "value": N_("数值"), "value_high": N_("上限"),
            "unit": N_("单位"), "comparator": N_("比较"), "period": N_("时期"), "modality": N_("语气"),
            "rank": N_("名次"), "peer_group": N_("比较范围"), "region": N_("地区")}
CHOICES = {"measure": ("level", "growth", "change"), "comparator": (">", ">=", "<", "<=", "~", "=", "range"),
           "modality": ("strive", "ensure", "expect")}
CHOICE_ZH = {"level": N_("总量"), "growth": N_("增速"), "change": N_("变动"), "strive": N_("力争"),
             "ensure": N_("确保"), "expect": N_("预期")}
CONTEXT_CHARS = 30


def num(value: float | int | None) -> str:
    """A number for an input field: 1300, not 1300.0; nothing for None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Row:
    item: ReviewItem
    before: str
    after: str


def _rows(sheet: ReviewSheet) -> list[Row]:
    text = sheet.document_text
    return [Row(i, text[max(0, i.start - CONTEXT_CHARS):i.start], text[i.end:i.end + CONTEXT_CHARS])
            for i in sheet.items]


def _segments(sheet: ReviewSheet, *, skip_rejected: bool = False) -> list[web_support.Segment]:
    spans = [(i.id, i.start, i.end) for i in sheet.items if not (skip_rejected and i.state == "rejected")]
    return web_support.document_segments(sheet.document_text, spans)


def _context(sheet: ReviewSheet) -> dict[str, Any]:
    return {"sheet": sheet, "items": {i.id: i for i in sheet.items}, "state_zh": STATE_ZH, "item_kinds": ITEM_KINDS,
            "field_zh": FIELD_ZH, "field_names": FIELD_NAMES, "choices": CHOICES, "choice_zh": CHOICE_ZH, "num": num}


@router.get("/documents/{plan_id}")
def document_page(request: Request, plan_id: int, db: DbDep, actor: ActorDep) -> Response:
    """The original text with every extracted item highlighted by kind; accepted items link to their page."""
    sheet = review.document_view(db, plan_id)
    ordered = sorted(sheet.items, key=lambda i: (i.start, i.id))
    return render(request, "document.html", {**_context(sheet), "segments": _segments(sheet), "ordered": ordered,
                                             "may_review": actor.role in ("admin", "supervisor")}, actor)


def _review_page(request: Request, db: DbDep, actor: ActorDep, plan_id: int, *, error: str | None = None,
                 notice: str | None = None, status_code: int = 200, form: dict[str, Any] | None = None) -> Response:
    sheet = review.review_sheet(db, actor, plan_id)
    values: dict[str, Any] = {"kind": "target", "start": None, "end": None, **dict.fromkeys(FIELD_NAMES),
                              **(form or {})}
    add_text = ""
    try:
        start, end = int(str(values["start"])), int(str(values["end"]))
        add_text = sheet.document_text[start:end] if 0 <= start < end else ""
    except ValueError:
        pass
    return render(request, "review.html", {**_context(sheet), "segments": _segments(sheet), "rows": _rows(sheet),
                                           "error": error, "notice": notice, "add_values": values,
                                           "add_text": add_text}, actor, status_code=status_code)


@router.get("/documents/{plan_id}/review")
def review_page(request: Request, plan_id: int, db: DbDep, actor: ActorDep) -> Response:
    """The review screen (admins and the supervisors of the plan's region; others get 403)."""
    return _review_page(request, db, actor, plan_id)


def _back(plan_id: int, item_id: int | None = None) -> Response:
    anchor = f"#item-{item_id}" if item_id is not None else ""
    return RedirectResponse(f"/documents/{plan_id}/review{anchor}", status_code=303)


async def _form(request: Request) -> dict[str, object]:
    form = await request.form()
    return review.form_changes({k: v for k, v in form.items() if isinstance(v, str)})


def _refused(request: Request, db: DbDep, actor: ActorDep, plan_id: int, err: Invalid,
             form: dict[str, Any] | None = None) -> Response:
    """An invalid correction: the screen again, with the message and what was typed (nothing stored)."""
    from targetboard.web.pages import _error_text

    return _review_page(request, db, actor, plan_id, error=_error_text(request, err), status_code=400, form=form)


@router.post("/documents/{plan_id}/review/items/{item_id}/accept")
def accept_item(plan_id: int, item_id: int, db: DbDep, actor: ActorDep) -> Response:
    review.accept(db, actor, item_id, plan_id=plan_id)
    return _back(plan_id, item_id)


@router.post("/documents/{plan_id}/review/items/{item_id}/reject")
def reject_item(plan_id: int, item_id: int, db: DbDep, actor: ActorDep) -> Response:
    review.reject(db, actor, item_id, plan_id=plan_id)
    return _back(plan_id, item_id)


@router.post("/documents/{plan_id}/review/items/{item_id}/reopen")
def reopen_item(plan_id: int, item_id: int, db: DbDep, actor: ActorDep) -> Response:
    review.reopen(db, actor, item_id, plan_id=plan_id)
    return _back(plan_id, item_id)


@router.post("/documents/{plan_id}/review/items/{item_id}/edit")
async def edit_item(request: Request, plan_id: int, item_id: int, db: DbDep, actor: ActorDep) -> Response:
    changes = await _form(request)
    try:
        review.edit(db, actor, item_id, changes, plan_id=plan_id)
    except Invalid as e:
        return _refused(request, db, actor, plan_id, e)
    return _back(plan_id, item_id)


@router.post("/documents/{plan_id}/review/add")
async def add_item(request: Request, plan_id: int, db: DbDep, actor: ActorDep) -> Response:
    changes = await _form(request)
    try:
        item = review.add(db, actor, plan_id, changes)
    except Invalid as e:
        return _refused(request, db, actor, plan_id, e, form=changes)
    return _back(plan_id, item.id)


@router.post("/documents/{plan_id}/review/outcomes")
def store_outcomes(request: Request, plan_id: int, db: DbDep, actor: ActorDep) -> Response:
    """Store the accepted outcomes with a catalog indicator as observations (the importer's rules)."""
    from targetboard.web.pages import _error_text, _t

    try:
        result = observations.store_outcomes(db, actor, plan_id)
    except TargetboardError as e:
        if e.kind == "forbidden":
            raise
        problems = [str(p) for p in getattr(e, "problems", [])]
        message = _error_text(request, e) + ("：" + "；".join(problems) if problems else "")
        return _review_page(request, db, actor, plan_id, error=message, status_code=400)
    notice = _t(request, "已存为观测数据：新增 %(inserted)s，更正 %(corrected)s，未变 %(unchanged)s") % {
        "inserted": result.inserted, "corrected": result.corrected, "unchanged": result.unchanged}
    return _review_page(request, db, actor, plan_id, notice=notice)


@router.get("/documents/{plan_id}/review/golden.toml")
def golden_cases(plan_id: int, db: DbDep, actor: ActorDep) -> Response:
    """Every correction as a golden extraction case (download)."""
    exported = review.export_golden(db, actor, plan_id)
    return Response(exported.toml, media_type="application/toml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="review-plan-{plan_id}-golden.toml"'})
