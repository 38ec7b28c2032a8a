"""Byte-identical Office files: fixed zip member timestamps and fixed document dates.

Why: python-docx and openpyxl stamp every zip member with the time of writing, and openpyxl sets the
workbook's `modified` date on save. A bulletin is evidence in a supervision process; the same data
must give the same file (a checksum can then show a copy was not edited). The dates used are the
bulletin period's end.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_zip(data: bytes, when: datetime) -> bytes:
    """The same package with every member dated 1980-01-01 and core.xml's dates set to `when` (UTC)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, content)
    return out.getvalue()
