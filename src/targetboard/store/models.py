"""SQLAlchemy 2 tables, one per domain word in DESIGN.md.

Where a pure type of the same domain word exists (`model.period.Period`, `catalog.indicators.Indicator`),
the table class carries a `Row` suffix (`PeriodRow`, `IndicatorRow`) so the two never shadow each other.

The schema itself is created by the Alembic migrations in `store/migrations/versions/` (run by
``targetboard db upgrade``); these classes describe it for queries and must match the latest migration
(`tests/test_store.py` checks that they do).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Every constraint gets a predictable name, so later migrations can drop or alter it by name on
#: PostgreSQL and in SQLite's batch mode alike (migration 0003 renamed the older ones to match).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("admin", "supervisor", "unit_editor", "viewer")
PLAN_STATUSES = ("draft", "reviewed", "published")
REVIEW_STATES = ("pending", "accepted", "rejected")
ITEM_KINDS = ("pillar", "objective", "task", "target", "outcome", "ranking")
COMPARATORS = (">", ">=", "<", "<=", "~", "=", "range")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    """A CHECK expression: `column` is one of `values` (values are code constants, never user input)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Region(Base):
    """An administrative division (province → city → county → township) with its GB/T 2260 code."""

    __tablename__ = "region"
    __table_args__ = (CheckConstraint(_in("level", ("province", "city", "county", "township")), name="level"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str] = mapped_column(String(16))  # province, city, county, township
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    parent: Mapped[Region | None] = relationship(remote_side="Region.id")


class Unit(Base):
    """A responsible organisation (a department or a township government) of a region."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("region_id", "name"),
                      CheckConstraint(_in("kind", ("department", "township")), name="kind"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="department")  # department, township
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"))
    region: Mapped[Region] = relationship()


class IndicatorRow(Base):
    """A catalog indicator (copied from `catalog/indicators.toml` so observations can refer to it)."""

    __tablename__ = "indicator"
    __table_args__ = (CheckConstraint(_in("kind", ("flow_ytd", "stock", "rate", "count", "index")), name="kind"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    higher_is_better: Mapped[bool] = mapped_column(Boolean)


class PeriodRow(Base):
    """An ISO-like period code (2022, 2022H1, 2022Q3, 2022M06) with its calendar position."""

    __tablename__ = "period"
    __table_args__ = (CheckConstraint(_in("kind", ("Y", "H", "Q", "M")), name="kind"),
                      CheckConstraint("last_month BETWEEN 1 AND 12", name="last_month"))
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(1))  # Y, H, Q, M
    last_month: Mapped[int] = mapped_column(Integer)


class ImportBatch(Base):
    """One file imported: who, when, what it did; `import undo` reverses exactly these rows."""

    __tablename__ = "import_batch"
    __table_args__ = (CheckConstraint(_in("kind", ("observations",)), name="kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="observations")
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    corrected: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(String(64))


class Observation(Base):
    """One value of an indicator for a region and period: a level and/or a growth rate."""

    __tablename__ = "observation"
    __table_args__ = (
        UniqueConstraint("region_id", "indicator_id", "period_code", "ytd", name="uq_observation_key"),
        Index("ix_observation_indicator_period", "indicator_id", "period_code"),
        CheckConstraint("value IS NOT NULL OR growth IS NOT NULL", name="has_figure"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"))
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id", ondelete="RESTRICT"))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code", ondelete="RESTRICT"))
    ytd: Mapped[bool] = mapped_column(Boolean)
    value: Mapped[float | None] = mapped_column(Float)
    growth: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(255))
    entered_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))


class ObservationRevision(Base):
    """An append-only record of a corrected observation: old → new, who and from which file."""

    __tablename__ = "observation_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id", ondelete="RESTRICT"), index=True)
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)
    old_growth: Mapped[float | None] = mapped_column(Float)
    new_growth: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(255))
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="RESTRICT"), index=True)


class Document(Base):
    """A source text with its hash: every plan item points back into it."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(String(32))
    format: Mapped[str] = mapped_column(String(8))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Plan(Base):
    """A plan for a region and year, read from a document: draft → reviewed → published.

    A newer plan for the same region and year (a revised document) names the one it `supersedes`.
    """

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("document_id", "region_id", "year"),
                      CheckConstraint(_in("status", PLAN_STATUSES), name="status"),
                      CheckConstraint(_in("report_every", ("month", "quarter")), name="report_every"),
                      CheckConstraint("year BETWEEN 1949 AND 2100", name="year"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft", server_default="draft")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))
    status_changed_by: Mapped[str | None] = mapped_column(String(64))
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    report_every: Mapped[str] = mapped_column(String(8), default="month", server_default="month")
    document: Mapped[Document] = relationship()
    region: Mapped[Region] = relationship()
    items: Mapped[list[PlanItem]] = relationship(back_populates="plan", order_by="PlanItem.position")


class PlanItem(Base):
    """A node of the plan tree: pillar, objective, task, target, outcome or ranking.

    `extracted` keeps the item exactly as the extractor gave it (JSON), so an edited target keeps its
    original; `review_state` is a person's decision on it (only rejected items drop out of tracking).
    """

    __tablename__ = "plan_item"
    __table_args__ = (CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
                      CheckConstraint(_in("review_state", REVIEW_STATES), name="review_state"),
                      CheckConstraint('"start" <= "end"', name="span"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)  # source text (original script); None for untitled groups
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    suggested_unit: Mapped[str | None] = mapped_column(String(64))
    review_state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    confidence: Mapped[float | None] = mapped_column(Float)
    rule: Mapped[str | None] = mapped_column(String(64))
    extracted: Mapped[str | None] = mapped_column(Text)  # JSON of the extracted item, never edited
    plan: Mapped[Plan] = relationship(back_populates="items")
    target: Mapped[Target | None] = relationship(back_populates="item", uselist=False)
    claim: Mapped[Claim | None] = relationship(back_populates="item", uselist=False)


class PlanItemRevision(Base):
    """A person's decision on an item: accepted, rejected or edited (fields before → after, JSON)."""

    __tablename__ = "plan_item_revision"
    __table_args__ = (CheckConstraint(_in("action", ("accept", "reject", "edit", "reopen")), name="action"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[str] = mapped_column(Text, default="{}")
    after: Mapped[str] = mapped_column(Text, default="{}")
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Target(Base):
    """A quantified plan item: what is promised, by how much, by when."""

    __tablename__ = "target"
    __table_args__ = (CheckConstraint(_in("measure", ("level", "growth", "change")), name="measure"),
                      CheckConstraint(_in("comparator", COMPARATORS), name="comparator"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"), unique=True)
    indicator_id: Mapped[str | None] = mapped_column(ForeignKey("indicator.id", ondelete="RESTRICT"), index=True)
    metric: Mapped[str] = mapped_column(String(128))
    measure: Mapped[str] = mapped_column(String(8))
    comparator: Mapped[str] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(16))
    modality: Mapped[str | None] = mapped_column(String(8))
    item: Mapped[PlanItem] = relationship(back_populates="target")


class Claim(Base):
    """A ranking or outcome statement the document makes, checkable against observations."""

    __tablename__ = "claim"
    __table_args__ = (CheckConstraint(_in("kind", ("ranking", "outcome")), name="kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # ranking, outcome
    indicator_id: Mapped[str | None] = mapped_column(ForeignKey("indicator.id", ondelete="RESTRICT"))
    metric: Mapped[str] = mapped_column(String(128))
    measure: Mapped[str | None] = mapped_column(String(8))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    comparator: Mapped[str | None] = mapped_column(String(8))
    rank: Mapped[int | None] = mapped_column(Integer)
    peer_group: Mapped[str | None] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(16))
    item: Mapped[PlanItem] = relationship(back_populates="claim")


class Assignment(Base):
    """Which unit leads (`lead`) or supports (`support`) a plan item, with its deadline.

    History is kept: re-assigning ends the current row (`ended_at`) and adds a new one.
    """

    __tablename__ = "assignment"
    __table_args__ = (CheckConstraint(_in("role", ("lead", "support")), name="role"),
                      CheckConstraint(_in("source", ("person", "suggestion", "task_table")), name="source"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(8), default="lead")
    deadline: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16), default="person")
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_by: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unit: Mapped[Unit] = relationship()


class User(Base):
    """An account. `region_id` scopes a supervisor; memberships say which units an editor acts for."""

    __tablename__ = "app_user"  # `user` is reserved in PostgreSQL
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # argon2; None: cannot log in yet
    role: Mapped[str] = mapped_column(String(16))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email: Mapped[str | None] = mapped_column(String(254))  # where the unit's reminders go


class Membership(Base):
    """A user acts for a unit (a unit editor edits only its units' items and observations)."""

    __tablename__ = "membership"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)


class Snapshot(Base):
    """A frozen copy of the inputs a published status or score used, with the results computed from them.

    Append-only (triggers refuse UPDATE and DELETE): a published figure can always be recomputed from
    `inputs` and compared with `results`; `sha256` covers both.
    """

    __tablename__ = "snapshot"
    __table_args__ = (CheckConstraint(_in("kind", ("status", "assessment")), name="kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(128))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"))
    period: Mapped[str | None] = mapped_column(String(16))
    params: Mapped[str] = mapped_column(Text, default="{}")
    inputs: Mapped[str] = mapped_column(Text)
    results: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """Who changed what, when: append-only (the migration installs triggers that refuse UPDATE and DELETE)."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)  # plan.import, observations.import, ...
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON


LEDGER_KINDS = ("rectification", "safety", "project", "listing")


class LedgerEntry(Base):
    """An entry of a ledger (台账) of one kind: a finding to rectify, a hazard, a project, an enterprise to list.

    `state` moves only along `accountability/ledger_kinds.toml`; every move is a `LedgerEvent`. `fields`
    holds the kind's own columns (整改目标, 整改措施, 隐患等级, 投资额, 形象进度 ...) as JSON, so one table
    serves every kind. `plan_item_id` links a count target (力争30亿元以上项目…) whose actual comes from here.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (CheckConstraint(_in("kind", LEDGER_KINDS), name="kind"),
                      UniqueConstraint("region_id", "kind", "ref"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    ref: Mapped[str] = mapped_column(String(32))  # 序号 / the ledger's own number, unique per region and kind
    title: Mapped[str] = mapped_column(Text)  # 问题 / 隐患 / 项目 / 企业
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    deadline: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(24))
    progress: Mapped[str] = mapped_column(Text, default="")  # 整改进展 / 形象进度
    fields: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the kind's own columns
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_item.id", ondelete="SET NULL"))
    returned_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unit: Mapped[Unit | None] = relationship()


class LedgerEvent(Base):
    """One step of a ledger entry (append-only): who moved it from which state to which, and why."""

    __tablename__ = "ledger_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id", ondelete="RESTRICT"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The day the step happened (开工 on 2022-05-10), which may be before it was recorded; None: `at`'s day.
    effective_on: Mapped[date | None] = mapped_column(Date)


class TargetLedgerLink(Base):
    """A count target whose actual comes from a ledger: the region's entries of `kind` that reached `state`.

    Why a rule and not `ledger_entry.plan_item_id` on each entry: a count target (百亿级企业达3家以上,
    力争30亿元以上项目…) counts whatever entries qualify, including ones added to the ledger later; linking
    entries one by one would go stale with the next import. `filters` (JSON list of [field, op, value])
    narrows the entries by their sheet columns (总投资（亿元） >= 30).
    """

    __tablename__ = "target_ledger_link"
    __table_args__ = (CheckConstraint(_in("kind", LEDGER_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24))
    filters: Mapped[str] = mapped_column(Text, default="[]")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


REMINDER_REASONS = ("due", "overdue", "returned")


class ReminderLog(Base):
    """One reminder sent: which report (item, period, why) to which address on which day.

    The unique key includes the day, so running `report remind` twice a day sends nothing new.
    """

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("recipient", "plan_item_id", "period", "reason", "day"),
                      CheckConstraint(_in("reason", REMINDER_REASONS), name="reason"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(254))
    day: Mapped[date] = mapped_column(Date)
    sent_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


REPORT_STATES = ("submitted", "accepted", "returned")


class ProgressReport(Base):
    """A unit's report on a plan item for a reporting period: text, percent complete, review state.

    One row per (item, unit, period): a report returned and submitted again is the same row, its earlier
    versions kept by the audit trail.
    """

    __tablename__ = "progress_report"
    __table_args__ = (UniqueConstraint("plan_item_id", "unit_id", "period"),
                      CheckConstraint(_in("state", REPORT_STATES), name="state"),
                      CheckConstraint("percent BETWEEN 0 AND 100", name="percent"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    period: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="submitted")
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EvidenceFile(Base):
    """A file attached to a progress report, kept with its SHA-256, size and type."""

    __tablename__ = "evidence_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    """A per-user API token for scripts; only its SHA-256 is stored. Revoked tokens keep their row."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
