"""The pages in simplified Chinese (default), traditional Chinese and English.

What users depend on: every visible string of the templates goes through the catalogue (no Chinese
literal left outside ``_()``), both catalogues translate every message and match the templates, the
language switch is remembered, and periods read as 2022年1-6月 / Jan–Jun 2022.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from targetboard.web import i18n
from test_web import login, web, web_url  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "src" / "targetboard" / "web" / "templates"
HAN = re.compile(r"[\u3400-\u9fff]")
#: Jinja2 expressions, statements and comments: what is left is the literal text of a template.
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def test_no_chinese_literal_outside_the_catalogue():
    """A string written straight into a template would stay Chinese on the English page."""
    offenders = []
    for path in sorted(TEMPLATES.glob("*.html")):
        literal = JINJA.sub("", path.read_text(encoding="utf-8"))
        for line in literal.splitlines():
            if HAN.search(line):
                offenders.append(f"{path.name}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_catalogues_match_the_templates_and_translate_everything():
    """scripts/i18n.py --check: the .po files hold exactly the ids in use, each with a translation."""
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "i18n.py"), "--check"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(("lang", "expected"), [("zh-Hans", "2022年1-6月"), ("zh-Hant", "2022年1-6月"),
                                                ("en", "Jan–Jun 2022")])
def test_period_labels(lang, expected):
    i18n.set_lang(lang)
    try:
        assert i18n.period_label("2022M06", ytd=True) == expected
        assert i18n.period_label("2022M06") == {"en": "Jun 2022"}.get(lang, "2022年6月")
        assert i18n.period_label("2022Q2") == {"en": "Q2 2022"}.get(lang, "2022年第二季度")
        assert i18n.period_label("2022H1") == {"en": "H1 2022"}.get(lang, "2022年上半年")
        assert i18n.period_label("bogus") == "bogus"
    finally:
        i18n.set_lang("zh-Hans")


def test_language_switch_is_remembered_and_translates_the_pages(web):  # noqa: F811
    c = login(web.client(), "sup1")
    assert "规划" in c.get("/plans").text
    r = c.get("/lang", params={"to": "en", "next": "/plans?status=red"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/plans?status=red"
    page = c.get("/plans").text
    assert '<html lang="en">' in page
    nav = page[page.index("<nav>"):page.index("</nav>")]
    assert "Plans" in nav and "Audit trail" in nav and not HAN.search(nav)
    assert "Log out" in page
    c.get("/lang", params={"to": "zh-Hant", "next": "/plans"})
    page = c.get("/plans").text
    assert '<html lang="zh-TW">' in page and "審計記錄" in page and "规划" not in page.split("<main>")[0]


def test_query_parameter_overrides_and_unknown_language_is_refused(web):  # noqa: F811
    c = login(web.client(), "sup1")
    assert "Log out" in c.get("/plans", params={"lang": "en"}).text
    r = c.get("/lang", params={"to": "klingon"})
    assert r.status_code == 400 and "klingon" in r.text


def test_target_page_in_english_and_traditional(web):  # noqa: F811
    c = login(web.client(), "sup1")
    en = c.get(f"/targets/{web.target_item}", params={"lang": "en"}).text
    assert "Lead unit" in en and "Rank among peer regions" in en
    explanation = re.search(r'<dd class="explanation">([^<]*)</dd>', en).group(1)
    assert "target of 1200 亿元" in explanation and not HAN.search(explanation.replace("亿元", ""))
    hant = c.get(f"/targets/{web.target_item}", params={"lang": "zh-Hant"}).text
    assert "牽頭單位" in hant and "說明" in hant


def test_error_pages_follow_the_language(web):  # noqa: F811
    c = login(web.client(), "sup1")
    r = c.get("/targets/999999", params={"lang": "en"})
    assert r.status_code == 404 and "Something went wrong" in r.text and "not found" in r.text
    r = c.get("/targets/999999", params={"lang": "zh-Hant"})
    assert r.status_code == 404 and "出錯了" in r.text
