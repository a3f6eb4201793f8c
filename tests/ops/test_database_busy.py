"""A database held by another process: a short wait, then one plain line (no traceback)."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR

from bot.bootstrap import App
from bot.scheduler import Heartbeat, build_scheduler
from bot.storage.db import DatabaseBusy, migrate
from tests.ops.helpers import write_config
from tests.support import REPO


def modbot(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "--config", str(config), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)


def assert_one_line_busy_error(result: subprocess.CompletedProcess[str], waited: str) -> None:
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: The database is busy. ") and f"more than {waited}" in lines[0]
    assert "nothing was changed" in lines[0] and "Traceback" not in result.stderr


@pytest.mark.slow
def test_queue_approve_on_a_locked_sqlite_database_says_so_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "data" / "modbot.db"
    url = f"sqlite:///{db}"
    migrate(url)
    config = write_config(tmp_path, url, database_wait_seconds=1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock, as a backup or the service may
    try:
        assert_one_line_busy_error(modbot(config, "queue", "approve", "1", "--as", "clerk"), "1 second")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert modbot(config, "queue", "list").returncode == 0  # and once it is free, commands work again


@pytest.mark.slow
@pytest.mark.postgres
def test_a_held_postgres_lock_times_out_with_one_line(postgres_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, postgres_url, database_wait_seconds=1)
    assert modbot(config, "migrate").returncode == 0
    engine = sa.create_engine(postgres_url)
    with engine.connect() as holder:
        holder.execute(sa.text("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE"))  # held until rollback
        assert_one_line_busy_error(modbot(config, "queue", "approve", "1", "--as", "clerk"), "1 second")
        holder.rollback()
    engine.dispose()


def test_status_never_creates_the_data_directory(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    result = modbot(config, "status")
    assert result.returncode == 1
    assert "no database yet" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_a_busy_database_in_a_scheduled_job_is_one_warning_line(app: App, caplog: pytest.LogCaptureFixture) -> None:
    def busy() -> None:
        raise DatabaseBusy("Another process held a lock on the data for more than 15 seconds; nothing was changed.")

    scheduler = build_scheduler(app.moderator, Heartbeat(), (("busy", busy, {"trigger": "date"}),))
    failed = threading.Event()
    scheduler.add_listener(lambda event: failed.set() if event.job_id == "busy" else None, EVENT_JOB_ERROR)
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        scheduler.start()
        try:
            assert failed.wait(60), "the job never ran"
        finally:
            scheduler.shutdown(wait=True)
    (record,) = [r for r in caplog.records if "job busy" in r.getMessage()]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == ("job busy: The database is busy. Another process held a lock on the data "
                                   "for more than 15 seconds; nothing was changed.")
