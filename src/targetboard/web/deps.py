"""The typed dependencies every route uses: the database, the language, the acting user, CSRF.

Why one module: who is acting is decided here and nowhere else. A request is either a browser with a
signed session cookie, or a script with ``Authorization: Bearer TOKEN`` (a per-user API token, stored
as its SHA-256 in `api_token`). A bearer header that names no valid token is a 401, never an
anonymous request. Routes receive an `Actor` and hand it to the services, which decide what it may do.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from targetboard.errors import Lang
from targetboard.services import web_support
from targetboard.services.actors import Actor
from targetboard.store import Database
from targetboard.web.errors import CsrfRefused, NotAuthenticated, is_api, request_lang
from targetboard.web.security import CSRF_FIELD, CSRF_HEADER, SESSION_PASSWORD_STAMP, SESSION_USER, csrf_matches

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Row ids are INTEGER columns (32 bits on PostgreSQL, 64 on SQLite): a larger number names no row, and
#: unbounded it reached the database as an overflow, a 500 or 503 (found by schemathesis). Every id in a
#: path or body should be bounded by it (`RowId`, or ``Field(ge=1, le=MAX_ID)``).
MAX_ID = 2**31 - 1
#: For text the database stores or looks up: PostgreSQL refuses NUL characters in text (a 500 otherwise).
NO_NUL = r"^[^\x00]*$"
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="a row id")]


# The dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in its thread
# pool, and a hop there and back for each of them cost more than they do (bench/web.py).


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_lang(request: Request) -> Lang:
    return request_lang(request)


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def optional_actor(request: Request, db: Annotated[Database, Depends(get_db)]) -> Actor | None:
    """The logged-in actor, or None for an anonymous request (a plain `def`: it reads the database).

    A session whose account was disabled or deleted, or whose password changed since the log-in, is
    ended here (the password stamp is part of the session), so changing a password logs out every other
    browser.
    """
    secret = _bearer(request)
    if secret is not None:
        by_token = web_support.token_account(db, secret)
        if by_token is None:
            raise NotAuthenticated("unknown or revoked API token")
        request.state.display_name = by_token.display_name
        return by_token.actor
    uid = request.session.get(SESSION_USER)
    if not isinstance(uid, int):
        return None
    account = web_support.session_account(db, uid)
    if account is None or account.password_changed_at != request.session.get(SESSION_PASSWORD_STAMP):
        request.session.clear()
        return None
    request.state.display_name = account.display_name
    return account.actor


async def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    """The logged-in actor; 401 (API) or a redirect to the log-in page (pages) otherwise."""
    if actor is None:
        raise NotAuthenticated()
    return actor


async def csrf_protect(request: Request) -> None:
    """Refuse an unsafe request from a browser session without the session's CSRF token.

    The token comes in the ``X-CSRF-Token`` header (scripts, htmx) or the ``csrf_token`` form field.
    Exempt: bearer-token requests (no cookie is involved, so no cross-site forgery), and anonymous API
    requests (they are refused as unauthenticated anyway). Pages check anonymous posts too: the log-in
    form is protected against log-in CSRF.
    """
    if request.method not in UNSAFE_METHODS or _bearer(request) is not None:
        return
    if is_api(request) and not isinstance(request.session.get(SESSION_USER), int):
        return
    given = request.headers.get(CSRF_HEADER)
    if not given:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not csrf_matches(request.session, given):
        raise CsrfRefused()


DbDep = Annotated[Database, Depends(get_db)]
LangDep = Annotated[Lang, Depends(get_lang)]
ActorDep = Annotated[Actor, Depends(current_actor)]
MaybeActorDep = Annotated[Actor | None, Depends(optional_actor)]
