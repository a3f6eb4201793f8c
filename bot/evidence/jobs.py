"""Scheduled evidence and data-protection jobs, for ``bot.scheduler.build_scheduler(extra_jobs=...)``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.evidence.media import Store, fetch_pending_media
from bot.retention import run_retention
from bot.storage.models import utcnow

MEDIA_EVERY_MINUTES = 3


def schedule_jobs(app: Store, clock: Callable[[], datetime] | None = None
                  ) -> tuple[tuple[str, Callable[[], Any], dict[str, Any]], ...]:
    """(job id, function, trigger kwargs): retention daily at 03:30 UK time, media every few minutes."""
    now = clock or getattr(getattr(app, "moderator", None), "clock", None) or utcnow

    def retention() -> Any:
        return run_retention(app, now())

    def media() -> Any:
        return fetch_pending_media(app, now=now)

    return (
        ("retention", retention, {"trigger": "cron", "hour": 3, "minute": 30, "timezone": "Europe/London"}),
        ("evidence-media", media, {"trigger": "interval", "minutes": MEDIA_EVERY_MINUTES}),
    )
