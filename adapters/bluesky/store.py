"""Small owner-only state files kept in the data directory for one Bluesky account.

``SessionFile`` holds the SDK session string (access and refresh tokens), ``LoginGuard``
remembers password logins so the bot never logs in in a loop (Bluesky allows a few
hundred ``createSession`` calls a day per handle), ``WriteBudget`` counts repository
write points against Bluesky's hourly and daily limits.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import stat
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.errors import AuthFailed, RateLimited
from bot.uk_time import at

log = logging.getLogger(__name__)
Clock = Callable[[], float]


def write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically to ``path``, readable by the service user only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_private(path: Path) -> str | None:
    """The file's text, tightening its mode to 0600 first if others could read it."""
    if not path.is_file():
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by others (mode %o); restricting it to 0600", path, mode)
        path.chmod(0o600)
    return path.read_text(encoding="utf-8")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_private(path) or "{}")
    except (OSError, ValueError):
        log.warning("%s is unreadable; starting it afresh", path)
        return {}
    return data if isinstance(data, dict) else {}


class SessionFile:
    """The persisted SDK session string (``Client.export_session_string()``)."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> str | None:
        text = read_private(self.path)
        return text.strip() if text and text.strip() else None

    def save(self, session_string: str) -> None:
        write_private(self.path, session_string)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


class LoginGuard:
    """Refuses password logins that would amount to logging in in a loop.

    * a password Bluesky refused is not tried again by this process;
    * across restarts, at most one login per ``min_interval`` seconds with the same
      password (a new password may be tried at once), and ``daily_max`` a day in all.
    Only a hash of the password, salted per file, is stored.
    """

    def __init__(self, path: Path, *, min_interval: float = 600, daily_max: int = 20,
                 clock: Clock = time.time):
        self.path, self.min_interval, self.daily_max, self.clock = path, min_interval, daily_max, clock
        self._refused: set[str] = set()

    def _fingerprint(self, state: dict[str, Any], password: str) -> str:
        salt = state.setdefault("salt", secrets.token_hex(16))
        return hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()[:32]

    def check(self, password: str) -> None:
        """Raise when a login with this password must not be tried now.

        ``AuthFailed`` (stays until the password is changed) when Bluesky refused this
        password, in this process or an earlier one; ``RateLimited`` with the time to
        try again when the wait is only the guard's own pacing: polling then resumes by
        itself, since the password may well be valid.
        """
        state = _read_json(self.path)
        fp, now = self._fingerprint(state, password), self.clock()
        attempts = [t for t in state.get("attempts", []) if now - t < 86400]
        last_fp, last = state.get("last_fingerprint"), max(attempts, default=0.0)
        if fp in self._refused or (last_fp == fp and state.get("last_refused")):
            when = f" at {at(datetime.fromtimestamp(last, tz=UTC))}" if last else ""
            raise AuthFailed(f"Bluesky refused the app password{when}; set a new one (the bot "
                             "tries it at its next poll)")
        if len(attempts) >= self.daily_max:
            raise RateLimited(f"{len(attempts)} Bluesky logins in the last day; the bot waits before "
                              "logging in again so that it is not locked out", retry_at=min(attempts) + 86400)
        if last_fp == fp and now - last < self.min_interval:
            retry = last + self.min_interval
            raise RateLimited(f"the bot logged in to Bluesky at {at(datetime.fromtimestamp(last, tz=UTC))} and "
                              f"waits until {at(datetime.fromtimestamp(retry, tz=UTC))} before logging in again",
                              retry_at=retry)

    def record(self, password: str, *, refused: bool) -> None:
        """Remember one login attempt (and whether Bluesky refused the password)."""
        state = _read_json(self.path)
        fp, now = self._fingerprint(state, password), self.clock()
        state["attempts"] = [t for t in state.get("attempts", []) if now - t < 86400] + [now]
        state["last_fingerprint"] = fp
        state["last_refused"] = refused
        if refused:
            self._refused.add(fp)
        write_private(self.path, json.dumps(state))


class WriteBudget:
    """Bluesky's repository write limits, counted in points and persisted.

    A create costs 3 points, an update 2, a delete 1; an account may spend 5,000 points
    an hour and 35,000 a day. Points are reserved before the write is sent.
    """

    COSTS = {"create": 3, "update": 2, "delete": 1}
    WINDOWS = ((3600.0, 5000), (86400.0, 35000))

    def __init__(self, path: Path, *, clock: Clock = time.time,
                 windows: tuple[tuple[float, int], ...] | None = None):
        self.path, self.clock = path, clock
        self.windows = windows or self.WINDOWS

    def spend(self, operation: str) -> None:
        """Reserve the points of one write or raise ``RateLimited`` with when to retry."""
        cost, now = self.COSTS[operation], self.clock()
        longest = max(w for w, _ in self.windows)
        events = [(t, p) for t, p in _read_json(self.path).get("events", []) if now - t < longest]
        for window, limit in self.windows:
            inside = [(t, p) for t, p in events if now - t < window]
            used = sum(p for _, p in inside)
            if used + cost > limit:
                retry_at = self._free_at(inside, used + cost - limit, window)
                raise RateLimited(f"Bluesky write budget used up ({used} of {limit} points "
                                  f"in {int(window // 3600)}h)", retry_at=retry_at)
        events.append((now, cost))
        write_private(self.path, json.dumps({"events": events}))

    def used(self, window: float) -> int:
        now = self.clock()
        return sum(p for t, p in _read_json(self.path).get("events", []) if now - t < window)

    @staticmethod
    def _free_at(inside: list[tuple[float, int]], excess: int, window: float) -> float:
        freed = 0
        for t, points in sorted(inside):
            freed += points
            if freed >= excess:
                return t + window
        return max((t for t, _ in inside), default=0.0) + window
