"""Fetching queued attachments outside the poll: size cap, hashes bound into the chain, failures recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot import audit
from bot.bootstrap import App
from bot.evidence import verify_all
from bot.evidence.media import FetchedMedia, MediaRefused, check_public_url, fetch_pending_media
from bot.storage import models as m
from bot.storage.db import transaction
from tests.evidence.helpers import domain_item, ingest
from tests.evidence.test_capture import MASTODON_NOTIFICATION
from tests.support import FakeClock

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2e2b2"
                    "c40000000049454e44ae426082")


def fake_web(pages: dict[str, bytes | Exception]):
    calls: list[str] = []

    def get(url: str, max_bytes: int) -> FetchedMedia:
        calls.append(url)
        page = pages[url]
        if isinstance(page, Exception):
            raise page
        if len(page) > max_bytes:
            raise MediaRefused("larger than the cap")
        return FetchedMedia("image/png", page)
    return get, calls


@pytest.fixture
def queued(app: App, clock: FakeClock) -> App:
    item = domain_item(1, "You're a complete numpty, Cllr Smith. Resign.", clock.now, raw=MASTODON_NOTIFICATION,
                       avatar="https://files.town.example/avatar.png")
    ingest(app, [item], clock.now)
    return app


def test_fetch_stores_bytes_hashes_and_binds_them(queued: App, clock: FakeClock) -> None:
    get, calls = fake_web({"https://files.town.example/a.png": PNG,
                           "https://files.town.example/b.mp4": b"x" * 2048,
                           "https://files.town.example/avatar.png": ConnectionError("reset")})
    counts = fetch_pending_media(queued, http_get=get, now=clock, max_bytes=1024)
    assert counts == {"fetched": 1, "failed": 2}
    with queued.sessions() as s:
        rows = {r.url.rsplit("/", 1)[1]: r for r in s.execute(select(m.Media)).scalars()}
        assert rows["a.png"].data == PNG and rows["a.png"].sha256 == audit.sha256_hex(PNG)
        assert rows["a.png"].content_type == "image/png" and rows["a.png"].size == len(PNG)
        assert rows["b.mp4"].data is None and "cap" in (rows["b.mp4"].error or "")
        assert "ConnectionError" in (rows["avatar.png"].error or "")
        report = verify_all(s)
        assert report.ok and report.media_files == 1
    assert fetch_pending_media(queued, http_get=get, now=clock) == {"fetched": 0, "failed": 0}
    assert len(calls) == 3  # each attachment tried once


def test_changed_attachment_fails_verification(queued: App, clock: FakeClock) -> None:
    get, _ = fake_web({"https://files.town.example/a.png": PNG, "https://files.town.example/b.mp4": PNG,
                       "https://files.town.example/avatar.png": PNG})
    fetch_pending_media(queued, http_get=get, now=clock)
    with transaction(queued.sessions) as s:
        first = s.execute(select(m.Media.id).order_by(m.Media.id)).scalars().first()
        s.execute(update(m.Media).where(m.Media.id == first).values(data=b"doctored"))
    with queued.sessions() as s:
        report = verify_all(s)
    assert report.first is not None and f"attachment {first}" in report.first.subject


@pytest.mark.parametrize("url,addresses", [
    ("https://files.town.example/a.png", ["10.0.0.5"]),
    ("http://localhost/x", ["127.0.0.1"]),
    ("https://x.example/a", ["fe80::1"]),
    ("file:///etc/passwd", []),
    ("ftp://files.example/a", ["93.184.216.34"]),
])
def test_private_or_odd_addresses_are_refused(url: str, addresses: list[str]) -> None:
    with pytest.raises(MediaRefused):
        check_public_url(url, resolve=lambda host: addresses)


def test_public_address_is_allowed() -> None:
    check_public_url("https://files.town.example/a.png", resolve=lambda host: ["93.184.216.34"])
