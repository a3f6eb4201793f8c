"""``build_summary``: the month's public summary (HTML + PDF), optionally the confidential annex.

Files go to ``out_dir`` (default ``<data_dir>/reports``); the ``summaries`` table
records where they are and the headline figures, so the clerk's page can list past
summaries for download. Building a month again replaces its files and its row.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.errors import ModbotError
from bot.evidence.chain import chain_head
from bot.quiet import summary as quiet_summary
from bot.report import charts
from bot.report.annex import annex_context, annex_rows
from bot.report.figures import gather, trend
from bot.report.months import Month
from bot.report.names import known_names
from bot.report.render import SummaryInputs, render_template, summary_context, write_pdf
from bot.report.themes import STOP_WORDS, ThemeReport, emerging_themes
from bot.settings import Settings
from bot.storage import models as m
from bot.storage.db import transaction
from bot.uk_time import UK, day_text, uk_datetime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SummaryResult:
    month: str
    html_path: Path
    pdf_path: Path
    annex_path: Path | None
    chart_paths: tuple[Path, ...]
    figures: dict[str, Any]


def build_summary(
    settings: Settings,
    sessions: sessionmaker[Session],
    month: str | Month,
    out_dir: Path | None = None,
    *,
    confidential_annex: bool = False,
    provisional: bool = False,
    clock: Callable[[], datetime] = m.utcnow,
) -> SummaryResult:
    """Write the summary of ``month`` (``"YYYY-MM"``, UK time) and record it in the database.

    A month that is not over needs ``provisional``: its files are named and marked
    provisional on every page, and the month-end run still builds the final one.
    """
    mo = month if isinstance(month, Month) else Month.parse(month)
    note = provisional_note(mo, clock(), provisional)
    out = (Path(out_dir) if out_dir else settings.data_dir / "reports").resolve()
    out.mkdir(parents=True, exist_ok=True)
    generated = uk_datetime(clock(), weekday=True)
    with sessions() as s:
        inputs = replace(_inputs(s, settings, mo, out / f"charts-{mo}", generated), provisional=note)
        inputs.figures.election_period = quiet_summary.period_in_month(s, settings, mo)
        rows = annex_rows(s, mo, str(settings.get("web.public_url"))) if confidential_annex else None
    suffix = "-PROVISIONAL" if note else ""
    stem = out / f"moderation-summary-{mo}{suffix}"
    html = render_template(
        "summary.html",
        summary_context(inputs),
        marking="Provisional: the month is not over" if note else "For publication",
        footer=f"{settings.council.name} · Moderation summary · {mo.label}{' · PROVISIONAL' if note else ''}",
    )
    html_path, pdf_path = stem.with_suffix(".html"), stem.with_suffix(".pdf")
    html_path.write_text(html, encoding="utf-8")
    write_pdf(html, pdf_path)
    annex_path = _write_annex(settings.council.name, mo, rows, out, generated, suffix) if rows is not None else None
    figures = _figures_json(inputs)
    _record(sessions, mo, html_path, pdf_path, annex_path, figures, clock())
    log.info("monthly summary for %s written to %s%s", mo, pdf_path, " (provisional)" if note else "")
    chart_paths = tuple(p for c in inputs.charts.values() for p in (c.svg, c.png))
    return SummaryResult(str(mo), html_path, pdf_path, annex_path, chart_paths, figures)


class MonthNotOver(ModbotError):
    title = "That month's summary cannot be made like this."


def provisional_note(mo: Month, now: datetime, provisional: bool) -> str:
    """The sentence marking a provisional summary ("" for a final one); refuses the wrong kind."""
    final_day = day_text(mo.end.astimezone(UK).date())
    if mo.is_over(now):
        if provisional:
            raise MonthNotOver(f"{mo.label} is over, so its summary is final: leave out --provisional.")
        return ""
    if not provisional:
        raise MonthNotOver(f"{mo.label} is not over yet (it ends at midnight at the start of {final_day}, UK time). "
                           "Add --provisional for a preview marked as provisional on every page; the final "
                           f"summary is made on {final_day}.")
    started = "has not begun" if now < mo.start else "is not over"
    return (f"{mo.label} {started}: these are the figures up to {uk_datetime(now, weekday=True)}. They will "
            f"change; the final summary is made on {final_day}.")


def _inputs(s: Session, settings: Settings, mo: Month, chart_dir: Path, generated: str) -> SummaryInputs:
    council = settings.council.name
    figures, previous = gather(s, mo), gather(s, mo.previous)
    points = trend(s, mo)
    names = known_names(s, settings.council.people, council, common_words=STOP_WORDS)
    themes: ThemeReport = emerging_themes(s, mo, names=names)
    drawn = {
        "trend": charts.received_and_flagged(points, chart_dir),
        "grounds": charts.findings_by_ground(points, chart_dir),
        "decisions": charts.decisions(figures.decisions, chart_dir),
        "themes": charts.themes(themes.themes, chart_dir),
    }
    return SummaryInputs(council, mo, figures, previous, points, themes, drawn, generated, chain_head(s),
                         policy=settings.policy)


def _write_annex(council: str, mo: Month, rows: list[Any], out: Path, generated: str, suffix: str = "") -> Path:
    path = out / f"moderation-annex-{mo}{suffix}-CONFIDENTIAL.pdf"
    html = render_template(
        "annex.html",
        annex_context(council, mo, rows, generated),
        marking="Confidential: closed session only" + (" · provisional" if suffix else ""),
        footer=f"CONFIDENTIAL · {council} · Moderation annex · {mo.label}{' · PROVISIONAL' if suffix else ''}",
    )
    write_pdf(html, path)
    os.chmod(path, 0o600)
    return path


def _figures_json(inputs: SummaryInputs) -> dict[str, Any]:
    data = inputs.figures.to_json()
    data["chain_head"] = inputs.chain_head
    data["previous"] = inputs.previous.to_json()
    data["trend"] = [
        {"month": p.month, "received": p.received, "flagged": p.flagged, "by_ground": p.by_ground} for p in inputs.trend
    ]
    data["themes"] = [
        {
            "term": t.term,
            "posts": t.posts_now,
            "share_now": round(t.share_now, 4),
            "share_before": round(t.share_before, 4),
        }
        for t in inputs.themes.themes
    ]
    return data


def _record(
    sessions: sessionmaker[Session],
    mo: Month,
    html: Path,
    pdf: Path,
    annex: Path | None,
    figures: dict[str, Any],
    now: datetime,
) -> None:
    with transaction(sessions) as s:
        row = s.execute(select(m.Summary).where(m.Summary.month == str(mo))).scalar_one_or_none()
        if row is None:
            row = m.Summary(month=str(mo))
            s.add(row)
        row.created_at, row.html_path, row.pdf_path = now, str(html), str(pdf)
        row.annex_path = str(annex) if annex else None
        row.figures = figures
        s.flush()
        audit.record(
            s,
            "bot",
            "summary.built",
            "summary",
            row.id,
            {"month": str(mo), "confidential_annex": annex is not None},
            at=now,
        )
