"""Progress reports: the assigned unit reports on its item each period; the supervisor accepts or returns.

Why reports are due per period and not "whenever": the month-end scramble to collect figures is what
offices complain of; with a period per plan (monthly or quarterly) targetboard can say, on any day,
which unit owes which report, and which ones came back returned and are waiting to be redone.
Evidence files are kept with their SHA-256, size and type, refused when too large or of a type an
office cannot open safely (checked by content, not only by the name).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.errors import Conflict, Forbidden, Invalid, NotFound, Where
from targetboard.model.period import Period, PeriodError
from targetboard.services.actors import Actor, require_region
from targetboard.store import Database
from targetboard.store.audit import record
from targetboard.store.models import Assignment, EvidenceFile, Plan, PlanItem, ProgressReport, Region, Unit, utcnow
from targetboard.store.plans import get_item
from targetboard.store.regions import find_region

#: Evidence limits: at most this many bytes a file, and only these types (recognised by their first bytes).
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
#: Days after a period ends before its report counts as overdue (figures for June come in early July).
GRACE_DAYS = 5


@dataclass(frozen=True)
class ReportView:
    id: int
    item_id: int
    unit: str
    period: str
    text: str
    percent: int
    state: str
    comment: str
    evidence: tuple[tuple[str, int, str], ...]  # (filename, size, sha256)


@dataclass(frozen=True)
class DueReport:
    """A report a unit owes: missing after its period's grace days, or returned and not yet redone."""

    unit: str
    item_id: int
    item_text: str
    period: str
    reason: str  # overdue, returned; due (within the grace days) when asked for
    due: date | None = None  # the day the report was (or is) due
    comment: str = ""  # the supervisor's comment on a returned report
    unit_id: int | None = None


def _evidence(files: list[tuple[str, bytes]]) -> list[tuple[str, str, bytes]]:
    """Check every file before any is stored: (filename, content type, data)."""
    out = []
    for name, data in files:
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in EVIDENCE_TYPES:
            raise Invalid(f"佐证材料 {name} 的类型不被接受，应为 {'、'.join(sorted(EVIDENCE_TYPES))}",
                          f"evidence {name}: type not accepted; expected {', '.join(sorted(EVIDENCE_TYPES))}",
                          where=Where(file=name))
        content_type, magics = EVIDENCE_TYPES[suffix]
        if len(data) > MAX_EVIDENCE_BYTES:
            raise Invalid(f"佐证材料 {name} 超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB",
                          f"evidence {name} is larger than {MAX_EVIDENCE_BYTES // 1024 // 1024} MB",
                          where=Where(file=name))
        if not data or not data.startswith(magics):
            raise Invalid(f"佐证材料 {name} 的内容与其扩展名不符",
                          f"evidence {name}: its content is not a {suffix} file", where=Where(file=name))
        out.append((name, content_type, data))
    return out


def _check_period(period: str, every: str) -> str:
    try:
        p = Period.parse(period)
    except PeriodError as e:
        raise Invalid(f"报告期 {period!r} 无效：{e.zh}", f"reporting period {period!r}: {e.en}") from None
    wanted = "M" if every == "month" else "Q"
    if p.kind != wanted:
        raise Invalid(f"该规划按{'月' if every == 'month' else '季度'}报告，报告期应形如 "
                      f"{'2022M06' if every == 'month' else '2022Q2'}",
                      f"this plan reports every {every}; expected a period such as "
                      f"{'2022M06' if every == 'month' else '2022Q2'}")
    return p.code


def _lead_unit(s: Session, item_id: int) -> Unit | None:
    q = (select(Unit).join(Assignment, Assignment.unit_id == Unit.id)
         .where(Assignment.plan_item_id == item_id, Assignment.ended_at.is_(None), Assignment.role == "lead"))
    return s.scalar(q)


def _view(s: Session, r: ProgressReport) -> ReportView:
    unit = s.get(Unit, r.unit_id)
    files = tuple((f.filename, f.size, f.sha256) for f in
                  s.scalars(select(EvidenceFile).where(EvidenceFile.report_id == r.id).order_by(EvidenceFile.id)))
    return ReportView(r.id, r.plan_item_id, unit.name if unit else "", r.period, r.text, r.percent, r.state,
                      r.comment, files)


def submit_report(db: Database, actor: Actor, item_id: int, period: str, *, text: str, percent: int,
                  evidence: list[tuple[str, bytes]] | None = None) -> ReportView:
    """The lead unit reports on its item for a period (again, after a return). Accepted reports are final."""
    if not text.strip():
        raise Invalid("报告内容不能为空", "the report text is empty")
    if not 0 <= percent <= 100:
        raise Invalid(f"完成进度 {percent} 应在 0-100 之间", f"percent {percent}: expected 0-100")
    files = _evidence(evidence or [])
    with db.write("reports") as s:
        item = get_item(s, item_id)
        code = _check_period(period, item.plan.report_every)
        unit = _lead_unit(s, item_id)
        if unit is None:
            raise Conflict(f"条目 {item_id} 还没有牵头单位，不能填报", f"plan item {item_id} has no lead unit yet")
        require_region(actor, item.plan.region)
        if actor.role not in ("admin", "supervisor"):
            actor.require("unit_editor")
            actor.require_unit(unit.id)
        report = s.scalar(select(ProgressReport).where(ProgressReport.plan_item_id == item_id,
                                                       ProgressReport.unit_id == unit.id,
                                                       ProgressReport.period == code))
        now = utcnow()
        if report is not None and report.state == "accepted":
            raise Conflict(f"{code} 的报告已通过审核，不能再修改", f"the {code} report was accepted; it is final")
        old = None if report is None else {"text": report.text, "percent": report.percent, "state": report.state}
        if report is None:
            report = ProgressReport(plan_item_id=item_id, unit_id=unit.id, period=code, text=text.strip(),
                                    percent=percent, state="submitted", comment="", submitted_by=actor.name,
                                    submitted_at=now)
            s.add(report)
        else:
            report.text, report.percent, report.state = text.strip(), percent, "submitted"
            report.submitted_by, report.submitted_at = actor.name, now
        s.flush()
        for name, content_type, data in files:
            s.add(EvidenceFile(report_id=report.id, filename=name[:255], content_type=content_type, size=len(data),
                               sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by=actor.name,
                               uploaded_at=now))
        s.flush()
        record(s, "report.submit", "progress_report", report.id, actor=actor.name, item=item_id, period=code,
               percent=percent, old=old, files=[f[0] for f in files])
        return _view(s, report)


def review_report(db: Database, actor: Actor, report_id: int, *, accept: bool, comment: str = "") -> ReportView:
    """The supervisor accepts a submitted report, or returns it with a comment saying what is missing."""
    actor.require("supervisor")
    if not accept and not comment.strip():
        raise Invalid("退回报告时须说明原因", "returning a report needs a comment saying why")
    with db.write("reports") as s:
        report = s.get(ProgressReport, report_id)
        if report is None:
            raise NotFound(f"报告 {report_id} 不存在", f"report {report_id}: not found")
        require_region(actor, get_item(s, report.plan_item_id).plan.region)
        if report.state != "submitted":
            raise Conflict(f"报告 {report_id} 当前为“{report.state}”，只有待审核的报告可以审核",
                           f"report {report_id} is {report.state}; only a submitted report can be reviewed")
        report.state = "accepted" if accept else "returned"
        report.comment, report.reviewed_by, report.reviewed_at = comment.strip(), actor.name, utcnow()
        s.flush()
        record(s, "report.accept" if accept else "report.return", "progress_report", report.id, actor=actor.name,
               comment=comment.strip() or None)
        return _view(s, report)


def _periods(every: str, year: int, today: date, *, upcoming: bool = False) -> list[tuple[str, date]]:
    """The reporting periods of `year` whose grace days have passed by `today`, with their due dates.

    With `upcoming`, also the periods that have ended but are still within their grace days (due soon).
    """
    out = []
    codes = [f"{year}M{m:02d}" for m in range(1, 13)] if every == "month" else [f"{year}Q{q}" for q in range(1, 5)]
    for code in codes:
        p = Period.parse(code)
        end = date(p.year + (p.last_month == 12), p.last_month % 12 + 1, 1) - timedelta(days=1)
        due = end + timedelta(days=GRACE_DAYS)
        if due < today or (upcoming and end < today):
            out.append((code, due))
    return out


def owed_reports(s: Session, *, today: date, region_ids: Collection[int] | None = None,
                 unit_ids: Collection[int] | None = None, upcoming: bool = False) -> list[DueReport]:
    """The reports owed on `today` in the plans of `region_ids` (None: every region), for the lead units
    among `unit_ids` (None: every unit): overdue, returned and, with `upcoming`, due within the grace days.

    One query for the assignments and one for the reports, whatever the number of units: reminders ask
    this for a whole city at once.
    """
    q = (select(PlanItem, Plan, Unit)
         .join(Plan, Plan.id == PlanItem.plan_id)
         .join(Assignment, Assignment.plan_item_id == PlanItem.id)
         .join(Unit, Unit.id == Assignment.unit_id)
         .where(Assignment.ended_at.is_(None), Assignment.role == "lead",
                PlanItem.kind.in_(("task", "target")), PlanItem.review_state != "rejected")
         .order_by(Unit.name, PlanItem.position))
    if region_ids is not None:
        q = q.where(Plan.region_id.in_(list(region_ids)))
    if unit_ids is not None:
        q = q.where(Unit.id.in_(list(unit_ids)))
    rows = s.execute(q).all()
    reports = {(r.plan_item_id, r.unit_id, r.period): r for r in s.scalars(
        select(ProgressReport).where(ProgressReport.plan_item_id.in_([i.id for i, _, _ in rows])))}
    out: list[DueReport] = []
    for item, plan, unit in rows:
        for code, due in _periods(plan.report_every, plan.year, today, upcoming=upcoming):
            report = reports.get((item.id, unit.id, code))
            if report is None:
                reason = "overdue" if due < today else "due"
                out.append(DueReport(unit.name, item.id, item.text or "", code, reason, due, "", unit.id))
            elif report.state == "returned":
                out.append(DueReport(unit.name, item.id, item.text or "", code, "returned", due, report.comment,
                                     unit.id))
    return out


def reports_due(db: Database, *, region: str, today: date, upcoming: bool = False) -> list[DueReport]:
    """Every report owed in a region's plans as of `today`: overdue ones and returned ones, by unit
    (with `upcoming`, also those due within their grace days)."""
    with db.read() as s:
        reg: Region = find_region(s, region)
        return owed_reports(s, today=today, region_ids=[reg.id], upcoming=upcoming)


# --- what one person sees of the reports (pages, API) ---------------------------------------------

@dataclass(frozen=True)
class ReportRow:
    """A report with what a list shows beside it."""

    report: ReportView
    item_text: str
    submitted_by: str
    submitted_at: datetime


def _scope(s: Session, actor: Actor, region: Region) -> list[int] | None:
    """The unit ids whose reports `actor` may see in `region` (None: every unit's)."""
    if actor.role == "supervisor":
        require_region(actor, region)
    if actor.role == "unit_editor":
        return sorted(actor.unit_ids)
    return None


def reports_for(db: Database, actor: Actor, *, region: str, state: str | None = None,
                limit: int = 200) -> list[ReportRow]:
    """The region's reports that `actor` may see (a unit editor: its units'), newest first."""
    with db.read() as s:
        reg = find_region(s, region)
        units = _scope(s, actor, reg)
        q = (select(ProgressReport, PlanItem.text).join(PlanItem, PlanItem.id == ProgressReport.plan_item_id)
             .join(Plan, Plan.id == PlanItem.plan_id).where(Plan.region_id == reg.id)
             .order_by(ProgressReport.submitted_at.desc(), ProgressReport.id.desc()).limit(limit))
        if units is not None:
            q = q.where(ProgressReport.unit_id.in_(units))
        if state is not None:
            q = q.where(ProgressReport.state == state)
        return [ReportRow(_view(s, r), text or "", r.submitted_by, r.submitted_at) for r, text in s.execute(q).all()]


def due_for(db: Database, actor: Actor, *, region: str, today: date, upcoming: bool = True) -> list[DueReport]:
    """The region's owed reports (`owed_reports`) that `actor` answers for or oversees: a unit editor its
    own units' only; with `upcoming`, also those due within their grace days."""
    with db.read() as s:
        reg = find_region(s, region)
        return owed_reports(s, today=today, region_ids=[reg.id], unit_ids=_scope(s, actor, reg), upcoming=upcoming)


def evidence_file(db: Database, actor: Actor, report_id: int, sha256: str) -> tuple[str, str, bytes]:
    """One evidence file of a report, by its SHA-256 (name, content type, bytes), for someone who may see
    the report (a unit editor: its own units' reports)."""
    with db.read() as s:
        f = s.scalar(select(EvidenceFile).where(EvidenceFile.report_id == report_id, EvidenceFile.sha256 == sha256)
                     .limit(1))
        if f is None:
            raise NotFound(f"报告 {report_id} 没有这份佐证材料", f"report {report_id} has no such evidence file")
        report = s.get(ProgressReport, report_id)
        assert report is not None
        units = _scope(s, actor, get_item(s, report.plan_item_id).plan.region)
        if units is not None and report.unit_id not in units:
            raise Forbidden(f"{actor.name} 只能查看本单位的报告", f"{actor.name} may see only its own unit's reports")
        return f.filename, f.content_type, f.data
