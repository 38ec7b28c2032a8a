"""The unit page ("my items": a department's targets and tasks, a month's value, an upload) and the
ranking page (an indicator among peer regions, now and at year end).

Routes call `services.units`, `services.observations` and `services.rankings`; the services decide who
may see which unit and what an editor may enter (the importer checks the editor's scope), so a refused
write is refused the same way as from the CLI or the API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from targetboard.errors import ImportRejected, Invalid, TargetboardError, Where
from targetboard.services import observations, rankings, regions, units
from targetboard.services.observations import ImportView
from targetboard.services.units import UnitWork
from targetboard.web.deps import ActorDep, DbDep, csrf_protect
from targetboard.web.errors import page_lang
from targetboard.web.i18n import message_in
from targetboard.web.pages import BADGE, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
STATUS_CODE = {"forbidden": 403, "not_found": 404, "conflict": 409, "unavailable": 503}


def _month_code(month: str) -> str:
    """An <input type=month> value (2022-07) or a code people type (2022M07, 2022年7月) → 2022M07."""
    from targetboard.services.tracking import parse_period

    text = month.strip()
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        text = f"{text[:4]}M{text[5:]}"
    p = parse_period(text)
    if p.kind != "M":
        raise Invalid(f"请填写月份（如 2022-07），而不是 {month}", f"give a month (e.g. 2022-07), not {month}",
                      where=Where(field="month"))
    return p.code


def _unit_page(request: Request, work: UnitWork, actor: ActorDep, *, result: ImportView | None = None,
               error: str | None = None, problems: list[str] | None = None, status_code: int = 200,
               form: dict[str, str] | None = None) -> Response:
    badges = {n.id: BADGE.get(n.status.status, "grey") if n.status else "grey" for n in work.items}
    return render(request, "unit.html", {"work": work, "badges": badges, "may_enter": work.may_enter, "result": result,
                                         "error": error, "problems": problems or [], "form": form or {}},
                  actor, status_code)


def failure(request: Request, e: TargetboardError) -> tuple[str, list[str], int]:
    """A service's refusal as (message in the page's language, the import problems, HTTP status)."""
    lang = page_lang(request)
    problems = [str(p) for p in e.problems] if isinstance(e, ImportRejected) else []
    return message_in(e.message("zh"), e.message("en"), lang), problems, STATUS_CODE.get(e.kind, 400)


@router.get("/my")
def my_items(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """A unit editor goes straight to its unit; others choose among the units they may open."""
    visible = units.visible_units(db, actor)
    if actor.role == "unit_editor" and len(visible) == 1:
        return RedirectResponse(f"/units/{visible[0].id}", status_code=303)
    return render(request, "units.html", {"units": visible}, actor)


@router.get("/units/{unit_id}")
def unit_page(request: Request, unit_id: int, db: DbDep, actor: ActorDep, as_of: str | None = None) -> Response:
    work = units.unit_work(db, actor, unit_id, as_of=as_of or None, thresholds=request.app.state.thresholds)
    return _unit_page(request, work, actor)


@router.post("/units/{unit_id}/value")
def enter_value(request: Request, unit_id: int, db: DbDep, actor: ActorDep,
                indicator: Annotated[str, Form(max_length=64)], month: Annotated[str, Form(max_length=16)],
                value: Annotated[str, Form(max_length=32)], cumulative: Annotated[bool, Form()] = False,
                growth: Annotated[str, Form(max_length=16)] = "",
                force: Annotated[bool, Form()] = False) -> Response:
    """A month's figure for one of the unit's indicators, through the same importer as a file."""
    work = units.unit_work(db, actor, unit_id, thresholds=request.app.state.thresholds)
    form = {"indicator": indicator, "month": month, "value": value, "growth": growth}
    entry = next((i for i in work.indicators if i.name == indicator), None)
    try:
        if entry is None:
            raise Invalid(f"{work.unit.name}没有以“{indicator}”为指标的目标", f"{work.unit.name} has no target "
                          f"on {indicator!r}", where=Where(field="indicator"))
        result = observations.enter_value(db, actor, region=work.unit.region_code, indicator=indicator,
                                          period=_month_code(month), value=value, unit=entry.unit,
                                          ytd=cumulative, growth=growth or None, force=force)
    except TargetboardError as e:
        error, problems, status = failure(request, e)
        return _unit_page(request, work, actor, error=error, problems=problems, status_code=status, form=form)
    work = units.unit_work(db, actor, unit_id, thresholds=request.app.state.thresholds)  # the new status
    return _unit_page(request, work, actor, result=result)


@router.post("/units/{unit_id}/upload")
async def upload_sheet(request: Request, unit_id: int, db: DbDep, actor: ActorDep,
                       file: Annotated[UploadFile, File()], force: Annotated[bool, Form()] = False) -> Response:
    """A CSV/XLSX sheet for the unit (the unit's region is the default region); the report is shown."""
    from targetboard.web.api import read_upload

    thresholds = request.app.state.thresholds
    work = await run_in_threadpool(units.unit_work, db, actor, unit_id, thresholds=thresholds)
    try:
        data, name = await read_upload(file)
        result = await run_in_threadpool(observations.import_observations, db, actor, data, filename=name,
                                         region=work.unit.region_code, force=force)
    except TargetboardError as e:
        error, problems, status = failure(request, e)
        return _unit_page(request, work, actor, error=error, problems=problems, status_code=status)
    work = await run_in_threadpool(units.unit_work, db, actor, unit_id, thresholds=thresholds)
    return _unit_page(request, work, actor, result=result)


@router.get("/rankings")
def ranking_page(request: Request, db: DbDep, actor: ActorDep, indicator: str | None = None,
                 region: str | None = None, period: str | None = None, by: str = "level") -> Response:
    """An indicator among the region's peers for a period, beside the ranking of year-end forecasts."""
    region_name = region or regions.home_region(db, actor)
    choices = rankings.rankable_indicators(db, region_name) if region_name else []
    page = None
    error = None
    chosen = indicator or (choices[0].name if choices else None)
    if region_name and chosen:
        try:
            page = rankings.ranking_page(db, chosen, region=region_name, period=period or None, by=by)
        except TargetboardError as e:
            error, _, _ = failure(request, e)
    chart = None
    if page is not None and page.now.with_data:
        chart = {"regions": [r.region_name for r in page.now.rows], "values": [r.value for r in page.now.rows],
                 "self": [r.is_self for r in page.now.rows], "unit": page.now.unit, "period": page.now.period}
    return render(request, "rankings.html", {"choices": choices, "indicator": chosen, "region": region_name or "",
                                             "period": period or "", "by": by, "page": page, "error": error,
                                             "ranking_chart": chart}, actor)


