"""What the web layer needs that no other service offers: a session's account, one plan's tree, a plan
item with the document text it was extracted from, and per-user API tokens.

Why a separate module: the web routes may call services only, and these are reads the CLI has no use
for. `services.users.actor_for` is not usable for a session: it falls back to an admin actor for an
unknown name (right for a person at a shell, wrong for a browser cookie), so sessions are resolved by
account id here, and refused when the account is gone, disabled or its password changed since.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.analytics import Thresholds
from targetboard.errors import Invalid, NotFound
from targetboard.services import status_cache
from targetboard.services.actors import Actor
from targetboard.services.plans import PlanView, show_plans
from targetboard.store import Database
from targetboard.store.audit import record
from targetboard.store.models import ApiToken, Document, Membership, Plan, PlanItem, Region, User, utcnow
from targetboard.store.plans import get_plan


@dataclass(frozen=True)
class SessionAccount:
    """A logged-in account as a session sees it: the actor, and when its password last changed."""

    actor: Actor
    display_name: str
    password_changed_at: str | None


def _stamp(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _account(s: Session, user: User) -> SessionAccount:
    units = frozenset(s.scalars(select(Membership.unit_id).where(Membership.user_id == user.id)))
    return SessionAccount(Actor(user.username, user.role, user.id, units, user.region_id), user.display_name,
                          _stamp(user.password_changed_at))


def session_account(db: Database, user_id: int) -> SessionAccount | None:
    """The active account with this id, or None (deleted or disabled: the session ends)."""
    with db.read() as s:
        user = s.get(User, user_id)
        if user is None or not user.is_active:
            return None
        return _account(s, user)


# --- API tokens -----------------------------------------------------------------------------------

#: Every token starts with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "tb_"
#: `last_used_at` is written at most this often: not a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _token_view(t: ApiToken) -> TokenView:
    return TokenView(t.id, t.name, t.created_at, t.last_used_at, t.revoked_at)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _own_account(actor: Actor) -> int:
    if actor.user_id is None:
        raise Invalid("只有账号才能创建 API 令牌", "only an account can hold API tokens")
    return actor.user_id


def create_token(db: Database, actor: Actor, name: str) -> tuple[TokenView, str]:
    """A new token for the actor's own account: its view and the secret, which is shown once only."""
    user_id = _own_account(actor)
    label = name.strip()
    if not label or len(label) > 64:
        raise Invalid("令牌名称应为 1-64 个字符", "a token's name must be 1-64 characters")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.write("users") as s:
        token = ApiToken(user_id=user_id, name=label, token_sha256=_digest(secret), created_at=utcnow())
        s.add(token)
        s.flush()
        record(s, "token.create", "api_token", token.id, actor=actor.name, name=label)
        return _token_view(token), secret


def list_tokens(db: Database, actor: Actor) -> list[TokenView]:
    """The actor's own tokens, revoked ones included (never the secrets: they are not stored)."""
    user_id = _own_account(actor)
    with db.read() as s:
        rows = s.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
        return [_token_view(t) for t in rows]


def revoke_token(db: Database, actor: Actor, token_id: int) -> TokenView:
    """Revoke one of the actor's own tokens (an admin may revoke anyone's)."""
    with db.write("users") as s:
        token = s.get(ApiToken, token_id)
        if token is None or (token.user_id != actor.user_id and actor.role != "admin"):
            raise NotFound(f"API 令牌 {token_id} 不存在", f"API token {token_id}: not found")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            record(s, "token.revoke", "api_token", token.id, actor=actor.name, name=token.name)
        return _token_view(token)


def token_account(db: Database, secret: str) -> SessionAccount | None:
    """The active account a valid, unrevoked token belongs to; None otherwise."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = _digest(secret)
    with db.read() as s:
        token = s.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest))
        if token is None or token.revoked_at is not None:
            return None
        user = s.get(User, token.user_id)
        if user is None or not user.is_active:
            return None
        account = _account(s, user)
        last = token.last_used_at
        token_id = token.id
    now = utcnow()
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    if last is None or now - last > LAST_USED_RESOLUTION:
        with db.write("users") as s:
            row = s.get(ApiToken, token_id)
            if row is not None:
                row.last_used_at = now
    return account


def show_plan(db: Database, plan_id: int, *, as_of: str | None = None,
              thresholds: Thresholds | None = None) -> PlanView:
    """One stored plan as a tree with live status (NotFound when there is no such plan); kept per change of
    the data (`status_cache`), since the plan page and every target page ask for it."""
    return status_cache.cached(db, ("show_plan", plan_id, as_of, repr(thresholds)),
                               lambda: _show_plan(db, plan_id, as_of=as_of, thresholds=thresholds))


def _show_plan(db: Database, plan_id: int, *, as_of: str | None, thresholds: Thresholds | None) -> PlanView:
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
    """The plan item `item_id` and its document's text (spans index into that text). Kept per change of
    the data, as an "item" of the cache; the items of one document share one copy of its text."""
    return status_cache.cached(db, ("item_source", item_id), lambda: _item_source(db, item_id), size="item")


def _item_source(db: Database, item_id: int) -> ItemSource:
    with db.read() as s:
        row = s.execute(
            select(PlanItem.id, PlanItem.plan_id, Region.name, Plan.year, PlanItem.kind, PlanItem.text,
                   PlanItem.start, PlanItem.end, Plan.document_id, Document.name)
            .join(Plan, PlanItem.plan_id == Plan.id).join(Region, Plan.region_id == Region.id)
            .join(Document, Plan.document_id == Document.id).where(PlanItem.id == item_id)).one_or_none()
    if row is None:
        raise NotFound(f"规划事项 {item_id} 不存在", f"plan item {item_id}: not found")
    return ItemSource(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[9],
                      _document_text(db, row[8]))


def _document_text(db: Database, document_id: int) -> str:
    def read() -> str:
        with db.read() as s:
            return s.scalar(select(Document.text).where(Document.id == document_id)) or ""

    return status_cache.cached(db, ("document_text", document_id), read)


# --- a document with its items highlighted ---------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    """A run of a document's text that the same items cover, with its offsets in the original text.

    The pages render every segment as its own element carrying `start` and `end`, so a script can turn a
    selection in the rendered page back into offsets of the original text whatever the highlighting
    added around it. A carriage return is a segment of its own with no visible text: the HTML parser
    would fold CR LF into LF and shift every later offset.
    """

    start: int
    end: int
    text: str
    item_ids: tuple[int, ...] = ()  # innermost (shortest) first
    cr: bool = False


def document_segments(text: str, spans: list[tuple[int, int, int]]) -> list[Segment]:
    """`text` cut at every item boundary and carriage return; `spans` are (item id, start, end)."""
    cuts = {0, len(text)}
    for _, a, b in spans:
        if 0 <= a < b <= len(text):
            cuts.update((a, b))
    cuts.update(i for i, c in enumerate(text) if c == "\r")
    cuts.update(i + 1 for i, c in enumerate(text) if c == "\r")
    bounds = sorted(cuts)
    by_length = sorted(spans, key=lambda s: (s[2] - s[1], s[1]))
    out: list[Segment] = []
    for a, b in pairwise(bounds):
        if a >= b:
            continue
        piece = text[a:b]
        covering = tuple(i for i, s, e in by_length if s <= a and b <= e)
        out.append(Segment(a, b, piece, covering, cr=piece == "\r"))
    return out
