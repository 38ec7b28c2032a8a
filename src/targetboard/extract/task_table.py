"""Task-decomposition tables (重点工作任务分解表) -> a plan tree whose objectives carry assignments.

A pure function: rows of cell strings in, a `PlanTree` out. The readers in `targetboard.text.tables`
turn a .docx table or an .xlsx sheet into rows; `plan import` assigns each objective's lead and
co-responsible units and deadline.

Shape of the result:
- one `Pillar` per category: a 类别 column's value, or a group row (a row whose only text is in its
  first cells, such as ``一、产业发展``); rows before any category sit in an untitled pillar;
- one `Objective` per task row: `title` = the 工作任务 cell (else the 目标要求 cell), `number` = 序号,
  `requirement` = 目标要求, `row` = the row's index in `rows`, `assignment` = lead units, co-responsible
  units and deadline (ISO date or period code, see `parse_deadline`);
- its `items`: the targets the extractor reads from the requirement (else the title) in plan context,
  or one task item when it holds no number. Item spans refer to that cell's text; `start`/`end` of
  pillars and objectives are row indexes (a table has no text offsets).

Columns are recognised by their header (lexicon `[task_table]`); the header row is the first row with
at least two recognised columns, one of them a task or requirement column.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import cache

from targetboard.extract.engine import extract
from targetboard.extract.lexicon import lexicon
from targetboard.extract.plan import Assignment, Objective, Pillar, PlanTree
from targetboard.model.items import Item

COLUMNS: tuple[str, ...] = ("number", "category", "task", "requirement", "lead", "co", "deadline")
_CN_MONTHS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
_CN_DIGITS = {w: i + 1 for i, w in enumerate(_CN_MONTHS)}


class TaskTableError(ValueError):
    """The rows hold no recognisable task-table header."""


@dataclass(frozen=True)
class _Config:
    names: dict[str, tuple[str, ...]]
    unit_sep: re.Pattern[str]
    lead_mark: re.Pattern[str]
    open_ended: tuple[str, ...]


@cache
def _config() -> _Config:
    t = lexicon().data["task_table"]
    names = {c: tuple(sorted(t[c], key=len, reverse=True)) for c in COLUMNS}
    return _Config(names, re.compile(t["unit_separators"]), re.compile(t["lead_mark"]), tuple(t["open_ended"]))


def _norm(cell: str | None) -> str:
    return re.sub(r"\s+", "", cell or "").replace("（", "(").replace("）", ")")


def column_roles(header: list[str]) -> dict[str, int]:
    """Which column index holds which role (number, category, task, requirement, lead, co, deadline).

    Exact names win over containment, and longer names over shorter ones; each role and each column
    is used once (``牵头单位`` is lead, so a later ``责任单位`` is co).
    """
    cfg = _config()
    roles: dict[str, int] = {}
    cells = [_norm(h) for h in header]
    for exact in (True, False):
        for role in ("lead", "co", "deadline", "number", "category", "task", "requirement"):
            if role in roles:
                continue
            for i, h in enumerate(cells):
                if not h or i in roles.values():
                    continue
                if any((h == n) if exact else (n in h) for n in cfg.names[role]):
                    roles[role] = i
                    break
    return roles


def find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """Index of the header row and its column roles; raises TaskTableError when there is none."""
    for i, row in enumerate(rows[:15]):
        roles = column_roles(row)
        if len(roles) >= 2 and ("task" in roles or "requirement" in roles):
            return i, roles
    raise TaskTableError("no task-table header (columns such as 序号/工作任务/目标要求/牵头单位/责任单位/完成时限)")


def split_units(cell: str | None) -> tuple[list[str], list[str]]:
    """Unit names of a cell, and those marked as lead (``市发改委(牵头)``)."""
    cfg = _config()
    text = (cell or "").replace("（", "(").replace("）", ")").strip()
    if not text:
        return [], []
    names: list[str] = []
    marked: list[str] = []
    for part in cfg.unit_sep.split(text):
        part = part.strip(" ,，、。;；")
        if not part:
            continue
        m = cfg.lead_mark.search(part)
        if m:
            part = part[: m.start()].strip()
            marked.append(part)
        if part and part not in names:
            names.append(part)
    return names, marked


_ISO = re.compile(r"^(?P<y>(?:19|20)\d\d)[-./年](?P<m>\d{1,2})[-./月](?P<d>\d{1,2})日?")
_MONTH = r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月(?:份)?"
_YM = re.compile(rf"(?P<y>(?:19|20)\d\d)年{_MONTH}(?P<end>底|末|前|中旬|上旬|下旬)?")
_M_ONLY = re.compile(r"^(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月(?:份)?(?P<end>底|末|前)?")
_Y_END = re.compile(r"(?P<y>(?:19|20)\d\d)年(?:年)?(?:底|末|12月底)")
_Y_RANGE = re.compile(r"(?P<a>(?:19|20)\d\d)[-—~至到](?P<b>(?:19|20)\d\d)年?")
_Y_HALF = re.compile(r"(?P<y>(?:19|20)\d\d)年(?P<h>上半年|下半年)")
_Y_Q = re.compile(r"(?P<y>(?:19|20)\d\d)年(?:第)?(?P<q>[一二三四1-4])季度(?P<end>末|底)?")
_Y_ONLY = re.compile(r"(?P<y>(?:19|20)\d\d)年?")


def _month(s: str) -> int | None:
    n = int(s) if s.isdigit() else _CN_DIGITS.get(s)
    return n if n is not None and 1 <= n <= 12 else None


def _month_end(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def parse_deadline(cell: str | None, year: int | None = None) -> str | None:
    """A deadline cell as an ISO date or a period code; None when it names no time.

    ``2024年6月底`` / ``2024年6月`` -> ``2024-06-30``; ``2024年6月15日`` / ``2024.6.15`` -> ``2024-06-15``;
    ``2024年底`` -> ``2024-12-31``; ``2024年上半年`` -> ``2024H1``; ``2024年三季度`` -> ``2024Q3`` (``…季度末``
    -> its last day); ``2024-2025年`` -> ``2024-2025``; ``2024年`` -> ``2024``; without a year (``6月底前``,
    ``年底前``) the `year` given is used, else None; ``长期坚持`` -> None.
    """
    s = _norm(cell)
    if not s or any(s.startswith(w) for w in _config().open_ended):
        return None
    if m := _ISO.match(s):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]:
            return f"{y:04d}-{mo:02d}-{d:02d}"
        return None
    if m := _Y_RANGE.match(s):
        return f"{m['a']}-{m['b']}" if int(m["a"]) < int(m["b"]) else None
    if m := _Y_END.match(s):
        return f"{m['y']}-12-31"
    if m := _YM.match(s):
        month = _month(m["m"])
        if month is None:
            return None
        y = int(m["y"])
        if m["end"] in ("上旬",):
            return f"{y:04d}-{month:02d}-10"
        if m["end"] in ("中旬",):
            return f"{y:04d}-{month:02d}-20"
        return _month_end(y, month)
    if m := _Y_HALF.match(s):
        return f"{m['y']}{'H1' if m['h'] == '上半年' else 'H2'}"
    if m := _Y_Q.match(s):
        q = "一二三四".find(m["q"]) + 1 if not m["q"].isdigit() else int(m["q"])
        if m["end"]:
            return _month_end(int(m["y"]), q * 3)
        return f"{m['y']}Q{q}"
    if year is not None:
        if m := _M_ONLY.match(s):
            only = _month(m["m"])
            return _month_end(year, only) if only else None
        if s.startswith(("年底", "年末", "今年底", "本年底")):
            return f"{year}-12-31"
        if s.startswith("上半年"):
            return f"{year}H1"
    if m := _Y_ONLY.fullmatch(s.rstrip("前内底")):
        return m["y"]
    return None


_CN = "[一二三四五六七八九十]+"
_GROUP_TITLE = re.compile(rf"^(?:{_CN}[、.]|\({_CN}\)|第{_CN}部分)")


def _is_group_row(row: list[str], roles: dict[str, int]) -> bool:
    """``一、产业发展`` in the first cell(s) and nothing else (or the same text merged across the row)."""
    texts = [c.strip() for c in row if c and c.strip()]
    if not texts or len(set(texts)) != 1:
        return False
    first = texts[0]
    if _GROUP_TITLE.match(first):
        return True
    # A merged row repeats one text in every cell; a task row has different cells.
    return len(texts) >= 2 and len(texts) == len([c for c in row if c is not None]) and len(first) <= 30


def _cell(row: list[str], roles: dict[str, int], role: str) -> str | None:
    i = roles.get(role)
    if i is None or i >= len(row):
        return None
    v = (row[i] or "").strip()
    return v or None


def _items_for(text: str, year: int | None) -> list[Item]:
    items = [i for i in extract(text, year=year, context="plan") if i.kind != "task"]
    if items:
        return items
    t = text.strip()
    return [Item(kind="task", start=0, end=len(t), text=t, rule="task.table", confidence=0.8)] if t else []


def plan_from_task_table(rows: list[list[str]], *, year: int | None = None) -> PlanTree:
    """Read a task-decomposition table (rows of cell strings) into a plan tree with assignments.

    `year` is the plan's year, used for deadlines without one (``6月底前``) and for the targets'
    periods. Rows before the header (a title, a note) are skipped; empty rows and repeated header
    rows (a table continued over pages) too. Raises `TaskTableError` when no header is found.
    """
    h, roles = find_header(rows)
    header_norm = [_norm(c) for c in rows[h]]
    pillars: list[Pillar] = [Pillar(None, h, h, [])]
    current_category: str | None = None
    for r in range(h + 1, len(rows)):
        row = [c if c is not None else "" for c in rows[r]]
        if not any(c.strip() for c in row) or [_norm(c) for c in row] == header_norm:
            continue
        if _is_group_row(row, roles):
            title = next(c.strip() for c in row if c.strip())
            pillars.append(Pillar(title, r, r, []))
            current_category = title
            continue
        category = _cell(row, roles, "category")
        if category and category != current_category:
            pillars.append(Pillar(category, r, r, []))
            current_category = category
        task = _cell(row, roles, "task")
        requirement = _cell(row, roles, "requirement")
        if not task and not requirement:
            continue
        lead, lead_marked = split_units(_cell(row, roles, "lead"))
        co, co_marked = split_units(_cell(row, roles, "co"))
        if not lead:
            # No 牵头 column (or it is empty): a unit marked 牵头 leads; else the first unit listed.
            marked = co_marked or lead_marked
            lead = marked if marked else co[:1]
            co = [u for u in co if u not in lead]
        else:
            co = [u for u in co if u not in lead]
        deadline_text = _cell(row, roles, "deadline")
        objective = Objective(
            title=task or requirement,
            start=r,
            end=r,
            items=_items_for(requirement or task or "", year),
            assignment=Assignment(lead, co, parse_deadline(deadline_text, year), deadline_text),
            number=_cell(row, roles, "number"),
            requirement=requirement,
            row=r,
        )
        pillars[-1].objectives.append(objective)
        pillars[-1].end = r
    return PlanTree([p for p in pillars if p.objectives or p.title is not None])
