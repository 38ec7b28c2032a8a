"""Ledgers (台账): import an office's sheet (all or nothing), move entries through their states, see the
deadline lights, export the sheet back.

Why the state only moves through `move`: a ledger is evidence for scoring (overdue and returned entries
cost points) and for the supervision bulletin; a sheet that could flip 整改中 to 已销号 by re-import would
let anyone sign off their own findings. Imports create entries and update their text; every state change
is a step the kind allows, by the role allowed to take it, recorded in `ledger_event`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from targetboard.accountability.ledger import (
    LedgerFilter,
    LedgerKind,
    Light,
    Step,
    ledger_kind,
    light,
    reached,
    resolve_state,
    state_on,
)
from targetboard.analytics import Thresholds, evaluate
from targetboard.analytics.target import TargetSpec
from targetboard.catalog import load_catalog
from targetboard.errors import ImportRejected, Invalid, NotFound, Where
from targetboard.ingest.ledgers import LedgerRow, read_ledger, write_ledger
from targetboard.ingest.problems import Problem
from targetboard.model.observation import ObservationRecord
from targetboard.model.period import Period
from targetboard.services.actors import Actor, require_region
from targetboard.store import Database
from targetboard.store.audit import record
from targetboard.store.models import (
    IndicatorRow,
    LedgerEntry,
    LedgerEvent,
    Plan,
    PlanItem,
    Region,
    Target,
    TargetLedgerLink,
    Unit,
    utcnow,
)
from targetboard.store.regions import find_region, units_of
from targetboard.store.tracking import StatusRow

#: Days before a deadline from which an open entry shows a yellow light.
WARN_DAYS = 7


@dataclass(frozen=True)
class LedgerEntryView:
    id: int
    kind: str
    ref: str
    title: str
    unit: str | None
    deadline: date | None
    state: str
    state_name: str
    progress: str
    light: Light
    returned: int
    fields: dict[str, str]


@dataclass(frozen=True)
class LedgerImportView:
    file: str
    created: int
    updated: int
    unchanged: int


def _view(e: LedgerEntry, kind: LedgerKind, today: date, warn_days: int = WARN_DAYS) -> LedgerEntryView:
    return LedgerEntryView(e.id, e.kind, e.ref, e.title, e.unit.name if e.unit else None, e.deadline, e.state,
                           kind.states[e.state], e.progress,
                           light(e.deadline, today, closed=e.state in kind.closed, warn_days=warn_days),
                           e.returned_count, json.loads(e.fields or "{}"))


def _entries(s: Session, region: Region, kind: str) -> dict[str, LedgerEntry]:
    q = (select(LedgerEntry).where(LedgerEntry.region_id == region.id, LedgerEntry.kind == kind)
         .options(selectinload(LedgerEntry.unit)))  # one query for the units, not one per entry
    return {e.ref: e for e in s.scalars(q)}


def import_ledger(db: Database, actor: Actor, source: str | Path | bytes, *, kind: str, region: str,
                  filename: str | None = None) -> LedgerImportView:
    """Validate the whole sheet, then create and update entries in one transaction (or nothing)."""
    actor.require("supervisor")
    k = ledger_kind(kind)
    sheet = read_ledger(source, k, filename=filename)
    if sheet.problems:
        raise ImportRejected(sheet.file, sheet.problems, hint="fix the sheet and import it again; nothing was stored")
    with db.write("ledgers") as s:
        reg = find_region(s, region)
        require_region(actor, reg)
        units = {u.name: u for u in units_of(s, reg)}
        existing = _entries(s, reg, kind)
        problems = _check_rows(sheet.file, sheet.rows, units, existing, k, reg)
        if problems:
            raise ImportRejected(sheet.file, problems, hint="nothing was stored")
        created = updated = unchanged = 0
        now = utcnow()
        for row in sheet.rows:
            unit = units.get(row.unit) if row.unit else None
            fields = json.dumps(row.fields, ensure_ascii=False, sort_keys=True)
            entry = existing.get(row.ref)
            if entry is None:
                entry = LedgerEntry(kind=kind, region_id=reg.id, ref=row.ref, title=row.title,
                                    unit_id=unit.id if unit else None, deadline=row.deadline,
                                    state=row.state or k.initial, progress=row.progress, fields=fields,
                                    returned_count=0, created_by=actor.name, created_at=now, updated_at=now)
                s.add(entry)
                s.flush()
                s.add(LedgerEvent(entry_id=entry.id, action="import", from_state=None, to_state=entry.state,
                                  comment=sheet.file, actor=actor.name, at=now, effective_on=date.today()))
                created += 1
                continue
            new = (row.title, unit.id if unit else None, row.deadline, row.progress, fields)
            if (entry.title, entry.unit_id, entry.deadline, entry.progress, entry.fields) == new:
                unchanged += 1
                continue
            entry.title, entry.unit_id, entry.deadline, entry.progress, entry.fields = new
            entry.updated_at = now
            updated += 1
        s.flush()
        if created or updated:  # like an observation import: a sheet that changes nothing leaves no trace
            record(s, "ledger.import", "ledger", kind, actor=actor.name, file=sheet.file, region=reg.name,
                   created=created, updated=updated, unchanged=unchanged)
        return LedgerImportView(sheet.file, created, updated, unchanged)


def _check_rows(file: str, rows: list[LedgerRow], units: dict[str, Unit], existing: dict[str, LedgerEntry],
                kind: LedgerKind, region: Region) -> list[Problem]:
    problems: list[Problem] = []
    for row in rows:
        if row.unit and row.unit not in units:
            known = "、".join(sorted(units)) or "无"
            problems.append(Problem(file, row.sheet, row.row, "责任单位",
                                    f"unit {row.unit!r} is not a unit of {region.name} (units there: {known}); "
                                    "add it with `targetboard unit add` first"))
        entry = existing.get(row.ref)
        if entry is not None and row.state is not None and row.state != entry.state:
            problems.append(Problem(file, row.sheet, row.row, "状态",
                                    f"entry {row.ref} is {kind.states[entry.state]} in "
                                    f"the ledger but {kind.states[row.state]} in the sheet; a state changes only by "
                                    "a ledger step (`targetboard ledger move`), not by import"))
    return problems


def move(db: Database, actor: Actor, entry_id: int, action: str, *, comment: str = "",
         today: date | None = None, on: date | None = None) -> LedgerEntryView:
    """Take one step (start, submit, sign_off, return ...) if the entry's kind allows it for the actor.

    `on` is the day the step happened (开工 on 2022-05-10) when it is recorded later; it defaults to
    today, may not be in the future, nor before the entry's previous step (steps keep their order).
    Count targets linked to the ledger read it.
    """
    day = on or date.today()
    if day > date.today():
        raise Invalid(f"步骤日期 {day} 不能晚于今天", f"the step's day {day} is in the future", where=Where(field="on"))
    with db.write("ledgers") as s:
        entry = s.get(LedgerEntry, entry_id)
        if entry is None:
            raise NotFound(f"台账事项 {entry_id} 不存在", f"ledger entry {entry_id}: not found")
        region = s.get(Region, entry.region_id)
        assert region is not None
        require_region(actor, region)
        if actor.role not in ("admin", "supervisor"):
            actor.require_unit(entry.unit_id)
        k = ledger_kind(entry.kind)
        last = s.execute(select(LedgerEvent.effective_on, LedgerEvent.at)
                         .where(LedgerEvent.entry_id == entry.id, LedgerEvent.action != "import")
                         .order_by(LedgerEvent.id.desc()).limit(1)).first()
        if last is not None and day < (last[0] or last[1].date()):
            raise Invalid(f"步骤日期 {day} 早于该事项上一步骤的日期 {last[0] or last[1].date()}",
                          f"the step's day {day} is before the entry's previous step "
                          f"({last[0] or last[1].date()})", where=Where(field="on"))
        before = entry.state
        entry.state = k.step(before, action, role=actor.role)
        if action == "return":
            entry.returned_count += 1
        now = utcnow()
        entry.updated_at = now
        s.add(LedgerEvent(entry_id=entry.id, action=action, from_state=before, to_state=entry.state,
                          comment=comment, actor=actor.name, at=now, effective_on=day))
        s.flush()
        record(s, "ledger.move", "ledger_entry", entry.id, actor=actor.name, step=action, old=before,
               new=entry.state, comment=comment or None, on=day.isoformat())
        return _view(entry, k, today or date.today())


def list_entries(db: Database, *, region: str, kind: str, today: date | None = None,
                 unit: str | None = None) -> list[LedgerEntryView]:
    k = ledger_kind(kind)
    with db.read() as s:
        reg = find_region(s, region)
        rows = sorted(_entries(s, reg, kind).values(), key=lambda e: (len(e.ref), e.ref))
        views = [_view(e, k, today or date.today()) for e in rows]
    return [v for v in views if unit is None or v.unit == unit]


def history(db: Database, entry_id: int) -> list[dict[str, Any]]:
    with db.read() as s:
        q = select(LedgerEvent).where(LedgerEvent.entry_id == entry_id).order_by(LedgerEvent.id)
        return [{"action": e.action, "from": e.from_state, "to": e.to_state, "actor": e.actor, "at": e.at,
                 "comment": e.comment} for e in s.scalars(q)]


def export_ledger(db: Database, *, region: str, kind: str, today: date | None = None) -> bytes:
    """The ledger as an .xlsx in the usual layout, with the lights of `today`; it imports back unchanged."""
    k = ledger_kind(kind)
    entries = [{"ref": v.ref, "title": v.title, "unit": v.unit, "deadline": v.deadline, "progress": v.progress,
                "state": v.state, "fields": v.fields, "light": v.light}
               for v in list_entries(db, region=region, kind=kind, today=today)]
    return write_ledger(k, entries, today=today or date.today())


@dataclass(frozen=True)
class LedgerCounts:
    """What scoring needs of one unit's entries: how many are overdue, how often they were returned."""

    overdue: int
    returned: int
    entry_ids: tuple[int, ...]


def counts_by_unit(db: Database, *, region: str, kind: str, as_of: date) -> dict[str, LedgerCounts]:
    """Per unit: entries overdue on `as_of` (red light) and how often its entries were returned.

    Plain rows, no ORM objects: an assessment asks this for every ledger kind of a region at once.
    """
    k = ledger_kind(kind)
    with db.read() as s:
        reg = find_region(s, region)
        q = (select(Unit.name, LedgerEntry.id, LedgerEntry.deadline, LedgerEntry.state, LedgerEntry.returned_count)
             .join(Unit, Unit.id == LedgerEntry.unit_id)
             .where(LedgerEntry.region_id == reg.id, LedgerEntry.kind == kind).order_by(LedgerEntry.id))
        rows = s.execute(q).all()
    overdue: dict[str, int] = {}
    returned: dict[str, int] = {}
    ids: dict[str, list[int]] = {}
    for unit, entry_id, deadline, state, times in rows:
        late = light(deadline, as_of, closed=state in k.closed) == "red"
        overdue[unit] = overdue.get(unit, 0) + late
        returned[unit] = returned.get(unit, 0) + times
        ids.setdefault(unit, []).append(entry_id)
    return {u: LedgerCounts(overdue[u], returned[u], tuple(ids[u])) for u in sorted(ids)}


# --- Count targets linked to a ledger ---------------------------------------------------------------------

#: Units a count target may be in when its metric is not in the catalog (30亿元以上项目 ... 个).
COUNT_UNITS = frozenset({"个", "家", "项", "户", "件", "座", "宗", "所", "台", "套", "批", "只"})


@dataclass(frozen=True)
class LedgerLinkView:
    target_id: int
    metric: str
    kind: str
    kind_name: str
    state: str
    state_name: str
    filters: tuple[str, ...]


def _link_view(link: TargetLedgerLink, metric: str) -> LedgerLinkView:
    k = ledger_kind(link.kind)
    filters = tuple(str(LedgerFilter(*f)) for f in json.loads(link.filters))
    return LedgerLinkView(link.target_id, metric, link.kind, k.name, link.state, k.states[link.state], filters)


def link_target(db: Database, actor: Actor, target_id: int, *, kind: str, state: str,
                filters: Sequence[str] = ()) -> LedgerLinkView:
    """Let a count target's actual come from a ledger: the entries of `kind` in the target's region that
    reached `state` (by the day of the step) and pass every filter. Replaces an earlier link (audited)."""
    actor.require("supervisor")
    k = ledger_kind(kind)
    wanted = resolve_state(k, state)
    parsed = [LedgerFilter.parse(f) for f in filters]
    with db.write("ledgers") as s:
        target = s.get(Target, target_id)
        if target is None:
            raise NotFound(f"目标 {target_id} 不存在", f"target {target_id}: not found",
                           hint="see `targetboard status`")
        item = s.get(PlanItem, target.plan_item_id)
        assert item is not None
        require_region(actor, item.plan.region)
        indicator = s.get(IndicatorRow, target.indicator_id) if target.indicator_id else None
        countable = indicator.kind == "count" if indicator else (target.unit or "个") in COUNT_UNITS
        if target.measure != "level" or not countable:
            raise Invalid(f"目标 {target_id}（{target.metric}）不是计数目标（如 家、个、项），不能由台账计数",
                          f"target {target_id} ({target.metric}) is not a count target (家, 个, 项 ...); a ledger "
                          "can only count", where=Where(field="target"))
        link = s.scalar(select(TargetLedgerLink).where(TargetLedgerLink.target_id == target_id))
        new = {"kind": kind, "state": wanted, "filters": [str(f) for f in parsed]}
        old = None
        if link is None:
            link = TargetLedgerLink(target_id=target_id, kind=kind, state=wanted, created_by=actor.name,
                                    created_at=utcnow())
            s.add(link)
        else:
            old = {"kind": link.kind, "state": link.state,
                   "filters": [str(LedgerFilter(*f)) for f in json.loads(link.filters)]}
        link.kind, link.state = kind, wanted
        link.filters = json.dumps([[f.field, f.op, f.value] for f in parsed], ensure_ascii=False)
        s.flush()
        record(s, "ledger.link", "target", target_id, actor=actor.name, old=old, new=new)
        return _link_view(link, target.metric)


def unlink_target(db: Database, actor: Actor, target_id: int) -> None:
    """The target's actual comes from the observations again (audited)."""
    actor.require("supervisor")
    with db.write("ledgers") as s:
        link = s.scalar(select(TargetLedgerLink).where(TargetLedgerLink.target_id == target_id))
        if link is None:
            raise NotFound(f"目标 {target_id} 没有关联台账", f"target {target_id} is not linked to a ledger")
        old = {"kind": link.kind, "state": link.state, "filters": json.loads(link.filters)}
        s.delete(link)
        record(s, "ledger.unlink", "target", target_id, actor=actor.name, old=old)


def list_links(db: Database, *, region: str | None = None) -> list[LedgerLinkView]:
    with db.read() as s:
        q = (select(TargetLedgerLink, Target.metric).join(Target, Target.id == TargetLedgerLink.target_id)
             .order_by(TargetLedgerLink.target_id))
        if region is not None:
            reg = find_region(s, region)
            q = (q.join(PlanItem, PlanItem.id == Target.plan_item_id).join(Plan, Plan.id == PlanItem.plan_id)
                 .where(Plan.region_id == reg.id))
        return [_link_view(link, metric) for link, metric in s.execute(q).all()]


@dataclass(frozen=True)
class _Counted:
    entry_id: int
    ref: str
    fields: dict[str, str]
    steps: list[Step]


def _ledger_entries(s: Session, region_id: int, kind: str) -> list[_Counted]:
    """A region's entries of a kind with their columns (责任单位 included) and steps, in two queries."""
    rows = s.execute(select(LedgerEntry.id, LedgerEntry.ref, LedgerEntry.fields, Unit.name)
                     .outerjoin(Unit, Unit.id == LedgerEntry.unit_id)
                     .where(LedgerEntry.region_id == region_id, LedgerEntry.kind == kind)
                     .order_by(LedgerEntry.id)).all()
    steps: dict[int, list[Step]] = {}
    for entry_id, to_state, on, at in s.execute(
            select(LedgerEvent.entry_id, LedgerEvent.to_state, LedgerEvent.effective_on, LedgerEvent.at)
            .join(LedgerEntry, LedgerEntry.id == LedgerEvent.entry_id)
            .where(LedgerEntry.region_id == region_id, LedgerEntry.kind == kind).order_by(LedgerEvent.id)).all():
        steps.setdefault(entry_id, []).append(Step(to_state, on or at.date()))
    out = []
    for entry_id, ref, fields, unit in rows:
        cols = dict(json.loads(fields or "{}"))
        if unit:
            cols["责任单位"] = unit
        out.append(_Counted(entry_id, ref, cols, steps.get(entry_id, [])))
    return out


def count_reached(kind: LedgerKind, entries: Sequence[_Counted], state: str, filters: Sequence[LedgerFilter],
                  day: date) -> list[int]:
    """The ids of the entries that pass every filter and had reached `state` by the end of `day`."""
    return [e.entry_id for e in entries if all(f.matches(e.fields) for f in filters)
            and reached(kind, state_on(kind, e.steps, day), state)]


def _month_end(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def with_ledger_actuals(s: Session, rows: Sequence[StatusRow], *, as_of: str | None,
                        thresholds: Thresholds | None = None, today: date | None = None) -> list[StatusRow]:
    """The status rows with every ledger-linked target judged on its ledger count instead of observations.

    For each month of the target's year up to `as_of` (or up to this month), the count at the month's end
    becomes a count reading; the usual analytics judge it (a count stands for the year), and the
    explanation names the ledger and the entries counted.
    """
    ids = [r.target_id for r in rows]
    if not ids:
        return list(rows)
    links = {link.target_id: link for link in s.scalars(
        select(TargetLedgerLink).where(TargetLedgerLink.target_id.in_(ids)))}
    if not links:
        return list(rows)
    info = {tid: (ind, comparator, value, high, unit, period, year, region_id, code) for
            tid, ind, comparator, value, high, unit, period, year, region_id, code in s.execute(
                select(Target.id, Target.indicator_id, Target.comparator, Target.value, Target.value_high, Target.unit,
                       Target.period, Plan.year, Plan.region_id, Region.code)
                .join(PlanItem, PlanItem.id == Target.plan_item_id).join(Plan, Plan.id == PlanItem.plan_id)
                .join(Region, Region.id == Plan.region_id).where(Target.id.in_(list(links)))).all()}
    catalog = load_catalog()
    cut = Period.parse(as_of) if as_of else None
    now = today or date.today()
    cache: dict[tuple[int, str], list[_Counted]] = {}
    out = []
    for row in rows:
        link = links.get(row.target_id)
        if link is None:
            out.append(row)
            continue
        ind_id, comparator, value, high, unit, period, plan_year, region_id, code = info[row.target_id]
        year = _year_of(period, plan_year)
        k = ledger_kind(link.kind)
        filters = [LedgerFilter(*f) for f in json.loads(link.filters)]
        entries = cache.setdefault((region_id, link.kind), _ledger_entries(s, region_id, link.kind))
        last = 12 if cut is None or cut.year > year else cut.last_month if cut.year == year else 0
        if cut is None and year == now.year:
            last = now.month
        ind = catalog.find(ind_id) if ind_id else None
        indicator = f"ledger:{link.kind}"
        spec = TargetSpec(target_id=str(row.target_id), region_code=code, indicator_id=indicator,
                          indicator_name=ind.name if ind else row.metric, unit=unit or (ind.unit if ind else "个"),
                          kind="count", measure="level", comparator=comparator, value=value, value_high=high,
                          year=year, higher_is_better=ind.higher_is_better if ind else True)
        readings = []
        counted: list[int] = []
        for month in range(1, last + 1):
            counted = count_reached(k, entries, link.state, filters, _month_end(year, month))
            readings.append(ObservationRecord(code, indicator, f"{year}M{month:02d}", False, float(len(counted)),
                                              None, f"ledger:{link.kind}"))
        status = evaluate(spec, readings, as_of=cut.code if cut else None, thresholds=thresholds or Thresholds())
        where = "、".join(str(f) for f in filters)
        refs = {e.entry_id: e.ref for e in entries}
        source = (f"（{k.name}中{'符合' + where + '且' if where else ''}已达“{k.states[link.state]}”的事项"
                  f"{len(counted)}项{'：序号' + '、'.join(refs[i] for i in counted) if counted else ''}）")
        source_en = (f" ({len(counted)} {link.kind} ledger entries{' with ' + where if where else ''} had reached "
                     f"{link.state}{': no. ' + ', '.join(refs[i] for i in counted) if counted else ''})")
        # Both languages worded now, the ledger named in each (the English one is read from text_en once
        # the basis it would be worded from is dropped).
        status = dataclasses.replace(status, text=status.explanation + source,
                                     text_en=status.explanation_en + source_en, basis=None)
        out.append(dataclasses.replace(row, status=status))
    return out


def _year_of(period: str | None, plan_year: int) -> int:
    """The target's year: its own period's (2022, 2022M12 ...), else its plan's."""
    try:
        return Period.parse(period).year if period else plan_year
    except ValueError:
        return plan_year


# --- what one person sees of a ledger (pages, API) ------------------------------------------------

@dataclass(frozen=True)
class LedgerAction:
    action: str
    name: str  # the step's Chinese name (开始整改, 验收销号 ...)


@dataclass(frozen=True)
class VisibleEntry:
    """An entry as `actor` sees it, with the steps `actor` may take on it now."""

    entry: LedgerEntryView
    actions: tuple[LedgerAction, ...]


def _actions(actor: Actor, entry: LedgerEntryView, unit_ids: dict[str, int]) -> tuple[LedgerAction, ...]:
    """The steps the kind allows from the entry's state that `actor` may take (the same rules as `move`)."""
    if actor.role == "viewer":
        return ()
    own = actor.role in ("admin", "supervisor") or (entry.unit is not None and unit_ids.get(entry.unit)
                                                   in actor.unit_ids)
    return tuple(LedgerAction(t.action, t.name) for t in ledger_kind(entry.kind).allowed(entry.state)
                 if own and (t.by == "unit" or actor.role in ("admin", "supervisor")))


def entries_for(db: Database, actor: Actor, *, region: str, kind: str, today: date | None = None
                ) -> list[VisibleEntry]:
    """The region's entries of `kind` that `actor` may see: a unit editor its own units' entries only;
    supervisors (of the region), admins and viewers all of them."""
    k = ledger_kind(kind)
    with db.read() as s:
        reg = find_region(s, region)
        if actor.role == "supervisor":
            require_region(actor, reg)
        unit_ids = {u.name: u.id for u in units_of(s, reg)}
        rows = sorted(_entries(s, reg, kind).values(), key=lambda e: (len(e.ref), e.ref))
        if actor.role == "unit_editor":
            rows = [e for e in rows if e.unit_id in actor.unit_ids]
        views = [_view(e, k, today or date.today()) for e in rows]
    return [VisibleEntry(v, _actions(actor, v, unit_ids)) for v in views]


def entry_for(db: Database, actor: Actor, entry_id: int, *, today: date | None = None
              ) -> tuple[VisibleEntry, list[dict[str, Any]]]:
    """One entry with its history, if `actor` may see it (NotFound / Forbidden otherwise)."""
    with db.read() as s:
        entry = s.get(LedgerEntry, entry_id)
        if entry is None:
            raise NotFound(f"台账事项 {entry_id} 不存在", f"ledger entry {entry_id}: not found")
        region = s.get(Region, entry.region_id)
        assert region is not None
        if actor.role == "supervisor":
            require_region(actor, region)
        if actor.role == "unit_editor":
            actor.require_unit(entry.unit_id)
        view = _view(entry, ledger_kind(entry.kind), today or date.today())
        unit_ids = {u.name: u.id for u in units_of(s, region)}
    return VisibleEntry(view, _actions(actor, view, unit_ids)), history(db, entry_id)
