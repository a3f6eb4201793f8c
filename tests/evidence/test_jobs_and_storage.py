"""Scheduled jobs and data at rest: owner-only data directory and SQLite file."""

from __future__ import annotations

import stat
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler

from bot.bootstrap import App, build_app
from bot.evidence import schedule_jobs
from bot.storage.db import migrate
from tests.support import make_settings


def test_jobs_are_retention_at_half_past_three_and_media_every_few_minutes(app: App) -> None:
    jobs = {job_id: (func, trigger) for job_id, func, trigger in schedule_jobs(app)}
    assert jobs["retention"][1] == {"trigger": "cron", "hour": 3, "minute": 30, "timezone": "Europe/London"}
    assert jobs["evidence-media"][1]["trigger"] == "interval" and jobs["evidence-media"][1]["minutes"] <= 5
    scheduler = BackgroundScheduler(timezone="Europe/London")
    for job_id, (func, trigger) in jobs.items():
        scheduler.add_job(func, id=job_id, **trigger)  # as bot.scheduler.build_scheduler adds them
    assert {j.id for j in scheduler.get_jobs()} == set(jobs)
    # nothing queued: no network touched
    assert jobs["evidence-media"][0]() == {"fetched": 0, "failed": 0, "retrying": 0}
    assert jobs["retention"][0]().deleted_unflagged == []


def test_data_dir_and_sqlite_file_are_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    settings = make_settings(data)
    application = build_app(settings, adapters={})
    try:
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        assert stat.S_IMODE((data / "modbot.db").stat().st_mode) == 0o600
    finally:
        application.close()


def test_migrate_tightens_an_existing_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "loose.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    migrate(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
