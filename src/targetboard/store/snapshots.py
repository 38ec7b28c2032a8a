"""Snapshots: frozen inputs and results of a published status or score (the table refuses UPDATE and DELETE).

Why frozen copies and not "status as of a date": observations are corrected after the fact, and a
league table published in July must still read the same in December. The inputs are copied, not
referenced, so no later correction can reach them; the SHA-256 over the canonical JSON of inputs and
results lets anyone check that a published figure is the one computed then.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.errors import NotFound
from targetboard.store.audit import record
from targetboard.store.models import Observation, Region, Snapshot


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same content always gives the same bytes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def digest(inputs: Any, results: Any) -> str:
    return hashlib.sha256(f"{canonical(inputs)}\n{canonical(results)}".encode()).hexdigest()


def create_snapshot(session: Session, *, kind: str, label: str, region_id: int | None, period: str | None,
                    params: dict[str, Any], inputs: Any, results: Any, actor: str) -> Snapshot:
    row = Snapshot(kind=kind, label=label[:128], region_id=region_id, period=period, params=canonical(params),
                   inputs=canonical(inputs), results=canonical(results), sha256=digest(inputs, results),
                   created_by=actor[:64])
    session.add(row)
    session.flush()
    record(session, "snapshot.create", "snapshot", row.id, actor=actor, kind=kind, label=label, sha256=row.sha256)
    return row


def get_snapshot(session: Session, snapshot_id: int) -> Snapshot:
    row = session.get(Snapshot, snapshot_id)
    if row is None:
        raise NotFound(f"快照 {snapshot_id} 不存在", f"snapshot {snapshot_id}: not found")
    return row


def observations_of(session: Session, pairs: set[tuple[str, str]], first_year: int, last_year: int
                    ) -> list[dict[str, Any]]:
    """Every stored observation of these (region code, indicator) series in these years, as plain rows."""
    if not pairs:
        return []
    regions = sorted({p[0] for p in pairs})
    indicators = sorted({p[1] for p in pairs})
    q = (select(Observation.id, Region.code, Observation.indicator_id, Observation.period_code, Observation.ytd,
                Observation.value, Observation.growth, Observation.source, Observation.updated_at)
         .join(Region, Region.id == Observation.region_id)
         .where(Region.code.in_(regions), Observation.indicator_id.in_(indicators))
         .order_by(Region.code, Observation.indicator_id, Observation.period_code, Observation.ytd))
    out = []
    for oid, code, ind, period, ytd, value, growth, source, updated in session.execute(q).all():
        if (code, ind) in pairs and first_year <= int(period[:4]) <= last_year:
            out.append({"id": oid, "region": code, "indicator": ind, "period": period, "ytd": bool(ytd),
                        "value": value, "growth": growth, "source": source, "updated_at": updated})
    return out
