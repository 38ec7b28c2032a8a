"""The monthly supervision bulletin (督查通报): gather a region's figures for a period into one value.

What goes in, each from the service that owns it:
- every tracked target of the period's year with its status as of the period (`tracking`), and its
  lead unit;
- the progress reports owed on the bulletin's day: overdue and returned ones (`reports`);
- ledger entries with a red or yellow light on that day, of every kind (`ledgers`);
- the league table: the assessment run published for this period; else a fresh (unpublished) run of
  the scheme file given; else the latest run published before the period; else none.

The day lights and overdue reports are judged on defaults to the sixth day after the period's end (the
day its reports become overdue), so a bulletin of a past month is the same whenever it is made. The
writers (`targetboard.bulletin.write_docx`, `write_xlsx`) turn the value into files.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from targetboard.accountability.bulletin import (
    COLOUR_OF_STATUS,
    Bulletin,
    League,
    LeagueLine,
    LedgerLine,
    ReportLine,
    TargetLine,
)
from targetboard.accountability.ledger import ledger_kinds
from targetboard.accountability.scheme import load_scheme
from targetboard.accountability.scoring import AssessmentResult
from targetboard.model.period import Period
from targetboard.services import assessment, ledgers, reports, tracking
from targetboard.services.actors import Actor
from targetboard.store import Database
from targetboard.store.models import Assignment, Snapshot, Unit
from targetboard.store.regions import find_region

COMPARATOR_TEXT = {">": "突破", ">=": "不低于", "<": "低于", "<=": "不高于", "~": "约", "=": "", "range": ""}


def period_label(p: Period) -> str:
    """2022年6月, 2022年第二季度, 2022年上半年, 2022年."""
    if p.kind == "M":
        return f"{p.year}年{p.last_month}月"
    if p.kind == "Q":
        return f"{p.year}年第{'一二三四'[p.last_month // 3 - 1]}季度"
    if p.kind == "H":
        return f"{p.year}年{'上' if p.last_month == 6 else '下'}半年"
    return f"{p.year}年"


def period_end(p: Period) -> date:
    return date(p.year + (p.last_month == 12), p.last_month % 12 + 1, 1) - timedelta(days=1)


def default_day(p: Period, today: date | None = None) -> date:
    """The day a period's bulletin judges lights and overdue reports on: when its reports fall overdue
    (the period's end + the grace days + 1), or today if that is still ahead."""
    day = period_end(p) + timedelta(days=reports.GRACE_DAYS + 1)
    return min(day, today or date.today())


def _targets(db: Database, region: str, p: Period) -> tuple[TargetLine, ...]:
    rows = tracking.target_statuses(db, region=region, year=p.year, as_of=p.code)
    with db.read() as s:
        leads = dict(s.execute(select(Assignment.plan_item_id, Unit.name).join(Unit, Unit.id == Assignment.unit_id)
                               .where(Assignment.ended_at.is_(None), Assignment.role == "lead",
                                      Assignment.plan_item_id.in_([r.item_id for r in rows]))).all())
    out = []
    for r in rows:
        colour = COLOUR_OF_STATUS.get(r.status.status, "grey") if r.status else "grey"
        goal = f"{COMPARATOR_TEXT.get(r.comparator, r.comparator)}{r.value:g}{r.unit or ''}"
        explanation = r.status.explanation if r.status else "指标不在目录中，未跟踪"
        out.append(TargetLine(r.item_id, r.item_text or r.metric, r.metric, goal, leads.get(r.item_id), colour,
                              r.label, explanation))
    return tuple(out)


def _ledgers(db: Database, region: str, day: date) -> tuple[tuple[LedgerLine, ...], tuple[tuple[str, int, int], ...]]:
    lines: list[LedgerLine] = []
    counts: list[tuple[str, int, int]] = []
    for kind in ledger_kinds().values():
        entries = ledgers.list_entries(db, region=region, kind=kind.id, today=day)
        if not entries:
            continue
        lit = [e for e in entries if e.light in ("red", "yellow")]
        lit.sort(key=lambda e: (e.light != "red", e.deadline or date.max, len(e.ref), e.ref))
        lines.extend(LedgerLine(kind.name, e.id, e.ref, e.title, e.unit, e.deadline, e.state_name, e.light,
                                e.progress) for e in lit)
        counts.append((kind.name, sum(e.light == "red" for e in lit), sum(e.light == "yellow" for e in lit)))
    return tuple(lines), tuple(counts)


def _league_of(result: AssessmentResult, scheme: str, period: str, snapshot_id: int | None) -> League:
    return League(scheme, period, snapshot_id, tuple(LeagueLine(s.rank, s.name, s.total, s.movement, s.vetoed)
                                                     for s in result.table))


def _published(db: Database, region: str, p: Period, *, exact: bool) -> League | None:
    """The newest published run of the period (exact) or of the latest period up to it."""
    with db.read() as s:
        reg = find_region(s, region)
        snaps = list(s.scalars(select(Snapshot).where(Snapshot.kind == "assessment", Snapshot.region_id == reg.id)
                               .order_by(Snapshot.id.desc())))
    best: tuple[tuple[int, int], Snapshot] | None = None
    for snap in snaps:
        try:
            sp = Period.parse(snap.period or "")
        except ValueError:
            continue
        key = (sp.year, sp.last_month)
        if (exact and sp.code != p.code) or key > (p.year, p.last_month):
            continue
        if best is None or key > best[0]:
            best = (key, snap)
    if best is None:
        return None
    snap = best[1]
    results = json.loads(snap.results)
    rows = tuple(LeagueLine(int(r["rank"]), str(r["name"]), str(r["total"]), r.get("movement"), bool(r["vetoed"]))
                 for r in results["table"])
    scheme = snap.label.rsplit(" ", 1)[0] if " " in snap.label else snap.label
    return League(scheme, snap.period or "", snap.id, rows)


def build_bulletin(db: Database, actor: Actor, *, region: str, period: str, day: date | None = None,
                   scheme_file: str | Path | None = None) -> Bulletin:
    """Everything the bulletin of `region` for `period` shows (see the module's docstring).

    Any account may read a bulletin (it is circulated to every unit); a fresh run of `scheme_file` is
    an assessment run and needs a supervisor, as `assess run` does.
    """
    p = tracking.parse_period(period)  # PeriodError (Invalid) names what is wrong with it
    with db.read() as s:
        name = find_region(s, region).name
    on = day or default_day(p)
    targets = _targets(db, region, p)
    owed = reports.reports_due(db, region=region, today=on)
    report_lines = tuple(ReportLine(d.unit, d.item_id, d.item_text, d.period, d.reason, d.comment) for d in owed)
    ledger_lines, ledger_counts = _ledgers(db, region, on)
    league = _published(db, region, p, exact=True)
    if league is None and scheme_file is not None:
        view = assessment.run_assessment(db, actor, scheme_file, region=region, year=p.year, as_of=p.code, day=on)
        league = _league_of(view.result, load_scheme(scheme_file).name, p.code, None)
    if league is None:
        league = _published(db, region, p, exact=False)
    return Bulletin(name, p.code, period_label(p), on, targets, report_lines, ledger_lines, league, ledger_counts)
