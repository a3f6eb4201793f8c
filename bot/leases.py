"""Who is carrying out an action or sending a DM reply right now, and until when.

Reports are not idempotent on Mastodon or Bluesky, so a claimed action must never be
carried out by a second process while its first executor is still alive. A claim
therefore records its owner (host, process id and that process's start time) and a
lease expiry; the owner renews the lease while the platform call is in flight.

Another process takes a claim over only when it is abandoned:

* its lease has expired (the owner stopped renewing: killed, frozen, or its host is
  gone), whichever host the owner was on; or
* its owner is a process on this same host that is no longer running (the process id
  is gone, or now belongs to a process started at another time, or the host has been
  rebooted since), or is this very process but the claim is not among those it holds
  (an in-process restart).

The second rule only shortens the wait after a crash on a single machine; on another
host nothing but expiry counts. A process is known by what the kernel says of it and
never by the wall clock: its start in clock ticks after boot (``/proc/<pid>/stat``)
and the kernel's boot id. A start time worked out in UTC (boot time plus ticks) moves
when the clock is stepped or a virtual machine is paused and resumed; read again, it
would make a live owner look like a newer process and its claim be taken over while
the platform call is still in flight. The UTC time in the key is for people reading
it. A claim whose owner is in another pid namespace (another container with the same
host name) or whose key has no tick (written before ticks were kept) is left to
expiry, since this process cannot tell whether its owner still runs.
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
    started: str  # the process's start time, UTC, to the second: for people, never compared
    identity: str | None = None  # "<boot id> <pid namespace> <start tick>": what is compared

    @property
    def key(self) -> str:
        key = f"{self.host} pid {self.pid} started {self.started}"
        return f"{key} id {self.identity}" if self.identity else key

    @classmethod
    def parse(cls, key: str | None) -> Owner | None:
        try:
            host, rest = str(key).split(" pid ", 1)
            pid, started = rest.split(" started ", 1)
            started, _, identity = started.partition(" id ")
            return cls(host, int(pid), started, identity or None)
        except (ValueError, AttributeError):
            return None


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None


def _start_tick(pid: int) -> int | None:
    """Process ``pid``'s start in clock ticks after boot; None if it is not running."""
    stat = _read(f"/proc/{pid}/stat")
    if stat is None:
        return None
    try:
        return int(stat.rsplit(")", 1)[1].split()[19])  # field 22 of proc(5)
    except (IndexError, ValueError):
        return None


@cache
def _host_identity() -> str | None:
    """This kernel's boot id and this process's pid namespace; None without /proc."""
    boot = _read("/proc/sys/kernel/random/boot_id")
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    return f"{boot} {namespace.replace(' ', '')}" if boot else None


def process_identity(pid: int) -> str | None:
    """What tells process ``pid`` on this host from any other, before or after it; None if unknown."""
    host = _host_identity()
    tick = _start_tick(pid)
    return None if host is None or tick is None else f"{host} {tick}"


def process_started(pid: int) -> str | None:
    """When process ``pid`` on this host started (UTC, to the second), None if not running.

    For people reading a claim: it moves when the clock does (see the module text).
    """
    tick = _start_tick(pid)
    boot = _read("/proc/stat")
    btime = next((line.split()[1] for line in (boot or "").splitlines() if line.startswith("btime ")), None)
    if tick is None or btime is None:
        return None
    seconds = float(btime) + tick / os.sysconf("SC_CLK_TCK")
    return datetime.fromtimestamp(int(seconds), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _owner_for(pid: int) -> Owner:
    started = process_started(pid) or datetime.fromtimestamp(int(time.time()), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Owner(socket.gethostname(), pid, started, process_identity(pid))


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
    host = _host_identity()
    if owner.identity is None or host is None:
        return False  # no way to tell: expiry decides
    parts = owner.identity.split(" ")
    if len(parts) != 3:
        return False  # an identity this version cannot read
    boot, namespace, _ = parts
    this_boot, this_namespace = host.split(" ")
    if boot != this_boot:
        return True  # the host has been rebooted since: every process of before is gone
    if namespace != this_namespace:
        return False  # another container's process: not visible from here
    return process_identity(owner.pid) != owner.identity


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
