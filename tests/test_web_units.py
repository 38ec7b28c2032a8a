"""The unit page ("my items"): a department's items, a month's value, an upload; and the ranking page.

Against the seed plan and sample data (test_web's `web` fixture): 商务局 leads 工业应税销售 (target 1200亿元),
ed1 is its unit editor, sup1 the 扬中市 supervisor, sup2 a supervisor of 丹阳市.
"""

from __future__ import annotations

import re

from targetboard.services import audit, regions, tracking
from targetboard.services.actors import Actor
from test_web import api_csrf, fingerprint, login, sheet, web, web_url  # noqa: F401 - fixtures


def unit_of(web, name: str = "商务局") -> int:  # noqa: F811
    return next(u.id for u in regions.list_units(web.db, "扬中市") if u.name == name)


def status_of(web, metric: str = "工业应税销售"):  # noqa: F811
    return next(r for r in tracking.target_statuses(web.db, region="扬中市", year=2022) if r.metric == metric)


def test_an_editor_lands_on_its_unit_and_sees_only_it(web):  # noqa: F811
    c = login(web.client(), "ed1")
    r = c.get("/my", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/units/{unit_of(web)}"
    page = c.get(r.headers["location"]).text
    assert 'id="unit-items"' in page and f'data-id="{web.target_item}"' in page
    assert '<option value="工业应税销售">' in page  # the indicator it may enter
    regions.add_unit(web.db, Actor("root"), "财政局", "扬中市")
    assert c.get(f"/units/{unit_of(web, '财政局')}").status_code == 403


def test_a_supervisor_chooses_among_its_regions_units_and_a_viewer_gets_no_forms(web):  # noqa: F811
    sup = login(web.client(), "sup1")
    page = sup.get("/my").text
    assert f'href="/units/{unit_of(web)}"' in page
    assert login(web.client(), "sup2").get(f"/units/{unit_of(web)}").status_code == 403  # 丹阳市's supervisor
    viewer = login(web.client(), "view1").get(f"/units/{unit_of(web)}").text
    assert 'id="unit-items"' in viewer and 'class="value-entry"' not in viewer


def test_entering_a_months_value_changes_the_status_and_is_audited(web):  # noqa: F811
    before = status_of(web)
    assert before.status.status == "achieved"  # the sample's full year beats 1200亿元
    c = login(web.client(), "ed1")
    token = api_csrf(c)["X-CSRF-Token"]
    r = c.post(f"/units/{unit_of(web)}/value", data={"csrf_token": token, "indicator": "工业应税销售",
                                                      "month": "2022-12", "value": "1000", "cumulative": "true"})
    assert r.status_code == 200 and "更正 1" in r.text
    after = status_of(web)
    assert after.status.status != "achieved" and after.status.latest_value == 1000
    assert f'<span class="status">{after.label}</span>' in r.text  # the page shows the new status
    events = audit.list_events(web.db, Actor("root"), limit=5, actor="ed1")
    assert events and events[0].action == "observations.import" and events[0].detail.get("file") == "网页填报"


def test_a_bad_value_is_reported_in_the_page_and_nothing_is_stored(web):  # noqa: F811
    c = login(web.client(), "ed1")
    token = api_csrf(c)["X-CSRF-Token"]
    before = fingerprint(web.db)
    r = c.post(f"/units/{unit_of(web)}/value", data={"csrf_token": token, "indicator": "工业应税销售",
                                                      "month": "2022-12", "value": "12,3a", "cumulative": "true"})
    assert r.status_code == 400 and "is not a number" in r.text and 'value="12,3a"' in r.text
    r = c.post(f"/units/{unit_of(web)}/value", data={"csrf_token": token, "indicator": "一般公共预算收入",
                                                      "month": "2022-12", "value": "50"})
    assert r.status_code == 400  # not an indicator of the unit's targets
    r = c.post(f"/units/{unit_of(web)}/value", data={"csrf_token": token, "indicator": "工业应税销售",
                                                      "month": "2022", "value": "50"})
    assert r.status_code == 400 and "2022-07" in r.text  # a month is expected
    r = c.post(f"/units/{unit_of(web)}/value", data={"indicator": "工业应税销售", "month": "2022-12", "value": "1"})
    assert r.status_code == 403  # no CSRF token
    assert fingerprint(web.db) == before


def test_a_magnitude_jump_needs_confirmation(web):  # noqa: F811
    c = login(web.client(), "ed1")
    token = api_csrf(c)["X-CSRF-Token"]
    form = {"csrf_token": token, "indicator": "工业应税销售", "month": "2022-12", "value": "125000",
            "cumulative": "true"}  # typed in 百万 instead of 亿元
    before = fingerprint(web.db)
    r = c.post(f"/units/{unit_of(web)}/value", data=form)
    assert r.status_code == 400 and fingerprint(web.db) == before
    r = c.post(f"/units/{unit_of(web)}/value", data={**form, "force": "true"})
    assert r.status_code == 200 and status_of(web).status.latest_value == 125000


def test_uploading_a_sheet_with_an_error_shows_the_report_and_stores_nothing(web):  # noqa: F811
    c = login(web.client(), "ed1")
    token = api_csrf(c)["X-CSRF-Token"]
    bad = sheet([("扬中市", "工业应税销售", "2022M11", 1100.0)]).replace(b"1100.0", b"<script>x</script>")
    before = fingerprint(web.db)
    r = c.post(f"/units/{unit_of(web)}/upload", files={"file": ("月报.csv", bad, "text/csv")},
               data={"csrf_token": token})
    assert r.status_code == 400 and "月报.csv" in r.text and "&lt;script&gt;" in r.text and "<script>x" not in r.text
    assert fingerprint(web.db) == before
    good = sheet([("扬中市", "工业应税销售", "2022M11", 1111.0)])
    r = c.post(f"/units/{unit_of(web)}/upload", files={"file": ("月报.csv", good, "text/csv")},
               data={"csrf_token": token})
    assert r.status_code == 200 and "月报.csv" in r.text


def test_value_api_is_the_same_importer(web):  # noqa: F811
    c = login(web.client(), "ed1")
    headers = api_csrf(c)
    r = c.post("/api/v1/observations/value", headers=headers,
               json={"region": "扬中市", "indicator": "工业应税销售", "period": "2022年1-12月", "value": "1250"})
    assert r.status_code == 201 and r.json()["corrected"] == 1
    r = c.post("/api/v1/observations/value", headers=headers,
               json={"region": "扬中市", "indicator": "一般公共预算收入", "period": "2022M12", "value": "50"})
    assert r.status_code == 403  # not the editor's indicator
    items = c.get(f"/api/v1/units/{unit_of(web)}/items").json()
    assert [i["status"] for i in items["items"] if i["metric"] == "工业应税销售"] == ["achieved"]


def test_ranking_page_shows_the_period_and_the_year_end_forecast(web):  # noqa: F811
    c = login(web.client(), "sup1")
    page = c.get("/rankings", params={"indicator": "工业应税销售", "period": "2022M06"}).text
    now = tracking.rank_indicator(web.db, "工业应税销售", region="扬中市", period="2022M06")
    forecast = tracking.rank_indicator(web.db, "工业应税销售", region="扬中市", period="2022M06", forecast=True)
    table = page[page.index('id="ranking-now"'):page.index('id="ranking-forecast"')]
    assert re.findall(r"<td>(\d+)</td><td>([^<]+)</td>", table) == [(str(r.rank), r.region_name) for r in now.rows]
    own = next(r for r in forecast.rows if r.is_self)
    assert f"按全年预测：第 {own.rank} 名" in page and "2022年1-6月" in page
    assert 'id="ranking-data"' in page  # the chart's data
    growth = c.get("/rankings", params={"indicator": "工业应税销售", "by": "growth"}).text
    assert "按增幅排名时不做全年预测" in growth
    en = c.get("/rankings", params={"indicator": "工业应税销售", "period": "2022M06", "lang": "en"}).text
    assert "Jan–Jun 2022" in en and "Year-end forecast ranking" in en
    api = c.get("/api/v1/rankings/工业应税销售/outlook", params={"region": "扬中市", "period": "2022M06"}).json()
    assert api["rank_now"] == next(r.rank for r in now.rows if r.is_self) and api["rank_forecast"] == own.rank


def test_ranking_page_reports_an_unknown_indicator(web):  # noqa: F811
    c = login(web.client(), "sup1")
    r = c.get("/rankings", params={"indicator": "不存在的指标"})
    assert r.status_code == 200 and 'class="error"' in r.text and "不在指标目录中" in r.text
