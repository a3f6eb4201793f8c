"""Scheduled jobs of the quiet-account features (picked up by ``modbot run``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.adapter import ReplyGating
from bot.moderator import Moderator

Job = tuple[str, Callable[[], Any], dict[str, Any]]


class AppLike(Protocol):
    moderator: Moderator


def schedule_jobs(app: AppLike) -> tuple[Job, ...]:
    """Read each account's own posts as often as it is polled; set gates and end limits often."""
    mod, settings = app.moderator, app.moderator.settings
    jobs: list[Job] = []
    for acc in settings.accounts:
        if not acc.enabled or not isinstance(mod.adapters.get(acc.name), ReplyGating):
            continue
        every = acc.poll_interval_seconds or int(settings.get("polling.interval_seconds"))
        jobs.append((f"posts:{acc.name}", _bind(mod.scan_posts, acc.name),
                     {"trigger": "interval", "seconds": every, "next_run_time": datetime.now(UTC)}))
    every = int(settings.get("polling.execute_interval_seconds"))
    jobs.append(("reply-gates", mod.apply_reply_gates, {"trigger": "interval", "seconds": every}))
    jobs.append(("reply-limits", mod.expire_reply_limits, {"trigger": "interval", "seconds": max(every, 60)}))
    return tuple(jobs)


def _bind(func: Callable[[str], Any], name: str) -> Callable[[], Any]:
    return lambda: func(name)
