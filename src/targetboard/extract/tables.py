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
#: `_CAPTION` on any line of a whole text (blanks other than the line break, as a line holds none).
_CAPTION_LINE = re.compile(r"^[^\S\n]*表[^\S\n]*\d", re.MULTILINE)
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


def _is_bar(line: str) -> bool:
    return line.strip() == "|"


def _merge_bar_rows(raw: list[tuple[int, str]]) -> list[tuple[int, str, int]]:
    """Rebuild pipe rows from one-cell-per-line tables whose cells are separated by ``|`` lines.

    ``指标 / | / 绝对额(亿元) / | / 比上年±% / | / 工业总产值 / | / 5599.26 / | / 29.3 / |`` becomes the
    rows ``指标 | 绝对额(亿元) | 比上年±%`` and ``工业总产值 | 5599.26 | 29.3``. The header is the run of
    cells before the first row whose second cell is a number; its length is the column count.
    Lines outside such runs pass through unchanged. Each row keeps its span (first cell to last bar).
    """
    out: list[tuple[int, str, int]] = []
    i, n = 0, len(raw)
    while i < n:
        pos, line = raw[i]
        if _is_bar(line) or i + 1 >= n or not _is_bar(raw[i + 1][1]) or not line.strip():
            out.append((pos, line, pos + len(line)))
            i += 1
            continue
        # A run of cell / bar lines: collect segments (a bar right after a bar is an empty cell).
        segs: list[tuple[int, str, int]] = []
        j = i
        while j < n:
            p, ln = raw[j]
            if _is_bar(ln):
                if j > i and _is_bar(raw[j - 1][1]):
                    segs.append((p, "", p))
                j += 1
                continue
            if not ln.strip() or _PROSE.search(ln):
                break
            if j > i and not _is_bar(raw[j - 1][1]):
                segs.append((p, ln.strip(), p + len(ln)))  # the last cell, with no closing bar
                j += 1
                break
            segs.append((p, ln.strip(), p + len(ln)))
            j += 1
        first_num = next((k for k, s in enumerate(segs) if re.fullmatch(_NUM, s[1])), None)
        ncols = first_num - 1 if first_num is not None else 0
        if ncols < 2:
            out.append((pos, line, pos + len(line)))
            i += 1
            continue
        end_of = raw[j - 1][0] + len(raw[j - 1][1])
        for k in range(0, len(segs), ncols):
            row = segs[k : k + ncols]
            if len(row) < ncols and k:
                row = row + [(row[-1][2], "", row[-1][2])] * (ncols - len(row))
            r_end = segs[k + ncols][0] - 1 if k + ncols < len(segs) else end_of
            out.append((row[0][0], " | ".join(c[1] for c in row) + " |", max(r_end, row[-1][2])))
        i = j
    return out


_LABEL_UNIT = re.compile(r"^(?P<label>[^()]+)\((?P<unit>[^()]{1,4})\)$")


def find_tables(text: str, start: int = 0) -> tuple[list[TableCell], list[tuple[int, int]]]:
    """Table cells and the spans the tables occupy (so the prose rules skip them)."""
    cells: list[TableCell] = []
    consumed: list[tuple[int, int]] = []
    body = text[start:]
    if "|" not in body and ("表" not in body or _CAPTION_LINE.search(body) is None):
        return cells, consumed  # a table opens on a caption or a pipe header line: neither is here
    raw: list[tuple[int, str]] = []
    pos = start
    for line in body.split("\n"):
        raw.append((pos, line))
        pos += len(line) + 1
    lines = _merge_bar_rows(raw) if "\n|" in text else [(p, ln, p + len(ln)) for p, ln in raw]
    i = 0
    n = len(lines)
    while i < n:
        lpos, line, _ = lines[i]
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
            jpos, jl, jend = lines[j]
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
            r_start, r_end = jpos, jend
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
                if len(parts) == 1 and not numeric[0] and rows_found and len(parts[0]) <= 12:
                    j += 1  # a group row (按轻重工业分 | | |) between data rows
                    continue
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
                    r_end = lines[j][2]
                    j += 1
            else:
                break
            if label is None or not nums:
                break
            rows_found += 1
            cols = _columns_for(col_headers, len(nums), caption, row_unit)
            metric = _clean_label(label)
            lu = _LABEL_UNIT.match(metric)
            if lu:  # 原煤(万吨): the row names its own unit for the level columns
                metric = lu.group("label")
                cols = [Column("level", lu.group("unit"), c.suffix) if c and c.measure == "level" else c for c in cols]
                if all(c is None for c in cols[:1]):
                    cols = [Column("level", lu.group("unit"), "") if c is None else c for c in cols]
            for num, col in zip(nums, cols, strict=True):
                if col is None or not metric:
                    continue
                value = float(num)
                measure, unit = col.measure, col.unit
                if measure == "growth" and "指数" in caption and value > 50:
                    measure, unit = "level", None  # an index column mislabelled as change
                cells.append(TableCell(r_start, r_end, metric + col.suffix, measure, value, unit))
        if rows_found:
            consumed.append((t_start, lines[j - 1][2] if j - 1 < n else len(text)))
            i = j
        else:
            i += 1
    return cells, consumed
