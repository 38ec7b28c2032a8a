"""Hold-to-account pages: ledgers with their lights and steps, and assessment league tables.

On test_web's database (seed, sample data, 商务局 with its editor ed1, one user per role) plus the SAMPLE
ledgers of the demo (商务局 is responsible for safety entry 3 and project entry 2).
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

import openpyxl
import pytest

from targetboard.accountability.ledger import ledger_kinds
from targetboard.sample import SAMPLE_DEPARTMENTS, SAMPLE_LEDGERS, write_sample_ledger
from targetboard.services import assessment, ledgers, regions
from targetboard.services.actors import Actor
from targetboard.web.pages_hold import LEDGER_LABELS
from test_web import ROLE_USERS, _accounts, api_csrf, fingerprint, login, make_web

DAY = "2022-07-01"
ROOT = Actor("root")


def _with_ledgers(url: str) -> None:
    import tempfile
    from pathlib import Path

    from targetboard.store import Database

    _accounts(url)
    db = Database(url)
    existing = {u.name for u in regions.list_units(db, "扬中市")}
    for name in SAMPLE_DEPARTMENTS:
        if name not in existing:
            regions.add_unit(db, ROOT, name, "扬中市")
    with tempfile.TemporaryDirectory() as tmp:
        for kind, name, header, rows in SAMPLE_LEDGERS:
            ledgers.import_ledger(db, ROOT, write_sample_ledger(Path(tmp) / name, header, rows), kind=kind,
                                  region="扬中市")
    db.dispose()


@pytest.fixture()
def hold(backend: str, _databases):
    dbs = _databases(backend)
    w = make_web(dbs.copy_of(dbs.template("hold", _with_ledgers)))
    yield w
    w.db.dispose()


def entry(web, kind: str, ref: str):
    return next(e for e in ledgers.list_entries(web.db, region="扬中市", kind=kind, today=date(2022, 7, 1))
                if e.ref == ref)


def test_every_ledger_name_is_in_the_catalogue():
    names = {k.name for k in ledger_kinds().values()}
    names |= {s for k in ledger_kinds().values() for s in k.states.values()}
    names |= {t.name for k in ledger_kinds().values() for t in k.transitions}
    assert names <= set(LEDGER_LABELS)


def test_ledger_page_shows_the_lights_of_the_day(hold):
    c = login(hold.client(), "sup1")
    page = c.get("/ledgers", params={"kind": "rectification", "day": DAY}).text
    views = ledgers.list_entries(hold.db, region="扬中市", kind="rectification", today=date(2022, 7, 1))
    for colour, name in (("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯")):
        assert f'<span class="light {colour}">{name} {sum(v.light == colour for v in views)}</span>' in page
    assert len(re.findall(r'<tr class="entry', page)) == len(views)
    assert 'value="sign_off"' not in page or "已完成待验收" in page
    en = c.get("/ledgers", params={"kind": "safety", "day": DAY, "lang": "en"}).text
    assert "Safety hazard ledger" in en and "Not started" in en


def test_a_unit_editor_sees_and_moves_only_its_own_entries(hold):
    c = login(hold.client(), "ed1")
    page = c.get("/ledgers", params={"kind": "safety", "day": DAY}).text
    assert len(re.findall(r'<tr class="entry', page)) == 1 and "道路运输企业动态监控缺失" in page
    own, other = entry(hold, "safety", "3"), entry(hold, "safety", "1")
    token = api_csrf(c)["X-CSRF-Token"]
    r = c.post(f"/ledgers/{own.id}/move", data={"csrf_token": token, "action": "start", "day": DAY},
               follow_redirects=False)
    assert r.status_code == 303 and entry(hold, "safety", "3").state == "in_progress"
    before = fingerprint(hold.db)
    assert c.get(f"/ledgers/{other.id}").status_code == 403
    r = c.post(f"/ledgers/{other.id}/move", data={"csrf_token": token, "action": "start", "day": DAY})
    assert r.status_code == 403
    c.post(f"/ledgers/{own.id}/move", data={"csrf_token": token, "action": "submit", "day": DAY})
    before = fingerprint(hold.db)
    r = c.post(f"/ledgers/{own.id}/move", data={"csrf_token": token, "action": "sign_off", "day": DAY})
    assert r.status_code == 403 and "督查人员" in r.text  # signing off is the office's step
    assert fingerprint(hold.db) == before


def test_the_supervisor_returns_with_a_comment_and_the_history_shows_it(hold):
    own = entry(hold, "safety", "3")
    ed = login(hold.client(), "ed1")
    token = api_csrf(ed)["X-CSRF-Token"]
    for step in ("start", "submit"):
        ed.post(f"/ledgers/{own.id}/move", data={"csrf_token": token, "action": step, "day": DAY})
    sup = login(hold.client(), "sup1")
    token = api_csrf(sup)["X-CSRF-Token"]
    sup.post(f"/ledgers/{own.id}/move", data={"csrf_token": token, "action": "return", "comment": "缺少<script>照片",
                                             "day": DAY})
    page = sup.get(f"/ledgers/{own.id}", params={"day": DAY}).text
    assert "缺少&lt;script&gt;照片" in page and "sup1" in page and entry(hold, "safety", "3").returned == 1
    viewer = login(hold.client(), "view1").get("/ledgers", params={"kind": "safety"}).text
    assert viewer.count('class="inline step"') == 0  # a viewer takes no steps


def test_ledger_import_with_an_error_stores_nothing_and_export_round_trips(hold):
    sup = login(hold.client(), "sup1")
    token = api_csrf(sup)["X-CSRF-Token"]
    exported = sup.get("/ledgers/export", params={"kind": "project", "day": DAY})
    assert exported.status_code == 200 and "filename*=UTF-8''" in exported.headers["content-disposition"]
    before = fingerprint(hold.db)
    r = sup.post("/ledgers/import", data={"csrf_token": token, "kind": "project"},
                 files={"file": ("项目.xlsx", exported.content, "application/octet-stream")})
    assert r.status_code == 200 and "新增 0，更新 0" in r.text
    assert fingerprint(hold.db) == before
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = book.active
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "商务局":
                cell.value = "不存在的局"
    buf = io.BytesIO()
    book.save(buf)
    r = sup.post("/ledgers/import", data={"csrf_token": token, "kind": "project"},
                 files={"file": ("坏项目.xlsx", buf.getvalue(), "application/octet-stream")})
    assert r.status_code == 400 and "坏项目.xlsx" in r.text and "不存在的局" in r.text
    assert fingerprint(hold.db) == before
    ed = login(hold.client(), "ed1")
    r = ed.post("/ledgers/import", data={"csrf_token": api_csrf(ed)["X-CSRF-Token"], "kind": "project"},
                files={"file": ("项目.xlsx", exported.content, "application/octet-stream")})
    assert r.status_code == 403 and fingerprint(hold.db) == before


def test_assessment_preview_publish_and_export(hold):
    regions.add_unit(hold.db, ROOT, "工信局", "扬中市") if "工信局" not in {
        u.name for u in regions.list_units(hold.db, "扬中市")} else None
    sup = login(hold.client(), "sup1")
    token = api_csrf(sup)["X-CSRF-Token"]
    scheme = next(s for s in assessment.packaged_schemes() if s.subjects == "department")
    form = {"csrf_token": token, "scheme": scheme.id, "as_of": "2022M06", "day": DAY}
    before = fingerprint(hold.db)
    preview = sup.post("/assessment/run", data=form)
    assert preview.status_code == 200 and "试算（未发布）" in preview.text and 'id="league-table"' in preview.text
    assert fingerprint(hold.db) == before  # a preview writes nothing
    r = sup.post("/assessment/run", data={**form, "publish": "true"}, follow_redirects=False)
    assert r.status_code == 303
    run_id = int(r.headers["location"].split("run=")[1])
    page = sup.get(r.headers["location"]).text
    published = assessment.get_run(hold.db, run_id)
    ranks = re.findall(r'<tr class="subject" data-subject="([^"]+)"><td>(\d+)</td>', page)
    assert ranks == [(s.subject, str(s.rank)) for s in published.result.table]
    exported = sup.get(f"/assessment/{run_id}.json")
    assert json.loads(exported.content) == json.loads(published.result.to_json())
    viewer = login(hold.client(), "view1")
    before = fingerprint(hold.db)
    r = viewer.post("/assessment/run", data={**form, "csrf_token": api_csrf(viewer)["X-CSRF-Token"], "publish": "true"})
    assert r.status_code == 403 and fingerprint(hold.db) == before
    other = login(hold.client(), "sup2")  # 丹阳市's supervisor cannot publish 扬中市's table
    r = other.post("/assessment/run", data={**form, "csrf_token": api_csrf(other)["X-CSRF-Token"], "publish": "true",
                                            "region": "扬中市"})
    assert r.status_code == 403 and fingerprint(hold.db) == before


#: Read pages of holding to account: who gets them (others 403; anonymous is sent to log in).
HOLD_PAGES = [("/ledgers?kind=safety", set(ROLE_USERS) - {"other_supervisor"}),
              ("/reports?day=2022-08-10", set(ROLE_USERS) - {"other_supervisor"}),
              ("/assessment", set(ROLE_USERS)),  # published league tables are circulated
              ("/bulletin?period=2022M06&day=2022-07-01", set(ROLE_USERS))]


@pytest.mark.parametrize("role", [None, *ROLE_USERS])
def test_hold_pages_by_role(hold, role):
    c = hold.client()
    if role is not None:
        login(c, ROLE_USERS[role])
    for path, allowed in HOLD_PAGES:
        r = c.get(path + "&region=扬中市" if "?" in path else path + "?region=扬中市", follow_redirects=False)
        if role is None:
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
        else:
            assert r.status_code == (200 if role in allowed else 403), (role, path, r.status_code)


def test_ledger_and_assessment_api(hold):
    ed = login(hold.client(), "ed1")
    headers = api_csrf(ed)
    rows = ed.get("/api/v1/ledgers", params={"kind": "safety", "day": DAY}).json()
    assert [r["ref"] for r in rows] == ["3"] and [a["action"] for a in rows[0]["actions"]] == ["start"]
    r = ed.post(f"/api/v1/ledgers/{rows[0]['id']}/move", headers=headers, json={"action": "start"})
    assert r.status_code == 200 and r.json()["state"] == "in_progress"
    r = ed.post(f"/api/v1/ledgers/{rows[0]['id']}/move", headers=headers, json={"action": "sign_off"})
    assert r.status_code == 400  # not a step from 整改中
    detail = ed.get(f"/api/v1/ledgers/{rows[0]['id']}").json()
    assert [h["action"] for h in detail["history"]] == ["import", "start"]
    sup = login(hold.client(), "sup1")
    body = {"scheme": "yangzhong-departments", "as_of": "2022M06", "day": DAY, "publish": True}
    published = sup.post("/api/v1/assessment/runs", headers=api_csrf(sup), json=body).json()
    assert published["snapshot_id"] and published["table"][0]["rank"] == 1
    again = sup.get(f"/api/v1/assessment/runs/{published['snapshot_id']}").json()
    assert again == published
    assert [r["snapshot_id"] for r in sup.get("/api/v1/assessment/runs").json()] == [published["snapshot_id"]]


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_progress_report_cycle_submit_return_resubmit_accept(hold):
    ed = login(hold.client(), "ed1")
    token = api_csrf(ed)["X-CSRF-Token"]
    page = ed.get("/reports", params={"day": "2022-08-10"}).text
    due = re.findall(r'<tr class="due overdue" data-item="(\d+)" data-period="(\w+)">', page)
    assert due and {int(i) for i, _ in due} == {hold.target_item}  # only 商务局's own item
    assert ("2022M07" in {p for _, p in due}) and ("2022M08" not in {p for _, p in due})  # 5 grace days
    form = {"csrf_token": token, "item_id": str(hold.target_item), "period": "2022M06", "text": "1-6月完成572亿元",
            "percent": "48", "day": "2022-08-10"}
    before = fingerprint(hold.db)
    r = ed.post("/reports", data=form, files=[("files", ("伪装.pdf", b"MZ\x90\x00not a pdf", "application/pdf"))])
    assert r.status_code == 400 and "伪装.pdf" in r.text and fingerprint(hold.db) == before
    r = ed.post("/reports", data=form, files=[("files", ("佐证.pdf", PDF, "application/pdf"))], follow_redirects=False)
    assert r.status_code == 303
    sup = login(hold.client(), "sup1")
    pending = sup.get("/reports", params={"day": "2022-08-10"}).text
    report_id = int(re.search(r'<tr class="report" data-id="(\d+)">', pending).group(1))
    sha = re.search(rf'/reports/{report_id}/evidence/(\w+)', pending).group(1)
    download = sup.get(f"/reports/{report_id}/evidence/{sha}")
    assert download.content == PDF and download.headers["content-disposition"].startswith("attachment")
    stoken = api_csrf(sup)["X-CSRF-Token"]
    r = sup.post(f"/reports/{report_id}/review", data={"csrf_token": stoken, "decision": "return", "comment": ""})
    assert r.status_code == 400  # a return needs a reason
    returned = {"csrf_token": stoken, "decision": "return", "comment": "缺少数据来源"}
    sup.post(f"/reports/{report_id}/review", data=returned)
    page = ed.get("/reports", params={"day": "2022-08-10"}).text
    assert 'data-period="2022M06"' in page and "退回待重报" in page and "缺少数据来源" in page
    ed.post("/reports", data={**form, "text": "1-6月完成572.33亿元（统计局快报）"})
    sup.post(f"/reports/{report_id}/review", data={"csrf_token": stoken, "decision": "accept"})
    page = ed.get("/reports", params={"day": "2022-08-10"}).text
    assert 'data-period="2022M06"' not in page and "已通过" in page
    viewer = login(hold.client(), "view1")
    before = fingerprint(hold.db)
    r = viewer.post("/reports", data={**form, "csrf_token": api_csrf(viewer)["X-CSRF-Token"], "period": "2022M07"})
    assert r.status_code == 403 and fingerprint(hold.db) == before
    r = viewer.post(f"/reports/{report_id}/review", data={"csrf_token": api_csrf(viewer)["X-CSRF-Token"],
                                                          "decision": "accept"})
    assert r.status_code == 403 and fingerprint(hold.db) == before


def test_bulletin_page_and_downloads(hold):
    import docx

    c = login(hold.client(), "view1")  # a bulletin is circulated to everyone
    page = c.get("/bulletin", params={"period": "2022M06", "day": DAY, "region": "扬中市"})
    assert page.status_code == 200 and "扬中市2022年6月重点工作督查通报" in page.text
    assert 'id="bulletin-summary"' in page.text and "截至2022年6月" in page.text
    word = c.get("/bulletin/docx", params={"period": "2022M06", "day": DAY, "region": "扬中市"})
    assert word.status_code == 200 and word.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "扬中市2022年6月重点工作督查通报" in text
    sheet = c.get("/bulletin/xlsx", params={"period": "2022M06", "day": DAY, "region": "扬中市"})
    assert openpyxl.load_workbook(io.BytesIO(sheet.content)).sheetnames
    assert c.get("/bulletin/pdf", params={"period": "2022M06"}).status_code == 400
    assert c.get("/bulletin", params={"period": "2022M13"}).status_code == 400
