"""Fetching queued attachments (and avatars) as evidence, outside the poll.

``capture_evidence`` queues ``Media`` rows with ``fetched_at`` empty; the scheduled
``fetch_pending_media`` downloads them with a size cap, stores the bytes and their
SHA-256, and binds the hash into the audit chain.

A download that fails for a reason that may pass (a server error, a timeout, a
dropped connection, "too many requests") is tried again later, at most
``MAX_ATTEMPTS`` times in all, waiting longer each time (``RETRY_WAITS``); the
row keeps its attempt count, last error and next attempt time. A refusal that
will not change (404 or 410, over the size cap, a private address, not a web
address) is recorded at once and not retried. Either way the final error stays
on the row (shown in the evidence pack) and the raw payload still names the
address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.evidence.chain import MEDIA_FETCHED
from bot.settings import Settings
from bot.storage import models as m
from bot.storage.db import transaction

log = logging.getLogger(__name__)

MAX_MEDIA_BYTES = 10 * 1024 * 1024
BATCH = 20
MAX_ATTEMPTS = 5
# Wait after the 1st, 2nd, 3rd and 4th failed attempt: about seven hours in all.
RETRY_WAITS = (timedelta(minutes=5), timedelta(minutes=20), timedelta(minutes=80), timedelta(minutes=320))
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class Store(Protocol):
    """What evidence jobs need from the application: settings and sessions."""

    settings: Settings
    sessions: sessionmaker[Session]


@dataclass(frozen=True)
class FetchedMedia:
    content_type: str
    data: bytes


class MediaRefused(Exception):
    """The attachment will not be fetched (too large, private address, bad URL, gone): not retried."""


class MediaUnavailable(Exception):
    """The attachment could not be fetched this time (server error, rate limit, DNS): retried later."""


HttpGet = Callable[[str, int], FetchedMedia]
Resolver = Callable[[str], list[str]]


def _resolve(host: str) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None)]


def check_public_url(url: str, resolve: Resolver = _resolve) -> None:
    """Refuse anything but http(s) to public addresses: payloads are written by strangers,
    and the bot must not be steered into fetching from the council's own network."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise MediaRefused(f"not a web address: {url[:80]!r}")
    try:
        addresses = resolve(parts.hostname)
    except OSError as exc:
        raise MediaUnavailable(f"cannot resolve {parts.hostname}: {exc}") from exc
    for address in addresses:
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            raise MediaRefused(f"{parts.hostname} is a private or local address")


def http_get(url: str, max_bytes: int) -> FetchedMedia:
    """Download ``url`` (following up to 3 redirects, each checked) and stop past ``max_bytes``."""
    def guard(request: httpx.Request) -> None:
        check_public_url(str(request.url))

    with httpx.Client(timeout=20, follow_redirects=True, max_redirects=3, event_hooks={"request": [guard]},
                      headers={"User-Agent": "council-modbot evidence fetcher"}) as client:
        with client.stream("GET", url) as response:
            if response.status_code in RETRYABLE_STATUS:
                raise MediaUnavailable(f"the server answered HTTP {response.status_code}")
            if response.status_code != 200:
                raise MediaRefused(f"the server answered HTTP {response.status_code}")
            declared = int(response.headers.get("content-length") or 0)
            if declared > max_bytes:
                raise MediaRefused(f"larger than the {max_bytes // 1024} KiB cap ({declared} bytes)")
            data = bytearray()
            for chunk in response.iter_bytes():
                data.extend(chunk)
                if len(data) > max_bytes:
                    raise MediaRefused(f"larger than the {max_bytes // 1024} KiB cap")
            return FetchedMedia(response.headers.get("content-type", "").split(";")[0].strip(), bytes(data))


@dataclass(frozen=True)
class Failure:
    reason: str
    permanent: bool


def fetch_pending_media(app: Store, http_get: HttpGet = http_get, now: Callable[[], datetime] = m.utcnow,
                        limit: int = BATCH, max_bytes: int = MAX_MEDIA_BYTES) -> dict[str, int]:
    """Fetch up to ``limit`` queued attachments that are due; returns counts of ``fetched``,
    ``failed`` (given up for good) and ``retrying`` (to be tried again later)."""
    with app.sessions() as s:
        pending = s.execute(select(m.Media.id, m.Media.url)
                            .where(m.Media.fetched_at.is_(None),
                                   or_(m.Media.next_attempt_at.is_(None), m.Media.next_attempt_at <= now()))
                            .order_by(m.Media.id).limit(limit)).all()
    counts = {"fetched": 0, "failed": 0, "retrying": 0}
    for media_id, url in pending:
        result = _download(media_id, url, http_get, max_bytes)
        with transaction(app.sessions) as s:
            outcome = _store(s, media_id, result, now())
        if outcome:
            counts[outcome] += 1
    return counts


def _download(media_id: int, url: str, http_get: HttpGet, max_bytes: int) -> FetchedMedia | Failure:
    try:
        result = http_get(url, max_bytes)
    except MediaRefused as exc:
        return Failure(str(exc), permanent=True)
    except MediaUnavailable as exc:
        return Failure(str(exc), permanent=False)
    except Exception as exc:  # network trouble of any kind: record it, never crash the job
        log.warning("attachment %s could not be fetched: %s", media_id, exc)
        return Failure(f"could not be fetched ({type(exc).__name__})", permanent=False)
    if len(result.data) > max_bytes:
        return Failure(f"larger than the {max_bytes // 1024} KiB cap", permanent=True)
    return result


def _store(s: Session, media_id: int, result: FetchedMedia | Failure, when: datetime) -> str | None:
    """Record one attempt; returns "fetched", "failed" or "retrying" (None: nothing to record)."""
    row = s.get(m.Media, media_id)
    if row is None or row.fetched_at is not None:
        return None  # the item was deleted meanwhile, or another run got there first
    row.attempts = (row.attempts or 0) + 1
    if isinstance(result, Failure):
        return _record_failure(row, result, when)
    row.fetched_at, row.error, row.next_attempt_at = when, None, None
    row.data, row.size, row.sha256 = result.data, len(result.data), audit.sha256_hex(result.data)
    if result.content_type:
        row.content_type = result.content_type[:100]
    details: dict[str, Any] = {"media_id": row.id, "sha256": row.sha256, "size": row.size}
    audit.record(s, "bot", MEDIA_FETCHED, "item", row.item_id, details, at=when)
    return "fetched"


def _record_failure(row: m.Media, failure: Failure, when: datetime) -> str:
    if not failure.permanent and row.attempts < MAX_ATTEMPTS:
        row.error = failure.reason[:500]
        row.next_attempt_at = when + RETRY_WAITS[min(row.attempts, len(RETRY_WAITS)) - 1]
        return "retrying"
    suffix = "" if failure.permanent else f" (gave up after {row.attempts} attempts)"
    row.fetched_at, row.next_attempt_at = when, None
    row.error = (failure.reason[:450] + suffix)[:500]
    return "failed"
