"""End to end in a real browser: Debian's chromium driven by Playwright against the README's demo.

The server is the README's first command, `scripts/demo.sh` (it prints the demo, then serves the seed
plan, the SAMPLE data and one account per role), started as a real process on a free loopback port;
the browser is /usr/bin/chromium (no browser download: Playwright only drives it). What a user of
each role does is done by clicking and typing, and checked on the page.

Screenshots of the main pages go to a temporary folder, or to docs/screenshots/ (shown in the README)
when $TARGETBOARD_SCREENSHOTS=1 (`scripts/screenshots.sh`).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
#: What the machine-kind notes say a headless chromium needs here (root, no network).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@dataclass
class Demo:
    url: str
    passwords: dict[str, str]
    shots: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`scripts/demo.sh` in a process of its own, until it says the dashboard is listening."""
    tmp = tmp_path_factory.mktemp("demo")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARGETBOARD_")}
    env.update(TARGETBOARD_PORT=str(port), PYTHONUNBUFFERED="1")
    log = (tmp / "serve.log").open("w+")
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "demo.sh")], stdout=log, stderr=subprocess.STDOUT,
                            env=env, cwd=tmp, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        text = ""
        while time.monotonic() < deadline:
            text = (tmp / "serve.log").read_text()
            if f"http://127.0.0.1:{port}/" in text and "Uvicorn running" in text:
                break
            if proc.poll() is not None:
                pytest.fail(f"scripts/demo.sh exited {proc.returncode}:\n{text[-3000:]}")
            time.sleep(0.3)
        else:
            pytest.fail(f"scripts/demo.sh did not serve in 180 s:\n{text[-3000:]}")
        assert "== 规划结构" in text and "部门考核排名" in text  # the whole demo was printed first
        passwords = dict(re.findall(r"^  (demo-\S+)\s+\S+\s+(\S+)$", text, re.M))
        shots = ROOT / "docs" / "screenshots" if os.environ.get("TARGETBOARD_SCREENSHOTS") == "1" else tmp / "shots"
        shots.mkdir(parents=True, exist_ok=True)
        yield Demo(f"http://127.0.0.1:{port}", passwords, shots)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/system-deps.sh installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, demo):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def log_in(page, demo: Demo, user: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{demo.url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", demo.passwords[user])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/plans.*"))


def shot(page, demo: Demo, name: str) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("window.scrollTo(0, 0)")  # a form post may land lower on the page
    page.wait_for_timeout(1500)  # ECharts animates its series in; the picture should show them whole
    page.screenshot(path=str(demo.shots / f"{name}.png"), full_page=False)


def test_unit_editor_enters_a_month_value_and_the_target_changes(page, demo):  # type: ignore[no-untyped-def]
    log_in(page, demo, "demo-editor")
    page.click("nav >> text=我的事项")
    page.wait_for_selector("#unit-items")
    assert page.inner_text("h1").startswith("工信局")
    row = page.locator("#unit-items tr.item[data-metric=工业应税销售]")
    target_href = row.locator("a").first.get_attribute("href")
    assert target_href
    page.goto(demo.url + target_href)
    page.wait_for_selector("#chart canvas")  # ECharts drew the time series
    before = page.inner_text("dd.explanation")
    before_status = page.inner_text("h1 .badge")
    page.goto(f"{demo.url}/my")
    shot(page, demo, "unit")
    page.select_option("form.value-entry select[name=indicator]", "工业应税销售")
    page.fill("form.value-entry input[name=month]", "2022-12")
    page.fill("form.value-entry input[name=value]", "1000")
    page.click("form.value-entry button[type=submit]")
    assert "更正 1" in page.inner_text("p.ok")
    page.goto(demo.url + target_href)
    page.wait_for_selector("#chart canvas")
    after = page.inner_text("dd.explanation")
    assert after != before and "1000" in after
    assert page.inner_text("h1 .badge") != before_status
    shot(page, demo, "target")


def test_an_upload_with_an_error_shows_the_report_and_stores_nothing(page, demo):  # type: ignore[no-untyped-def]
    log_in(page, demo, "demo-editor")
    count = page.request.get(f"{demo.url}/api/v1/observations?limit=1000&indicator=工业应税销售").json()
    page.goto(f"{demo.url}/my")
    bad = ("地区,指标,时期,累计,数值,单位,同比增长%,来源\n扬中市,工业应税销售,2022M10,是,9x9,亿元,5.0,测试\n"
           "扬中市,工业应税销售,2022M11,是,1100,亿元,5.0,测试\n").encode()
    page.set_input_files("#upload-sheet input[type=file]", files=[{"name": "十月报表.csv", "mimeType": "text/csv",
                                                                    "buffer": bad}])
    page.click("#upload-sheet button[type=submit]")
    alert = page.inner_text("p.error")
    assert "十月报表.csv" in alert
    problems = page.locator("ul.problems li").all_inner_texts()
    assert any("9x9" in p for p in problems)
    shot(page, demo, "upload-report")
    again = page.request.get(f"{demo.url}/api/v1/observations?limit=1000&indicator=工业应税销售").json()
    assert again == count  # nothing stored, not even the good row


def test_supervisor_sees_the_plan_tree_and_rankings(page, demo):  # type: ignore[no-untyped-def]
    log_in(page, demo, "demo-supervisor")
    counts = page.locator("p.counts a.badge").all_inner_texts()
    assert len(counts) == 4 and all(re.match(r"^[绿黄红灰] \d+$", c) for c in counts)
    shot(page, demo, "plans")
    page.click("nav >> text=排名")
    page.wait_for_selector("#ranking-now")
    page.select_option("select[name=indicator]", "工业应税销售")
    page.fill("input[name=period]", "2022M06")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#ranking-chart canvas")
    assert "按全年预测" in page.inner_text("#rank-summary")
    assert page.locator("#ranking-now tr.self").count() == 1
    shot(page, demo, "rankings")


def test_switching_to_traditional_chinese_and_english(page, demo):  # type: ignore[no-untyped-def]
    log_in(page, demo, "demo-viewer")
    page.click("header >> text=繁體")
    page.wait_for_selector("html[lang=zh-TW]")
    assert "規劃" in page.inner_text("nav")
    page.click("header >> text=English")
    page.wait_for_selector("html[lang=en]")
    nav = page.inner_text("nav")
    assert "Plans" in nav and "Rankings" in nav and not re.search(r"[\u4e00-\u9fff]", nav)
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"  # remembered
    shot(page, demo, "plans-en")


#: A short plan written for this test (not from any corpus): four quantified targets in two pillars.
PLAN_2023 = """扬中市2023年重点工作要点
一、经济发展
（一）稳增长。力争全年地区生产总值增长6%左右，一般公共预算收入增长5%以上。
（二）抓项目。全年新开工亿元以上产业项目50个。
二、民生保障
（一）稳就业。城镇新增就业8000人以上，城镇调查失业率控制在5%以内。
"""


def select_text(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select `text` in the review screen's document pane as a mouse would, then release the button."""
    page.evaluate("""(text) => {
        const doc = document.getElementById("document-text");
        const walker = document.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(text);
            if (at >= 0) {
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + text.length);
                const sel = window.getSelection();
                sel.removeAllRanges();
                sel.addRange(range);
                doc.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                return;
            }
        }
        throw new Error("text not in one piece of the document: " + text);
    }""", text)


def test_supervisor_reviews_an_imported_document(page, demo):  # type: ignore[no-untyped-def]
    log_in(page, demo, "demo-supervisor")
    page.click("nav >> text=导入规划")
    page.set_input_files("#document-import input[type=file]",
                         files=[{"name": "扬中市2023年重点工作要点.txt", "mimeType": "text/plain",
                                 "buffer": PLAN_2023.encode()}])
    page.fill("#document-import input[name=region]", "扬中市")
    page.fill("#document-import input[name=year]", "2023")
    page.click("#document-import button[type=submit]")
    page.wait_for_url(re.compile(r".*/documents/\d+/review$"))
    plan_id = re.search(r"/documents/(\d+)/review", page.url).group(1)
    pending = page.locator("#review-items tr.item[data-state=pending]")
    assert pending.count() >= 3
    first, second, third = (pending.nth(i).get_attribute("data-id") for i in range(3))
    page.click(f"#item-{first} form.accept button[type=submit]")
    assert page.locator(f"#item-{first}").get_attribute("data-state") == "accepted"
    page.click(f"#item-{second} details summary")
    old = float(page.input_value(f"#item-{second} form.edit input[name=value]"))
    page.fill(f"#item-{second} form.edit input[name=value]", f"{old + 1:g}")  # the figure corrected
    page.click(f"#item-{second} form.edit button[type=submit]")
    assert page.locator(f"#item-{second}").get_attribute("data-state") == "edited"
    page.click(f"#item-{third} form.reject button[type=submit]")
    assert page.locator(f"#item-{third}").get_attribute("data-state") == "rejected"
    select_text(page, "稳就业")  # a missed item: added as a task by selecting its text
    assert page.inner_text("#add-text") == "稳就业"
    page.select_option("form.add select[name=kind]", "task")
    page.click("form.add button[type=submit]")
    added = page.locator("#review-items tr.item[data-state=added]")
    assert added.count() == 1
    shot(page, demo, "review")
    kept = {first, second, added.first.get_attribute("data-id")}
    page.goto(f"{demo.url}/plans?plan={plan_id}")
    shown = set(page.locator("ul.tree li a[href^='/targets/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('/').pop())"))
    assert kept <= shown and third not in shown
    assert not shown - kept  # the items still pending are not in the plan either
    page.goto(f"{demo.url}/documents/{plan_id}")
    assert page.locator("#document-text mark.hl").count() >= 3
    shot(page, demo, "document")
