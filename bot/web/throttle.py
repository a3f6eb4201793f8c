"""The per-address sign-in throttle, and which address a request really came from.

Every failed sign-in step (password or code) from a network address counts. After
``FREE_FAILURES`` of them the address must wait before its next attempt: 5 seconds,
then 10, 20, 40... at most 15 minutes. While it waits it gets a plain "wait" answer
and its password is not checked at all, so a flood costs no Argon2 work. A successful
sign-in, or an hour with no failure, clears the address.

The address is the connection's peer, unless that peer is one of
``web.trusted_proxies``: then it is the nearest address in ``X-Forwarded-For`` that
is not a trusted proxy (each proxy appends the address it saw on the right). A
client that is not a trusted proxy cannot choose its address by sending the header.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.storage import models as m

FREE_FAILURES = 10
FIRST_DELAY = timedelta(seconds=5)
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``web.trusted_proxies`` as networks (the settings have checked each entry)."""
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries)


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in trusted)


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The client's address: see the module's note on trusted proxies."""
    address = peer or ""
    if not trusted or not _trusted(address, trusted):
        return address
    for hop in reversed((forwarded_for or "").split(",")):
        hop = hop.strip()
        if not hop:
            continue
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a malformed header: keep the proxy's own address
        if not _trusted(hop, trusted):
            return hop
        address = hop
    return address


@dataclass(frozen=True)
class Blocked:
    """An address that has just had to start waiting (audited and alerted once per run)."""

    address: str
    failures: int
    until: datetime


def wait_left(s: Session, address: str, now: datetime) -> timedelta | None:
    """How long this address must still wait before trying again, or None."""
    row = s.get(m.SignInThrottle, address)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until - now


def record_failure(s: Session, address: str, now: datetime) -> Blocked | None:
    """Count a failure; returns ``Blocked`` when this failure starts the address waiting."""
    row = _row(s, address, now)
    if now - row.last_failure_at > FORGET_AFTER:
        row.failures, row.first_failure_at, row.blocked_until = 0, now, None
    row.failures += 1
    row.last_failure_at = now
    step = row.failures - FREE_FAILURES  # 0 for the failure that starts the waiting
    if step < 0:
        return None
    row.blocked_until = now + min(FIRST_DELAY * 2 ** min(step, 20), MAX_DELAY)
    return Blocked(address, row.failures, row.blocked_until) if step == 0 else None


def clear(s: Session, address: str) -> None:
    row = s.get(m.SignInThrottle, address)
    if row is not None:
        s.delete(row)


def _row(s: Session, address: str, now: datetime) -> m.SignInThrottle:
    row = s.get(m.SignInThrottle, address)
    if row is not None:
        return row
    try:
        with s.begin_nested():
            row = m.SignInThrottle(address=address, failures=0, first_failure_at=now, last_failure_at=now)
            s.add(row)
    except IntegrityError:  # another process counted a failure from this address at the same moment
        row = s.get(m.SignInThrottle, address)
        assert row is not None
    return row


def wait_message(wait: timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    amount = f"{seconds} seconds" if seconds < 120 else f"{(seconds + 59) // 60} minutes"
    return (f"There have been too many attempts to sign in from your connection. Wait {amount}, "
            "then try again.")
