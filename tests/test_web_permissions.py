"""The permission matrix: every API route (and every page) × every role and anonymous.

Each call is either allowed (not 401/403, never a server error) or refused with 401 (anonymous) or 403,
and every refused write leaves the database exactly as it was (a hash over every row of every table).
Permissions themselves live in the services; this checks that the web layer passes the right actor and
that no route forgot one.
"""

from __future__ import annotations

from typing import Any

import pytest

from test_web import PW, ROLE_USERS, _accounts, api_csrf, fingerprint, login, make_web, sheet

ALL = frozenset({"admin", "supervisor", "other_supervisor", "unit_editor", "viewer"})
SUP = frozenset({"admin", "supervisor", "other_supervisor"})
#: Writes in 扬中市: a supervisor of another region is refused (services.actors.require_region).
HERE = frozenset({"admin", "supervisor"})
ADMIN = frozenset({"admin"})
#: Routes with their own test (changing one's password ends the session it would be checked with).
OWN_TESTS = {("POST", "/api/v1/me/password")}


@pytest.fixture()
def site(backend: str, _databases):
    """The same database as test_web.py's `web` (seed, sample data, a unit, one user per role)."""
    dbs = _databases(backend)
    w = make_web(dbs.copy_of(dbs.template("web", _accounts)))
    yield w
    w.db.dispose()


def api_calls(web: Any, role: str) -> list[tuple[str, str, str, dict[str, Any], frozenset[str]]]:
    """(method, route template, concrete path, request arguments, roles allowed)."""
    other = sheet([("扬中市", "一般公共预算收入", "2022M07", 21.0)])  # not the unit editor's indicator
    return [
        ("GET", "/api/v1/me", "/api/v1/me", {}, ALL),
        ("GET", "/api/v1/regions", "/api/v1/regions?parent=镇江市", {}, ALL),
        ("GET", "/api/v1/units", "/api/v1/units?region=扬中市", {}, ALL),
        ("GET", "/api/v1/plans", "/api/v1/plans", {}, ALL),
        ("GET", "/api/v1/plans/{plan_id}/tree", f"/api/v1/plans/{web.plan_id}/tree", {}, ALL),
        ("GET", "/api/v1/targets", "/api/v1/targets?as_of=2022M06", {}, ALL),
        ("GET", "/api/v1/rankings/{indicator}", "/api/v1/rankings/工业应税销售?region=扬中市&period=2022M06", {}, ALL),
        ("GET", "/api/v1/observations", "/api/v1/observations?limit=3", {}, ALL),
        ("GET", "/api/v1/imports", "/api/v1/imports", {}, ALL),
        ("GET", "/api/v1/tokens", "/api/v1/tokens", {}, ALL),
        ("POST", "/api/v1/tokens", "/api/v1/tokens", {"json": {"name": f"脚本{role}"}}, ALL),
        ("DELETE", "/api/v1/tokens/{token_id}", "/api/v1/tokens/999999", {}, ALL),
        ("GET", "/api/v1/audit", "/api/v1/audit", {}, SUP),
        ("GET", "/api/v1/users", "/api/v1/users", {}, SUP),
        ("POST", "/api/v1/regions", "/api/v1/regions", {"json": {"name": f"测试镇{role}", "parent": "扬中市"}}, HERE),
        ("POST", "/api/v1/units", "/api/v1/units", {"json": {"name": f"测试局{role}", "region": "扬中市"}}, HERE),
        ("POST", "/api/v1/plans/{plan_id}/status", f"/api/v1/plans/{web.plan_id}/status",
         {"json": {"status": "draft"}}, HERE),
        ("POST", "/api/v1/assignments", "/api/v1/assignments",
         {"json": {"item_id": web.other_item, "unit": "商务局", "role": "support"}}, HERE),
        ("POST", "/api/v1/observations/import", "/api/v1/observations/import",
         {"files": {"file": ("other.csv", other, "text/csv")}}, SUP),
        ("POST", "/api/v1/users", "/api/v1/users",
         {"json": {"username": f"new_{role}", "role": "viewer", "password": PW}}, ADMIN),
        ("POST", "/api/v1/users/{username}/role", "/api/v1/users/view1/role", {"json": {"role": "viewer"}}, ADMIN),
        ("POST", "/api/v1/users/{username}/active", "/api/v1/users/view1/active", {"json": {"active": True}}, ADMIN),
        ("POST", "/api/v1/imports/{import_id}/undo", "/api/v1/imports/1/undo", {}, SUP),
        ("GET", "/api/v1/units/{unit_id}/items", f"/api/v1/units/{unit_id(web)}/items", {}, ALL - {"other_supervisor"}),
        ("POST", "/api/v1/observations/value", "/api/v1/observations/value",
         {"json": {"region": "扬中市", "indicator": "工业应税销售", "period": "2022M12", "value": "1300"}},
         SUP | {"unit_editor"}),
        ("GET", "/api/v1/rankings/{indicator}/outlook", "/api/v1/rankings/工业应税销售/outlook?region=扬中市", {}, ALL),
        # ledgers: who sees and moves which real entry is tested in test_web_hold.py (this database has none)
        ("GET", "/api/v1/ledgers", "/api/v1/ledgers?kind=safety&region=扬中市", {}, ALL - {"other_supervisor"}),
        ("GET", "/api/v1/ledgers/{entry_id}", "/api/v1/ledgers/999999", {}, ALL),
        ("POST", "/api/v1/ledgers/{entry_id}/move", "/api/v1/ledgers/999999/move", {"json": {"action": "start"}}, ALL),
        ("GET", "/api/v1/assessment/runs", "/api/v1/assessment/runs?region=扬中市", {}, ALL),
        ("GET", "/api/v1/assessment/runs/{run_id}", "/api/v1/assessment/runs/999999", {}, ALL),
        ("POST", "/api/v1/assessment/runs", "/api/v1/assessment/runs",
         {"json": {"scheme": "yangzhong-departments", "as_of": "2022M06", "day": "2022-07-01", "region": "扬中市"}},
         SUP),
        ("GET", "/api/v1/reports", "/api/v1/reports?region=扬中市", {}, ALL - {"other_supervisor"}),
        ("GET", "/api/v1/reports/due", "/api/v1/reports/due?region=扬中市&day=2022-08-10", {},
         ALL - {"other_supervisor"}),
        ("POST", "/api/v1/reports", "/api/v1/reports",
         {"data": {"item_id": str(web.target_item), "period": "2022M06", "text": "进展", "percent": "40"}},
         HERE | {"unit_editor"}),
        ("POST", "/api/v1/reports/{report_id}/review", "/api/v1/reports/1/review", {"json": {"accept": True}}, HERE),
    ]


def unit_id(web: Any) -> int:
    """商务局 of 扬中市: the unit editor's unit."""
    from targetboard.services import regions

    return next(u.id for u in regions.list_units(web.db, "扬中市") if u.name == "商务局")


PAGES = [("/plans", ALL), ("/plans?status=red", ALL), ("/targets/{item}", ALL), ("/audit", SUP), ("/password", ALL),
         ("/upload", ALL), ("/units/{unit}", ALL - {"other_supervisor"}), ("/rankings", ALL),
         ("/rankings?indicator=工业应税销售&region=扬中市&by=growth", ALL)]


def test_the_matrix_covers_every_api_route(site):
    web = site
    paths = web.app.openapi()["paths"]  # every API route is in the schema (pages are not)
    declared = {(m.upper(), p) for p, ops in paths.items() if p.startswith("/api/v1") for m in ops}
    from test_web_review import REVIEW_API_ROUTES  # the review routes' matrix is in that file

    checked = {(m, t) for m, t, *_ in api_calls(web, "x")} | OWN_TESTS | REVIEW_API_ROUTES
    assert declared == checked


def test_permission_matrix(site):
    web = site
    # refused roles first, so the allowed writes (an undo, a status change) come after every refusal
    for role in (None, "viewer", "unit_editor", "other_supervisor", "supervisor", "admin"):
        client = web.client()
        headers: dict[str, str] = {}
        if role is not None:
            login(client, ROLE_USERS[role])
            headers = api_csrf(client)
        for method, template, path, kwargs, allowed in api_calls(web, role or "anon"):
            before = fingerprint(web.db) if method != "GET" else None
            r = client.request(method, path, headers=headers, **kwargs)
            where = f"{role or 'anonymous'} {method} {template}: {r.status_code} {r.text[:200]}"
            assert r.status_code < 500, where
            if role is None:
                assert r.status_code == 401, where
            elif role in allowed:
                assert r.status_code not in (401, 403), where
            else:
                assert r.status_code == 403, where
            if before is not None and r.status_code in (401, 403):
                assert fingerprint(web.db) == before, f"a refused write changed the database: {where}"
        for page, allowed in PAGES:
            r = client.get(page.replace("{item}", str(web.target_item)).replace("{unit}", str(unit_id(web))),
                           follow_redirects=False)
            where = f"{role or 'anonymous'} GET {page}: {r.status_code}"
            if role is None:
                assert r.status_code == 303 and r.headers["location"].startswith("/login"), where
            elif role in allowed:
                assert r.status_code == 200, where
            else:
                assert r.status_code == 403, where


def test_refused_page_posts_change_nothing(site):
    web = site
    anonymous = web.client()
    before = fingerprint(web.db)
    r = anonymous.post("/password", data={"old_password": PW, "new_password": "x" * 12, "confirm_password": "x" * 12},
                       follow_redirects=False)
    assert r.status_code == 403  # no session token: refused before anything else
    viewer = login(web.client(), "view1")
    r = viewer.post("/password", data={"old_password": "wrong-password", "new_password": "x" * 12,
                                       "confirm_password": "x" * 12, "csrf_token": api_csrf(viewer)["X-CSRF-Token"]})
    assert r.status_code == 403
    other = sheet([("扬中市", "一般公共预算收入", "2022M07", 21.0)])
    token = api_csrf(viewer)["X-CSRF-Token"]
    r = viewer.post("/upload", files={"file": ("x.csv", other, "text/csv")}, data={"csrf_token": token})
    assert r.status_code == 403  # a viewer may not import
    editor = login(web.client(), "ed1")
    token = api_csrf(editor)["X-CSRF-Token"]
    r = editor.post("/upload", files={"file": ("x.csv", other, "text/csv")}, data={"csrf_token": token})
    assert r.status_code == 403  # not the editor's indicator
    r = anonymous.post("/upload", files={"file": ("x.csv", other, "text/csv")}, follow_redirects=False)
    assert r.status_code == 403
    assert fingerprint(web.db) == before
