#!/usr/bin/env python3
"""Soak and fault test: the service loop against the simulated platform, with faults.

A controllable clock drives the jobs the scheduler would run (poll, execute, outbox)
through at least an hour of simulated time, while faults are injected: HTTP 429
(``RateLimited``), 5xx and timeouts (``TransientError``), a revoked token
(``AuthFailed``, fixed by the operator with a restart), "database is locked" (another
connection holding SQLite's write lock), posts deleted before an action lands, the
script's own malformed payloads, and real ``python -m bot`` processes killed with
SIGKILL at the named crash points and followed by a restart. A clerk approves or
rejects the queue as it fills. Afterwards the invariants of ``scripts/soak_checks.py``
must hold, and memory must be flat.

Usage: python scripts/soak.py [--minutes 90] [--kills 6] [--seed 7] [--workdir DIR]
Exit status: 0 when there are no invariant violations, 1 otherwise.
"""

from __future__ import annotations

import argparse
import functools
import gc
import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import yaml
from sqlalchemy import event, func, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.simulated import SimulatedAdapter  # noqa: E402
from bot.bootstrap import App, build_app  # noqa: E402
from bot.decisions import Decision  # noqa: E402
from bot.domain import NoActionReason  # noqa: E402
from bot.errors import AuthFailed, PlatformError, RateLimited, TransientError  # noqa: E402
from bot.settings import Settings, load_settings  # noqa: E402
from bot.storage import models as m  # noqa: E402
from bot.storage.db import transaction  # noqa: E402
from bot.users import create_user  # noqa: E402
from scripts import soak_checks  # noqa: E402
from scripts.soak_figures import Figures  # noqa: E402

POLL_POINTS = ("poll.fetched", "poll.before_commit")
EXECUTE_POINTS = ("execute.claimed", "execute.applied")
CRASH_POINTS = (*POLL_POINTS, *EXECUTE_POINTS, "outbox.sent")
MEMORY_ALLOWANCE = 16 * 2**20  # growth of the running service over the run


class SimClock:
    """Simulated time, moved by the soak loop."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FaultyPlatform(SimulatedAdapter):
    """The simulated platform, counting the injected faults it actually raised."""

    fired: Counter[str]

    def pending_faults(self) -> int:
        return len(self._faults)

    def _maybe_fail(self, operation: str) -> None:
        try:
            super()._maybe_fail(operation)
        except PlatformError as exc:
            self.fired[f"{operation}: {type(exc).__name__} ({exc})"] += 1
            raise


def write_config(workdir: Path) -> Path:
    doc = {
        "council": {"name": "Soak Town Council", "email": "clerk@example.gov.uk", "phone": "01454 000000",
                    "website": "https://example.gov.uk"},
        "mode": "live",
        "data_dir": str(workdir / "data"),
        "rules_file": str(REPO / "config" / "rules.yaml"),
        "accounts": [{"name": "sim", "platform": "simulated", "handle": "@council@social.example"}],
        "polling": {"interval_seconds": 120, "jitter_seconds": 0, "execute_interval_seconds": 20},
        "actions": {"max_attempts": 6, "backoff_seconds": 30},
        "logging": {"level": "WARNING"},
    }
    path = workdir / "modbot.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _rss() -> int:
    gc.collect()
    return int(psutil.Process().memory_info().rss)


def _short_busy_timeout(dbapi_conn: Any, _record: Any) -> None:
    # So a held lock surfaces as "database is locked" at once instead of after 15 s.
    dbapi_conn.execute("PRAGMA busy_timeout=50")


class Soak:
    def __init__(self, workdir: Path, minutes: int, kills: int, seed: int):
        self.workdir, self.minutes, self.seed = workdir, minutes, seed
        self.rng = random.Random(seed)
        self.config = write_config(workdir)
        self.settings: Settings = load_settings(self.config)
        # Simulated time runs in the real past, so a real ``python -m bot`` process (real
        # clock) finds every action and reply the simulated service scheduled already due.
        self.clock = SimClock(datetime.now(UTC) - timedelta(minutes=minutes + 60))
        self.figures = Figures(simulated_minutes=minutes)
        ticks = minutes  # one tick per simulated minute
        self.kill_ticks = set(self.rng.sample(range(5, max(ticks - 5, 6)), k=min(kills, max(ticks - 10, 1))))
        self.operator_fix_at: int | None = None
        self.app: App | None = None
        self.platform: FaultyPlatform | None = None
        self.lock_next_job = False
        self.kill_turn = -1
        self.rss_at_stop = 0
        self.next_token_revocation = 10

    # -- the service, started and restarted ----------------------------------------------------
    def start(self) -> None:
        platform = FaultyPlatform(self.settings.accounts[0].handle, self.settings.data_dir / "simulated-sim.json",
                                  council_name=self.settings.council.name, seed=1, clock=self.clock)
        platform.fired = self.figures.faults
        app = build_app(self.settings, adapters={"sim": platform}, clock=self.clock)
        event.listen(app.db, "connect", _short_busy_timeout)
        app.db.dispose()
        app.moderator.recover_abandoned()  # what ``modbot run`` does first
        self.app, self.platform = app, platform
        if self.figures.rss_start and self.rss_at_stop:
            # A real restart is a new process; an in-process one keeps the old heap's pages.
            self.figures.rss_from_restarts += _rss() - self.rss_at_stop

    def stop(self) -> None:
        self.rss_at_stop = _rss()
        if self.app is not None:
            self.app.close()
            self.app = None

    def restart(self) -> None:
        self.stop()
        self.start()
        self.figures.restarts += 1

    @property
    def mod(self) -> Any:
        assert self.app is not None
        return self.app.moderator

    # -- one simulated minute ----------------------------------------------------------------------
    def tick(self, n: int) -> None:
        self.clock.advance(60)
        if n % 2 == 0:
            self.job("poll", lambda: self.mod.poll("sim"))
        if n % 3 == 0 or n in self.kill_ticks:
            self.clerk_decides()
        self.maybe_inject(n)
        if n in self.kill_ticks:  # killed with approved actions and DM replies in hand
            self.kill_and_restart()
        self.job("execute", lambda: self.mod.execute_due(limit=50))
        self.job("outbox", lambda: self.mod.send_outbox(limit=50))
        if self.operator_fix_at is not None and n >= self.operator_fix_at:
            self.operator_fix_at = None
            self.restart()  # the clerk got the alert; the operator put in a new token and restarted

    def job(self, name: str, func: Callable[[], Any]) -> None:
        """Run a job as the scheduler would: an exception is logged and the job runs again later."""
        holder = self._hold_write_lock() if self.lock_next_job else None
        self.lock_next_job = False
        try:
            func()
        except Exception as exc:  # the scheduler's listener logs it; the next run retries
            kind = "database is locked" if "database is locked" in str(exc) else type(exc).__name__
            self.figures.job_errors[f"{name}: {kind}"] += 1
        finally:
            if holder is not None:
                holder.rollback()
                holder.close()

    def _hold_write_lock(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.settings.data_dir / "modbot.db", isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        self.figures.faults["database: locked by another connection"] += 1
        return conn

    # -- faults ---------------------------------------------------------------------------------------
    def maybe_inject(self, n: int) -> None:
        """Between the clerk's decisions and the executor: pick a fault that can bite now."""
        assert self.platform is not None
        if self.platform.pending_faults():
            return
        if self.operator_fix_at is None and n >= self.next_token_revocation:
            self.platform.inject("fetch", AuthFailed("HTTP 401: the access token was revoked"))
            self.operator_fix_at, self.next_token_revocation = n + 5, n + 30
            return
        if self.rng.random() > 0.6:
            return
        operation, error = self.rng.choice(self.applicable_faults())
        if operation == "lock":
            self.lock_next_job = True
        elif operation == "delete":
            self.delete_a_post()
        elif error is not None:
            self.platform.inject(operation, error, times=self.rng.randint(1, 3))

    def applicable_faults(self) -> list[tuple[str, PlatformError | None]]:
        retry_at = (self.clock() + timedelta(seconds=90)).timestamp()
        faults: list[tuple[str, PlatformError | None]] = [
            ("fetch", RateLimited("HTTP 429 Too Many Requests", retry_at=retry_at)),
            ("fetch", TransientError("HTTP 502 Bad Gateway")),
            ("fetch", TransientError("read timed out")),
            ("lock", None),
        ]
        approved, hide, pending_dm = self.work_in_hand()
        if approved:
            faults += [("apply", TransientError("HTTP 503 Service Unavailable")),
                       ("apply", TransientError("read timed out")),
                       ("apply", RateLimited("HTTP 429 Too Many Requests", retry_at=retry_at))]
        if hide:
            faults.append(("delete", None))
        if pending_dm:
            faults += [("dm", TransientError("read timed out")), ("dm", TransientError("HTTP 500"))]
        return faults

    def work_in_hand(self) -> tuple[int, str | None, int]:
        """Approved actions, a post with an approved hide_reply, and pending DM replies."""
        assert self.app is not None
        with self.app.sessions() as s:
            approved = s.execute(select(func.count()).select_from(m.Action)
                                 .where(m.Action.state == "approved")).scalar() or 0
            hide = s.execute(select(m.Item.remote_id).join(m.ReviewItem, m.ReviewItem.item_id == m.Item.id)
                             .join(m.Action, m.Action.review_item_id == m.ReviewItem.id)
                             .where(m.Action.state == "approved", m.Action.kind == "hide_reply")
                             .limit(1)).scalar()
            pending_dm = s.execute(select(func.count()).select_from(m.OutboxMessage)
                                   .where(m.OutboxMessage.state == "pending")).scalar() or 0
        return approved, hide, pending_dm

    def delete_a_post(self) -> None:
        """An author deletes a post the clerk has just ruled on: hiding it then fails for good."""
        assert self.platform is not None
        _, target, _ = self.work_in_hand()
        if target:
            self.platform.delete_post(target)
            self.figures.faults["platform: post deleted before the action (404)"] += 1

    # -- the clerk ------------------------------------------------------------------------------------
    def clerk_decides(self) -> None:
        assert self.app is not None
        with self.app.sessions() as s:
            pending = s.execute(select(m.ReviewItem.id).where(m.ReviewItem.status == "pending")
                                .order_by(m.ReviewItem.id).limit(15)).scalars().all()
        for review_id in pending:
            approve = self.rng.random() < 0.7
            decision = Decision(review_id, approve, "clerk", "" if approve else "fair comment, no action",
                                no_action_reason=NoActionReason.RECORD_ONLY if approve else None)
            self.job("decide", functools.partial(self.mod.decide, decision))
            self.figures.decisions += 1

    # -- SIGKILL of a real process ----------------------------------------------------------------------
    def kill_and_restart(self) -> None:
        point = self.choose_crash_point()
        self.stop()  # the simulated service is the process being killed
        command = ("poll", "--once") if point in POLL_POINTS else ("execute", "--once")
        if kill_at(self.config, self.workdir / "crash-marker", point, command):
            self.figures.kills[point] += 1
        else:
            self.figures.kills[f"{point} (not reached: nothing to do)"] += 1
        self.start()
        self.figures.restarts += 1

    def choose_crash_point(self) -> str:
        """The next crash point in turn that this moment can reach."""
        approved, _, pending_dm = self.work_in_hand()
        reachable = [p for p in CRASH_POINTS if p in POLL_POINTS or (p in EXECUTE_POINTS and approved)
                     or (p == "outbox.sent" and pending_dm)]
        self.kill_turn += 1
        return reachable[self.kill_turn % len(reachable)]

    # -- the run ------------------------------------------------------------------------------------------
    def run(self) -> Figures:
        """The whole soak; logging is silenced so the harness keeps no log records in memory."""
        logging.disable(logging.CRITICAL)
        try:
            return self._run()
        finally:
            logging.disable(logging.NOTSET)

    def _run(self) -> Figures:
        started = time.monotonic()
        self.start()
        with transaction(self.app.sessions) as s:  # type: ignore[union-attr]
            create_user(s, "clerk", "clerk", created_by="soak")
        warm_up = max(self.minutes // 6, 10)  # caches and pools fill during the first minutes
        for n in range(self.minutes):
            if n == warm_up:
                self.figures.rss_start = _rss()
            self.tick(n)
        self.drain()
        self.figures.rss_end = _rss()
        self.collect()
        self.figures.wall_seconds = time.monotonic() - started
        self.stop()
        return self.figures

    def drain(self) -> None:
        """No more faults: restart once, then let retries and backoffs run out."""
        self.restart()
        for _ in range(48):
            self.clock.advance(3600)
            self.mod.execute_due(limit=1000)
            self.mod.send_outbox(limit=1000)
            with self.app.sessions() as s:  # type: ignore[union-attr]
                busy = s.execute(select(func.count()).select_from(m.Action)
                                 .where(m.Action.state.in_(("approved", "executing")))).scalar() or 0
                busy += s.execute(select(func.count()).select_from(m.OutboxMessage)
                                  .where(m.OutboxMessage.state == "pending")).scalar() or 0
            if not busy:
                return

    def collect(self) -> None:
        assert self.app is not None
        f = self.figures
        with self.app.sessions() as s:
            f.items_processed = s.execute(select(func.count()).select_from(m.Item)).scalar() or 0
            cursor = int(s.execute(select(m.Cursor.value).where(m.Cursor.stream == "main")).scalar() or 0)
            states = dict(s.execute(select(m.Action.state, func.count()).group_by(m.Action.state)).all())
            f.dm_replies = s.execute(select(func.count()).select_from(m.OutboxMessage)
                                     .where(m.OutboxMessage.state == "sent")).scalar() or 0
        f.malformed_skipped = cursor - len(soak_checks.expected_remote_ids(cursor))
        f.faults["payload: malformed post (no author)"] += f.malformed_skipped
        f.actions_done, f.actions_failed = states.get("done", 0), states.get("failed", 0)
        period_covers_run = self.minutes < int(self.settings.get("dm_reply.once_per_days")) * 24 * 60
        f.violations = soak_checks.check_all(self.app.sessions, self.settings.data_dir / "simulated-sim.json",
                                             period_covers_run)
        f.violations += soak_checks.memory_flat(f.rss_start, f.rss_end - f.rss_from_restarts, MEMORY_ALLOWANCE)


def kill_at(config: Path, marker: Path, point: str, command: tuple[str, ...]) -> bool:
    """Run ``python -m bot COMMAND`` until it reaches ``point``, then SIGKILL it.

    Returns False when the process finished without reaching the point (nothing to do).
    """
    marker.unlink(missing_ok=True)
    env = {**os.environ, "MODBOT_CRASHPOINT": point, "MODBOT_CRASHPOINT_FILE": str(marker)}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config), *command], cwd=REPO, env=env,  # noqa: S603
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not marker.exists():  # the child creates the marker when it is there
        if proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"python -m bot never reached {point}")
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=90, help="simulated minutes (at least 60)")
    parser.add_argument("--kills", type=int, default=6, help="real processes to SIGKILL at crash points")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="keep the database and platform state here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="modbot-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    figures = Soak(workdir, args.minutes, args.kills, args.seed).run()
    print(figures.report())
    print(f"(database and platform state in {workdir})")
    return 1 if figures.violations else 0


if __name__ == "__main__":
    sys.exit(main())
