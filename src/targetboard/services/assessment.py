"""Assessment runs (考核): gather each unit's inputs from the stored data, score them with a scheme,
publish the league table as a snapshot.

Where the inputs come from, per rule:
- `step` / `linear` on an indicator: the targets of that indicator assigned to the unit (lead), each
  judged on its latest actual to date against the target value (growth targets on the growth);
- `rank` on an indicator: the units ranked by that completion ratio;
- `ledger` of a kind: the unit's overdue entries (red light on the day of the run) and returns;
- `bonus` / `penalty` / `veto`: counted events the office records (an events sheet: 单位, 考核项, 次数, 依据).
Every input names its evidence (target, observation period, ledger entries, the event's basis), so a
published point can be traced back. A published run is a snapshot: later corrections do not move it,
and the next run's movement (进位/退位) is measured against it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select

from targetboard.accountability.scheme import Scheme, load_scheme
from targetboard.accountability.scoring import (
    AssessmentResult,
    Evidence,
    ItemInput,
    ItemScore,
    SubjectScore,
    run_scheme,
)
from targetboard.errors import ImportRejected, Invalid, NotFound
from targetboard.ingest.problems import Problem
from targetboard.services.actors import Actor, require_region
from targetboard.services.ledgers import LedgerCounts, counts_by_unit, with_ledger_actuals
from targetboard.store import Database
from targetboard.store.models import Assignment, Snapshot, Target, Unit
from targetboard.store.regions import find_region, units_of
from targetboard.store.snapshots import create_snapshot
from targetboard.store.tracking import status_rows


@dataclass(frozen=True)
class AssessmentView:
    result: AssessmentResult
    snapshot_id: int | None  # set once published


def read_events(source: str | Path, scheme: Scheme, units: set[str]) -> dict[tuple[str, str], ItemInput]:
    """An events sheet (CSV: 单位, 考核项, 次数, 依据) for bonus, penalty and veto items; checked whole."""
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise Invalid(f"{path.name}：无法读取（{e.strerror}）", f"{path.name}: cannot read ({e.strerror})") from None
    adjust = {i.id: i for _, i in scheme.items() if i.rule in ("bonus", "penalty", "veto")}
    by_name = {i.name: i.id for i in adjust.values()} | {i: i for i in adjust}
    out: dict[tuple[str, str], ItemInput] = {}
    problems: list[Problem] = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        unit, item, count, basis = (row.get(k, "").strip() for k in ("单位", "考核项", "次数", "依据"))
        if unit not in units:
            problems.append(Problem(path.name, None, n, "单位", f"{unit!r} is not a unit being assessed"))
            continue
        if item not in by_name:
            problems.append(Problem(path.name, None, n, "考核项", f"{item!r} is not a bonus, penalty or veto item of "
                                    f"the scheme; expected one of {'、'.join(i.name for i in adjust.values())}"))
            continue
        if not count.isdigit():
            problems.append(Problem(path.name, None, n, "次数", f"{count!r} is not a whole number"))
            continue
        key = (unit, by_name[item])
        before = out.get(key, ItemInput())
        out[key] = ItemInput(events=before.events + int(count),
                             evidence=(*before.evidence, Evidence("event", f"{path.name}#{n}", basis)))
    if problems:
        raise ImportRejected(path.name, problems)
    return out


def gather_inputs(db: Database, scheme: Scheme, *, region: str, year: int, as_of: str,
                  day: date) -> tuple[dict[str, str], dict[tuple[str, str], ItemInput]]:
    """(subjects, inputs) from the stored targets, observations and ledgers; subjects are unit names."""
    with db.read() as s:
        reg = find_region(s, region)
        subjects = {u.name: u.name for u in units_of(s, reg) if u.kind == scheme.subjects}
        rows = {r.target_id: r for r in with_ledger_actuals(s, status_rows(s, region=reg, year=year, as_of=as_of),
                                                            as_of=as_of, today=day)}
        leads = dict(s.execute(select(Assignment.plan_item_id, Unit.name).join(Unit, Unit.id == Assignment.unit_id)
                               .where(Assignment.ended_at.is_(None), Assignment.role == "lead")).all())
        by_indicator: dict[str, list[tuple[int, str, str, str, str, float, str | None]]] = {}
        q = (select(Target.id, Target.plan_item_id, Target.indicator_id, Target.measure, Target.metric,
                    Target.comparator, Target.value, Target.unit).where(Target.id.in_(list(rows))))
        for tid, item_id, ind, measure, metric, comparator, value, unit_word in s.execute(q).all():
            lead = leads.get(item_id)
            if ind and lead in subjects:
                by_indicator.setdefault(ind, []).append((tid, lead, measure, metric, comparator, value, unit_word))
    inputs: dict[tuple[str, str], ItemInput] = {}
    ledger_counts: dict[str, dict[str, LedgerCounts]] = {}
    for _, item in scheme.items():
        if item.indicator and item.rule in ("step", "linear", "rank"):
            ratios: dict[str, float] = {}
            for tid, unit, measure, metric, comparator, value, unit_word in by_indicator.get(item.indicator, []):
                row = rows[tid]
                if row.status is None:
                    continue
                actual = row.status.latest_growth if measure == "growth" else row.status.latest_value
                evidence = (Evidence("target", str(tid), f"{metric} {comparator} {value:g}{unit_word or ''}"),
                            Evidence("observation", f"{reg.code}/{item.indicator}/{row.status.latest_period}",
                                     "" if actual is None else f"{actual:g}"))
                inputs[(unit, item.id)] = ItemInput(actual=actual, target=row.value, evidence=evidence)
                if actual is not None and row.value:
                    ratios[unit] = actual / row.value
            if item.rule == "rank":
                order = sorted(ratios, key=lambda u: (-ratios[u], u))
                place = 0
                for i, unit in enumerate(order):  # competition ranking: equal ratios share the better place
                    if i == 0 or ratios[unit] != ratios[order[i - 1]]:
                        place = i + 1
                    inputs[(unit, item.id)] = ItemInput(rank=place, evidence=inputs[(unit, item.id)].evidence)
        elif item.rule == "ledger" and item.ledger:
            if item.ledger not in ledger_counts:
                ledger_counts[item.ledger] = counts_by_unit(db, region=region, kind=item.ledger, as_of=day)
            for unit, c in ledger_counts[item.ledger].items():
                if unit in subjects:
                    inputs[(unit, item.id)] = ItemInput(overdue=c.overdue, returned=c.returned, evidence=tuple(
                        Evidence("ledger", str(i)) for i in c.entry_ids))
    return subjects, inputs


def run_assessment(db: Database, actor: Actor, scheme_file: str | Path, *, region: str, year: int, as_of: str,
                   day: date, events_file: str | Path | None = None, publish: bool = False) -> AssessmentView:
    """Score the region's units with the scheme; with `publish`, freeze the run as a snapshot."""
    actor.require("supervisor")
    scheme = load_scheme(scheme_file)
    subjects, inputs = gather_inputs(db, scheme, region=region, year=year, as_of=as_of, day=day)
    if not subjects:
        raise Invalid(f"{region}没有类型为 {scheme.subjects} 的单位可考核", f"{region} has no {scheme.subjects} units "
                      "to assess", hint="add them with `targetboard unit add NAME --kind ...`")
    if events_file is not None:
        inputs.update(read_events(events_file, scheme, set(subjects)))
    previous = _previous_ranks(db, scheme, region)
    result = run_scheme(scheme, period=as_of, subjects=subjects, inputs=inputs, previous_ranks=previous)
    if not publish:
        return AssessmentView(result, None)
    with db.write("snapshots") as s:
        reg = find_region(s, region)
        require_region(actor, reg)
        raw_inputs = {f"{k[0]}|{k[1]}": asdict(v) for k, v in sorted(inputs.items())}
        snap = create_snapshot(
            s, kind="assessment", label=f"{scheme.name} {as_of}", region_id=reg.id, period=as_of,
            params={"scheme": scheme.id, "version": scheme.version, "day": day.isoformat()},
            inputs={"scheme": Path(scheme_file).read_text(encoding="utf-8"), "inputs": raw_inputs},
            results=json.loads(result.to_json()), actor=actor.name)
        return AssessmentView(result, snap.id)


def _previous_ranks(db: Database, scheme: Scheme, region: str) -> dict[str, int] | None:
    """The ranks of the last published run of this scheme in this region, for 进位/退位."""
    with db.read() as s:
        reg = find_region(s, region)
        rows = s.scalars(select(Snapshot).where(Snapshot.kind == "assessment", Snapshot.region_id == reg.id)
                         .order_by(Snapshot.id.desc()))
        for snap in rows:
            if json.loads(snap.params).get("scheme") == scheme.id:
                return {row["subject"]: row["rank"] for row in json.loads(snap.results)["table"]}
    return None


# --- published runs, for the pages and the API ----------------------------------------------------

@dataclass(frozen=True)
class RunSummary:
    snapshot_id: int
    label: str
    period: str | None
    scheme_id: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class PublishedRun:
    summary: RunSummary
    result: AssessmentResult


@dataclass(frozen=True)
class SchemeChoice:
    """A scheme shipped with targetboard (the sample schemes), offered by the assessment page."""

    id: str
    name: str
    version: str
    subjects: str
    file: str


def _summary(snap: Snapshot) -> RunSummary:
    return RunSummary(snap.id, snap.label, snap.period, str(json.loads(snap.params).get("scheme", "")),
                      snap.created_by, snap.created_at)


def _result(raw: dict[str, Any]) -> AssessmentResult:
    """An AssessmentResult back from its published JSON (`AssessmentResult.to_json`)."""
    table = tuple(
        SubjectScore(s["subject"], s["name"], s["total"], s["rank"], s["movement"], s["vetoed"],
                     tuple(ItemScore(i["item_id"], i["rule"], i["points"], i["max_points"], i["explanation"],
                                     tuple(Evidence(e["kind"], e["ref"], e.get("note", "")) for e in i["evidence"]))
                           for i in s["items"]))
        for s in raw["table"])
    return AssessmentResult(raw["scheme_id"], raw["scheme_version"], raw["period"], table)


def list_runs(db: Database, *, region: str) -> list[RunSummary]:
    """The region's published assessment runs, newest first."""
    with db.read() as s:
        reg = find_region(s, region)
        rows = s.scalars(select(Snapshot).where(Snapshot.kind == "assessment", Snapshot.region_id == reg.id)
                         .order_by(Snapshot.id.desc()))
        return [_summary(r) for r in rows]


def get_run(db: Database, snapshot_id: int) -> PublishedRun:
    """One published run as it was published (NotFound when no assessment snapshot has that id)."""
    with db.read() as s:
        snap = s.get(Snapshot, snapshot_id)
        if snap is None or snap.kind != "assessment":
            raise NotFound(f"考核结果 {snapshot_id} 不存在", f"assessment run {snapshot_id}: not found")
        return PublishedRun(_summary(snap), _result(json.loads(snap.results)))


def packaged_schemes() -> list[SchemeChoice]:
    """The schemes shipped in the package's data folder (sample schemes, labelled so in their names)."""
    folder = resources.files("targetboard").joinpath("data")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith("scheme_") and entry.name.endswith(".toml"):
            with resources.as_file(entry) as path:
                scheme = load_scheme(path)
                out.append(SchemeChoice(scheme.id, scheme.name, scheme.version, scheme.subjects, str(path)))
    return out
