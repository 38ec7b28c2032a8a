"""The audit trail: every change the store makes on someone's behalf is recorded, append-only.

The actor is required: the services pass the logged-in user or, on the command line, `--by`, else
$TARGETBOARD_USER, else the login name (`targetboard.settings.default_actor`).
Details are a small JSON object (file, counts, unit ...), enough to answer "who changed this and
from which file" without a second log.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from targetboard.store.models import AuditEvent

_LATEST_EVENT = select(func.max(AuditEvent.__table__.c.id))


def record(session: Session, action: str, entity: str, entity_id: object = None, *, actor: str,
           **detail: Any) -> AuditEvent:
    """Append one event (in the caller's transaction: it lands exactly when the change does)."""
    if not actor:
        raise ValueError("an audit event needs an actor")
    event = AuditEvent(actor=actor[:64], action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id),
                       detail=json.dumps(detail, ensure_ascii=False, default=str))
    session.add(event)
    session.flush()
    return event


def events(session: Session, *, limit: int = 50, actor: str | None = None, action: str | None = None,
           entity: str | None = None) -> list[AuditEvent]:
    """The most recent events, newest first, optionally only one actor's, action's or entity's."""
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if actor:
        q = q.where(AuditEvent.actor == actor)
    if action:
        q = q.where(AuditEvent.action.startswith(action))
    if entity:
        q = q.where(AuditEvent.entity == entity)
    return list(session.scalars(q))


def latest_event_id(session: Session) -> int:
    """The id of the newest audit event (0 when none): every change that can move a status records one in
    its own transaction, so this number changes whenever the data behind the statuses may have changed."""
    # A Core statement on the session's connection: asked once per cached read, where the ORM's
    # execution path cost three times the query itself.
    return int(session.connection().execute(_LATEST_EVENT).scalar() or 0)
