"""Fetching queued attachments outside the poll: size cap, hashes bound into the chain, failures recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot import audit
from bot.bootstrap import App
from bot.evidence import verify_all
from bot.evidence.media import (
    MAX_ATTEMPTS,
    RETRY_WAITS,
    FetchedMedia,
    MediaRefused,
    MediaUnavailable,
    check_public_url,
    fetch_pending_media,
    http_get,
)
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
    assert counts == {"fetched": 1, "failed": 1, "retrying": 1}
    with queued.sessions() as s:
        rows = {r.url.rsplit("/", 1)[1]: r for r in s.execute(select(m.Media)).scalars()}
        assert rows["a.png"].data == PNG and rows["a.png"].sha256 == audit.sha256_hex(PNG)
        assert rows["a.png"].content_type == "image/png" and rows["a.png"].size == len(PNG)
        assert rows["b.mp4"].data is None and "cap" in (rows["b.mp4"].error or "")
        assert rows["b.mp4"].fetched_at == clock.now  # over the cap: final, not retried
        assert "ConnectionError" in (rows["avatar.png"].error or "") and rows["avatar.png"].fetched_at is None
        report = verify_all(s)
        assert report.ok and report.media_files == 1
    assert fetch_pending_media(queued, http_get=get, now=clock) == {"fetched": 0, "failed": 0, "retrying": 0}
    assert len(calls) == 3  # nothing is due again before its wait is over


def media_rows(app: App) -> dict[str, m.Media]:
    with app.sessions() as s:
        return {r.url.rsplit("/", 1)[1]: r for r in s.execute(select(m.Media)).scalars()}


def test_passing_failures_are_retried_with_growing_waits_then_given_up(queued: App, clock: FakeClock) -> None:
    get, calls = fake_web({"https://files.town.example/a.png": MediaUnavailable("the server answered HTTP 503"),
                           "https://files.town.example/b.mp4": PNG,
                           "https://files.town.example/avatar.png": TimeoutError("read timed out")})
    fetch_pending_media(queued, http_get=get, now=clock)
    for attempt, wait in enumerate(RETRY_WAITS, 1):
        row = media_rows(queued)["a.png"]
        assert row.attempts == attempt and row.fetched_at is None and "503" in (row.error or "")
        assert row.next_attempt_at == clock.now + wait
        clock.advance(seconds=wait.total_seconds() - 1)
        assert fetch_pending_media(queued, http_get=get, now=clock)["retrying"] == 0  # not due yet
        clock.advance(seconds=1)
        counts = fetch_pending_media(queued, http_get=get, now=clock)
    assert counts == {"fetched": 0, "failed": 2, "retrying": 0}
    rows = media_rows(queued)
    assert rows["a.png"].attempts == MAX_ATTEMPTS and rows["a.png"].fetched_at == clock.now
    assert rows["a.png"].error == f"the server answered HTTP 503 (gave up after {MAX_ATTEMPTS} attempts)"
    assert "TimeoutError" in (rows["avatar.png"].error or "") and rows["avatar.png"].next_attempt_at is None
    assert calls.count("https://files.town.example/a.png") == MAX_ATTEMPTS
    assert calls.count("https://files.town.example/b.mp4") == 1
    clock.advance(days=30)
    assert fetch_pending_media(queued, http_get=get, now=clock) == {"fetched": 0, "failed": 0, "retrying": 0}


def test_a_retry_that_succeeds_is_stored_and_bound(queued: App, clock: FakeClock) -> None:
    pages: dict[str, bytes | Exception] = {"https://files.town.example/a.png": ConnectionError("reset"),
                                           "https://files.town.example/b.mp4": PNG,
                                           "https://files.town.example/avatar.png": PNG}
    get, _ = fake_web(pages)
    fetch_pending_media(queued, http_get=get, now=clock)
    pages["https://files.town.example/a.png"] = PNG
    clock.advance(seconds=RETRY_WAITS[0].total_seconds())
    assert fetch_pending_media(queued, http_get=get, now=clock) == {"fetched": 1, "failed": 0, "retrying": 0}
    row = media_rows(queued)["a.png"]
    assert row.data == PNG and row.error is None and row.attempts == 2 and row.next_attempt_at is None
    with queued.sessions() as s:
        assert verify_all(s).ok


def serve_locally(monkeypatch: pytest.MonkeyPatch, status: int, body: bytes) -> None:
    """``http_get`` against an in-process transport answering ``status``; the host resolves to a public address."""
    import httpx

    import bot.evidence.media as media

    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    real_client = httpx.Client
    monkeypatch.setattr(media.httpx, "Client", lambda **kw: real_client(transport=transport, **kw))
    public = ["93.184.216.34"]
    monkeypatch.setattr(media, "check_public_url", lambda url: check_public_url(url, resolve=lambda h: public))


@pytest.mark.parametrize("status,retried", [(404, False), (410, False), (403, False), (429, True), (500, True),
                                            (503, True), (504, True)])
def test_http_status_decides_whether_to_retry(status: int, retried: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_locally(monkeypatch, status, b"no")
    with pytest.raises(MediaUnavailable if retried else MediaRefused, match=str(status)):
        http_get("https://files.town.example/a.png", 1024)


def test_over_the_cap_is_refused_for_good(monkeypatch: pytest.MonkeyPatch) -> None:
    serve_locally(monkeypatch, 200, b"x" * 4096)
    with pytest.raises(MediaRefused, match="cap"):
        http_get("https://files.town.example/a.png", 1024)


def test_unresolvable_host_is_a_passing_failure() -> None:
    def no_dns(host: str) -> list[str]:
        raise OSError("temporary failure in name resolution")

    with pytest.raises(MediaUnavailable):
        check_public_url("https://files.town.example/a.png", resolve=no_dns)


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
