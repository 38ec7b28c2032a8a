"""The few reads the web layer needs that no other service offers: a session's account, one plan's
tree, and a plan item with the document text it was extracted from.

Why a separate module: the web routes may call services only, and these are reads the CLI has no use
for. `services.users.actor_for` is not usable for a session: it falls back to an admin actor for an
unknown name (right for a person at a shell, wrong for a browser cookie), so sessions are resolved by
account id here, and refused when the account is gone, disabled or its password changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from targetboard.analytics import Thresholds
from targetboard.errors import NotFound
from targetboard.services.actors import Actor
from targetboard.services.plans import PlanView, show_plans
from targetboard.store import Database
from targetboard.store.models import Membership, Plan, PlanItem, User
from targetboard.store.plans import get_plan


@dataclass(frozen=True)
class SessionAccount:
    """A logged-in account as a session sees it: the actor, and when its password last changed."""

    actor: Actor
    display_name: str
    password_changed_at: str | None


def _stamp(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def session_account(db: Database, user_id: int) -> SessionAccount | None:
    """The active account with this id, or None (deleted or disabled: the session ends)."""
    with db.read() as s:
        user = s.get(User, user_id)
        if user is None or not user.is_active:
            return None
        units = frozenset(s.scalars(select(Membership.unit_id).where(Membership.user_id == user.id)))
        return SessionAccount(Actor(user.username, user.role, user.id, units, user.region_id), user.display_name,
                              _stamp(user.password_changed_at))


def show_plan(db: Database, plan_id: int, *, as_of: str | None = None,
              thresholds: Thresholds | None = None) -> PlanView:
    """One stored plan as a tree with live status (NotFound when there is no such plan)."""
    with db.read() as s:
        plan = get_plan(s, plan_id)
        region, year = plan.region.code, plan.year
    for view in show_plans(db, region=region, year=year, as_of=as_of, thresholds=thresholds):
        if view.summary.id == plan_id:
            return view
    raise NotFound(f"规划 {plan_id} 不存在", f"plan {plan_id}: not found")  # pragma: no cover - raced a delete


@dataclass(frozen=True)
class ItemSource:
    """A plan item with the text of the document it came from, so a page can show it in place."""

    item_id: int
    plan_id: int
    region_name: str
    year: int
    kind: str
    text: str | None
    start: int
    end: int
    document_name: str
    document_text: str


def item_source(db: Database, item_id: int) -> ItemSource:
    """The plan item `item_id` and its document's text (spans index into that text)."""
    with db.read() as s:
        item = s.get(PlanItem, item_id)
        if item is None:
            raise NotFound(f"规划事项 {item_id} 不存在", f"plan item {item_id}: not found")
        plan: Plan = item.plan
        return ItemSource(item.id, plan.id, plan.region.name, plan.year, item.kind, item.text, item.start, item.end,
                          plan.document.name, plan.document.text)
