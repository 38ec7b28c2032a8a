"""Text-form tables in statistical bulletins: a caption/header row giving units, then data rows.

Bulletins pasted from the web keep their tables as text in three shapes, all handled here:
pipe rows (``地区生产总值 | 609.91 | 5.2 |``), space-separated rows (``衣着 102.8 2.8``) and one cell
per line (a label line followed by one line per number). The header cells say what each number
column is (``绝对数(亿元)`` -> level in 亿元, ``比上年增长(%)`` -> growth in %, ``价格指数`` -> an
index with no unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"-?\d+(?:\.\d+)?"
_NUM_LINE = re.compile(rf"^\s*({_NUM})\s*$")
_CAPTION = re.compile(r"^\s*表\s*\d+")
_SPACE_ROW = re.compile(rf"^\s*(?P<label>[^\d\s|][^|]*?)\s+(?P<nums>{_NUM}(?:\s+{_NUM})*)\s*$")
_UNIT_IN_PARENS = re.compile(r"\(([^()]*?)\)")
_PROSE = re.compile(r"[。,;]|^\s*[一二三四五六七八九十]+、")


@dataclass(frozen=True, slots=True)
class Column:
    """What a numeric column holds."""

    measure: str
    unit: str | None
    suffix: str  # appended to the row label to name the metric


@dataclass(frozen=True, slots=True)
class TableCell:
    """One value of a table row, with the row's span in the normalised text."""

    start: int
    end: int
    metric: str
    measure: str
    value: float
    unit: str | None


def _column(header: str, caption: str) -> Column | None:
    h = header.replace(" ", "")
    if any(w in h for w in ("增长", "±", "增减", "涨跌", "增速", "增幅")):
        return Column("growth", "%", "")
    if "指数" in h:
        return Column("level", None, "")
    if "比重" in h or "占" in h:
        return Column("level", "%", "比重")
    m = _UNIT_IN_PARENS.search(h) or _UNIT_IN_PARENS.search(caption.replace(" ", ""))
    if m:
        unit = m.group(1).replace("%", "%").strip()
        if unit == "%":
            return Column("level", "%", "")
        if unit and len(unit) <= 4:
            return Column("level", unit, "")
    return None


def _clean_label(label: str) -> str:
    s = re.sub(r"[#\s]", "", label)
    s = re.sub(r"^其中[::]?", "", s)
    return s.strip(":")


def _columns_for(headers: list[str], k: int, caption: str, row_unit: str | None = None) -> list[Column | None]:
    cols = [_column(h, caption) for h in headers[-k:]] if len(headers) >= k else []
    if row_unit:
        cols = [Column("level", row_unit, "") if c is None else c for c in cols]
    if len(cols) != k:
        return [None] * k
    return cols


def find_tables(text: str, start: int = 0) -> tuple[list[TableCell], list[tuple[int, int]]]:
    """Table cells and the spans the tables occupy (so the prose rules skip them)."""
    cells: list[TableCell] = []
    consumed: list[tuple[int, int]] = []
    lines: list[tuple[int, str]] = []
    pos = start
    for line in text[start:].split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    i = 0
    n = len(lines)
    while i < n:
        lpos, line = lines[i]
        is_caption = bool(_CAPTION.match(line))
        is_pipe_header = line.count("|") >= 2 and not re.search(r"\d", line.replace("(%)", ""))
        if not (is_caption or is_pipe_header):
            i += 1
            continue
        caption = line if is_caption else ""
        t_start = lpos
        j = i + (1 if is_caption else 0)
        headers: list[str] = []
        # Header cells: pipe cells, or space-separated tokens, or one cell per line until a data row.
        while j < n:
            jl = lines[j][1]
            if not jl.strip():
                j += 1
                if headers:
                    break
                continue
            if "|" in jl and not re.search(r"\d", re.sub(r"\([^)]*\)", "", jl)):
                headers += [c.strip() for c in jl.split("|") if c.strip()]
                j += 1
                continue
            if "|" in jl or _SPACE_ROW.match(jl) or _NUM_LINE.match(jl):
                break
            if j + 1 < n and _NUM_LINE.match(lines[j + 1][1]):
                break  # a label line followed by a number line: data starts here
            if _PROSE.search(jl) or len(jl.strip()) > 30:
                break
            toks = [t for t in re.split(r"\s{2,}|\t| (?=[^\s]*[%±指增比])", jl.strip()) if t]
            headers += toks if len(toks) > 1 else [jl.strip()]
            j += 1
        rows_found = 0
        while j < n:
            jpos, jl = lines[j]
            if not jl.strip():
                j += 1
                if rows_found:
                    break
                continue
            if _PROSE.search(jl) or _CAPTION.match(jl):
                break
            label: str | None = None
            nums: list[str] = []
            row_unit: str | None = None
            col_headers = headers
            r_start, r_end = jpos, jpos + len(jl)
            if "|" in jl:
                parts = [c.strip() for c in jl.split("|")]
                parts = [c for c in parts if c]
                heads = [h.replace(" ", "") for h in headers]
                if "单位" in heads and len(heads) == len(parts) and heads.index("单位") > 0:
                    # A unit column (指标 | 单位 | 绝对数 | 比上年增长(%)): the row names its own unit.
                    u = heads.index("单位")
                    row_unit = parts[u]
                    col_headers = [h for k, h in enumerate(headers) if k != u]
                    parts = [c for k, c in enumerate(parts) if k != u]
                numeric = [re.fullmatch(_NUM, c) is not None for c in parts]
                if len(parts) > 1 and not numeric[0] and all(numeric[1:]):
                    label, nums = parts[0], parts[1:]
                j += 1
            elif m := _SPACE_ROW.match(jl):
                label, nums = m.group("label"), m.group("nums").split()
                j += 1
            elif j + 1 < n and _NUM_LINE.match(lines[j + 1][1]) and not _NUM_LINE.match(jl):
                label = jl
                j += 1
                while j < n and (m2 := _NUM_LINE.match(lines[j][1])):
                    nums.append(m2.group(1))
                    r_end = lines[j][0] + len(lines[j][1])
                    j += 1
            else:
                break
            if label is None or not nums:
                break
            rows_found += 1
            cols = _columns_for(col_headers, len(nums), caption, row_unit)
            metric = _clean_label(label)
            for num, col in zip(nums, cols, strict=True):
                if col is None or not metric:
                    continue
                value = float(num)
                measure, unit = col.measure, col.unit
                if measure == "growth" and "指数" in caption and value > 50:
                    measure, unit = "level", None  # an index column mislabelled as change
                cells.append(TableCell(r_start, r_end, metric + col.suffix, measure, value, unit))
        if rows_found:
            consumed.append((t_start, lines[j - 1][0] + len(lines[j - 1][1]) if j - 1 < n else len(text)))
            i = j
        else:
            i += 1
    return cells, consumed
