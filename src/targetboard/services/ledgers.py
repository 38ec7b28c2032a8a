"""Ledgers (台账): import an office's sheet (all or nothing), move entries through their states, see the
deadline lights, export the sheet back.

Why the state only moves through `move`: a ledger is evidence for scoring (overdue and returned entries
cost points) and for the supervision bulletin; a sheet that could flip 整改中 to 已销号 by re-import would
let anyone sign off their own findings. Imports create entries and update their text; every state change
is a step the kind allows, by the role allowed to take it, recorded in `ledger_event`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from targetboard.accountability.ledger import LedgerKind, Light, ledger_kind, light
from targetboard.errors import ImportRejected, NotFound
from targetboard.ingest.ledgers import LedgerRow, read_ledger, write_ledger
from targetboard.ingest.problems import Problem
from targetboard.services.actors import Actor, require_region
from targetboard.store import Database
from targetboard.store.audit import record
from targetboard.store.models import LedgerEntry, LedgerEvent, Region, Unit, utcnow
from targetboard.store.regions import find_region, units_of

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
                                  comment=sheet.file, actor=actor.name, at=now))
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
         today: date | None = None) -> LedgerEntryView:
    """Take one step (start, submit, sign_off, return ...) if the entry's kind allows it for the actor."""
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
        before = entry.state
        entry.state = k.step(before, action, role=actor.role)
        if action == "return":
            entry.returned_count += 1
        now = utcnow()
        entry.updated_at = now
        s.add(LedgerEvent(entry_id=entry.id, action=action, from_state=before, to_state=entry.state,
                          comment=comment, actor=actor.name, at=now))
        s.flush()
        record(s, "ledger.move", "ledger_entry", entry.id, actor=actor.name, step=action, old=before,
               new=entry.state, comment=comment or None)
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
