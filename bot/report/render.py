"""Turning the month's figures into the public summary (HTML, then PDF).

The HTML is self-contained (styles and charts inlined) so the file can be opened
or e-mailed on its own; the PDF is WeasyPrint's rendering of that same HTML.
"""

from __future__ import annotations

import base64
import calendar
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from weasyprint import HTML

from bot.action_words import NO_ACTION_SHORT
from bot.council_policy import CouncilPolicy, neutral_policy
from bot.report import labels as lbl
from bot.report.charts import Chart
from bot.report.figures import KINDS, MonthFigures, TrendPoint
from bot.report.months import Month
from bot.report.themes import ThemeReport

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.report", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=False,
    lstrip_blocks=False,
)



def isolate(value: object) -> str:
    """A stranger's text between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: a
    right-to-left override inside it cannot reverse the text after it in the PDF
    (WeasyPrint's text layout follows the Unicode bidi algorithm, isolates included)."""
    return f"\u2068{'' if value is None else value}\u2069"


_ENV.filters["isolate"] = isolate


@dataclass(frozen=True)
class SummaryInputs:
    council: str
    month: Month
    figures: MonthFigures
    previous: MonthFigures
    trend: list[TrendPoint]
    themes: ThemeReport
    charts: dict[str, Chart]
    generated: str
    chain_head: str = ""  # the audit log's newest hash when the summary was made
    policy: CouncilPolicy = field(default_factory=neutral_policy)
    #: Made before the month ended: marked on every page, replaced by the month-end run.
    provisional: str = ""


def render_template(name: str, context: dict[str, Any], *, footer: str, marking: str) -> str:
    """Render a template with the house style; ``footer`` and ``marking`` go in every page's margins."""
    css = resources.files("bot.report").joinpath("templates/summary.css").read_text(encoding="utf-8")
    page = (f"@page {{ @bottom-left {{ content: {css_string(footer)}; }} "
            f"@top-right {{ content: {css_string(marking)}; }} }}")
    # Our own stylesheet, plus strings escaped by css_string: safe inside <style>.
    return _ENV.get_template(name).render(css=Markup(css + "\n" + page), **context)  # noqa: S704


def css_string(text: str) -> str:
    """A CSS string literal that cannot break out of the string or the <style> element."""
    escaped = "".join(c if c.isalnum() or c in " .,:;·-–()'/" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def write_pdf(html: str, path: Path) -> None:
    HTML(string=html, base_url=str(path.parent)).write_pdf(path)


def data_uri(chart: Chart) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg.read_bytes()).decode("ascii")


def summary_context(inp: SummaryInputs) -> dict[str, Any]:
    fig, prev = inp.figures, inp.previous
    platforms = sorted(fig.items) or ["(none)"]
    return {
        "council": inp.council,
        "month_label": inp.month.label,
        "prev_label": inp.month.previous.label,
        "last_day": calendar.monthrange(inp.month.year, inp.month.month)[1],
        "generated": inp.generated,
        "chain_head": inp.chain_head,
        "platforms": " and ".join(lbl.platform_label(p) for p in platforms) if fig.items else "social media",
        "glance": _glance(fig),
        "comparison": _comparison(fig, prev),
        "kinds": [{"code": k, "label": lbl.kind_label(k)} for k in KINDS],
        **_items_tables(fig),
        "dms": fig.dms,
        "dm_rows": _dm_rows(fig),
        "flagged": fig.flagged,
        "received": fig.received,
        "flagged_share": lbl.percent(_share(fig.flagged, fig.received)),
        "findings_total": fig.findings_total,
        **_findings_tables(fig, inp.policy),
        "policy_document": inp.policy.document,
        "policy_url": inp.policy.url,
        "policy_named": bool(inp.policy.grounds) and any(inp.policy.clauses(g) for g in inp.policy.grounds),
        "decisions": fig.decisions,
        "median": lbl.duration(fig.median_hours),
        "p90": lbl.duration(fig.p90_hours),
        "repeat_offenders": fig.repeat_offenders,
        "police_referrals": fig.police_referrals,
        "police_suggested": fig.police_suggested,
        "pile_ons": fig.pile_ons,
        "reply_limits": fig.reply_limits,
        "election_warnings": fig.election_warnings,
        "election_period": fig.election_period,
        "actions_rows": _actions_rows(fig),
        "failures": [{"action": lbl.action_label(f.kind), "platform": lbl.platform_label(f.platform),
                      "reason": f.reason, "count": f.count} for f in fig.failures],
        "no_action": [{"label": NO_ACTION_SHORT.get(k, k), "count": n} for k, n in sorted(fig.no_action.items())],
        "no_action_total": sum(fig.no_action.values()),
        "provisional": inp.provisional,
        "rules_rows": _rules_rows(fig),
        "themes": _themes(inp.themes),
        "trend_rows": _trend_rows(inp.trend),
        "charts": {k: {"title": c.title, "src": data_uri(c)} for k, c in inp.charts.items()},
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _glance(fig: MonthFigures) -> list[dict[str, Any]]:
    d = fig.decisions
    return [
        {"num": fig.received, "what": "posts and messages received"},
        {"num": fig.flagged, "what": "flagged by the rules for the clerk"},
        {"num": f"{d.get('approved', 0)} / {d.get('rejected', 0)}", "what": "breaches upheld / no breach"},
        {"num": fig.dm_answered, "what": "direct messages answered automatically"},
        {"num": lbl.duration(fig.median_hours), "what": "median time to the clerk's decision"},
        {"num": fig.police_referrals, "what": "police referrals"},
    ]


def _comparison(fig: MonthFigures, prev: MonthFigures) -> list[dict[str, Any]]:
    rows: list[tuple[str, float | None, float | None]] = [
        ("Posts and messages received", fig.received, prev.received),
        ("Flagged for the clerk", fig.flagged, prev.flagged),
        ("Findings (rule verdicts)", fig.findings_total, prev.findings_total),
        ("Breaches upheld by the clerk", fig.decisions.get("approved", 0), prev.decisions.get("approved", 0)),
        ("No breach, as the clerk decided", fig.decisions.get("rejected", 0), prev.decisions.get("rejected", 0)),
        ("Direct messages answered automatically", fig.dm_answered, prev.dm_answered),
        ("Repeat offenders", fig.repeat_offenders, prev.repeat_offenders),
        ("Police referrals", fig.police_referrals, prev.police_referrals),
    ]
    out = [
        {"label": label, "now": _num(now), "before": _num(before), "change": lbl.change(now, before)}
        for label, now, before in rows
    ]
    out.append(
        {
            "label": "Median time to decision",
            "now": lbl.duration(fig.median_hours),
            "before": lbl.duration(prev.median_hours),
            "change": _time_change(fig.median_hours, prev.median_hours),
        }
    )
    return out


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _time_change(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "–"
    if abs(now - before) < 1 / 60:
        return "no change"
    return f"{lbl.duration(abs(now - before))} {'slower' if now > before else 'quicker'}"


def _items_tables(fig: MonthFigures) -> dict[str, Any]:
    rows = [
        {"label": lbl.platform_label(p), "counts": [kinds.get(k, 0) for k in KINDS], "total": sum(kinds.values())}
        for p, kinds in sorted(fig.items.items())
    ]
    totals = {"counts": [fig.kind_total(k) for k in KINDS], "total": fig.received}
    return {"items_rows": rows, "items_totals": totals}


def _dm_rows(fig: MonthFigures) -> list[dict[str, Any]]:
    order = list(lbl.DM_STATES)
    states = sorted(fig.dm_replies, key=lambda s: order.index(s) if s in order else len(order))
    return [{"label": lbl.DM_STATES.get(s, s), "count": fig.dm_replies[s]} for s in states]


def _findings_tables(fig: MonthFigures, policy: CouncilPolicy) -> dict[str, Any]:
    rows = [
        {"label": lbl.ground_label(g), "counts": [sev.get(s, 0) for s in (1, 2, 3)], "total": sum(sev.values()),
         "policy": ", ".join(policy.clauses(g)) or policy.description(g)}
        for g, sev in sorted(fig.findings.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    totals = {
        "counts": [sum(sev.get(s, 0) for sev in fig.findings.values()) for s in (1, 2, 3)],
        "total": fig.findings_total,
    }
    return {"findings_rows": rows, "findings_totals": totals}


def _actions_rows(fig: MonthFigures) -> list[dict[str, Any]]:
    return [{"label": lbl.action_label(k), **v} for k, v in sorted(fig.actions.items())]


def _rules_rows(fig: MonthFigures) -> list[dict[str, Any]]:
    return [
        {
            "rule": lbl.rule_name(r.rule_id),
            "ground": lbl.ground_label(r.ground),
            "findings": r.findings,
            "upheld": r.upheld,
            "overturned": r.overturned,
            "pending": r.pending,
            "rate": lbl.percent(r.overturn_rate),
        }
        for r in fig.rules
    ]


def _themes(report: ThemeReport) -> dict[str, Any]:
    themes = [
        {
            "term": t.term,
            "posts_now": t.posts_now,
            "authors": t.authors,
            "examples": t.examples,
            "share_now": lbl.percent(t.share_now),
            "share_before": lbl.percent(t.share_before),
        }
        for t in report.themes
    ]
    return {
        "posts_now": report.posts_now,
        "posts_before": report.posts_before,
        "baseline_months": report.baseline_months,
        "themes": themes,
    }


def _trend_rows(points: list[TrendPoint]) -> list[dict[str, Any]]:
    return [
        {
            "label": Month.parse(p.month).label,
            "received": p.received,
            "flagged": p.flagged,
            "findings": sum(p.by_ground.values()),
        }
        for p in points
    ]
