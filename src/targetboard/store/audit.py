"""The audit trail: every change the store makes on someone's behalf is recorded, append-only.

The actor is whoever the caller says (`--by` on the CLI), else $TARGETBOARD_USER, else the login
name. Details are a small JSON object (file, counts, unit ...), enough to answer "who changed this and
from which file" without a second log.
"""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.store.models import AuditEvent


def default_actor() -> str:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        login = "unknown"
    return os.environ.get("TARGETBOARD_USER") or login


def record(session: Session, action: str, entity: str, entity_id: object = None, *, actor: str | None = None,
           **detail: Any) -> AuditEvent:
    """Append one event (in the caller's transaction: it lands exactly when the change does)."""
    event = AuditEvent(actor=(actor or default_actor())[:64], action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id),
                       detail=json.dumps(detail, ensure_ascii=False, default=str))
    session.add(event)
    session.flush()
    return event


def events(session: Session, *, limit: int = 50) -> list[AuditEvent]:
    """The most recent events, newest first."""
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))
