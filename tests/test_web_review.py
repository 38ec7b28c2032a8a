"""The review screen, the document page and the review API (web/pages_review.py, web/api_review.py).

A supervisor reviews an imported document through the pages (accept one item, edit one, reject one,
add one by its span) and sees only the accepted ones in the plan; every new route is checked as every
role and anonymously, refused writes leave every row unchanged; forms need the CSRF token; an item
holding ``<script>`` is shown as text; the highlighted text keeps the original offsets.
"""

from __future__ import annotations

import html
import re
import tomllib
from typing import Any

import pytest

from targetboard.services import plans
from targetboard.services.actors import Actor
from targetboard.store import Database
from test_web import ROLE_USERS, api_csrf, fingerprint, login, make_web, page_csrf, web_url  # noqa: F401
from test_web_permissions import ALL, HERE

REPORT = ("扬中市2023年政府工作报告\r\n"
          "一、2022年工作回顾\r\n"
          "全年实现地区生产总值620.5亿元，增长6.5%。一般公共预算收入38.2亿元，增长12.1%。工业应税销售增幅列镇江首位。\r\n"
          "二、2023年主要目标\r\n"
          "力争全年工业应税销售突破1300亿元<script>alert(1)</script>，一般公共预算收入增长6%以上。"
          "加快推进美科太阳能等优质企业上市。\U00020000城镇新增就业5000人。\r\n")


class Site:
    def __init__(self, url: str) -> None:
        db = Database(url)
        self.plan_id = plans.import_plan(db, Actor("root"), REPORT.encode(), region="扬中市", year=2023,
                                         filename="报告<b>.txt").id
        db.dispose()
        self.web = make_web(url)
        self.db = self.web.db
        self.first_item = self.items()[0]["id"]

    def client(self, role: str | None = None):
        c = self.web.client()
        return login(c, ROLE_USERS[role]) if role else c

    def items(self) -> list[dict[str, Any]]:
        c = self.client("admin")
        return c.get(f"/api/v1/documents/{self.plan_id}/review").json()["items"]

    def item(self, text_part: str) -> dict[str, Any]:
        return next(i for i in self.items() if text_part in i["fields"]["text"])


@pytest.fixture()
def site(web_url):  # noqa: F811
    s = Site(web_url)
    yield s
    s.db.dispose()


def form_token(client, path: str) -> str:
    return page_csrf(client, path)


# --- the permission matrix of the new routes --------------------------------------------------------

def api_calls(site: Site, role: str) -> list[tuple[str, str, str, dict[str, Any], frozenset[str]]]:
    p = site.plan_id
    item = site.first_item
    start = REPORT.index("城镇新增就业")
    return [
        ("GET", "/api/v1/documents/{plan_id}", f"/api/v1/documents/{p}", {}, ALL),
        ("GET", "/api/v1/documents/{plan_id}/review", f"/api/v1/documents/{p}/review", {}, HERE),
        ("GET", "/api/v1/documents/{plan_id}/review/golden", f"/api/v1/documents/{p}/review/golden", {}, HERE),
        ("POST", "/api/v1/review/items/{item_id}/accept", f"/api/v1/review/items/{item}/accept", {}, HERE),
        ("POST", "/api/v1/review/items/{item_id}/reject", f"/api/v1/review/items/{item}/reject", {}, HERE),
        ("POST", "/api/v1/review/items/{item_id}/reopen", f"/api/v1/review/items/{item}/reopen", {}, HERE),
        ("PATCH", "/api/v1/review/items/{item_id}", f"/api/v1/review/items/{item}", {"json": {"kind": "task"}},
         HERE),
        ("POST", "/api/v1/documents/{plan_id}/review/items", f"/api/v1/documents/{p}/review/items",
         {"json": {"kind": "task", "start": start, "end": start + 6}}, HERE),
        ("POST", "/api/v1/documents/{plan_id}/review/outcomes", f"/api/v1/documents/{p}/review/outcomes", {}, HERE),
    ]


#: (method, route) of every API route this file's matrix covers (test_web_permissions checks the union).
REVIEW_API_ROUTES = {
    ("GET", "/api/v1/documents/{plan_id}"), ("GET", "/api/v1/documents/{plan_id}/review"),
    ("GET", "/api/v1/documents/{plan_id}/review/golden"), ("POST", "/api/v1/review/items/{item_id}/accept"),
    ("POST", "/api/v1/review/items/{item_id}/reject"), ("POST", "/api/v1/review/items/{item_id}/reopen"),
    ("PATCH", "/api/v1/review/items/{item_id}"), ("POST", "/api/v1/documents/{plan_id}/review/items"),
    ("POST", "/api/v1/documents/{plan_id}/review/outcomes"),
}


def page_posts(site: Site) -> list[tuple[str, dict[str, str]]]:
    p, item = site.plan_id, site.first_item
    start = REPORT.index("城镇新增就业")
    return [(f"/documents/{p}/review/items/{item}/accept", {}), (f"/documents/{p}/review/items/{item}/reject", {}),
            (f"/documents/{p}/review/items/{item}/reopen", {}),
            (f"/documents/{p}/review/items/{item}/edit", {"kind": "task", "start": "0", "end": "3"}),
            (f"/documents/{p}/review/add", {"kind": "task", "start": str(start), "end": str(start + 6)}),
            (f"/documents/{p}/review/outcomes", {})]


def test_the_matrix_lists_every_review_route(site):
    assert {(m, t) for m, t, *_ in api_calls(site, "x")} == REVIEW_API_ROUTES
    paths = site.web.app.openapi()["paths"]
    declared = {(m.upper(), p) for p, ops in paths.items()
                if p.startswith(("/api/v1/documents/", "/api/v1/review/")) for m in ops}
    assert declared == REVIEW_API_ROUTES


def test_review_permission_matrix(site):
    p = site.plan_id
    pages = [(f"/documents/{p}", ALL), (f"/documents/{p}/review", HERE), (f"/documents/{p}/review/golden.toml", HERE)]
    for role in (None, "viewer", "unit_editor", "other_supervisor", "supervisor", "admin"):
        client = site.client(role)
        headers = api_csrf(client) if role else {}
        for method, template, path, kwargs, allowed in api_calls(site, role or "anon"):
            before = fingerprint(site.db) if method != "GET" else None
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
                assert fingerprint(site.db) == before, f"a refused write changed the database: {where}"
        for path, allowed in pages:
            r = client.get(path, follow_redirects=False)
            where = f"{role or 'anonymous'} GET {path}: {r.status_code}"
            if role is None:
                assert r.status_code == 303 and r.headers["location"].startswith("/login"), where
            elif role in allowed:
                assert r.status_code == 200, where
            else:
                assert r.status_code == 403, where
        token = headers.get("X-CSRF-Token", "")
        for path, data in page_posts(site):
            before = fingerprint(site.db)
            r = client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
            where = f"{role or 'anonymous'} POST {path}: {r.status_code} {r.text[:200]}"
            assert r.status_code < 500, where
            if role is None:
                assert r.status_code == 403, where  # no session token: refused before anything else
            elif role in HERE:
                assert r.status_code in (303, 200, 400), where
            else:
                assert r.status_code == 403, where
            if role not in HERE:
                assert fingerprint(site.db) == before, f"a refused post changed the database: {where}"


def test_forms_need_the_csrf_token(site):
    c = site.client("supervisor")
    item = site.items()[0]["id"]
    p = site.plan_id
    before = fingerprint(site.db)
    for path, data in ((f"/documents/{p}/review/items/{item}/accept", {}),
                       (f"/documents/{p}/review/items/{item}/edit", {"kind": "task", "start": "0", "end": "3"}),
                       (f"/documents/{p}/review/add", {"kind": "task", "start": "0", "end": "3"})):
        assert c.post(path, data=data).status_code == 403
        assert c.post(path, data={**data, "csrf_token": "wrong"}).status_code == 403
    assert c.patch(f"/api/v1/review/items/{item}", json={"kind": "task"}).status_code == 403
    assert fingerprint(site.db) == before
    html_ = c.get(f"/documents/{p}/review").text
    forms = re.findall(r'<form method="post".*?</form>', html_, re.S)
    assert len(forms) >= 4 and all('name="csrf_token"' in f for f in forms)


# --- the review through the pages -------------------------------------------------------------------

def test_a_supervisor_reviews_through_the_pages_and_only_accepted_items_count(site):
    c = site.client("supervisor")
    p = site.plan_id
    page = c.get(f"/documents/{p}/review").text
    assert 'id="document-text"' in page and 'class="add fields"' in page and "/static/review.js" in page
    ids = [int(x) for x in re.findall(r'<tr class="item [^"]*" id="item-\d+" data-id="(\d+)"', page)]
    confidences = [i["confidence"] for i in site.items()]
    assert len(ids) == len(confidences) and confidences == sorted(confidences)  # lowest confidence first
    token = form_token(c, f"/documents/{p}/review")
    sales, budget = site.item("工业应税销售突破1300亿元"), site.item("一般公共预算收入增长6%以上")
    ranking = site.item("增幅列镇江首位")
    r = c.post(f"/documents/{p}/review/items/{sales['id']}/accept", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(f"/review#item-{sales['id']}")
    f = budget["fields"]
    edit = {k: ("" if v is None else str(v)) for k, v in f.items() if k != "text"}
    edit.update(value="7", csrf_token=token)
    assert c.post(f"/documents/{p}/review/items/{budget['id']}/edit", data=edit,
                  follow_redirects=False).status_code == 303
    assert c.post(f"/documents/{p}/review/items/{ranking['id']}/reject", data={"csrf_token": token},
                  follow_redirects=False).status_code == 303
    start = REPORT.index("美科太阳能等优质企业上市")
    added = {"kind": "target", "start": str(start), "end": str(start + 12), "metric": "上市企业",
             "measure": "level", "value": "1", "unit": "家", "comparator": ">=", "csrf_token": token}
    r = c.post(f"/documents/{p}/review/add", data=added, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    states = {i["id"]: i["state"] for i in site.items()}
    new_id = next(i for i, st in states.items() if st == "added")
    assert (states[sales["id"]], states[budget["id"]], states[ranking["id"]]) == ("accepted", "edited", "rejected")
    assert list(states.values()).count("pending") == len(states) - 4
    # the plan holds the accepted items only
    nodes = c.get(f"/api/v1/plans/{p}/tree").json()["nodes"]
    shown = {n["id"] for n in nodes if n["kind"] not in ("pillar", "objective")}
    assert shown == {sales["id"], budget["id"], new_id}
    targets = c.get("/api/v1/targets", params={"year": 2023, "region": "扬中市"}).json()["items"]
    assert sorted((t["metric"], t["value"]) for t in targets) == [("一般公共预算收入", 7.0), ("上市企业", 1.0),
                                                                   ("工业应税销售", 1300.0)]
    plan_page = c.get(f"/plans?plan={p}").text
    assert "工业应税销售突破1300亿元" in plan_page and "增幅列镇江首位" not in plan_page
    assert "城镇新增就业" not in plan_page  # still pending
    assert f'id="review-link" href="/documents/{p}/review"' in plan_page
    audit = c.get("/api/v1/audit", params={"action": "review."}).json()["items"]
    assert {(e["action"], e["actor"]) for e in audit} == {("review.accept", "sup1"), ("review.edit", "sup1"),
                                                          ("review.reject", "sup1"), ("review.add", "sup1")}
    # the corrections download as golden cases
    r = c.get(f"/documents/{p}/review/golden.toml")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    cases = tomllib.loads(r.text)["case"]
    assert {c_["id"].rsplit("-", 1)[1] for c_ in cases} == {"edit", "reject", "add"}
    # the document page: every item highlighted by kind, accepted ones linked to their target page
    doc = c.get(f"/documents/{p}").text
    for kind in ("target", "outcome", "ranking", "task"):
        assert f"hl kind-{kind}" in doc
    assert f'href="/targets/{sales["id"]}"' in doc and f'href="/targets/{ranking["id"]}"' not in doc
    assert f'<tr class="item state-rejected" data-id="{ranking["id"]}">' in doc


def test_an_invalid_correction_is_shown_in_the_page_and_stores_nothing(site):
    c = site.client("supervisor")
    p = site.plan_id
    token = form_token(c, f"/documents/{p}/review")
    before = fingerprint(site.db)
    r = c.post(f"/documents/{p}/review/add", data={"kind": "target", "start": "5", "end": "2", "csrf_token": token})
    assert r.status_code == 400 and 'id="review-error"' in r.text and "范围" in r.text
    item = site.item("工业应税销售突破1300亿元")
    r = c.post(f"/documents/{p}/review/items/{item['id']}/edit",
               data={"value": "lots", "csrf_token": token})
    assert r.status_code == 400 and "value" in r.text
    assert fingerprint(site.db) == before
    other = c.post(f"/documents/{p + 999}/review/items/{item['id']}/accept", data={"csrf_token": token})
    assert other.status_code == 404  # the item is not in that plan


def test_script_in_an_item_is_escaped_on_both_pages(site):
    c = site.client("supervisor")
    for path in (f"/documents/{site.plan_id}", f"/documents/{site.plan_id}/review"):
        page = c.get(path).text
        assert "<script>alert" not in page and "</script>" not in page.replace('review.js"></script>', ""), path
        assert "&lt;script&gt;alert" in page and "&lt;/script&gt;" in page, path
        assert "<b>" not in page and "报告&lt;b&gt;.txt" in page


def test_highlighted_pieces_keep_the_original_offsets(site):
    """What review.js relies on: every piece of #document-text says where its text is in the original."""
    viewer = site.client("viewer")
    plan_page = viewer.get(f"/plans?plan={site.plan_id}").text
    assert f'href="/documents/{site.plan_id}"' in plan_page and "review-link" not in plan_page
    page = viewer.get(f"/documents/{site.plan_id}").text
    assert "review-link" not in page
    body = page[page.index('id="document-text"'):]
    body = body[:body.index("</div>")]
    pieces = re.findall(r'<(span|mark) [^>]*data-start="(\d+)" data-end="(\d+)"[^>]*>(.*?)</\1>', body, re.S)
    assert pieces
    pos = 0
    for tag, a, b, inner in pieces:
        a, b = int(a), int(b)
        assert a == pos, (tag, a, pos)
        shown = html.unescape(inner)
        assert shown == REPORT[a:b] or (shown == "" and REPORT[a:b] == "\r"), (a, b, shown)
        pos = b
    assert pos == len(REPORT)
    assert f'data-length="{len(REPORT)}"' in page  # code points, as Python counts (U+20000 is one)
    assert "hl kind-target state-pending" in body


# --- the API ------------------------------------------------------------------------------------------

def test_review_api(site):
    c = site.client("supervisor")
    h = api_csrf(c)
    p = site.plan_id
    doc = c.get(f"/api/v1/documents/{p}").json()
    assert doc["text"] == REPORT and doc["counts"]["pending"] == len(doc["items"])
    assert [i["fields"]["start"] for i in doc["items"]] == sorted(i["fields"]["start"] for i in doc["items"])
    item = site.item("一般公共预算收入增长6%以上")
    r = c.patch(f"/api/v1/review/items/{item['id']}", json={"value": 8, "comparator": ">"}, headers=h)
    assert r.status_code == 200 and r.json()["state"] == "edited" and r.json()["fields"]["value"] == 8
    assert r.json()["extracted"]["value"] == 6 and r.json()["fields"]["metric"] == "一般公共预算收入"
    r = c.patch(f"/api/v1/review/items/{item['id']}", json={"comparator": "about"}, headers=h)
    assert r.status_code == 400 and r.json()["kind"] == "invalid"
    r = c.post(f"/api/v1/documents/{p}/review/items", json={"kind": "task", "start": 0, "end": 999999}, headers=h)
    assert r.status_code == 400 and r.json()["kind"] == "invalid" and "span" in c.post(
        f"/api/v1/documents/{p}/review/items?lang=en", json={"kind": "task", "start": 0, "end": 999999},
        headers=h).json()["message"]
    gdp = site.item("全年实现地区生产总值620.5亿元")
    assert c.post(f"/api/v1/review/items/{gdp['id']}/accept", headers=h).json()["state"] == "accepted"
    stored = c.post(f"/api/v1/documents/{p}/review/outcomes", headers=h)
    assert stored.status_code == 201 and stored.json()["inserted"] == 1
    edited = c.get(f"/api/v1/documents/{p}/review", params={"state": "edited"}).json()
    assert edited["total"] == 1 and edited["items"][0]["id"] == item["id"]
    golden = c.get(f"/api/v1/documents/{p}/review/golden").json()
    assert golden["cases"] == 1 and "value = 8" in golden["toml"]


def test_review_page_in_english(site):
    c = site.client("supervisor")
    page = c.get(f"/documents/{site.plan_id}/review", params={"lang": "en"}).text
    assert "Review the extracted items" in page and "Add a missed item" in page and ">Accept<" in page
    hant = c.get(f"/documents/{site.plan_id}", params={"lang": "zh-Hant"}).text
    assert "抽取條目" in hant
