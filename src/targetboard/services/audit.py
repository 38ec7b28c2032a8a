"""The audit trail, read: who imported, corrected, assigned or reviewed what, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from targetboard.services.actors import Actor
from targetboard.store import Database
from targetboard.store import audit as store


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any]


def list_events(db: Database, viewer: Actor, *, limit: int = 50, actor: str | None = None,
                action: str | None = None, entity: str | None = None) -> list[AuditView]:
    """Newest first; only admins and supervisors read the trail."""
    viewer.require("supervisor")
    with db.read() as s:
        return [AuditView(e.id, e.at, e.actor, e.action, e.entity, e.entity_id, json.loads(e.detail or "{}"))
                for e in store.events(s, limit=limit, actor=actor, action=action, entity=entity)]
