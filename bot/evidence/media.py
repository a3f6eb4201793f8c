"""Fetching queued attachments (and avatars) as evidence, outside the poll.

``capture_evidence`` queues ``Media`` rows with ``fetched_at`` empty; the scheduled
``fetch_pending_media`` downloads them with a size cap, stores the bytes and their
SHA-256, and binds the hash into the audit chain. A failed download is recorded
on the row (shown in the evidence pack) and not retried: the original is usually
gone or refused for good, and the raw payload still names its address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.evidence.chain import MEDIA_FETCHED
from bot.settings import Settings
from bot.storage import models as m
from bot.storage.db import transaction

log = logging.getLogger(__name__)

MAX_MEDIA_BYTES = 10 * 1024 * 1024
BATCH = 20


class Store(Protocol):
    """What evidence jobs need from the application: settings and sessions."""

    settings: Settings
    sessions: sessionmaker[Session]


@dataclass(frozen=True)
class FetchedMedia:
    content_type: str
    data: bytes


class MediaRefused(Exception):
    """The attachment will not be fetched (too large, private address, bad URL, HTTP error)."""


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
        raise MediaRefused(f"cannot resolve {parts.hostname}: {exc}") from exc
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


def fetch_pending_media(app: Store, http_get: HttpGet = http_get, now: Callable[[], datetime] = m.utcnow,
                        limit: int = BATCH, max_bytes: int = MAX_MEDIA_BYTES) -> dict[str, int]:
    """Fetch up to ``limit`` queued attachments; returns counts of ``fetched`` and ``failed``."""
    with app.sessions() as s:
        pending = s.execute(select(m.Media.id, m.Media.url).where(m.Media.fetched_at.is_(None))
                            .order_by(m.Media.id).limit(limit)).all()
    counts = {"fetched": 0, "failed": 0}
    for media_id, url in pending:
        result: FetchedMedia | str
        try:
            result = http_get(url, max_bytes)
            if len(result.data) > max_bytes:
                result = f"larger than the {max_bytes // 1024} KiB cap"
        except MediaRefused as exc:
            result = str(exc)
        except Exception as exc:  # network trouble of any kind: record it, never crash the job
            log.warning("attachment %s could not be fetched: %s", media_id, exc)
            result = f"could not be fetched ({type(exc).__name__})"
        with transaction(app.sessions) as s:
            stored = _store(s, media_id, result, now())
        if stored:
            counts["fetched" if isinstance(result, FetchedMedia) else "failed"] += 1
    return counts


def _store(s: Session, media_id: int, result: FetchedMedia | str, when: datetime) -> bool:
    row = s.get(m.Media, media_id)
    if row is None or row.fetched_at is not None:
        return False  # the item was deleted meanwhile, or another run got there first
    row.fetched_at = when
    if isinstance(result, str):
        row.error = result[:500]
        return True
    row.data, row.size, row.sha256 = result.data, len(result.data), audit.sha256_hex(result.data)
    if result.content_type:
        row.content_type = result.content_type[:100]
    details: dict[str, Any] = {"media_id": row.id, "sha256": row.sha256, "size": row.size}
    audit.record(s, "bot", MEDIA_FETCHED, "item", row.item_id, details, at=when)
    return True
