"""Session, CSRF and log-in throttling helpers: small, dependency-free and easy to test.

Why here and not in the services: these protect the browser door only. The account lock-out after
repeated wrong passwords lives in `services.users.login` (it protects every door); the per-address
throttle here stops one client from trying many accounts, which a per-account lock cannot.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import MutableMapping
from typing import Any

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_USER = "uid"
SESSION_ID = "sid"
SESSION_CSRF = "csrf"
SESSION_PASSWORD_STAMP = "pw"


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, created on first use (anonymous sessions get one too: the login form)."""
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return token


def csrf_matches(session: MutableMapping[str, Any], given: str | None) -> bool:
    """Constant-time comparison of a submitted token with the session's."""
    expected = session.get(SESSION_CSRF)
    return bool(given) and isinstance(expected, str) and hmac.compare_digest(expected, given or "")


def start_session(session: MutableMapping[str, Any], user_id: int, password_stamp: str | None) -> None:
    """A new session for a fresh log-in: everything from before is dropped and the id and CSRF token are
    new, so a session planted before log-in (fixation) is worth nothing after it."""
    session.clear()
    session[SESSION_ID] = secrets.token_urlsafe(16)
    session[SESSION_USER] = user_id
    session[SESSION_PASSWORD_STAMP] = password_stamp
    session[SESSION_CSRF] = secrets.token_urlsafe(32)


class LoginThrottle:
    """At most `limit` failed log-ins per client address within `window` seconds (in memory, per process).

    A process-local sliding window is enough for one uvicorn process on an intranet; several workers
    would each count separately (documented in docs/web.md).
    """

    def __init__(self, limit: int = 10, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it may try now."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(key, now)
            if len(q) < self.limit:
                return 0
            return max(1, int(q[0] + self.window - now) + 1)

    def failed(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)
