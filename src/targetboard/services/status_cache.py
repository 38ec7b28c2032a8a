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

A read-only request may pin the version (`one_version`): its reads then share one version query, and
they see one consistent state of the data, as a snapshot would, even when a write lands meanwhile.

Two sizes of entry are kept apart so that one kind cannot push out the other: a "view" spans a whole plan
or region (a plan tree of 500 items is about 1 MB; a few dozen are kept), an "item" is about one target,
document or indicator (a few KB; a thousand are kept, enough for every target page of a county's plan).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Literal, TypeVar

from targetboard.store import Database
from targetboard.store.audit import latest_event_id

T = TypeVar("T")
Size = Literal["view", "item"]
#: Entries kept per process, by size (see the module's docstring).
MAX_ENTRIES: dict[Size, int] = {"view": 32, "item": 1024}
#: Seconds an entry is trusted at most, whatever the version says (see the module's docstring).
TTL_SECONDS = 30.0

_lock = threading.Lock()
_entries: dict[Size, OrderedDict[Hashable, tuple[float, object]]] = {size: OrderedDict() for size in MAX_ENTRIES}
#: The versions pinned by `one_version` in this context (a request's task and the threads it runs), by URL.
_pinned: ContextVar[dict[str, int] | None] = ContextVar("targetboard_pinned_versions", default=None)


def data_version(db: Database) -> int:
    """The current data version of `db` (one indexed query)."""
    with db.read() as s:
        return latest_event_id(s)


@contextmanager
def one_version() -> Iterator[None]:
    """Within this block, each database's version is read once and reused. Only for work that does not
    write: after its own write a block would go on reading the version from before it."""
    token = _pinned.set({})
    try:
        yield
    finally:
        _pinned.reset(token)


def _version(db: Database) -> int:
    pins = _pinned.get()
    if pins is None:
        return data_version(db)
    version = pins.get(db.url)
    if version is None:
        version = pins[db.url] = data_version(db)
    return version


def cached(db: Database, key: Hashable, compute: Callable[[], T], *, size: Size = "view") -> T:
    """`compute()`, or the value computed earlier for `key` on the same data of the same database."""
    full = (db.url, _version(db), date.today(), key)
    entries = _entries[size]
    now = time.monotonic()
    with _lock:
        hit = entries.get(full)
        if hit is not None and now - hit[0] <= TTL_SECONDS:
            entries.move_to_end(full)
            return hit[1]  # type: ignore[return-value]
    value = compute()  # outside the lock: two threads may compute the same value once each, never wait
    with _lock:
        entries[full] = (now, value)
        entries.move_to_end(full)
        while len(entries) > MAX_ENTRIES[size]:
            entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget everything (tests that rewrite a database file behind the app's back)."""
    with _lock:
        for entries in _entries.values():
            entries.clear()
