"""The bulletin's charts as PNG bytes: targets per status colour, and the league table's totals.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global figure state, no display),
in the CJK font of :mod:`fonts`. A glyph missing from the font is an error here, never a box in a
leader's document. PNG metadata carries no software version or time, so the bytes are stable.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from targetboard.accountability.bulletin import COLOUR_ZH, Bulletin
from targetboard.bulletin.fonts import CjkFont
from targetboard.errors import Unavailable

#: The dashboard's badge colours.
PALETTE = {"green": "#2e9e4f", "yellow": "#e0a800", "red": "#d63a3a", "grey": "#9aa0a6"}
DPI = 150


def _png(fig: Figure, font: CjkFont) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(fig)
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    if missing:
        raise Unavailable(f"字体 {font.family} 缺少图表所需的字：{missing[0]}",
                          f"the font {font.family} lacks characters the chart needs: {missing[0]}")
    return buf.getvalue()


def _style(font: CjkFont) -> Any:
    """The rc settings of every chart (typed loosely: matplotlib's stubs list every rc key as a literal)."""
    return {"font.family": [font.family], "axes.unicode_minus": False, "font.size": 10}


def status_chart(b: Bulletin, font: CjkFont) -> bytes:
    """Bars of targets per colour (绿/黄/红/灰)."""
    counts = b.colour_counts()
    colours = ["green", "yellow", "red", "grey"]
    with rc_context(_style(font)):
        fig = Figure(figsize=(5.6, 2.6))
        ax = fig.add_subplot()
        bars = ax.bar([f"{COLOUR_ZH[c]}灯" for c in colours], [counts[c] for c in colours],
                      color=[PALETTE[c] for c in colours])
        ax.bar_label(bars, labels=[f"{counts[c]}个" for c in colours])
        ax.set_title(f"{b.region}{b.period_label}目标状态")
        ax.set_ylabel("目标数")
        ax.set_ylim(0, max([*counts.values(), 1]) * 1.25)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        return _png(fig, font)


def league_chart(b: Bulletin, font: CjkFont) -> bytes | None:
    """Horizontal bars of the league table's totals, first place on top; None without a league table."""
    if b.league is None or not b.league.rows:
        return None
    rows = list(reversed(b.league.rows))
    with rc_context(_style(font)):
        fig = Figure(figsize=(5.6, 0.45 * len(rows) + 1.0))
        ax = fig.add_subplot()
        totals = [float(r.total) for r in rows]
        top = b.league.rows[0].rank
        bars = ax.barh([f"{r.rank}. {r.name}" for r in rows], totals,
                       color=["#1f5fa8" if r.rank == top else "#7ea6d6" for r in rows])
        ax.bar_label(bars, labels=[f"{r.total}分" for r in rows], padding=3)
        ax.set_xlim(0, max([*totals, 1.0]) * 1.18)
        ax.set_title(f"{b.league.scheme}得分")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        return _png(fig, font)
