"""SQLAlchemy 2 tables, one per domain word in DESIGN.md.

Where a pure type of the same domain word exists (`model.period.Period`, `catalog.indicators.Indicator`),
the table class carries a `Row` suffix (`PeriodRow`, `IndicatorRow`) so the two never shadow each other.

The schema itself is created by the Alembic migrations in `store/migrations/versions/` (run by
``targetboard db upgrade``); these classes describe it for queries and must match the latest migration
(`tests/test_store.py` checks that they do).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Region(Base):
    """An administrative division (province → city → county → township) with its GB/T 2260 code."""

    __tablename__ = "region"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str] = mapped_column(String(16))  # province, city, county, township
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    parent: Mapped[Region | None] = relationship(remote_side="Region.id")


class Unit(Base):
    """A responsible organisation (a department or a township government) of a region."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("region_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="department")  # department, township
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    region: Mapped[Region] = relationship()


class IndicatorRow(Base):
    """A catalog indicator (copied from `catalog/indicators.toml` so observations can refer to it)."""

    __tablename__ = "indicator"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    higher_is_better: Mapped[bool] = mapped_column(Boolean)


class PeriodRow(Base):
    """An ISO-like period code (2022, 2022H1, 2022Q3, 2022M06) with its calendar position."""

    __tablename__ = "period"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(1))  # Y, H, Q, M
    last_month: Mapped[int] = mapped_column(Integer)


class Observation(Base):
    """One value of an indicator for a region and period: a level and/or a growth rate."""

    __tablename__ = "observation"
    __table_args__ = (
        UniqueConstraint("region_id", "indicator_id", "period_code", "ytd", name="uq_observation_key"),
        Index("ix_observation_indicator_period", "indicator_id", "period_code"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id"))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    ytd: Mapped[bool] = mapped_column(Boolean)
    value: Mapped[float | None] = mapped_column(Float)
    growth: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(255))
    entered_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ObservationRevision(Base):
    """An append-only record of a corrected observation: old → new, who and from which file."""

    __tablename__ = "observation_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id"), index=True)
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)
    old_growth: Mapped[float | None] = mapped_column(Float)
    new_growth: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(255))
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
    """A plan for a region and year, read from a document."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("document_id", "region_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    year: Mapped[int] = mapped_column(Integer)
    document: Mapped[Document] = relationship()
    region: Mapped[Region] = relationship()
    items: Mapped[list[PlanItem]] = relationship(back_populates="plan", order_by="PlanItem.position")


class PlanItem(Base):
    """A node of the plan tree: pillar, objective, task, target, outcome or ranking."""

    __tablename__ = "plan_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_item.id"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)  # source text (original script); None for untitled groups
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    suggested_unit: Mapped[str | None] = mapped_column(String(64))
    assignment_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    plan: Mapped[Plan] = relationship(back_populates="items")
    unit: Mapped[Unit | None] = relationship()
    target: Mapped[Target | None] = relationship(back_populates="item", uselist=False)
    claim: Mapped[Claim | None] = relationship(back_populates="item", uselist=False)


class Target(Base):
    """A quantified plan item: what is promised, by how much, by when."""

    __tablename__ = "target"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id"), unique=True)
    indicator_id: Mapped[str | None] = mapped_column(ForeignKey("indicator.id"), index=True)
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
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # ranking, outcome
    indicator_id: Mapped[str | None] = mapped_column(ForeignKey("indicator.id"))
    metric: Mapped[str] = mapped_column(String(128))
    measure: Mapped[str | None] = mapped_column(String(8))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    comparator: Mapped[str | None] = mapped_column(String(8))
    rank: Mapped[int | None] = mapped_column(Integer)
    peer_group: Mapped[str | None] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(16))
    item: Mapped[PlanItem] = relationship(back_populates="claim")


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
