"""Review of extracted items: a person accepts, edits, rejects or adds each one before it counts.

Why: the extractor is right about 9 times in 10 on documents it has never seen, so no extracted item
becomes a plan target or claim until a supervisor of the plan's region (or an admin) has decided on
it. Tracking, claim checks and the plan tree read only `accepted` items (`store.tracking`,
`services.plans.show_plans`); pending and rejected items stay in the store for the record.

The stored state is the schema's `plan_item.review_state` (pending / accepted / rejected); what a
reviewer sees is finer and derived, so that no migration is needed:

- `pending`: nobody has decided yet;
- `accepted`: accepted as extracted;
- `edited`: accepted after a correction (an `edit` revision exists);
- `rejected`: not a real item, kept but ignored;
- `added`: an item the extractor missed, added by a person from a span of the document (it has no
  `extracted` JSON; its fields are its first `edit` revision, whose `before` is `{}`).

The item as extracted is never changed (`plan_item.extracted`); the current fields are the last `edit`
revision's `after` (or the extracted item), and the `target` / `claim` row that tracking reads is
rewritten to match on every edit. Every decision is a `plan_item_revision` row and an audit event
with the acting person. The corrections (edits, rejections, additions) can be exported as golden
extraction cases (`tests/golden/extraction_cases.toml`'s format), so real use improves the tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from targetboard.catalog import load_catalog
from targetboard.errors import Invalid, NotFound, Where
from targetboard.extract.document import BULLETIN, analyse
from targetboard.model.items import COMPARATORS, MEASURES, MODALITIES
from targetboard.services.actors import Actor, require_region
from targetboard.store import Database
from targetboard.store.audit import record
from targetboard.store.models import Claim, IndicatorRow, Plan, PlanItem, PlanItemRevision, Target, utcnow
from targetboard.store.plans import get_plan
from targetboard.text.normalize import normalize

#: The kinds of item a person reviews (pillars and objectives are the document's headings).
REVIEWABLE_KINDS: tuple[str, ...] = ("target", "outcome", "ranking", "task")
#: The kinds the golden cases score (tasks are never scored).
SCORED_KINDS: tuple[str, ...] = ("target", "outcome", "ranking")
#: What a reviewer sees, in the order the screen explains them.
STATES: tuple[str, ...] = ("pending", "accepted", "edited", "rejected", "added")
#: The rule name of an item a person added.
ADDED_RULE = "review.add"
#: Fields a person may set (besides kind and the span); `text` always follows the span.
FIELD_NAMES: tuple[str, ...] = ("metric", "indicator", "measure", "value", "value_high", "unit", "comparator",
                                "period", "modality", "rank", "peer_group", "region")
#: Longest value of each text field (the columns of `target` / `claim` hold no more).
_MAX_LEN = {"metric": 128, "indicator": 64, "unit": 32, "period": 16, "peer_group": 32, "region": 64}
_CHOICES: dict[str, tuple[str, ...]] = {"measure": MEASURES, "comparator": COMPARATORS, "modality": MODALITIES}


@dataclass(frozen=True)
class ItemFields:
    """An item's spec fields (`docs/extraction-spec.md`): what the extractor said or a person corrected."""

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
    period: str | None = None
    modality: str | None = None
    rank: int | None = None
    peer_group: str | None = None
    region: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_KEYS = frozenset(f.name for f in fields(ItemFields))


def _fields_from(data: Mapping[str, Any], row: PlanItem) -> ItemFields:
    """Fields from a stored JSON object; kind and span always come from the row (they are authoritative)."""
    known = {k: v for k, v in data.items() if k in _KEYS}
    known.update(kind=row.kind, start=row.start, end=row.end, text=row.text or "")
    value = known.get("value")
    known["value"] = float(value) if isinstance(value, int | float) else None
    high = known.get("value_high")
    known["value_high"] = float(high) if isinstance(high, int | float) else None
    return ItemFields(**known)


@dataclass(frozen=True)
class ReviewItem:
    """One item as the review screen shows it."""

    id: int
    plan_id: int
    fields: ItemFields
    confidence: float | None
    rule: str | None
    state: str  # one of STATES
    review_state: str  # the stored pending / accepted / rejected
    extracted: ItemFields | None  # the item as the extractor gave it; None for an added item
    decided_by: str | None = None
    decided_at: str | None = None

    @property
    def kind(self) -> str:
        return self.fields.kind

    @property
    def start(self) -> int:
        return self.fields.start

    @property
    def end(self) -> int:
        return self.fields.end

    @property
    def text(self) -> str:
        return self.fields.text


@dataclass(frozen=True)
class ReviewSheet:
    """A plan's document with its reviewable items, lowest confidence first."""

    plan_id: int
    region_name: str
    year: int
    plan_status: str
    document_name: str
    document_text: str
    items: list[ReviewItem]

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATES, 0)
        for it in self.items:
            out[it.state] += 1
        return out


def _revisions(s: Session, item_ids: Iterable[int]) -> dict[int, list[PlanItemRevision]]:
    ids = list(item_ids)
    out: dict[int, list[PlanItemRevision]] = {}
    if not ids:
        return out
    q = select(PlanItemRevision).where(PlanItemRevision.plan_item_id.in_(ids)).order_by(PlanItemRevision.id)
    for rev in s.scalars(q):
        out.setdefault(rev.plan_item_id, []).append(rev)
    return out


def _current(row: PlanItem, revisions: list[PlanItemRevision]) -> ItemFields:
    """The item's fields now: the last edit's `after`, else the extracted item, else its target/claim row."""
    for rev in reversed(revisions):
        if rev.action == "edit":
            return _fields_from(json.loads(rev.after), row)
    if row.extracted:
        return _fields_from(json.loads(row.extracted), row)
    quantity: Target | Claim | None = row.target or row.claim
    data: dict[str, Any] = {}
    if quantity is not None:
        data = {k: getattr(quantity, k, None) for k in FIELD_NAMES if k != "indicator"}
        data["indicator"] = quantity.indicator_id
    return _fields_from(data, row)


def _state(row: PlanItem, revisions: list[PlanItemRevision]) -> str:
    if row.review_state == "rejected":
        return "rejected"
    if row.review_state == "pending":
        return "pending"
    if row.extracted is None and row.rule == ADDED_RULE:
        return "added"
    if any(r.action == "edit" for r in revisions):
        return "edited"
    return "accepted"


def _view(row: PlanItem, revisions: list[PlanItemRevision]) -> ReviewItem:
    decided = revisions[-1] if revisions else None
    extracted: ItemFields | None = None
    if row.extracted:  # the extracted span and kind, not the edited ones
        original = json.loads(row.extracted)
        extracted = replace(_fields_from(original, row), start=int(original.get("start", row.start)),
                            end=int(original.get("end", row.end)), text=str(original.get("text", row.text or "")),
                            kind=str(original.get("kind", row.kind)))
    return ReviewItem(row.id, row.plan_id, _current(row, revisions), row.confidence, row.rule, _state(row, revisions),
                      row.review_state, extracted, decided.actor if decided else None,
                      decided.at.isoformat() if decided else None)


def _order(item: ReviewItem) -> tuple[float, int, int]:
    """Lowest confidence first; items a person added (no confidence) last; then document order."""
    return (item.confidence if item.confidence is not None else 2.0, item.start, item.id)


def _items(s: Session, plan: Plan) -> list[ReviewItem]:
    rows = [i for i in plan.items if i.kind in REVIEWABLE_KINDS]
    revisions = _revisions(s, (i.id for i in rows))
    return sorted((_view(i, revisions.get(i.id, [])) for i in rows), key=_order)


def _sheet(s: Session, plan: Plan) -> ReviewSheet:
    return ReviewSheet(plan.id, plan.region.name, plan.year, plan.status, plan.document.name, plan.document.text,
                       _items(s, plan))


def review_sheet(db: Database, actor: Actor, plan_id: int) -> ReviewSheet:
    """The review screen's content: only admins and the supervisors of the plan's region review."""
    actor.require("supervisor")
    with db.read() as s:
        plan = get_plan(s, plan_id)
        require_region(actor, plan.region)
        return _sheet(s, plan)


def document_view(db: Database, plan_id: int) -> ReviewSheet:
    """The plan's document with every extracted item and its state (every account reads plans)."""
    with db.read() as s:
        return _sheet(s, get_plan(s, plan_id))


def current_fields(session: Session, item: PlanItem) -> ItemFields:
    """An item's reviewed fields, for other services in the caller's session (e.g. storing outcomes)."""
    return _current(item, _revisions(session, [item.id]).get(item.id, []))


# --- decisions ------------------------------------------------------------------------------------

def _reviewable(s: Session, actor: Actor, item_id: int, plan_id: int | None = None) -> PlanItem:
    actor.require("supervisor")
    row = s.get(PlanItem, item_id)
    if row is None or (plan_id is not None and row.plan_id != plan_id):
        raise NotFound(f"规划条目 {item_id} 不存在", f"plan item {item_id}: not found")
    require_region(actor, row.plan.region)
    if row.kind not in REVIEWABLE_KINDS:
        raise Invalid(f"条目 {item_id} 是标题（{row.kind}），不需审核", f"plan item {item_id} is a {row.kind} heading; "
                      "only targets, outcomes, rankings and tasks are reviewed")
    return row


def _revise(s: Session, row: PlanItem, actor: Actor, action: str, before: Mapping[str, Any],
            after: Mapping[str, Any]) -> None:
    s.add(PlanItemRevision(plan_item_id=row.id, action=action, actor=actor.name[:64], at=utcnow(),
                           before=json.dumps(before, ensure_ascii=False), after=json.dumps(after, ensure_ascii=False)))
    s.flush()


def _decide(db: Database, actor: Actor, item_id: int, new_state: str, action: str, plan_id: int | None
            ) -> ReviewItem:
    with db.write("plans") as s:
        row = _reviewable(s, actor, item_id, plan_id)
        old = row.review_state
        if old != new_state:
            row.review_state = new_state
            _revise(s, row, actor, action, {"review_state": old}, {"review_state": new_state})
            record(s, f"review.{action}", "plan_item", row.id, actor=actor.name, plan=row.plan_id, kind=row.kind,
                   old=old, new=new_state, text=(row.text or "")[:80])
        return _view(row, _revisions(s, [row.id]).get(row.id, []))


def accept(db: Database, actor: Actor, item_id: int, *, plan_id: int | None = None) -> ReviewItem:
    """Accept an item as it stands: it becomes a tracked target or claim."""
    return _decide(db, actor, item_id, "accepted", "accept", plan_id)


def reject(db: Database, actor: Actor, item_id: int, *, plan_id: int | None = None) -> ReviewItem:
    """Reject an item: it stays stored (and exported as a correction) but is never tracked."""
    return _decide(db, actor, item_id, "rejected", "reject", plan_id)


def reopen(db: Database, actor: Actor, item_id: int, *, plan_id: int | None = None) -> ReviewItem:
    """Undo a decision: the item is pending review again (its edits stay; the history keeps everything)."""
    return _decide(db, actor, item_id, "pending", "reopen", plan_id)


def _number(name: str, raw: object, *, integer: bool = False) -> float | int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise Invalid(f"{name} 应为数字", f"{name}: expected a number", where=Where(field=name))
    try:
        number = float(str(raw).strip().replace(",", "")) if not isinstance(raw, int | float) else float(raw)
    except ValueError:
        raise Invalid(f"{name} 应为数字：{str(raw)[:40]!r}", f"{name}: expected a number, got {str(raw)[:40]!r}",
                      where=Where(field=name)) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise Invalid(f"{name} 应为有限的数字", f"{name}: expected a finite number", where=Where(field=name))
    if integer:
        if not number.is_integer():
            raise Invalid(f"{name} 应为整数", f"{name}: expected a whole number", where=Where(field=name))
        return int(number)
    return number


def _text(name: str, raw: object) -> str | None:
    if raw is None:
        return None
    value = str(raw).strip()
    if not value:
        return None
    limit = _MAX_LEN.get(name, 64)
    if len(value) > limit:
        raise Invalid(f"{name} 最多 {limit} 个字符", f"{name}: at most {limit} characters", where=Where(field=name))
    allowed = _CHOICES.get(name)
    if allowed is not None and value not in allowed:
        raise Invalid(f"{name} 应为 {'/'.join(allowed)} 之一：{value[:20]!r}",
                      f"{name}: expected one of {', '.join(allowed)}, got {value[:20]!r}", where=Where(field=name))
    return value


def _indicator(s: Session, given: str | None, metric: str | None) -> str | None:
    """A catalog indicator id: the one named, else the one the metric reads as (None when not in the catalog)."""
    catalog = load_catalog()
    if given:
        found = catalog.find(given)
        if found is None:
            raise Invalid(f"指标 {given!r} 不在指标目录中", f"indicator {given!r}: not in the catalog",
                          where=Where(field="indicator"), hint="see `targetboard indicators`")
    else:
        found = catalog.match(metric) if metric else None
    if found is None or s.get(IndicatorRow, found.id) is None:
        return None
    return found.id


def _apply(s: Session, before: ItemFields | None, changes: Mapping[str, object], document: str) -> ItemFields:
    """`before` with `changes` applied (a missing key keeps its value, an empty one clears it), validated."""
    unknown = sorted(set(changes) - _KEYS - {"text"})
    if unknown:
        raise Invalid(f"未知字段：{', '.join(unknown)}", f"unknown fields: {', '.join(unknown)}",
                      where=Where(field=unknown[0]))
    data: dict[str, Any] = before.as_dict() if before is not None else {}
    if "kind" in changes:
        kind = str(changes["kind"] or "").strip()
        if kind not in REVIEWABLE_KINDS:
            raise Invalid(f"类型应为 {'/'.join(REVIEWABLE_KINDS)} 之一", f"kind: expected one of "
                          f"{', '.join(REVIEWABLE_KINDS)}", where=Where(field="kind"))
        data["kind"] = kind
    for key in ("start", "end"):
        if key in changes:
            data[key] = _number(key, changes[key], integer=True)
    start, end = data.get("start"), data.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(document):
        raise Invalid(f"范围 {start}-{end} 无效：应满足 0 ≤ 起点 < 终点 ≤ {len(document)}",
                      f"span {start}-{end}: expected 0 <= start < end <= {len(document)}", where=Where(field="start"))
    data["text"] = document[start:end]
    for key in ("value", "value_high"):
        if key in changes:
            data[key] = _number(key, changes[key])
    if "rank" in changes:
        data["rank"] = _number("rank", changes["rank"], integer=True)
    for key in ("metric", "indicator", "measure", "unit", "comparator", "period", "modality", "peer_group", "region"):
        if key in changes:
            data[key] = _text(key, changes[key])
    if "kind" not in data:
        raise Invalid("缺少类型", "kind is required", where=Where(field="kind"))
    if "indicator" in changes or "metric" in changes:
        data["indicator"] = _indicator(s, data.get("indicator") if "indicator" in changes else None,
                                       data.get("metric"))
    values: dict[str, Any] = {k: data.get(k) for k in _KEYS}
    result = ItemFields(**values)
    _check_complete(result)
    return result


def _check_complete(f: ItemFields) -> None:
    """What an item of its kind needs: the golden cases' rules, and what a target or claim row holds."""
    need: tuple[str, ...] = ()
    if f.kind in ("target", "outcome"):
        need = ("metric", "measure", "value", "comparator")
    elif f.kind == "ranking":
        need = ("metric", "rank")
    for key in need:
        if getattr(f, key) is None:
            raise Invalid(f"{f.kind} 需要填写 {key}", f"a {f.kind} needs {key}", where=Where(field=key))
    if f.kind != "task" and (f.comparator == "range") != (f.value_high is not None):
        raise Invalid("value_high 只与 comparator=range 一起使用，且此时必填",
                      "value_high goes with comparator 'range', and only with it", where=Where(field="value_high"))


def _sync_quantity(s: Session, row: PlanItem, f: ItemFields) -> None:
    """Make the row's target / claim say what the reviewed fields say (the rows tracking reads)."""
    target, claim = row.target, row.claim
    if f.kind == "target" and f.value is not None:
        if claim is not None:
            s.delete(claim)
        if target is None:
            target = Target(plan_item_id=row.id)
            s.add(target)
        target.indicator_id, target.metric = f.indicator, (f.metric or "")[:128]
        target.measure, target.comparator = f.measure or "level", f.comparator or "="
        target.value, target.value_high, target.unit = f.value, f.value_high, f.unit
        target.period, target.modality = f.period, f.modality
    elif f.kind in ("ranking", "outcome"):
        if target is not None:
            s.delete(target)
        if claim is None:
            claim = Claim(plan_item_id=row.id)
            s.add(claim)
        claim.kind, claim.indicator_id, claim.metric = f.kind, f.indicator, (f.metric or "")[:128]
        claim.measure, claim.value, claim.unit, claim.comparator = f.measure, f.value, f.unit, f.comparator
        claim.rank, claim.peer_group, claim.period = f.rank, f.peer_group, f.period
    else:
        for quantity in (target, claim):
            if quantity is not None:
                s.delete(quantity)
    s.flush()
    s.refresh(row)


def edit(db: Database, actor: Actor, item_id: int, changes: Mapping[str, object], *, plan_id: int | None = None
         ) -> ReviewItem:
    """Correct an item's fields or span (and kind) and accept it; the old values stay in the revision.

    `changes` maps field names to new values (strings as a form sends them are read; an empty value
    clears a field); fields not named keep their value. A changed metric re-reads the catalog indicator
    unless one is named. `plan_id`, when given, must be the item's plan (a page's URL names both).
    """
    with db.write("plans") as s:
        row = _reviewable(s, actor, item_id, plan_id)
        revisions = _revisions(s, [row.id]).get(row.id, [])
        before = _current(row, revisions)
        after = _apply(s, before, changes, row.plan.document.text)
        if after == before:  # nothing corrected: an accept (or nothing at all when accepted already)
            if row.review_state != "accepted":
                old = row.review_state
                row.review_state = "accepted"
                _revise(s, row, actor, "accept", {"review_state": old}, {"review_state": "accepted"})
                record(s, "review.accept", "plan_item", row.id, actor=actor.name, plan=row.plan_id, kind=row.kind,
                       old=old, new="accepted", text=(row.text or "")[:80])
            return _view(row, _revisions(s, [row.id]).get(row.id, []))
        old_state = row.review_state
        row.kind, row.start, row.end, row.text = after.kind, after.start, after.end, after.text
        row.review_state = "accepted"
        _sync_quantity(s, row, after)
        _revise(s, row, actor, "edit", {**before.as_dict(), "review_state": old_state},
                {**after.as_dict(), "review_state": "accepted"})
        changed = {k: [v, getattr(after, k)] for k, v in before.as_dict().items() if getattr(after, k) != v}
        record(s, "review.edit", "plan_item", row.id, actor=actor.name, plan=row.plan_id, changed=changed,
               old=old_state, new="accepted")
        return _view(row, _revisions(s, [row.id]).get(row.id, []))


def add(db: Database, actor: Actor, plan_id: int, changes: Mapping[str, object]) -> ReviewItem:
    """Add an item the extractor missed, from a span of the document (`start`, `end`) and its fields.

    It is placed in the plan tree after the last item that starts before it, under the same objective,
    and counts as accepted: a person wrote it.
    """
    actor.require("supervisor")
    with db.write("plans") as s:
        plan = get_plan(s, plan_id)
        require_region(actor, plan.region)
        f = _apply(s, None, changes, plan.document.text)
        before = [i for i in plan.items if i.start <= f.start]
        anchor = max(before, key=lambda i: i.position) if before else None
        position = anchor.position + 1 if anchor is not None else 1
        parent_id: int | None = None
        if anchor is not None:
            parent_id = anchor.id if anchor.kind == "objective" else anchor.parent_id
            if anchor.kind == "pillar":
                parent_id = anchor.id
        s.execute(update(PlanItem).where(PlanItem.plan_id == plan.id, PlanItem.position >= position)
                  .values(position=PlanItem.position + 1))
        row = PlanItem(plan_id=plan.id, parent_id=parent_id, kind=f.kind, text=f.text, start=f.start, end=f.end,
                       position=position, review_state="accepted", confidence=None, rule=ADDED_RULE, extracted=None)
        s.add(row)
        s.flush()
        _sync_quantity(s, row, f)
        _revise(s, row, actor, "edit", {}, {**f.as_dict(), "review_state": "accepted"})
        record(s, "review.add", "plan_item", row.id, actor=actor.name, plan=plan.id, kind=f.kind, start=f.start,
               end=f.end, text=f.text[:80])
        s.refresh(plan)
        return _view(row, _revisions(s, [row.id]).get(row.id, []))


# --- golden cases ---------------------------------------------------------------------------------

_SENTENCE_END = "。！？；!?;\n"


def _passage(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) holding [start, end): from after the previous sentence end to the next one."""
    lo = max(text.rfind(c, 0, start) for c in _SENTENCE_END) + 1
    his = [i for i in (text.find(c, max(end - 1, start)) for c in _SENTENCE_END) if i >= 0]
    hi = min(his) + 1 if his else len(text)
    if text[hi - 1:hi] == "\n":
        hi -= 1
    while lo < start and text[lo] in " \t\u3000\r\n":
        lo += 1
    return lo, max(hi, end)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _expected(f: ItemFields, passage: str, offset: int) -> list[str]:
    lines = ["[[case.expect]]", f"kind = {_toml(f.kind)}", f"metric = {_toml(f.metric or '')}"]
    keys = ("rank", "measure", "peer_group") if f.kind == "ranking" else (
        "measure", "value", "value_high", "unit", "comparator", "modality", "period")
    for key in keys:
        value = getattr(f, key)
        if value is not None:
            lines.append(f"{key} = {_toml(value)}")
    surface = passage[f.start - offset:f.end - offset]
    if surface and passage.count(surface) == 1 and passage.find(surface) == f.start - offset:
        lines.append(f"anchor = {_toml(surface)}")
    return lines


@dataclass(frozen=True)
class GoldenExport:
    """Golden cases for a plan's corrections, as the text of a TOML file, and how many there are."""

    plan_id: int
    cases: int
    toml: str


def export_golden(db: Database, actor: Actor, plan_id: int) -> GoldenExport:
    """Every correction of a plan (edit, rejection, addition) as a `{text → expected items}` case.

    A case's text is the sentence(s) around the corrected item in the original document; its expected
    items are the scored items (targets, outcomes, rankings) in that text that a person did not reject,
    with their reviewed fields. Items still pending are expected as extracted (the case says so): a
    person should look at a case before it goes into `tests/golden/extraction_cases.toml`. The context
    is `bulletin` for a statistical bulletin, else `plan` when a target is expected, else `review`.
    """
    sheet = review_sheet(db, actor, plan_id)
    text = sheet.document_text
    corrections = sorted((i for i in sheet.items if i.state in ("edited", "rejected", "added")),
                         key=lambda i: (i.start, i.id))
    out = [f"# Golden cases from the review of plan {plan_id} ({sheet.region_name} {sheet.year}, "
           f"{sheet.document_name}): one per correction.",
           "# Format: tests/golden/extraction_cases.toml. Items still pending review are expected as extracted;",
           "# check each case before adding it to the suite.", ""]
    # A bulletin's figures are for its own year; a report's review looks back a year (the extractor's
    # document reading decides, as it did when the items were extracted).
    bulletin = analyse(normalize(text).text, year=sheet.year).genre == BULLETIN
    seen: set[tuple[int, int]] = set()
    count = 0
    for corr in corrections:
        spans = [(corr.start, corr.end)]
        if corr.extracted is not None:
            spans.append((corr.extracted.start, corr.extracted.end))
        lo = min(_passage(text, a, b)[0] for a, b in spans)
        hi = max(_passage(text, a, b)[1] for a, b in spans)
        for _ in range(5):  # widen until no scored item straddles the passage's edges
            inside = [i for i in sheet.items if i.end > lo and i.start < hi]
            new_lo = min([lo, *(i.start for i in inside)])
            new_hi = max([hi, *(i.end for i in inside)])
            if (new_lo, new_hi) == (lo, hi):
                break
            lo, hi = new_lo, new_hi
        if (lo, hi) in seen:
            continue
        seen.add((lo, hi))
        passage = text[lo:hi]
        expected = sorted((i for i in sheet.items if i.state != "rejected" and i.kind in SCORED_KINDS
                           and lo <= i.start and i.end <= hi), key=lambda i: (i.start, i.id))
        kinds = {i.kind for i in expected}
        context = "bulletin" if bulletin else "plan" if "target" in kinds else "review"
        what = {"edited": "edit", "rejected": "reject", "added": "add"}[corr.state]
        pending = [i.id for i in expected if i.state == "pending"]
        count += 1
        out += ["[[case]]", f"id = {_toml(f'review-p{plan_id}-i{corr.id}-{what}')}",
                f"rule = {_toml(f'review: {what} of item {corr.id} by {corr.decided_by or chr(63)}')}",
                f"context = {_toml(context)}", f"year = {sheet.year}", f"text = {_toml(passage)}"]
        if pending:
            out.append(f"# pending review, expected as extracted: items {', '.join(map(str, pending))}")
        if not expected:
            out.append("expect = []")
        for item in expected:
            out += _expected(item.fields, passage, lo)
        out.append("")
    return GoldenExport(plan_id, count, "\n".join(out).rstrip() + "\n")


_FIELD_RE = re.compile(r"^[a-z_]+$")


def form_changes(form: Mapping[str, object], *, keys: Iterable[str] = ("kind", "start", "end", *FIELD_NAMES)
                 ) -> dict[str, object]:
    """The fields a form (or a CLI) sent, by name: only known keys; a present key with "" clears the field."""
    return {k: form[k] for k in keys if _FIELD_RE.match(k) and k in form}
