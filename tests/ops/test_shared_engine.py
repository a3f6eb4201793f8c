"""Two real ``modbot`` processes on one database (PostgreSQL and SQLite) at the worst moment.

One process is held at a named point (``bot.crashpoints``, with a release file) while
the other runs into it; the test lets the first go only once the second is really
waiting (PostgreSQL: ``pg_stat_activity`` shows it waiting for a lock; the migration
lock logs that it waits). No fixed sleeps: the tests wait for what the processes say.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.storage import models as m
from bot.storage.db import head_revision
from tests.ops.helpers import write_config
from tests.support import REPO, fresh_postgres_database

pytestmark = pytest.mark.slow

TWO_ACCOUNTS = [  # the same scripted traffic on two accounts: the same new authors at once
    {"name": "sim-a", "platform": "simulated", "handle": "@council@social.example"},
    {"name": "sim-b", "platform": "simulated", "handle": "@council@social.example"},
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'modbot.db'}"
        return
    request.getfixturevalue("postgres_url")  # skips (or fails in CI) without a server
    with fresh_postgres_database() as url:
        yield url


class Modbot:
    """A ``modbot`` subprocess whose stderr lines are collected as they arrive."""

    def __init__(self, config: Path, *args: str, hold_at: str = "", release: Path | None = None,
                 marker: Path | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MODBOT_CRASHPOINT")}
        if hold_at:
            env.update(MODBOT_CRASHPOINT=hold_at, MODBOT_CRASHPOINT_FILE=str(marker),
                       MODBOT_CRASHPOINT_RELEASE=str(release))
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config), *args], env=env,
                                     cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)
            self.lines.put(line)

    def wait_for_line(self, fragment: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if fragment in line:
                return
        raise AssertionError(f"modbot never said {fragment!r}; stderr: {''.join(self.stderr)}")

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        out, _ = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, "".join(self.stderr)


def wait_for_file(path: Path, proc: Modbot, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.proc.poll() is not None:
            raise AssertionError(f"modbot exited before the held point: {proc.finish()}")
        assert time.monotonic() < deadline, "modbot never reached the held point"
        time.sleep(0.02)


def wait_until_blocked_on_lock(url: str, timeout: float = 90) -> None:
    """PostgreSQL: until some other connection waits for a lock (the second process)."""
    engine = sa.create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                waiting = conn.execute(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")).scalar()
            if waiting:
                return
            time.sleep(0.02)
    finally:
        engine.dispose()
    raise AssertionError("the second process never waited for the first one's lock")


def held(tmp: Path, config: Path, point: str, *args: str) -> tuple[Modbot, Path]:
    marker, release = tmp / f"at-{point}", tmp / f"release-{point}"
    proc = Modbot(config, *args, hold_at=point, marker=marker, release=release)
    wait_for_file(marker, proc)
    return proc, release


def assert_clean(result: tuple[int, str, str]) -> str:
    status, out, err = result
    assert status == 0, f"exit {status}\nstdout: {out}\nstderr: {err}"
    assert "Traceback" not in err and "ERROR" not in err, err
    return out


def test_two_migrations_at_once_on_an_empty_database_take_turns(empty_db: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, empty_db)
    first, release = held(tmp_path, config, "migrate.locked", "migrate")
    second = Modbot(config, "migrate")
    second.wait_for_line("another process is migrating the database; waiting")
    release.touch()
    for proc in (first, second):
        assert "database schema is up to date" in assert_clean(proc.finish())
    engine = sa.create_engine(empty_db)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    engine.dispose()


def test_two_service_starts_on_an_empty_database_both_poll(empty_db: str, tmp_path: Path) -> None:
    """Two processes that each migrate, register the accounts and poll, started together."""
    config = write_config(tmp_path, empty_db, accounts=TWO_ACCOUNTS)
    first, release = held(tmp_path, config, "migrate.locked", "poll", "--once", "--account", "sim-a")
    second = Modbot(config, "poll", "--once", "--account", "sim-b")
    second.wait_for_line("another process is migrating the database; waiting")
    release.touch()
    outputs = [assert_clean(proc.finish()) for proc in (first, second)]
    assert all("FAILED" not in out for out in outputs), outputs
    counts = _counts(empty_db)
    assert counts["accounts"] == 2 and counts["items_per_account"] == 2


def test_two_accounts_seeing_the_same_new_authors_at_once_both_poll(empty_db: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, empty_db, accounts=TWO_ACCOUNTS)
    assert_clean(_run(config, "migrate"))
    first, release = held(tmp_path, config, "poll.before_commit", "poll", "--once", "--account", "sim-a")
    second = Modbot(config, "poll", "--once", "--account", "sim-b")
    if empty_db.startswith("postgresql"):
        wait_until_blocked_on_lock(empty_db)  # inserting the authors the first one holds uncommitted
    release.touch()
    outputs = [assert_clean(proc.finish()) for proc in (first, second)]
    assert all("FAILED" not in out and " 0 new" not in out for out in outputs), outputs
    counts = _counts(empty_db)
    assert counts["duplicate_authors"] == 0 and counts["items_per_account"] == 2
    assert counts["authors"] == counts["distinct_authors_of_items"]


def test_two_services_fetching_the_same_page_count_duplicates_quietly(empty_db: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, empty_db)
    assert_clean(_run(config, "migrate"))
    first, release = held(tmp_path, config, "poll.before_commit", "poll", "--once")
    second = Modbot(config, "poll", "--once")
    if empty_db.startswith("postgresql"):
        wait_until_blocked_on_lock(empty_db)
    release.touch()
    outputs = [assert_clean(proc.finish()) for proc in (first, second)]
    new, seen = zip(*(_poll_counts(out) for out in outputs), strict=True)
    engine = sa.create_engine(empty_db)
    with engine.connect() as conn:
        ids = conn.execute(sa.select(m.Item.remote_id)).scalars().all()
    engine.dispose()
    winner = 0 if new[0] >= new[1] else 1
    if empty_db.startswith("postgresql"):  # the loser read the old cursor: the same page, counted as seen
        assert seen[1 - winner] == new[winner] > 0, outputs
    else:  # SQLite's BEGIN IMMEDIATE made the second wait before it read the cursor: the next page
        assert new[winner] > 0 and seen[1 - winner] == 0, outputs
    assert len(ids) == len(set(ids)) == sum(new)


def _poll_counts(out: str) -> tuple[int, int]:
    """'sim: ok; 16 new, 0 already seen, ...' -> (16, 0)."""
    counts = out.split("; ", 1)[1].split(", ")
    return int(counts[0].split()[0]), int(counts[1].split()[0])


def _run(config: Path, *args: str) -> tuple[int, str, str]:
    return Modbot(config, *args).finish()


def _counts(url: str) -> dict[str, Any]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        authors = conn.execute(sa.select(m.Author.platform, m.Author.remote_id)).all()
        per_account = conn.execute(sa.select(m.Item.account_id).distinct()).scalars().all()
        of_items = conn.execute(sa.select(sa.func.count(sa.distinct(m.Item.author_id)))).scalar()
        accounts = conn.execute(sa.select(sa.func.count()).select_from(m.Account)).scalar()
    engine.dispose()
    return {"authors": len(authors), "duplicate_authors": len(authors) - len(set(authors)),
            "items_per_account": len(per_account), "distinct_authors_of_items": of_items, "accounts": accounts}
