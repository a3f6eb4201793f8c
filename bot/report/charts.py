"""Charts for the summary, drawn with matplotlib (Agg) as SVG and PNG.

Designed to survive a black-and-white photocopier: every series has its own grey
and hatching pattern, bars carry their numbers, and lines use different markers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from bot.report.figures import TrendPoint  # noqa: E402
from bot.report.labels import ground_label  # noqa: E402
from bot.report.themes import Theme  # noqa: E402

GREYS = ("#1a1a1a", "#6e6e6e", "#b4b4b4", "#ffffff", "#4a4a4a", "#d9d9d9", "#8c8c8c", "#2e2e2e")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++")
STYLE: Any = {  # matplotlib types rcParams keys as literals
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
    "hatch.linewidth": 0.6,
    "axes.titleweight": "bold",
    "axes.titlesize": 10,
}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    svg: Path
    png: Path


def _save(fig: Figure, out_dir: Path, name: str, title: str) -> Chart:
    out_dir.mkdir(parents=True, exist_ok=True)
    svg, png = out_dir / f"{name}.svg", out_dir / f"{name}.png"
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
    fig.savefig(png, format="png", dpi=200, bbox_inches="tight")
    plt.close(fig)
    return Chart(name, title, svg, png)


def _bar_style(index: int) -> dict[str, Any]:
    return {
        "color": GREYS[index % len(GREYS)],
        "hatch": HATCHES[index % len(HATCHES)],
        "edgecolor": "#000000",
        "linewidth": 0.6,
    }


def findings_by_ground(points: list[TrendPoint], out_dir: Path) -> Chart:
    """Stacked bars: findings per ground in each of the last twelve months."""
    grounds = sorted(
        {g for p in points for g in p.by_ground}, key=lambda g: -sum(p.by_ground.get(g, 0) for p in points)
    )
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 3.0))
        bottoms = [0] * len(points)
        x = range(len(points))
        for i, ground in enumerate(grounds):
            values = [p.by_ground.get(ground, 0) for p in points]
            ax.bar(x, values, bottom=bottoms, width=0.7, label=ground_label(ground), **_bar_style(i))
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        for xi, total in zip(x, bottoms, strict=True):
            if total:
                ax.text(xi, total, str(total), ha="center", va="bottom", fontsize=8)
        _month_axis(ax, points, "Findings")
        if grounds:
            handles, names = ax.get_legend_handles_labels()  # top of the stack first, as drawn
            ax.legend(
                handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8
            )
        else:
            _empty(ax, "No findings in these twelve months")
        return _save(fig, out_dir, "findings-by-ground", "Findings by ground, last twelve months")


def received_and_flagged(points: list[TrendPoint], out_dir: Path) -> Chart:
    """Lines with distinct markers and end labels: items received and flagged per month."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 2.1))
        x = list(range(len(points)))
        for values, label, marker, line in (
            ([p.received for p in points], "Received", "o", "-"),
            ([p.flagged for p in points], "Flagged", "s", "--"),
        ):
            ax.plot(x, values, color="#000000", linewidth=1.4, markersize=4, marker=marker, linestyle=line)
            ax.annotate(
                f"{label}: {values[-1]}",
                (x[-1], values[-1]),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        _month_axis(ax, points, "Items")
        ax.set_ylim(bottom=0)
        ax.set_xlim(-0.5, len(points) - 0.5 + 1.8)
        return _save(fig, out_dir, "received-and-flagged", "Items received and flagged, last twelve months")


def decisions(outcomes: dict[str, int], out_dir: Path) -> Chart:
    """Horizontal bars: upheld (with or without an action), no breach and pending, with counts."""
    labels = {"approved": "Upheld (breach)", "rejected": "No breach", "pending": "Still pending"}
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 1.6))
        names = list(labels)
        values = [outcomes.get(n, 0) for n in names]
        for i, value in enumerate(values):
            bars = ax.barh(i, value, height=0.6, **_bar_style(i))
            ax.bar_label(bars, padding=4, fontsize=9)
        ax.set_yticks(range(len(names)), [labels[n] for n in names])
        ax.invert_yaxis()
        ax.set_xlim(0, max(max(values), 1) * 1.15)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        if not sum(values):
            _empty(ax, "Nothing was flagged this month")
        return _save(fig, out_dir, "decisions", "The clerk's decisions on this month's flagged posts")


def themes(items: list[Theme], out_dir: Path) -> Chart:
    """Paired bars per term: share of civil posts this month (dark) and before (hatched)."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 0.45 * max(len(items), 2) + 0.7))
        for i, theme in enumerate(items):
            now, before = theme.share_now * 100, theme.share_before * 100
            ax.barh(i - 0.18, now, height=0.34, label="This month" if i == 0 else None, **_bar_style(0))
            ax.barh(i + 0.18, before, height=0.34, label="Previous months" if i == 0 else None, **_bar_style(3))
            ax.annotate(
                f"{now:.0f}%", (now, i - 0.18), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8
            )
            ax.annotate(
                f"{before:.0f}%", (before, i + 0.18), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8
            )
        ax.set_yticks(range(len(items)), [t.term for t in items])
        ax.invert_yaxis()
        ax.set_xlabel("Share of residents' civil posts mentioning the term")
        top = max([t.share_now * 100 for t in items] + [1])
        ax.set_xlim(0, top * 1.2)
        if items:
            ax.legend(loc="lower right", frameon=False, fontsize=8)
        else:
            _empty(ax, "No term rose clearly this month")
        return _save(fig, out_dir, "themes", "Terms that rose most in residents' civil posts")


def _month_axis(ax: Axes, points: list[TrendPoint], ylabel: str) -> None:
    """Month names, with the year under the first month and under each January."""
    names = [p.label if i == 0 or p.label.startswith("Jan") else p.label.split()[0] for i, p in enumerate(points)]
    ax.set_xticks(range(len(points)), [n.replace(" ", "\n20") for n in names], fontsize=8)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", fontsize=9, color="#333333")
