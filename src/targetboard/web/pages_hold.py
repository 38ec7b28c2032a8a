"""Hold-to-account pages: ledgers (台账) with their deadline lights and steps, and assessment league tables.

Routes call `services.ledgers` and `services.assessment`; who may see an entry and which steps a person
may take are decided there (`entries_for`, `move`), so a step refused here is refused the same way on
the CLI and the API. Ledger kinds, states and steps are data (`accountability/ledger_kinds.toml`); their
Chinese names are listed below for the page catalogues, and a test keeps the list complete.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from targetboard import bulletin as bulletin_files
from targetboard.accountability import bulletin_text
from targetboard.accountability.ledger import ledger_kinds
from targetboard.errors import Invalid, TargetboardError, Where
from targetboard.services import assessment, bulletin, ledgers, regions, reports, tracking
from targetboard.web.deps import ActorDep, DbDep, csrf_protect
from targetboard.web.i18n import N_
from targetboard.web.pages import render
from targetboard.web.pages_units import failure

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])

#: The names of `ledger_kinds.toml` (kinds, states, steps) and the lights, for the catalogues.
LEDGER_LABELS = (
    N_("整改台账"), N_("安全隐患台账"), N_("重大项目台账"), N_("企业上市台账"),
    N_("未启动"), N_("整改中"), N_("已完成待验收"), N_("已销号"), N_("谋划"), N_("签约"), N_("开工"), N_("竣工"),
    N_("投产"), N_("辅导备案"), N_("申报"), N_("受理"), N_("过会"), N_("注册"), N_("上市"),
    N_("开始整改"), N_("提交验收"), N_("验收销号"), N_("退回"), N_("重新打开"), N_("确认投产"), N_("确认上市"),
    N_("绿灯"), N_("黄灯"), N_("红灯"), N_("已办结"),
)
LIGHT_NAMES = {"green": N_("绿灯"), "yellow": N_("黄灯"), "red": N_("红灯"), "done": N_("已办结")}


def _day(text: str | None) -> date:
    """The day the lights are judged on (a page may look back: the demo's day is 2022-07-01)."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"日期 {text!r} 无效，应为 2022-07-01 这样的格式", f"day {text!r}: expected 2022-07-01",
                      where=Where(field="day")) from None


def _region(db: DbDep, actor: ActorDep, region: str | None) -> str:
    name = region or regions.home_region(db, actor)
    if name is None:
        raise Invalid("还没有地区可查看：先导入规划", "no region to show yet: import a plan first")
    return name


# --- ledgers --------------------------------------------------------------------------------------

def _ledger_page(request: Request, db: DbDep, actor: ActorDep, *, kind: str, region: str | None, day: str | None,
                 error: str | None = None, problems: list[str] | None = None, imported: object = None,
                 status_code: int = 200) -> Response:
    when = _day(day)
    name = _region(db, actor, region)
    rows = ledgers.entries_for(db, actor, region=name, kind=kind, today=when)
    counts = {c: sum(1 for r in rows if r.entry.light == c) for c in ("red", "yellow", "green", "done")}
    return render(request, "ledgers.html", {"kinds": ledger_kinds(), "kind": kind, "region": name,
                                            "day": when.isoformat(), "rows": rows, "counts": counts,
                                            "light_names": LIGHT_NAMES, "error": error, "problems": problems or [],
                                            "imported": imported}, actor, status_code)


@router.get("/ledgers")
def ledger_page(request: Request, db: DbDep, actor: ActorDep, kind: str = "rectification", region: str | None = None,
                day: str | None = None) -> Response:
    return _ledger_page(request, db, actor, kind=kind, region=region, day=day)


@router.get("/ledgers/export")
def export_ledger(db: DbDep, actor: ActorDep, kind: str = "rectification", region: str | None = None,
                  day: str | None = None) -> Response:
    """The ledger as the usual Excel layout, lights of `day` (it imports back unchanged)."""
    name = _region(db, actor, region)
    when = _day(day)
    ledgers.entries_for(db, actor, region=name, kind=kind, today=when)  # the same read permission as the page
    data = ledgers.export_ledger(db, region=name, kind=kind, today=when)
    filename = f"{name}{ledger_kinds()[kind].name}{when:%Y%m%d}.xlsx"
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=\"ledger.xlsx\"; "
                                                    f"filename*=UTF-8''{quote(filename)}"})


@router.post("/ledgers/import")
async def import_ledger(request: Request, db: DbDep, actor: ActorDep, file: Annotated[UploadFile, File()],
                        kind: Annotated[str, Form(max_length=16)],
                        region: Annotated[str | None, Form(max_length=64)] = None) -> Response:
    """An office's ledger sheet, validated whole (supervisors); the report is shown in the page."""
    from targetboard.web.api import read_upload

    name = await run_in_threadpool(_region, db, actor, region)
    try:
        data, filename = await read_upload(file)
        result = await run_in_threadpool(ledgers.import_ledger, db, actor, data, kind=kind, region=name,
                                         filename=filename)
    except TargetboardError as e:
        error, problems, status = failure(request, e)
        return await run_in_threadpool(lambda: _ledger_page(request, db, actor, kind=kind, region=name, day=None,
                                                            error=error, problems=problems, status_code=status))
    return await run_in_threadpool(lambda: _ledger_page(request, db, actor, kind=kind, region=name, day=None,
                                                        imported=result))


def _entry_page(request: Request, db: DbDep, actor: ActorDep, entry_id: int, when: date, *,
                error: str | None = None, status_code: int = 200) -> Response:
    """An entry with its fields, history and the steps `actor` may take (and a refused step's message)."""
    row, events = ledgers.entry_for(db, actor, entry_id, today=when)
    kind = ledger_kinds()[row.entry.kind]
    return render(request, "ledger.html", {"row": row, "events": events, "day": when.isoformat(),
                                           "kind_name": kind.name, "states": kind.states,
                                           "light_names": LIGHT_NAMES, "error": error}, actor, status_code)


@router.get("/ledgers/{entry_id}")
def ledger_entry(request: Request, entry_id: int, db: DbDep, actor: ActorDep, day: str | None = None) -> Response:
    return _entry_page(request, db, actor, entry_id, _day(day))


@router.post("/ledgers/{entry_id}/move")
def move_entry(request: Request, entry_id: int, db: DbDep, actor: ActorDep,
               action: Annotated[str, Form(max_length=24)], comment: Annotated[str, Form(max_length=500)] = "",
               day: Annotated[str | None, Form(max_length=10)] = None) -> Response:
    """One step on an entry; back to the entry's page (the error in it when the step is refused)."""
    when = _day(day)
    try:
        ledgers.move(db, actor, entry_id, action, comment=comment, today=when)
    except TargetboardError as e:
        error, _, status = failure(request, e)
        return _entry_page(request, db, actor, entry_id, when, error=error, status_code=status)
    return RedirectResponse(f"/ledgers/{entry_id}?day={when.isoformat()}", status_code=303)


# --- assessment -----------------------------------------------------------------------------------

@router.get("/assessment")
def assessment_page(request: Request, db: DbDep, actor: ActorDep, region: str | None = None,
                    run: int | None = None) -> Response:
    """The region's published league tables; the chosen (or latest) one with every point's evidence."""
    name = _region(db, actor, region)
    runs = assessment.list_runs(db, region=name)
    chosen = assessment.get_run(db, run) if run is not None else (
        assessment.get_run(db, runs[0].snapshot_id) if runs else None)
    return render(request, "assessment.html", {"region": name, "runs": runs, "chosen": chosen,
                                               "result": chosen.result if chosen else None, "preview": False,
                                               "schemes": assessment.packaged_schemes()}, actor)


@router.post("/assessment/run")
def run_assessment(request: Request, db: DbDep, actor: ActorDep, scheme: Annotated[str, Form(max_length=64)],
                   as_of: Annotated[str, Form(max_length=16)], day: Annotated[str, Form(max_length=10)],
                   region: Annotated[str | None, Form(max_length=64)] = None,
                   publish: Annotated[bool, Form()] = False) -> Response:
    """Score the region's units with a shipped scheme (supervisors): a preview, or published as a snapshot."""
    name = _region(db, actor, region)
    choice = next((s for s in assessment.packaged_schemes() if s.id == scheme), None)
    if choice is None:
        raise Invalid(f"没有考核方案 {scheme!r}", f"no assessment scheme {scheme!r}", where=Where(field="scheme"))
    period = tracking.parse_period(as_of)
    view = assessment.run_assessment(db, actor, choice.file, region=name, year=period.year, as_of=period.code,
                                     day=_day(day), publish=publish)
    if view.snapshot_id is not None:
        return RedirectResponse(f"/assessment?run={view.snapshot_id}", status_code=303)
    runs = assessment.list_runs(db, region=name)
    return render(request, "assessment.html", {"region": name, "runs": runs, "chosen": None, "result": view.result,
                                               "preview": True, "schemes": assessment.packaged_schemes(),
                                               "form": {"scheme": scheme, "as_of": as_of, "day": day}}, actor)


@router.get("/assessment/{run_id}.json")
def export_run(run_id: int, db: DbDep, actor: ActorDep) -> Response:
    """A published run exactly as published (canonical JSON: every point with its evidence)."""
    run = assessment.get_run(db, run_id)
    return Response(run.result.to_json(), media_type="application/json",
                    headers={"Content-Disposition": f"attachment; filename=\"assessment-{run_id}.json\""})


# --- progress reports -----------------------------------------------------------------------------

REPORT_STATES = {"submitted": N_("待审核"), "accepted": N_("已通过"), "returned": N_("已退回")}
DUE_REASONS = {"overdue": N_("逾期未报"), "returned": N_("退回待重报"), "due": N_("即将到期")}
#: At most this many owed reports are listed (the count says how many there are).
DUE_SHOWN = 100


def _reports_page(request: Request, db: DbDep, actor: ActorDep, *, region: str | None, day: str | None,
                  error: str | None = None, done: str | None = None, status_code: int = 200) -> Response:
    name = _region(db, actor, region)
    when = _day(day)
    due = reports.due_for(db, actor, region=name, today=when)
    pending = reports.reports_for(db, actor, region=name, state="submitted")
    recent = reports.reports_for(db, actor, region=name, limit=50)
    return render(request, "reports.html", {"region": name, "day": when.isoformat(), "due": due[:DUE_SHOWN],
                                            "due_total": len(due), "pending": pending, "recent": recent,
                                            "states": REPORT_STATES, "reasons": DUE_REASONS, "error": error,
                                            "done": done, "types": ", ".join(sorted(reports.EVIDENCE_TYPES)),
                                            "max_mb": reports.MAX_EVIDENCE_BYTES // 1024 // 1024},
                  actor, status_code)


@router.get("/reports")
def reports_page(request: Request, db: DbDep, actor: ActorDep, region: str | None = None,
                 day: str | None = None, done: str | None = None) -> Response:
    """Reports owed (overdue or returned), reports waiting for review, and the latest reports."""
    return _reports_page(request, db, actor, region=region, day=day, done=done)


@router.post("/reports")
async def submit_report(request: Request, db: DbDep, actor: ActorDep, item_id: Annotated[int, Form()],
                        period: Annotated[str, Form(max_length=16)], text: Annotated[str, Form(max_length=4000)],
                        percent: Annotated[int, Form(ge=0, le=100)],
                        files: Annotated[list[UploadFile] | None, File()] = None,
                        day: Annotated[str | None, Form(max_length=10)] = None) -> Response:
    """The lead unit's report on an item for a period, with evidence files (checked by content)."""
    evidence = []
    for f in files or []:
        if f.filename:
            evidence.append((f.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1],
                             await f.read(reports.MAX_EVIDENCE_BYTES + 1)))
    try:
        view = await run_in_threadpool(lambda: reports.submit_report(db, actor, item_id, period, text=text,
                                                                     percent=percent, evidence=evidence))
    except TargetboardError as e:
        error, _, status = failure(request, e)
        return await run_in_threadpool(lambda: _reports_page(request, db, actor, region=None, day=day, error=error,
                                                             status_code=status))
    return RedirectResponse(f"/reports?day={_day(day).isoformat()}&done=submitted-{view.id}", status_code=303)


@router.post("/reports/{report_id}/review")
def review_report(request: Request, report_id: int, db: DbDep, actor: ActorDep,
                  decision: Annotated[str, Form(pattern="^(accept|return)$")],
                  comment: Annotated[str, Form(max_length=1000)] = "",
                  day: Annotated[str | None, Form(max_length=10)] = None) -> Response:
    """Accept a submitted report, or return it with what is missing (supervisors)."""
    try:
        reports.review_report(db, actor, report_id, accept=decision == "accept", comment=comment)
    except TargetboardError as e:
        error, _, status = failure(request, e)
        return _reports_page(request, db, actor, region=None, day=day, error=error, status_code=status)
    return RedirectResponse(f"/reports?day={_day(day).isoformat()}", status_code=303)


@router.get("/reports/{report_id}/evidence/{sha256}")
def evidence(report_id: int, sha256: str, db: DbDep, actor: ActorDep) -> Response:
    """An evidence file as a download (never shown inline: it is a unit's upload)."""
    name, content_type, data = reports.evidence_file(db, actor, report_id, sha256)
    disposition = f"attachment; filename=\"evidence\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=content_type, headers={"Content-Disposition": disposition})


# --- the monthly bulletin -------------------------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _default_period() -> str:
    """Last month: a bulletin reports on a month that has ended."""
    today = date.today()
    return f"{today.year - 1}M12" if today.month == 1 else f"{today.year}M{today.month - 1:02d}"


@router.get("/bulletin")
def bulletin_page(request: Request, db: DbDep, actor: ActorDep, period: str | None = None,
                  day: str | None = None, region: str | None = None) -> Response:
    """The month's supervision bulletin: its summary here, the Word and Excel files to download."""
    name = _region(db, actor, region)
    code = period or _default_period()
    b = bulletin.build_bulletin(db, actor, region=name, period=code, day=_day(day) if day else None)
    return render(request, "bulletin.html", {"b": b, "summary": bulletin_text.summary(b), "period": code,
                                             "day": day or "", "region": name}, actor)


@router.get("/bulletin/{fmt}")
def bulletin_file(fmt: str, db: DbDep, actor: ActorDep, period: str, day: str | None = None,
                  region: str | None = None) -> Response:
    """The bulletin as .docx (title, summary, tables, charts in a CJK font) or .xlsx (the same tables)."""
    if fmt not in ("docx", "xlsx"):
        raise Invalid(f"通报格式 {fmt!r} 无效，应为 docx 或 xlsx", f"bulletin format {fmt!r}: expected docx or xlsx",
                      where=Where(field="fmt"))
    name = _region(db, actor, region)
    b = bulletin.build_bulletin(db, actor, region=name, period=period, day=_day(day) if day else None)
    data = bulletin_files.write_docx(b) if fmt == "docx" else bulletin_files.write_xlsx(b)
    filename = f"{b.title}.{fmt}"
    return Response(data, media_type=DOCX if fmt == "docx" else XLSX,
                    headers={"Content-Disposition": f"attachment; filename=\"bulletin.{fmt}\"; "
                                                    f"filename*=UTF-8''{quote(filename)}"})
