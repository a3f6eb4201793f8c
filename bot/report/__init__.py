"""The monthly moderation summary for the council's public papers.

``build_summary`` (``bot.report.build``) gathers the month's figures (``figures``),
the residents' emerging themes (``themes``), draws the charts (``charts``) and writes
HTML and PDF (``render``), with an optional confidential annex (``annex``).
``schedule_jobs`` (``bot.report.jobs``) gives the scheduler the monthly report, the
urgent-alert scan and the daily digest.

The heavy libraries (matplotlib, WeasyPrint) load only when a summary is built, so
``bot.report.labels`` and ``bot.report.months`` stay cheap to import.
"""

from __future__ import annotations

from typing import Any

from bot.report.months import Month

__all__ = ["Month", "SummaryResult", "build_summary", "schedule_jobs"]


def __getattr__(name: str) -> Any:
    if name in ("SummaryResult", "build_summary"):
        from bot.report import build
        return getattr(build, name)
    if name == "schedule_jobs":
        from bot.report import jobs
        return jobs.schedule_jobs
    raise AttributeError(name)
