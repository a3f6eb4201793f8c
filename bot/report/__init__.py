"""The monthly moderation summary for the council's public papers.

``build_summary`` gathers the month's figures (``figures``), the residents' emerging
themes (``themes``), draws the charts (``charts``) and writes HTML and PDF
(``render``), with an optional confidential annex (``annex``). ``schedule_jobs``
gives the scheduler the monthly report, the urgent-alert scan and the daily digest.
"""

from bot.report.build import SummaryResult, build_summary
from bot.report.jobs import schedule_jobs
from bot.report.months import Month

__all__ = ["Month", "SummaryResult", "build_summary", "schedule_jobs"]
