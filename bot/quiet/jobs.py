"""Scheduled jobs of the quiet-account features (picked up by ``modbot run``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from bot.moderator import Moderator

Job = tuple[str, Callable[[], Any], dict[str, Any]]


class AppLike(Protocol):
    moderator: Moderator


def schedule_jobs(app: AppLike) -> tuple[Job, ...]:
    """Set reply gates and end expired limits often (own posts are read by each poll)."""
    mod, settings = app.moderator, app.moderator.settings
    jobs: list[Job] = []
    every = int(settings.get("polling.execute_interval_seconds"))
    jobs.append(("reply-gates", mod.apply_reply_gates, {"trigger": "interval", "seconds": every}))
    jobs.append(("reply-limits", mod.expire_reply_limits, {"trigger": "interval", "seconds": max(every, 60)}))
    return tuple(jobs)
