"""Scheduled work for the summary and the alerts, for ``bot.scheduler.build_scheduler(extra_jobs=...)``.

* ``report:monthly`` runs at 06:00 UK time every day and builds last month's summary
  if it does not exist yet: on the 1st normally, or on the first morning after the
  bot was down on the 1st.
* ``alerts`` scans for urgent findings and broken accounts and sends queued e-mails,
  at least once a minute (more often if accounts are polled more often), so the clerk
  hears of a threat within one poll cycle.
* ``alerts:digest`` queues the daily digest of the review queue at 08:00 UK time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts import daily_digest, scan, send_pending
from bot.report.months import Month
from bot.settings import Settings
from bot.storage import models as m

log = logging.getLogger(__name__)
Job = tuple[str, Callable[[], Any], dict[str, Any]]


class _Moderator(Protocol):
    @property
    def clock(self) -> Callable[[], Any]: ...


class AppLike(Protocol):  # read-only members, so the real App (with more precise types) fits
    @property
    def settings(self) -> Settings: ...
    @property
    def sessions(self) -> sessionmaker[Session]: ...
    @property
    def moderator(self) -> _Moderator: ...


def schedule_jobs(app: AppLike) -> tuple[Job, ...]:
    """(job id, function, APScheduler trigger arguments) for the report and alert jobs."""
    poll = min(
        [
            a.poll_interval_seconds or int(app.settings.get("polling.interval_seconds"))
            for a in app.settings.accounts
            if a.enabled
        ]
        or [60]
    )
    return (
        (
            "report:monthly",
            lambda: ensure_last_month_summary(app),
            {"trigger": "cron", "hour": 6, "minute": 0, "timezone": "Europe/London"},
        ),
        ("alerts", lambda: alerts_tick(app), {"trigger": "interval", "seconds": min(60, poll)}),
        (
            "alerts:digest",
            lambda: daily_digest(app.settings, app.sessions, app.moderator.clock()),
            {"trigger": "cron", "hour": 8, "minute": 0, "timezone": "Europe/London"},
        ),
    )


def alerts_tick(app: AppLike) -> None:
    now = app.moderator.clock()
    scan(app.settings, app.sessions, now)
    send_pending(app.settings, app.sessions, now)


def ensure_last_month_summary(app: AppLike) -> str | None:
    """Build the previous month's summary unless its final one exists. Returns the month built, if any.

    A provisional summary (made with ``--provisional`` before the month ended) does not
    count: the final one replaces it.
    """
    month = Month.containing(app.moderator.clock()).previous
    with app.sessions() as s:
        made = s.execute(select(m.Summary.created_at).where(m.Summary.month == str(month))).scalar_one_or_none()
    if made is not None and month.is_over(made):
        return None
    from bot.report.build import build_summary  # matplotlib and WeasyPrint load only when needed

    build_summary(app.settings, app.sessions, month, clock=app.moderator.clock)
    return str(month)
