"""Computed statuses kept between requests until the data behind them changes.

Why: every dashboard page shows the statuses of a whole plan (hundreds of targets, each judged on its
series), and twenty people opening the plan page see the same figures; computing them once per change
instead of once per request is what keeps a page under 100 ms on a two-core server (bench/web.py).

The key includes a data version, the id of the newest audit event: every write that can move a status
(observation imports and corrections, undo, plan import and review, assignments, ledger steps and links)
records an audit event in its own transaction, so a new event means "recompute". With SQLite writers
take turns, so the id only grows in commit order and the cache is exact. With PostgreSQL two writers
of different kinds may commit their events out of id order; a short time-to-live bounds how long such a
rare race could show stale figures. The day is part of the key too (ledger-fed counts read "this month").
Values are immutable views shared by every thread of the process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import TypeVar

from targetboard.store import Database
from targetboard.store.audit import latest_event_id

T = TypeVar("T")
#: Entries kept per process (a plan view of 500 items is about 1 MB).
MAX_ENTRIES = 32
#: Seconds an entry is trusted at most, whatever the version says (see the module's docstring).
TTL_SECONDS = 30.0

_lock = threading.Lock()
_entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()


def data_version(db: Database) -> int:
    """The current data version of `db` (one indexed query)."""
    with db.read() as s:
        return latest_event_id(s)


def cached(db: Database, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or the value computed earlier for `key` on the same data of the same database."""
    full = (db.url, data_version(db), date.today(), key)
    now = time.monotonic()
    with _lock:
        hit = _entries.get(full)
        if hit is not None and now - hit[0] <= TTL_SECONDS:
            _entries.move_to_end(full)
            return hit[1]  # type: ignore[return-value]
    value = compute()  # outside the lock: two threads may compute the same value once each, never wait
    with _lock:
        _entries[full] = (now, value)
        _entries.move_to_end(full)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget everything (tests that rewrite a database file behind the app's back)."""
    with _lock:
        _entries.clear()
