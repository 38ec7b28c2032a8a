#!/usr/bin/env python3
"""Refresh the pages' gettext catalogues (`src/targetboard/web/locale/{zh_Hant,en}/LC_MESSAGES/messages.po`).

The message ids are the simplified-Chinese strings of the templates (``{{ _("…") }}``) and of the web
modules (``_()``, ``gettext()``, ``N_()``). This script extracts them with Babel, then for each catalogue
keeps every existing translation, adds new ids, and drops ids no longer used:
- zh_Hant: a new id gets OpenCC's s2twp conversion as its translation (a person may then edit it; an
  edited translation is kept on the next run);
- en: a new id gets an empty translation, and the script lists them and exits 1 until a person writes
  them (``tests/test_web_i18n.py`` fails on an empty or missing translation too).

Usage: ``.venv/bin/python scripts/i18n.py`` (``--check``: change nothing, exit 1 if a catalogue is stale).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "targetboard" / "web"
LOCALE = WEB / "locale"
#: `_t(request, message)` is the pages' "translate for this request" helper: its id is the 2nd argument.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_t": (2,)}
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def extracted() -> dict[str, list[tuple[str, int]]]:
    """Every message id of the web package with where it is used (file relative to web/, line)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(WEB), METHODS, OPTIONS, keywords=KEYWORDS, comment_tags=()):
        ids = message if isinstance(message, tuple) else (message,)
        for mid in ids:
            if mid:
                found.setdefault(mid, []).append((filename, lineno))
    return found


def refreshed(locale: str, ids: dict[str, list[tuple[str, int]]]) -> tuple[Catalog, list[str]]:
    """The catalogue of `locale` brought up to date with `ids`; also the ids still without a translation."""
    path = LOCALE / locale / "LC_MESSAGES" / "messages.po"
    old: dict[str, str] = {}
    if path.exists():
        with path.open("rb") as f:
            for m in read_po(f, locale=locale):
                if m.id and isinstance(m.id, str) and isinstance(m.string, str):
                    old[m.id] = m.string
    cat = Catalog(locale=locale, project="targetboard", version="1", charset="utf-8", fuzzy=False,
                  header_comment="# targetboard web pages: translations of the simplified-Chinese page text.\n"
                                 "# Refresh with scripts/i18n.py; English is written by hand.")
    missing: list[str] = []
    convert = None
    if locale == "zh_Hant":
        import opencc

        convert = opencc.OpenCC("s2twp").convert
    for mid in sorted(ids):
        string = old.get(mid, "")
        if not string and convert is not None:
            string = convert(mid)
        if not string:
            missing.append(mid)
        cat.add(mid, string, flags=("python-format",) if "%(" in mid else ())
    return cat, missing


def render(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, cat, width=0, omit_header=False, sort_output=True, no_location=True, include_previous=False)
    # The header's creation/revision dates would change on every run; keep the file stable.
    dated = (b'"POT-Creation-Date', b'"PO-Revision-Date')
    lines = [ln for ln in buf.getvalue().split(b"\n") if not ln.startswith(dated)]
    return b"\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a catalogue is stale")
    args = parser.parse_args()
    ids = extracted()
    status = 0
    for locale in ("zh_Hant", "en"):
        cat, missing = refreshed(locale, ids)
        path = LOCALE / locale / "LC_MESSAGES" / "messages.po"
        data = render(cat)
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                print(f"{path.relative_to(ROOT)} is stale: run scripts/i18n.py", file=sys.stderr)
                status = 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for mid in missing:
            print(f"{locale}: no translation for {mid!r} ({ids[mid][0][0]}:{ids[mid][0][1]})", file=sys.stderr)
            status = 1
    print(f"{len(ids)} messages", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
