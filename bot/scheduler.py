"""APScheduler 3.x wiring: one poll job per account, the executor and the outbox.

Jobs have ``max_instances=1`` and ``coalesce=True`` so a slow poll never piles up,
and jitter so accounts are not polled in lock-step. SIGTERM/SIGINT let the job in
hand finish, then stop (``shutdown(wait=True)``).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from bot.moderator import Moderator
from bot.storage.db import DatabaseBusy

log = logging.getLogger(__name__)


@dataclass
class Heartbeat:
    """When each job last ran and how it ended: read by /healthz and ``modbot status``."""

    started_at: datetime | None = None
    last_run: dict[str, datetime] = field(default_factory=dict)
    last_error: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def beat(self, job_id: str, error: str = "") -> None:
        with self.lock:
            self.last_run[job_id] = datetime.now(UTC)
            if error:
                self.last_error[job_id] = error
            else:
                self.last_error.pop(job_id, None)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"started_at": self.started_at, "last_run": dict(self.last_run),
                    "last_error": dict(self.last_error)}


def build_scheduler(moderator: Moderator, heartbeat: Heartbeat,
                    extra_jobs: tuple[tuple[str, Callable[[], Any], dict[str, Any]], ...] = ()) -> BackgroundScheduler:
    """``extra_jobs``: (id, function, trigger kwargs) added by other features (alerts, reports)."""
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(4)}, timezone="Europe/London",
                                    job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 300})
    polling = moderator.settings
    for acc in polling.accounts:
        if not acc.enabled:
            continue
        interval = acc.poll_interval_seconds or int(polling.get("polling.interval_seconds"))
        scheduler.add_job(moderator.poll, "interval", args=[acc.name], id=f"poll:{acc.name}", seconds=interval,
                          jitter=int(polling.get("polling.jitter_seconds")), next_run_time=datetime.now(UTC))
    every = int(polling.get("polling.execute_interval_seconds"))
    scheduler.add_job(moderator.execute_due, "interval", id="execute", seconds=every, next_run_time=datetime.now(UTC))
    scheduler.add_job(moderator.send_outbox, "interval", id="outbox", seconds=every, next_run_time=datetime.now(UTC))
    for job_id, func, trigger in extra_jobs:
        scheduler.add_job(func, id=job_id, **trigger)

    def listen(event: JobExecutionEvent) -> None:
        error = f"{type(event.exception).__name__}: {event.exception}" if event.exception else ""
        if isinstance(event.exception, DatabaseBusy):  # expected under load: one line, next run retries
            log.warning("job %s: %s %s", event.job_id, event.exception.title, event.exception)
        elif event.exception:
            log.error("job %s failed", event.job_id, exc_info=event.exception)
        heartbeat.beat(event.job_id, error)

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    return scheduler


def run_until_signalled(scheduler: BackgroundScheduler, heartbeat: Heartbeat, stop: threading.Event,
                        on_stop: Callable[[], None] | None = None) -> None:
    """Start, wait for SIGTERM/SIGINT (or ``stop``), then finish running jobs and stop."""

    def handle(signum: int, _frame: Any) -> None:
        log.info("signal %s received: finishing the job in hand, then stopping", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
    heartbeat.started_at = datetime.now(UTC)
    scheduler.start()
    try:
        stop.wait()
    finally:
        if on_stop:
            on_stop()
        scheduler.shutdown(wait=True)
        log.info("stopped cleanly")
