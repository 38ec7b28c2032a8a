"""The bulletin's Chinese: its summary paragraph and its tables (headers and rows), from the data alone.

Why here and pure: a bulletin's sentences are what leaders read first; generating them from the same
value the tables print (never typed by hand) is what keeps the summary and the tables agreeing. The
.docx and .xlsx writers print exactly these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from targetboard.accountability.bulletin import COLOUR_ORDER, COLOUR_ZH, Bulletin, League
from targetboard.accountability.ledger import LIGHT_ZH

REASON_ZH = {"overdue": "逾期未报", "returned": "退回待重报", "due": "待报送"}
COLOUR_WORDS = {"green": "绿灯（已完成或进度正常）", "yellow": "黄灯（有风险）", "red": "红灯（难以完成）",
                "grey": "灰灯（暂无数据或未跟踪）"}


@dataclass(frozen=True)
class Table:
    """One table of the bulletin: its title (the .xlsx sheet name), headers and rows of text."""

    title: str
    sheet: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: Per row, the colour of its status/light cell (green, yellow, red, grey) or "" (for shading).
    colours: tuple[str, ...] = ()
    colour_column: int | None = None
    widths: tuple[int, ...] = ()  # relative column widths for the document (empty: equal)


def _units(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    if len(unique) <= 3:
        return "、".join(unique)
    return "、".join(unique[:3]) + f"等{len(unique)}个单位"


def _movement(m: int | None) -> str:
    if m is None:
        return "—"
    return f"进{m}位" if m > 0 else f"退{-m}位" if m < 0 else "持平"


def _league_sentence(league: League) -> str:
    rows = league.rows
    if not rows:
        return ""
    top = [r for r in rows if r.rank == rows[0].rank]
    last_rank = max(r.rank for r in rows)
    bottom = [r for r in rows if r.rank == last_rank and r not in top]
    source = (f"{league.scheme}（已发布，快照{league.snapshot_id}）" if league.snapshot_id is not None
              else f"{league.scheme}（本期试算，未发布）")
    text = f"{source}排名第一的是{'、'.join(f'{r.name}（{r.total}分）' for r in top)}"
    if bottom:
        text += f"，排名末位的是{'、'.join(f'{r.name}（{r.total}分）' for r in bottom)}"
    up = [f"{r.name}进{r.movement}位" for r in rows if r.movement is not None and r.movement > 0]
    down = [f"{r.name}退{-r.movement}位" for r in rows if r.movement is not None and r.movement < 0]
    if up or down:
        text += "；较上期" + "，".join(x for x in ("、".join(up), "、".join(down)) if x)
    elif all(r.movement is None for r in rows):
        text += "；此前无已发布排名，暂不比较进退位"
    else:
        text += "；较上期名次均持平"
    return text + "。"


def summary(b: Bulletin) -> str:
    """The summary paragraph: targets by colour, owed reports, ledger lights, the league table's ends."""
    counts = b.colour_counts()
    parts = [f"截至{b.period_label}，{b.region}跟踪的量化目标共{len(b.targets)}个，其中"
             + "、".join(f"{COLOUR_WORDS[c]}{counts[c]}个" for c in ("green", "yellow", "red", "grey")) + "。"]
    reds = [t.metric for t in b.targets if t.colour == "red"]
    if reds:
        parts.append(f"难以完成的目标：{'、'.join(reds)}，请牵头单位加大推进力度。")
    overdue = [r for r in b.reports if r.reason == "overdue"]
    returned = [r for r in b.reports if r.reason == "returned"]
    day = f"{b.as_of_day.year}年{b.as_of_day.month}月{b.as_of_day.day}日"
    if b.reports:
        parts.append(f"截至{day}，逾期未报的进度报告{len(overdue)}份、退回待重报{len(returned)}份，"
                     f"涉及{_units([r.unit for r in b.reports])}。")
    else:
        parts.append(f"截至{day}，没有逾期未报或退回待重报的进度报告。")
    red = sum(1 for e in b.ledgers if e.light == "red")
    yellow = sum(1 for e in b.ledgers if e.light == "yellow")
    if b.ledgers:
        by_kind = "；".join(f"{name}红灯{r}项、黄灯{y}项" for name, r, y in b.ledger_counts if r or y)
        parts.append(f"台账事项亮红灯（逾期）{red}项、黄灯（7日内到期）{yellow}项（{by_kind}），"
                     f"涉及{_units([e.unit or '未定责任单位' for e in b.ledgers])}。")
    else:
        parts.append("台账事项无红灯、黄灯。")
    if b.league is not None:
        parts.append(_league_sentence(b.league))
    else:
        parts.append("本期暂无考核排名。")
    return "".join(parts)


def _day(d: object) -> str:
    return "—" if d is None else str(d)


def _grouped_reports(b: Bulletin) -> list[tuple[str, str, str, str, str]]:
    """One row per unit, item, reason and comment; its periods joined (2022M01至2022M05，共5期)."""
    groups: dict[tuple[str, int, str, str], list[str]] = {}
    texts: dict[int, str] = {}
    for r in b.reports:
        groups.setdefault((r.unit, r.item_id, r.reason, r.comment), []).append(r.period)
        texts[r.item_id] = r.item_text
    rows = []
    for (unit, item_id, reason, comment), periods in groups.items():
        periods.sort()
        when = periods[0] if len(periods) == 1 else f"{periods[0]}至{periods[-1]}，共{len(periods)}期"
        rows.append((unit, texts[item_id], when, reason, comment))
    return rows


def tables(b: Bulletin) -> list[Table]:
    """The bulletin's tables, in order; the .docx and the .xlsx print exactly these."""
    order = {c: i for i, c in enumerate(COLOUR_ORDER)}
    reports = _grouped_reports(b)
    targets = sorted(b.targets, key=lambda t: (order[t.colour], t.item_id))
    out = [
        Table("重点目标完成情况", "目标", ("状态", "目标", "牵头单位", "完成情况"),
              tuple((f"{COLOUR_ZH[t.colour]}·{t.status}", t.text, t.lead_unit or "—", t.explanation or "—")
                    for t in targets),
              tuple(t.colour for t in targets), 0, (2, 5, 2, 6)),
        Table("进度报告逾期及退回情况", "进度报告", ("责任单位", "事项", "报告期", "情况", "退回意见"),
              tuple((unit, text, when, REASON_ZH.get(reason, reason), comment or "—")
                    for unit, text, when, reason, comment in reports),
              tuple("red" if reason == "overdue" else "yellow" for _, _, _, reason, _ in reports), 3,
              (3, 6, 4, 2, 3)),
        Table("台账红黄灯事项", "台账", ("台账", "序号", "事项", "责任单位", "完成时限", "状态", "灯"),
              tuple((e.ledger, e.ref, e.title, e.unit or "—", _day(e.deadline), e.state, LIGHT_ZH[e.light])
                    for e in b.ledgers),
              tuple(e.light for e in b.ledgers), 6, (3, 1, 6, 3, 3, 2, 1)),
    ]
    if b.league is not None:
        out.append(Table(f"考核排名（{b.league.scheme}）", "考核排名", ("名次", "单位", "得分", "较上期"),
                         tuple((str(r.rank), r.name + ("（一票否决）" if r.vetoed else ""), r.total,
                                _movement(r.movement)) for r in b.league.rows), widths=(1, 4, 2, 2)))
    return out
