"""The web layer: log-in and sessions, CSRF, session fixation, log-in throttling, XSS, pages and the API.

Each test runs FastAPI's TestClient against a real database (SQLite file, and PostgreSQL when
$TARGETBOARD_TEST_POSTGRES_URL is set) holding the seed plan and the sample data (`tracked_url`).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from targetboard.services import assignments, regions, tracking, users
from targetboard.services.actors import Actor
from targetboard.settings import Settings
from targetboard.store import Database
from targetboard.web import create_app
from targetboard.web.security import LoginThrottle

PW = "correct-horse-42"
SECRET = "s" * 40
ROLES = ("admin", "supervisor", "unit_editor", "viewer")
ROLE_USERS = {"admin": "admin1", "supervisor": "sup1", "unit_editor": "ed1", "viewer": "view1",
              "other_supervisor": "sup2"}  # a supervisor of 丹阳市, a peer of 扬中市


@dataclass
class Web:
    url: str
    db: Database
    app: object
    plan_id: int
    target_item: int  # 工业应税销售, assigned to 商务局
    other_item: int  # 一般公共预算收入, not assigned

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")  # type: ignore[arg-type]


def _accounts(url: str) -> None:
    """The seed plan and sample data (conftest's `_track`), a unit with an assigned target, one user per role."""
    from conftest import _track

    _track(url)
    db = Database(url)
    root = Actor("root")
    regions.add_unit(db, root, "商务局", "扬中市")
    sales = next(r for r in tracking.target_statuses(db, region="扬中市", year=2022) if r.metric == "工业应税销售")
    assignments.assign(db, root, sales.item_id, "商务局")
    users.add_user(db, root, "admin1", role="admin", password=PW)
    users.add_user(db, root, "sup1", role="supervisor", password=PW, region="扬中市")
    users.add_user(db, root, "ed1", role="unit_editor", password=PW, region="扬中市", units=["商务局"])
    users.add_user(db, root, "view1", role="viewer", password=PW, display_name="观察员")
    users.add_user(db, root, "sup2", role="supervisor", password=PW, region="丹阳市")
    db.dispose()


def make_web(url: str, throttle: LoginThrottle | None = None) -> Web:
    db = Database(url)
    by_metric = {r.metric: r for r in tracking.target_statuses(db, region="扬中市", year=2022)}
    sales, budget = by_metric["工业应税销售"], by_metric["一般公共预算收入"]
    app = create_app(Settings.load(database_url=url, secret_key=SECRET), db=db, throttle=throttle)
    return Web(url, db, app, sales.plan_id, sales.item_id, budget.item_id)


@pytest.fixture()
def web_url(backend: str, _databases) -> str:
    """A copy of a database built once per run: the tracked seed plus a unit, an assignment and the users
    (argon2 hashing four passwords for every test would dominate the time)."""
    dbs = _databases(backend)
    return dbs.copy_of(dbs.template("web", _accounts))


@pytest.fixture()
def web(web_url: str):
    w = make_web(web_url)
    yield w
    w.db.dispose()


def page_csrf(client: TestClient, path: str = "/login") -> str:
    html = client.get(path).text
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, html[:500]
    return m.group(1)


def login(client: TestClient, username: str, password: str = PW) -> TestClient:
    token = page_csrf(client)
    r = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return client


def api_csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/v1/me").json()["csrf_token"]}


def fingerprint(db: Database) -> str:
    """A hash of every row of every table: equal before and after means nothing was written."""
    from sqlalchemy import select

    from targetboard.store.models import Base

    h = hashlib.sha256()
    with db.read() as s:
        for table in Base.metadata.sorted_tables:
            cols = list(table.c)
            for row in s.execute(select(table).order_by(*cols[:1])).all():
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def sheet(rows: list[tuple[str, str, str, float]]) -> bytes:
    lines = ["地区,指标,时期,累计,数值,单位,同比增长%,来源"]
    lines += [f"{r},{i},{p},是,{v},亿元,5.0,测试" for r, i, p, v in rows]
    return ("\n".join(lines) + "\n").encode()


# --- settings and start ---------------------------------------------------------------------------

def test_the_app_refuses_to_start_without_a_secret_key(db_url):
    from targetboard.errors import Invalid

    with pytest.raises(Invalid, match="secret"):
        create_app(Settings.load(database_url=db_url))
    with pytest.raises(Invalid, match="32"):
        Settings.load(database_url=db_url, secret_key="short")


def test_serve_fails_fast_with_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from targetboard.cli import main

    monkeypatch.delenv("TARGETBOARD_SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none" / "x.db")])
    assert result.exit_code == 1 and "不存在" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("TARGETBOARD_SECRET_KEY", SECRET)
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "new.db")])
    assert result.exit_code == 1 and "db upgrade" in result.output


# --- log-in, sessions, CSRF -----------------------------------------------------------------------

def test_login_logout_and_anonymous_redirect(web):
    c = web.client()
    r = c.get("/plans", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert c.get("/api/v1/plans").status_code == 401
    login(c, "view1")
    r = c.get("/plans")
    assert r.status_code == 200 and "观察员" in r.text and "扬中市 2022 年规划" in r.text
    cookie = r.request.headers.get("cookie", "") or ""
    assert "tb_session" in cookie
    token = page_csrf(c, "/plans")
    r = c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/api/v1/me").status_code == 401


def test_session_cookie_is_httponly_and_samesite_lax(web):
    c = web.client()
    token = page_csrf(c)
    r = c.post("/login", data={"username": "view1", "password": PW, "csrf_token": token}, follow_redirects=False)
    set_cookie = r.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie


def test_wrong_password_is_refused_with_one_message(web):
    c = web.client()
    token = page_csrf(c)
    r = c.post("/login", data={"username": "view1", "password": "wrong-password", "csrf_token": token})
    assert r.status_code == 401 and "用户名或密码不正确" in r.text
    r = c.post("/login", data={"username": "nobody", "password": "wrong-password", "csrf_token": token})
    assert r.status_code == 401 and "用户名或密码不正确" in r.text
    assert c.get("/api/v1/me").status_code == 401


def test_login_form_needs_the_csrf_token(web):
    c = web.client()
    page_csrf(c)
    r = c.post("/login", data={"username": "view1", "password": PW}, follow_redirects=False)
    assert r.status_code == 403
    r = c.post("/login", data={"username": "view1", "password": PW, "csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert c.get("/api/v1/me").status_code == 401


def test_cookie_api_writes_need_the_csrf_token_and_change_nothing_without_it(web):
    c = login(web.client(), "admin1")
    before = fingerprint(web.db)
    body = {"name": "新坝镇测试", "parent": "扬中市"}
    assert c.post("/api/v1/regions", json=body).status_code == 403
    assert c.post("/api/v1/regions", json=body, headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert fingerprint(web.db) == before
    r = c.post("/api/v1/regions", json=body, headers=api_csrf(c))
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "新坝镇测试"


def test_page_forms_need_the_csrf_token(web):
    c = login(web.client(), "view1")
    before = fingerprint(web.db)
    r = c.post("/password", data={"old_password": PW, "new_password": "another-pass-1",
                                  "confirm_password": "another-pass-1"})
    assert r.status_code == 403 and fingerprint(web.db) == before
    r = c.post("/logout", data={}, follow_redirects=False)
    assert r.status_code == 403
    assert c.get("/api/v1/me").status_code == 200  # still logged in: the forged log-out did nothing


def test_api_tokens_authenticate_scripts_without_csrf(web):
    c = login(web.client(), "sup1")
    r = c.post("/api/v1/tokens", json={"name": "月报脚本"}, headers=api_csrf(c))
    assert r.status_code == 201
    secret, token_id = r.json()["token"], r.json()["id"]
    assert secret.startswith("tb_")
    listed = c.get("/api/v1/tokens").json()["items"]
    assert [t["name"] for t in listed] == ["月报脚本"] and "token" not in listed[0]
    script = web.client()  # no cookie: the token alone
    auth = {"Authorization": f"Bearer {secret}"}
    assert script.get("/api/v1/me", headers=auth).json()["name"] == "sup1"
    r = script.post("/api/v1/units", json={"name": "统计局", "region": "扬中市"}, headers=auth)
    assert r.status_code == 201, r.text  # no CSRF token needed: no cookie is involved
    assert script.get("/api/v1/tokens", headers=auth).json()["items"][0]["last_used_at"] is not None
    # only the hash is stored
    from sqlalchemy import text

    with web.db.read() as s:
        stored = s.execute(text("SELECT token_sha256 FROM api_token")).scalars().all()
    assert secret not in stored and hashlib.sha256(secret.encode()).hexdigest() in stored
    # another user cannot revoke it; its owner can, and then it stops working
    other = login(web.client(), "view1")
    assert other.delete(f"/api/v1/tokens/{token_id}", headers=api_csrf(other)).status_code == 404
    assert c.delete(f"/api/v1/tokens/{token_id}", headers=api_csrf(c)).json()["revoked_at"]
    r = script.get("/api/v1/me", headers=auth)
    assert r.status_code == 401 and r.json()["kind"] == "unauthenticated"
    assert web.client().get("/api/v1/plans", headers={"Authorization": "Bearer tb_forged"}).status_code == 401


def test_api_token_of_a_disabled_account_stops_working(web):
    c = login(web.client(), "ed1")
    secret = c.post("/api/v1/tokens", json={"name": "x"}, headers=api_csrf(c)).json()["token"]
    users.set_active(web.db, Actor("root"), "ed1", False)
    assert web.client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_session_fixation_a_planted_session_is_worthless_after_login(web):
    attacker = web.client()
    page_csrf(attacker)  # the attacker gets an anonymous session cookie ...
    planted_cookie = next(c for c in attacker.cookies.jar if c.name == "tb_session")
    planted = planted_cookie.value
    assert planted
    victim = web.client()
    victim.cookies.set("tb_session", planted, domain=planted_cookie.domain)  # ... plants it in the victim's browser
    token = page_csrf(victim)
    r = victim.post("/login", data={"username": "admin1", "password": PW, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    fresh = victim.cookies.get("tb_session")
    assert fresh and fresh != planted
    assert victim.get("/api/v1/me").json()["name"] == "admin1"
    # the planted cookie is still anonymous, and the CSRF token changed at log-in
    assert attacker.get("/api/v1/me").status_code == 401
    assert api_csrf(victim)["X-CSRF-Token"] != token


def test_password_change_keeps_this_session_and_ends_the_others(web):
    first = login(web.client(), "view1")
    second = login(web.client(), "view1")
    token = page_csrf(first, "/password")
    r = first.post("/password", data={"old_password": "wrong-password", "new_password": "another-pass-1",
                                      "confirm_password": "another-pass-1", "csrf_token": token})
    assert r.status_code == 403 and "原密码不正确" in r.text
    r = first.post("/password", data={"old_password": PW, "new_password": "another-pass-1",
                                      "confirm_password": "another-pass-1", "csrf_token": token})
    assert r.status_code == 200 and "密码已修改" in r.text
    assert first.get("/api/v1/me").status_code == 200
    assert second.get("/api/v1/me").status_code == 401
    login(web.client(), "view1", "another-pass-1")


def test_api_password_change(web):
    c = login(web.client(), "ed1")
    r = c.post("/api/v1/me/password", json={"old_password": PW, "new_password": "short"}, headers=api_csrf(c))
    assert r.status_code == 400 and r.json()["kind"] == "invalid"
    r = c.post("/api/v1/me/password", json={"old_password": PW, "new_password": "long-enough-9"},
               headers=api_csrf(c))
    assert r.status_code == 200 and c.get("/api/v1/me").status_code == 200


def test_disabled_account_loses_its_session(web):
    c = login(web.client(), "view1")
    users.set_active(web.db, Actor("root"), "view1", False)
    assert c.get("/api/v1/me").status_code == 401


def test_login_is_throttled_per_address(web_url):
    w = make_web(web_url, throttle=LoginThrottle(limit=3, window=60))
    try:
        c = w.client()
        token = page_csrf(c)
        for name in ("a", "b", "c"):  # different accounts: the per-account lock-out would not notice
            r = c.post("/login", data={"username": name, "password": "wrong-password", "csrf_token": token})
            assert r.status_code == 401
        r = c.post("/login", data={"username": "admin1", "password": PW, "csrf_token": token},
                   follow_redirects=False)
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert "登录失败次数过多" in r.text
        assert c.get("/api/v1/me").status_code == 401
    finally:
        w.db.dispose()


def test_account_locks_after_five_wrong_passwords(web):
    c = web.client()
    token = page_csrf(c)
    for _ in range(5):
        c.post("/login", data={"username": "sup1", "password": "wrong-password", "csrf_token": token})
    r = c.post("/login", data={"username": "sup1", "password": PW, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 401  # locked by services.users.login, though the password is right


def test_open_redirect_after_login_is_refused(web):
    c = web.client()
    token = page_csrf(c)
    r = c.post("/login", data={"username": "view1", "password": PW, "csrf_token": token,
                               "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/plans"


# --- XSS ------------------------------------------------------------------------------------------

def test_script_in_an_extracted_item_is_escaped(web_url):
    from targetboard.services import plans

    db = Database(web_url)
    text = "二、主要目标\n力争全年工业应税销售突破1300亿元<script>alert(1)</script>。\n"
    summary = plans.import_plan(db, Actor("root"), text.encode(), region="扬中市", year=2023, reviewed=True)
    db.dispose()
    w = make_web(web_url)
    try:
        c = login(w.client(), "view1")
        html = c.get(f"/plans?plan={summary.id}").text
        assert "<script>alert(1)" not in html
        item = next(n for n in c.get(f"/api/v1/plans/{summary.id}/tree").json()["nodes"] if n["kind"] == "target")
        page = c.get(f"/targets/{item['id']}").text
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    finally:
        w.db.dispose()


def test_script_in_an_uploaded_cell_is_escaped(web):
    c = login(web.client(), "sup1")
    data = sheet([("扬中市", "<script>alert(1)</script>", "2022M07", 12.0)])
    r = c.post("/api/v1/observations/import", files={"file": ("<b>x</b>.csv", data, "text/csv")},
               headers=api_csrf(c))
    assert r.status_code == 400
    body = r.json()
    assert body["kind"] == "invalid" and body["problems"]
    assert r.headers["content-type"].startswith("application/json")
    # the same upload through the page: the report is in the page, escaped
    token = page_csrf(c, "/upload")
    r = c.post("/upload", files={"file": ("<b>x</b>.csv", data, "text/csv")}, data={"csrf_token": token})
    assert r.status_code == 400 and "未导入任何数据" in r.text
    assert "<script>alert(1)" not in r.text and "&lt;script&gt;alert(1)" in r.text and "<b>x</b>" not in r.text


# --- pages ----------------------------------------------------------------------------------------

def test_plan_page_badges_counts_and_filters(web):
    c = login(web.client(), "view1")
    html = c.get("/plans?as_of=2022M06").text
    assert 'class="badge green"' in html and 'class="badge yellow"' in html and 'class="badge red"' in html
    assert "绿 1" in html and "黄 1" in html and "红 1" in html
    only_red = c.get("/plans?as_of=2022M06&status=red").text
    ids = {r.metric: r.item_id for r in tracking.target_statuses(web.db, region="扬中市", year=2022)}
    assert f'href="/targets/{ids["百亿级企业"]}' in only_red
    assert f'href="/targets/{ids["工业应税销售"]}' not in only_red
    by_unit = c.get("/plans?as_of=2022M06&unit=商务局").text
    assert f'href="/targets/{ids["工业应税销售"]}' in by_unit and "商务局" in by_unit
    assert f'href="/targets/{ids["百亿级企业"]}' not in by_unit
    assert "绿 1" in by_unit and "红 0" in by_unit  # counts follow the unit filter
    tree = c.get(f"/api/v1/plans/{web.plan_id}/tree").json()["nodes"]
    pillars = [n for n in tree if n["kind"] == "pillar" and n["text"]]
    assert len(pillars) == 4
    per_pillar = [c.get(f"/plans?as_of=2022M06&pillar={p['id']}").text for p in pillars]
    assert sum(f'href="/targets/{ids["工业应税销售"]}' in html for html in per_pillar) == 1


def test_target_page_highlights_the_source_and_explains(web):
    c = login(web.client(), "ed1")
    r = c.get(f"/targets/{web.target_item}?as_of=2022M06")
    assert r.status_code == 200
    html = r.text
    assert re.search(r"<mark>[^<]*1200[亿億]元[^<]*</mark>", html)
    assert "按近三年同期占全年比重" in html and "商务局" in html
    assert "同级地区排名" in html and 'class="self"' in html and "扬中市" in html
    assert 'id="chart-data"' in html and "/static/vendor/echarts.min.js" in html
    import json

    data = json.loads(re.search(r'id="chart-data">(.*?)</script>', html, re.S).group(1))
    assert data["target"] == 1200 and data["actual"][5] == pytest.approx(572.33) and data["forecast"] > 1200
    bars = json.loads(re.search(r'id="ranking-data">(.*?)</script>', html, re.S).group(1))
    assert len(bars["regions"]) == 6 and bars["self"].count(True) == 1
    assert c.get("/targets/999999").status_code == 404


def test_shared_renderings_follow_a_write_at_once_in_every_language(web):
    """The plan tree, a target page's data and the status API are computed once per change of the data
    and shared between requests (`services.status_cache`); a write, even by another process, shows on the
    very next request, and one language's rendering is never served in another."""
    import json

    c = login(web.client(), "ed1")
    sales, budget = f'href="/targets/{web.target_item}', f'href="/targets/{web.other_item}'
    api = "/api/v1/targets?region=扬中市&year=2022&as_of=2022M06"

    def api_june() -> float:
        return next(t for t in c.get(api).json()["items"] if t["item_id"] == web.target_item)["status"][
            "latest_value"]

    def chart_june() -> float:
        html = c.get(f"/targets/{web.target_item}?as_of=2022M06").text
        return json.loads(re.search(r'id="chart-data">(.*?)</script>', html, re.S).group(1))["actual"][5]

    zh, en = c.get("/plans?unit=商务局").text, c.get("/plans?unit=商务局&lang=en").text
    assert sales in zh and budget not in zh and "指标目标" in zh and ">Target<" not in zh
    assert sales in en and budget not in en and ">Target<" in en and "指标目标" not in en
    assert api_june() == pytest.approx(572.33) and chart_june() == pytest.approx(572.33)
    token = page_csrf(c, "/upload")
    r = c.post("/upload", files={"file": ("fix.csv", sheet([("扬中市", "工业应税销售", "2022M06", 575.0)]),
                                          "text/csv")}, data={"csrf_token": token})  # a correction
    assert r.status_code == 200, r.text
    assert api_june() == pytest.approx(575.0) and chart_june() == pytest.approx(575.0)
    other = Database(web.url)  # another process's write: the same database, not this app's objects
    assignments.assign(other, Actor("root"), web.other_item, "商务局", role="support")
    other.dispose()
    assert budget in c.get("/plans?unit=商务局").text and budget in c.get("/plans?unit=商务局&lang=en").text


def test_a_page_asks_the_database_for_the_data_version_once(web, monkeypatch):
    """A target page reads five cached services; under `ReadSnapshot` they share one version query."""
    from targetboard.services import status_cache

    calls: list[str] = []
    original = status_cache.data_version
    monkeypatch.setattr(status_cache, "data_version", lambda db: calls.append(db.url) or original(db))
    c = login(web.client(), "view1")
    calls.clear()
    assert c.get(f"/targets/{web.target_item}?as_of=2022M05").status_code == 200
    assert calls == [web.db.url]


def test_audit_page_for_supervisors_only(web):
    sup = login(web.client(), "sup1")
    html = sup.get("/audit?action=user.add").text
    assert "user.add" in html and "ed1" in html
    viewer = login(web.client(), "view1")
    r = viewer.get("/audit")
    assert r.status_code == 403 and "无权" in r.text


def test_static_files_are_served_from_the_package(web):
    c = web.client()
    r = c.get("/static/app.css")
    assert r.status_code == 200 and ".badge" in r.text
    for name in ("vendor/echarts.min.js", "vendor/htmx.min.js", "target.js"):
        assert c.get(f"/static/{name}").status_code == 200, name


# --- API ------------------------------------------------------------------------------------------

def test_api_lists_paginate(web):
    c = login(web.client(), "view1")
    page = c.get("/api/v1/observations?limit=5&offset=10").json()
    assert len(page["items"]) == 5 and page["limit"] == 5 and page["offset"] == 10
    regions_page = c.get("/api/v1/regions?parent=镇江市&limit=2&offset=1").json()
    assert len(regions_page["items"]) == 2 and regions_page["total"] >= 6
    assert c.get("/api/v1/observations?limit=0").status_code == 400


def test_api_targets_tree_and_ranking(web):
    c = login(web.client(), "view1")
    targets = c.get("/api/v1/targets?region=扬中市&year=2022&as_of=2022M06").json()["items"]
    labels = {t["metric"]: t["label"] for t in targets}
    assert labels["工业应税销售"] == "进度正常"
    tree = c.get(f"/api/v1/plans/{web.plan_id}/tree?as_of=2022M06").json()
    assert tree["summary"]["id"] == web.plan_id
    assert any(n["status_label"] == "有风险" for n in tree["nodes"])
    rank = c.get("/api/v1/rankings/工业应税销售?region=扬中市&period=2022M06").json()
    assert len(rank["rows"]) == 6 and any(r["is_self"] for r in rank["rows"])


def test_api_errors_have_one_shape_and_language(web):
    c = login(web.client(), "view1")
    r = c.get("/api/v1/plans/424242/tree")
    assert r.status_code == 404 and r.json() == {"kind": "not_found", "message": "规划 424242 不存在"}
    r = c.get("/api/v1/plans/424242/tree?lang=en")
    assert r.json()["message"] == "plan 424242: not found"
    r = c.get("/api/v1/rankings/工业应税销售?region=扬中市&period=2022M13")
    assert r.status_code == 400 and r.json()["kind"] == "invalid"
    r = c.get("/api/v1/units?region=火星")
    assert r.status_code == 404


def test_api_upload_reports_every_problem_and_stores_nothing(web):
    c = login(web.client(), "sup1")
    before = fingerprint(web.db)
    bad = sheet([("扬中市", "工业应税销售", "2022M07", 650.0), ("扬中市", "工业应税销售", "2022M13", 1.0)])
    r = c.post("/api/v1/observations/import", files={"file": ("bad.csv", bad, "text/csv")}, headers=api_csrf(c))
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["where"] == {"file": "bad.csv"} and any("2022M13" in p for p in body["problems"])
    assert fingerprint(web.db) == before
    good = sheet([("扬中市", "工业应税销售", "2022M07", 660.0)])
    r = c.post("/api/v1/observations/import", files={"file": ("good.csv", good, "text/csv")}, headers=api_csrf(c))
    assert r.status_code == 201, r.text
    assert r.json()["rows"] == 1 and "1 行" in r.json()["summary"]


def test_upload_page_imports_and_reports(web):
    c = login(web.client(), "ed1")
    token = page_csrf(c, "/upload")
    before = fingerprint(web.db)
    typo = sheet([("扬中市", "工业应税销售", "2022M07", 6.6)])  # 6.6 亿元 after 572: a magnitude jump
    r = c.post("/upload", files={"file": ("mine.csv", typo, "text/csv")}, data={"csrf_token": token})
    assert r.status_code == 400 and "未导入任何数据" in r.text and "mine.csv" in r.text
    assert fingerprint(web.db) == before
    r = c.post("/upload", files={"file": ("other.csv", sheet([("扬中市", "一般公共预算收入", "2022M07", 21.0)]),
                                          "text/csv")}, data={"csrf_token": token})
    assert r.status_code == 403 and "只能填报本单位负责的指标" in r.text
    r = c.post("/upload", files={"file": ("mine.csv", sheet([("扬中市", "工业应税销售", "2022M07", 660.0)]),
                                          "text/csv")}, data={"csrf_token": token})
    assert r.status_code == 200 and "1 行" in r.text
    r = c.post("/upload", files={"file": ("mine.csv", b"x", "text/csv")})
    assert r.status_code == 403  # no CSRF token


def test_unit_editor_uploads_only_its_units_figures(web):
    c = login(web.client(), "ed1")
    mine = sheet([("扬中市", "工业应税销售", "2022M07", 661.0)])
    r = c.post("/api/v1/observations/import", files={"file": ("mine.csv", mine, "text/csv")}, headers=api_csrf(c))
    assert r.status_code == 201, r.text
    before = fingerprint(web.db)
    other = sheet([("扬中市", "一般公共预算收入", "2022M07", 21.0)])
    r = c.post("/api/v1/observations/import", files={"file": ("other.csv", other, "text/csv")}, headers=api_csrf(c))
    assert r.status_code == 403 and r.json()["kind"] == "forbidden"
    assert fingerprint(web.db) == before


def test_openapi_schema_is_served(web):
    c = web.client()
    schema = c.get("/api/openapi.json").json()
    assert "/api/v1/targets" in schema["paths"] and "/login" not in schema["paths"]
    docs = c.get("/api/docs")
    assert docs.status_code == 200 and "/static/vendor/swagger-ui-bundle.js" in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text  # nothing from a CDN
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert c.get(f"/static/vendor/{name}").status_code == 200


def test_pages_send_security_headers(web):
    r = web.client().get("/login")
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text  # no inline script, so the policy needs no 'unsafe-inline' for scripts


def test_templates_never_switch_escaping_off():
    from pathlib import Path

    import targetboard.web

    for path in (Path(targetboard.web.__file__).parent / "templates").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, path.name


def test_serve_demo_loads_the_seed_and_prints_working_accounts(tmp_path, monkeypatch):
    """`serve --demo` needs no secret key, and its printed accounts log in to a dashboard with the seed."""
    from click.testing import CliRunner

    import targetboard.cli_web as cli_web
    from targetboard.cli import main

    served = {}
    monkeypatch.setattr(cli_web, "_run", lambda settings, db=None, workers=1: served.update(settings=settings, db=db))
    monkeypatch.delenv("TARGETBOARD_SECRET_KEY", raising=False)
    db_path = tmp_path / "demo.db"
    for _ in range(2):  # a re-run on the same demo database works and prints new passwords
        result = CliRunner().invoke(main, ["serve", "--demo", "--db", str(db_path)])
        assert result.exit_code == 0, result.output
    accounts = dict(re.findall(r"^  (demo-\S+)\s+\S+\s+(\S+)$", result.output, re.M))
    assert set(accounts) == {"demo-admin", "demo-supervisor", "demo-editor", "demo-viewer"}
    settings = served["settings"]
    assert len(settings.secret_key.get_secret_value()) >= 32
    app = create_app(settings, db=served["db"])
    try:
        c = login(TestClient(app, base_url="http://testserver"), "demo-editor", accounts["demo-editor"])
        assert "工业应税销售" in c.get("/api/v1/targets?as_of=2022M06").text
        assert 'class="unit">工信局' in c.get("/plans?unit=工信局").text
    finally:
        served["db"].dispose()


def test_target_page_chart_script_builds_both_charts(web, tmp_path):
    """target.js run by node against the page's own data, with a stand-in for ECharts (no browser here)."""
    import json
    import shutil
    import subprocess
    from pathlib import Path

    import targetboard.web

    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed (the machine image ships Node.js; CI must not skip this)")
        pytest.skip("node is not installed")
    html = login(web.client(), "view1").get(f"/targets/{web.target_item}?as_of=2022M06").text
    blocks = dict(re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S))
    assert set(blocks) == {"chart-data", "ranking-data"}
    script = Path(targetboard.web.__file__).parent / "static" / "target.js"
    harness = tmp_path / "run.js"
    harness.write_text(f"""
const blocks = {json.dumps(blocks)};
const holders = {{chart: {{}}, "ranking-chart": {{}}}};
global.document = {{ getElementById: (id) => blocks[id] !== undefined ? {{textContent: blocks[id]}} : holders[id] }};
global.window = {{ addEventListener: () => {{}} }};
const options = [];
global.echarts = {{ init: () => ({{ setOption: (o) => options.push(o), resize: () => {{}} }}) }};
require({json.dumps(str(script))});
console.log(JSON.stringify(options));
""", encoding="utf-8")
    out = subprocess.run([node, str(harness)], capture_output=True, text=True, timeout=30, check=True).stdout
    line, bars = json.loads(out)
    assert [s["name"] for s in line["series"]] == ["2022年累计", "2021年累计", "目标", "全年预测"]
    assert line["series"][3]["data"][11] > 1200
    assert len(bars["series"][0]["data"]) == 6


def test_worker_processes_build_their_app_from_the_environment(web_url, monkeypatch):
    """`serve --workers N`: each uvicorn worker imports `app_from_environment`, which reads TARGETBOARD_*."""
    from targetboard.web.app import app_from_environment

    monkeypatch.setenv("TARGETBOARD_DATABASE_URL", web_url)
    monkeypatch.setenv("TARGETBOARD_SECRET_KEY", SECRET)
    app = app_from_environment()
    try:
        c = login(TestClient(app, base_url="http://testserver"), "sup1")
        assert c.get("/plans").status_code == 200
    finally:
        app.state.db.dispose()
    monkeypatch.delenv("TARGETBOARD_SECRET_KEY")
    from targetboard.errors import Invalid

    with pytest.raises(Invalid, match="secret"):
        app_from_environment()
