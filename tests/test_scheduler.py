"""The scheduler runs the jobs, and SIGTERM stops the service cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED

from bot.bootstrap import App
from bot.health import health_report
from bot.scheduler import Heartbeat, build_scheduler, run_until_signalled
from tests.support import REPO
from tests.test_crash_safety import write_config


def test_jobs_per_account_with_limits(app: App) -> None:
    scheduler = build_scheduler(app.moderator, Heartbeat())
    scheduler.start(paused=True)
    try:
        jobs = {j.id: j for j in scheduler.get_jobs()}
        assert set(jobs) == {"poll:sim", "execute", "outbox"}
        for job in jobs.values():
            assert job.max_instances == 1 and job.coalesce
        assert jobs["poll:sim"].trigger.interval.total_seconds() == 60
    finally:
        scheduler.shutdown(wait=False)


def test_scheduler_polls_and_stops_on_request(app: App) -> None:
    heartbeat = Heartbeat()
    scheduler = build_scheduler(app.moderator, heartbeat)
    polled = threading.Event()
    stop = threading.Event()

    def on_job(event: object) -> None:
        if getattr(event, "job_id", "") == "poll:sim":
            polled.set()
            stop.set()

    scheduler.add_listener(on_job, EVENT_JOB_EXECUTED)
    runner = threading.Thread(target=run_until_signalled, args=(scheduler, heartbeat, stop))
    runner.start()
    assert polled.wait(30), "the poll job never ran"
    runner.join(30)
    assert not runner.is_alive() and not scheduler.running
    report = health_report(app.settings, app.sessions, None)
    assert report["accounts"][0]["items"] == 40 and report["accounts"][0]["last_successful_poll"]


@pytest.mark.slow
def test_sigterm_finishes_and_exits_zero(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config), "run", "--no-web"],
                            cwd=REPO, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until the first poll has been logged
        if "polled sim" in line:
            break
    proc.send_signal(signal.SIGTERM)
    _, rest = proc.communicate(timeout=60)
    assert proc.returncode == 0, rest
    assert "stopped cleanly" in rest


def test_service_schedules_feature_jobs(app: App) -> None:
    from bot.cli.service import extra_jobs

    scheduler = build_scheduler(app.moderator, Heartbeat(), extra_jobs(app))
    scheduler.start(paused=True)
    try:
        ids = {j.id for j in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert {"report:monthly", "alerts", "alerts:digest", "retention", "evidence-media"} <= ids
