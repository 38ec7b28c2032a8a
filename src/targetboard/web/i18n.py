"""The pages' languages: simplified Chinese (the source), traditional Chinese and English.

Why this shape:
- Message ids are the simplified-Chinese strings themselves, so a template reads as the page it renders
  and the zh-Hans "translation" is the identity. The zh-Hant and en catalogues are gettext ``.po`` files
  under ``web/locale/`` (refreshed by ``scripts/i18n.py``: Babel extracts the strings, OpenCC proposes
  the traditional forms, English is written by hand). They are compiled in memory when the app starts,
  so there is no build step and no binary file in the repository.
- The language of a request is chosen once (``?lang=``, else the ``tb_lang`` cookie that the language
  switch sets, else the settings' language) and put in a context variable just before a template is
  rendered; the Jinja2 ``_``/``gettext`` callables read it. Python-side labels (kinds, badges, roles) are
  marked with `N_` and translated at render time.
- Error messages of the services exist in Chinese and English; traditional Chinese pages show the
  Chinese message converted with OpenCC (`to_hant`), the same converter the extractor uses the other way.
"""

from __future__ import annotations

import gettext as _gettext
import io
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from targetboard.errors import Lang

UiLang = Literal["zh-Hans", "zh-Hant", "en"]
LANGS: tuple[UiLang, ...] = ("zh-Hans", "zh-Hant", "en")
#: What the language switch shows for each language (in that language).
LANG_NAMES: dict[UiLang, str] = {"zh-Hans": "简体", "zh-Hant": "繁體", "en": "English"}
#: The ``lang`` attribute of the page's <html> element (BCP 47).
HTML_LANG: dict[UiLang, str] = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "en": "en"}
#: Catalogue folder of each translated language (gettext locale names).
LOCALE_DIRS: dict[UiLang, str] = {"zh-Hant": "zh_Hant", "en": "en"}
COOKIE = "tb_lang"
LOCALE_ROOT = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_ALIASES: dict[str, UiLang] = {
    "zh": "zh-Hans", "zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh_hans": "zh-Hans", "zh-sg": "zh-Hans",
    "zh-hant": "zh-Hant", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh_hant": "zh-Hant", "zh-mo": "zh-Hant",
    "en": "en", "en-us": "en", "en-gb": "en",
}

_current: ContextVar[UiLang] = ContextVar("targetboard_ui_lang", default="zh-Hans")


def parse_lang(value: str | None) -> UiLang | None:
    """A language code as a user or a browser writes it (zh, zh-TW, zh-Hant, en-GB...), or None."""
    if not value:
        return None
    return _ALIASES.get(value.strip().lower())


def error_lang(lang: UiLang) -> Lang:
    """The language of the services' error messages for a page language."""
    return "en" if lang == "en" else "zh"


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it now (labels in module-level tables)."""
    return message


@cache
def catalogue(lang: UiLang) -> _gettext.NullTranslations:
    """The compiled catalogue of `lang` (identity for zh-Hans, and for a language without a .po file)."""
    folder = LOCALE_DIRS.get(lang)
    path = LOCALE_ROOT / folder / "LC_MESSAGES" / f"{DOMAIN}.po" if folder else None
    if path is None or not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as f:
        cat = read_po(f, locale=folder)
    buf = io.BytesIO()
    write_mo(buf, cat)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


@lru_cache(maxsize=1)
def _hant_converter() -> object:
    import opencc

    return opencc.OpenCC("s2twp")


def to_hant(text: str) -> str:
    """Simplified → traditional Chinese (Taiwan phrasing), for messages that have no catalogue entry
    (the services' errors, the analytics' explanations)."""
    return str(_hant_converter().convert(text))  # type: ignore[attr-defined]


def set_lang(lang: UiLang) -> None:
    """The language of what is rendered next in this context (a request's thread)."""
    _current.set(lang)


def current_lang() -> UiLang:
    return _current.get()


def gettext(message: str) -> str:
    """`message` (a simplified-Chinese id) in the current language."""
    lang = _current.get()
    if lang == "zh-Hans":
        return message
    return catalogue(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    lang = _current.get()
    if lang == "zh-Hans":
        return singular if n == 1 else plural
    return catalogue(lang).ngettext(singular, plural, n)


def localize(text: str | None) -> str:
    """Chinese text produced from data (an explanation, a service's message) in the current language:
    converted for zh-Hant, unchanged otherwise (English pages show data-derived Chinese as it is)."""
    if not text:
        return text or ""
    return to_hant(text) if _current.get() == "zh-Hant" else text


def message_in(zh: str, en: str, lang: UiLang) -> str:
    """A message that exists in Chinese and English (a service's error), shown in `lang`."""
    if lang == "en":
        return en
    return to_hant(zh) if lang == "zh-Hant" else zh


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUARTERS_ZH = ("一", "二", "三", "四")


def period_label(code: str | None, ytd: bool = False) -> str:
    """An ISO-like period code as people read it: 2022M06 → 2022年6月 (2022年1-6月 when `ytd`),
    2022Q2 → 2022年第二季度, 2022H1 → 2022年上半年, 2022 → 2022年; Jun 2022 / Jan–Jun 2022 in English.
    Codes it does not know are shown as they are."""
    if not code:
        return ""
    en = _current.get() == "en"
    year, kind, rest = code[:4], code[4:5], code[5:]
    if not year.isdigit():
        return code
    if kind == "" and not rest:
        return year if en else f"{year}年"
    if kind == "M" and rest.isdigit() and 1 <= int(rest) <= 12:
        m = int(rest)
        if en:
            return f"Jan–{_MONTHS_EN[m - 1]} {year}" if ytd and m > 1 else f"{_MONTHS_EN[m - 1]} {year}"
        return f"{year}年1-{m}月" if ytd and m > 1 else f"{year}年{m}月"
    if kind == "Q" and rest in ("1", "2", "3", "4"):
        return f"Q{rest} {year}" if en else localize(f"{year}年第{_QUARTERS_ZH[int(rest) - 1]}季度")
    if kind == "H" and rest in ("1", "2"):
        return f"H{rest} {year}" if en else f"{year}年{'上' if rest == '1' else '下'}半年"
    return code
