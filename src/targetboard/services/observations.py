"""Observations: import a file (validate all, then write all or nothing), list, undo an import.

Why the steps are split between a read and a write transaction: reading and validating a province's
sheet takes seconds and needs no lock; only the write takes the observations lock, so imports queue
for the write alone and each one's revisions record exactly the values it replaced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from targetboard.errors import Forbidden, ImportRejected, NotFound
from targetboard.ingest import ImportResult, read_observations
from targetboard.ingest.from_items import observations_from_items
from targetboard.ingest.plausibility import comparison_keys, magnitude_flags
from targetboard.ingest.problems import RecordKey
from targetboard.model.items import Item
from targetboard.model.observation import ObservationRecord
from targetboard.services import status_cache
from targetboard.services.actors import Actor, require_region
from targetboard.services.review import current_fields
from targetboard.store import Database
from targetboard.store import imports as store_imports
from targetboard.store.audit import record
from targetboard.store.models import Assignment, Plan, PlanItem, Region, Target
from targetboard.store.observations import write_observations
from targetboard.store.plans import get_plan
from targetboard.store.regions import find_region, region_names, region_names_by_code


@dataclass(frozen=True)
class ImportView:
    import_id: int | None  # None: nothing changed, so nothing was recorded
    file: str
    rows: int
    inserted: int
    corrected: int
    unchanged: int

    def zh(self) -> str:
        return f"{self.rows} 行：新增 {self.inserted}，更正 {self.corrected}（已记录原值→新值），未变 {self.unchanged}"

    def en(self) -> str:
        return (f"{self.rows} rows: {self.inserted} new, {self.corrected} corrected (old → new recorded), "
                f"{self.unchanged} unchanged")


@dataclass(frozen=True)
class BatchView:
    id: int
    file: str
    actor: str
    at: str
    inserted: int
    corrected: int
    unchanged: int
    undone_by: str | None


def _editable_series(db: Database, actor: Actor) -> set[tuple[str, str]]:
    """(region code, indicator id) a unit editor may enter: those of targets assigned to its units."""
    with db.read() as s:
        q = (select(Region.code, Target.indicator_id)
             .join(PlanItem, PlanItem.id == Target.plan_item_id).join(Plan, Plan.id == PlanItem.plan_id)
             .join(Region, Region.id == Plan.region_id)
             .join(Assignment, Assignment.plan_item_id == PlanItem.id)
             .where(Assignment.unit_id.in_(actor.unit_ids), Assignment.ended_at.is_(None),
                    Target.indicator_id.is_not(None)))
        return {(code, ind) for code, ind in s.execute(q).all() if ind is not None}


def _check_scope(db: Database, actor: Actor, records: list[ObservationRecord], file: str) -> None:
    actor.require("supervisor", "unit_editor")
    if actor.role != "unit_editor":
        return
    allowed = _editable_series(db, actor)
    outside = sorted({(r.region_code, r.indicator_id) for r in records} - allowed)
    if outside:
        sample = "、".join(f"{c}/{i}" for c, i in outside[:5])
        raise Forbidden(f"{file}：{actor.name} 只能填报本单位负责的指标，"
                        f"文件中有 {len(outside)} 个不属于本单位（{sample}）",
                        f"{file}: {actor.name} may enter only its units' indicators; {len(outside)} are not "
                        f"({sample})")


def read_file(db: Database, source: str | Path | bytes, *, filename: str | None = None, region: str | None = None,
              period: str | None = None) -> tuple[str, ImportResult]:
    """Validate a file (a path, or an upload's bytes with its name) without writing anything."""
    name = filename or (Path(source).name if not isinstance(source, bytes) else "upload")
    with db.read() as s:
        names = region_names(s)
        default_region = find_region(s, region).code if region else None
    result = read_observations(source, regions=names, filename=name, default_region=default_region,
                               default_period=period)
    return name, result


def _region_names(db: Database, records: list[ObservationRecord]) -> dict[str, str]:
    """Code -> name of the regions in `records`, so messages name regions as people do."""
    with db.read() as s:
        return region_names_by_code(s, {r.region_code for r in records})


def _previous_values(db: Database, records: list[ObservationRecord]) -> dict[RecordKey, float | None]:
    """The stored levels the plausibility check compares each record with (previous month, a year earlier)."""
    wanted = {key for r in records for key in comparison_keys(r)}
    if not wanted:
        return {}
    with db.read() as s:
        return store_imports.stored_levels(s, wanted)


def _write(db: Database, actor: Actor, name: str, records: list[ObservationRecord], digest: str | None,
           action: str = "observations.import", **detail: object) -> ImportView:
    """Write validated records as one import batch (all or nothing), audited with the file's name."""
    with db.write("observations") as s:
        batch = store_imports.create_batch(s, file_name=name, sha256=digest, actor=actor.name)
        summary = write_observations(s, records, entered_by=actor.name, import_id=batch.id)
        if not summary.inserted and not summary.updated:
            s.delete(batch)
            s.flush()
            return ImportView(None, name, len(records), 0, 0, summary.unchanged)
        batch.inserted, batch.corrected, batch.unchanged = summary.inserted, summary.updated, summary.unchanged
        sources = sorted({r.source for r in records} - {name})
        record(s, action, "import", batch.id, actor=actor.name, file=name, sha256=digest,
               inserted=summary.inserted, corrected=summary.updated, unchanged=summary.unchanged,
               **({"sources": sources[:10]} if sources else {}), **detail)
        return ImportView(batch.id, name, len(records), summary.inserted, summary.updated, summary.unchanged)


def import_observations(db: Database, actor: Actor, source: str | Path | bytes, *, filename: str | None = None,
                        region: str | None = None, period: str | None = None, force: bool = False) -> ImportView:
    """Validate everything, then write all or nothing; ImportRejected lists every problem found.

    Figures that jump by orders of magnitude against the stored previous month or year (a 亿元 figure
    typed in 万元) reject the file too, unless `force` says the figures are right.
    """
    name, result = read_file(db, source, filename=filename, region=region, period=period)
    if result.problems:
        raise ImportRejected(name, result.problems, hint="fix the file and import it again; nothing was stored")
    records = list(result.records)
    if not force:
        flags = magnitude_flags(records, _previous_values(db, records), locations=result.locations,
                                region_names=_region_names(db, records))
        if flags:
            raise ImportRejected(name, flags, hint="check the figures; if they are right, import again with --force")
    _check_scope(db, actor, records, name)
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    return _write(db, actor, name, records, hashlib.sha256(data).hexdigest(), forced=force or None)


#: Figures of one indicator in one region that `indicator_series` returns at most (40 years of monthly
#: cumulative and monthly figures).
SERIES_LIMIT = 1000
#: The import template's header (docs/import-template.md); a value typed in a page becomes one such row.
TEMPLATE_HEADER = ("地区", "指标", "时期", "累计", "数值", "单位", "同比增长%", "来源")


def enter_value(db: Database, actor: Actor, *, region: str, indicator: str, period: str, value: str,
                unit: str | None = None, ytd: bool | None = None, growth: str | None = None,
                source: str | None = None, force: bool = False) -> ImportView:
    """One figure typed in a form (a unit's month value), imported exactly as a one-row template file.

    Why through the importer: the same checks (period, unit conversion, magnitude jumps, the editor's
    scope), the same correction history and the same audit entry as a file from the same person; the
    "file" is named 网页填报 so the trail says where the figure came from.
    """
    def cell(text: str | None) -> str:
        text = (text or "").strip()
        if any(c in text for c in ',"\n\r'):
            text = '"' + text.replace('"', '""') + '"'
        return text

    row = (region, indicator, period, "" if ytd is None else ("是" if ytd else "否"), value, unit, growth,
           source or f"网页填报（{actor.name}）")
    data = (",".join(TEMPLATE_HEADER) + "\n" + ",".join(cell(c) for c in row) + "\n").encode("utf-8")
    return import_observations(db, actor, data, filename="网页填报", force=force)


def store_outcomes(db: Database, actor: Actor, plan_id: int, item_ids: list[int] | None = None) -> ImportView:
    """Store a reviewed document's accepted outcomes as observations (indicator, region and period resolved
    from the item and the document; the source names the document and the span).

    Refused whole (ImportRejected) when an outcome cannot be resolved or clashes with another.
    """
    actor.require("supervisor")
    with db.read() as s:
        plan = get_plan(s, plan_id)
        require_region(actor, plan.region)
        region_code, year, doc_name, doc_id = plan.region.code, plan.year, plan.document.name, plan.document_id
        # the reviewed fields (an edited outcome stores what the reviewer wrote, an added one counts too)
        rows = [(i, current_fields(s, i).as_dict()) for i in plan.items
                if i.kind == "outcome" and i.review_state == "accepted"
                and (item_ids is None or i.id in item_ids)]
        names = region_names(s)
    if not rows:
        raise NotFound(f"规划 {plan_id} 没有已采纳的成果数据", f"plan {plan_id} has no accepted outcomes",
                       hint="accept outcomes in the review first")
    items = [Item(**{k: v for k, v in d.items() if k in Item.__dataclass_fields__}) for _, d in rows]
    result = observations_from_items(items, region_code=region_code, document_id=doc_id,
                                     default_period=str(year), regions=names)
    label = f"{doc_name}（规划 {plan_id}）"
    if result.problems:
        raise ImportRejected(label, result.problems)
    return _write(db, actor, label, list(result.records), None, action="outcomes.store", plan=plan_id)


def list_imports(db: Database, *, limit: int = 50) -> list[BatchView]:
    with db.read() as s:
        return [BatchView(b.id, b.file_name, b.actor, f"{b.at:%Y-%m-%d %H:%M:%S}", b.inserted, b.corrected,
                          b.unchanged, b.undone_by) for b in store_imports.list_batches(s, limit=limit)]


def undo_import(db: Database, actor: Actor, import_id: int) -> store_imports.UndoSummary:
    """Reverse one import exactly (refused whole when later imports changed the same figures)."""
    actor.require("supervisor")
    with db.write("observations") as s:
        result = store_imports.undo_batch(s, import_id, actor=actor.name)
        record(s, "observations.undo", "import", import_id, actor=actor.name, deleted=result.deleted,
               restored=result.restored)
        return result


def indicator_series(db: Database, *, region: str, indicator: str) -> list[store_imports.ObservationRow]:
    """Every stored figure of one region for one indicator (what a target page's chart draws), kept per
    change of the data (`status_cache`): every view of a target page asks for it. Bounded by the periods
    of one indicator, so it fits the cache's per-target room; a general listing is not cached."""
    rows = status_cache.cached(db, ("indicator_series", region, indicator),
                               lambda: list_observations(db, region=region, indicator=indicator, limit=SERIES_LIMIT),
                               size="item")
    return list(rows)  # a copy: the cached list is shared


def list_observations(db: Database, *, region: str | None = None, indicator: str | None = None,
                      period: str | None = None, limit: int = 200, offset: int = 0
                      ) -> list[store_imports.ObservationRow]:
    from targetboard.catalog import load_catalog

    with db.read() as s:
        region_ids = [find_region(s, region).id] if region else None
        indicator_id = None
        if indicator:
            catalog = load_catalog()
            found = catalog.find(indicator)
            if found is None:
                raise NotFound(f"指标 {indicator!r} 不在指标目录中", f"indicator {indicator!r}: not in the catalog",
                               hint="see `targetboard indicators`")
            indicator_id = found.id
        return store_imports.list_observations(s, region_ids=region_ids, indicator_id=indicator_id, period=period,
                                               limit=limit, offset=offset)
