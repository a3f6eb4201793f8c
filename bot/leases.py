"""Who is carrying out an action or sending a DM reply right now, and until when.

Reports are not idempotent on Mastodon or Bluesky, so a claimed action must never be
carried out by a second process while its first executor is still alive. A claim
therefore records its owner (host, process id and that process's start time) and a
lease expiry; the owner renews the lease while the platform call is in flight.

Another process takes a claim over only when it is abandoned:

* its lease has expired (the owner stopped renewing: killed, frozen, or its host is
  gone), whichever host the owner was on; or
* its owner is a process on this same host that is no longer running (the process id
  is gone, or now belongs to a process started at another time), or is this very
  process but the claim is not among those it holds (an in-process restart).

The second rule only shortens the wait after a crash on a single machine; on another
host nothing but expiry counts.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

_held: set[tuple[str, int]] = set()  # (table, row id) this process is working on now
_held_lock = threading.Lock()


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: str  # the process's start time, UTC, to the second

    @property
    def key(self) -> str:
        return f"{self.host} pid {self.pid} started {self.started}"

    @classmethod
    def parse(cls, key: str | None) -> Owner | None:
        try:
            host, rest = str(key).split(" pid ", 1)
            pid, started = rest.split(" started ", 1)
            return cls(host, int(pid), started)
        except (ValueError, AttributeError):
            return None


def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text(encoding="ascii").splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        return None
    return None


def process_started(pid: int) -> str | None:
    """When process ``pid`` on this host started (UTC, to the second), None if not running."""
    boot = _boot_time()
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    if boot is None:
        return None
    ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: start time in clock ticks after boot
    seconds = boot + ticks / os.sysconf("SC_CLK_TCK")
    return datetime.fromtimestamp(int(seconds), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _owner_for(pid: int) -> Owner:
    started = process_started(pid) or datetime.fromtimestamp(int(time.time()), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Owner(socket.gethostname(), pid, started)


def me() -> Owner:
    """This process (looked up again after a fork: the child is another owner)."""
    return _owner_for(os.getpid())


def owner_is_gone(key: str | None, table: str, row_id: int) -> bool:
    """True when the claim's owner certainly no longer works on it (see the module text)."""
    owner = Owner.parse(key)
    if owner is None:
        return key is None  # a claim from before leases existed: its process is long gone
    if owner.host != socket.gethostname():
        return False
    if owner == me():
        with _held_lock:
            return (table, row_id) not in _held
    started = process_started(owner.pid)
    return started is None or not _same_second(started, owner.started)


def _same_second(a: str, b: str) -> bool:
    # /proc gives clock ticks; a rounding step either side must not count as a new process.
    try:
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        return abs((datetime.strptime(a, fmt) - datetime.strptime(b, fmt)).total_seconds()) <= 1
    except ValueError:
        return a == b


def abandoned(key: str | None, expires: datetime | None, now: datetime, table: str, row_id: int) -> bool:
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    return expires is None or expires <= now or owner_is_gone(key, table, row_id)


@contextmanager
def holding(table: str, row_id: int, renew: Callable[[], bool], every: timedelta) -> Iterator[None]:
    """Mark the claim as held by this process and renew it every ``every`` until done.

    ``renew`` returns False when the lease was lost (another process took it over);
    that is logged, since it means this process was frozen for longer than the lease.
    """
    stop = threading.Event()

    def keep() -> None:
        while not stop.wait(every.total_seconds()):
            try:
                if not renew():
                    log.warning("the lease on %s %s was taken over by another process", table, row_id)
                    return
            except Exception as exc:  # the database blinked: try again next round, the lease has slack
                log.warning("could not renew the lease on %s %s: %s", table, row_id, exc)

    with _held_lock:
        _held.add((table, row_id))
    thread = threading.Thread(target=keep, name=f"lease-{table}-{row_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        with _held_lock:
            _held.discard((table, row_id))
