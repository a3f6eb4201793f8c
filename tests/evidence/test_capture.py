"""Evidence at capture: hashes bound into the chain, media queued, deleted posts kept and marked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.evidence import mark_deleted, verify_all
from bot.evidence.capture import CAPTURED
from bot.evidence.record import attachment_urls, evidence_digest, evidence_document
from bot.storage import models as m
from bot.storage.db import transaction
from tests.evidence.helpers import account, domain_item, flagged_item_ids, ingest
from tests.support import FakeClock, count

MASTODON_NOTIFICATION = {
    "id": "9", "type": "mention",
    "status": {"id": "111", "content": "<p>look</p>", "media_attachments": [
        {"id": "1", "type": "image", "url": "https://files.town.example/a.png"},
        {"id": "2", "type": "video", "url": "https://files.town.example/b.mp4"}],
        "quote": {"quoted_status": {"media_attachments": [{"url": "https://elsewhere.example/not-theirs.png"}]}}},
}
BLUESKY_RECORD = {
    "uri": "at://did:plc:abc/app.bsky.feed.post/1",
    "record": {"text": "look", "embed": {"$type": "app.bsky.embed.recordWithMedia", "media": {
        "$type": "app.bsky.embed.images",
        "images": [{"alt": "", "image": {"$type": "blob", "ref": {"$link": "bafkrei123"}, "mimeType": "image/png"}}]}}},
}
BLUESKY_VIEW = {"post": {"embed": {"$type": "app.bsky.embed.images#view",
                                   "images": [{"fullsize": "https://cdn.bsky.app/img/full/x@jpeg"}]}}}


@pytest.mark.parametrize("raw,did,expected", [
    (MASTODON_NOTIFICATION, "", ["https://files.town.example/a.png", "https://files.town.example/b.mp4"]),
    (BLUESKY_RECORD, "did:plc:abc", ["https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:abc/bafkrei123@jpeg"]),
    (BLUESKY_VIEW, "did:plc:abc", ["https://cdn.bsky.app/img/full/x@jpeg"]),
    ({"id": "1", "content": "plain"}, "", []),
])
def test_attachment_urls_of_each_platform(raw: dict, did: str, expected: list[str]) -> None:
    assert [url for url, _ in attachment_urls(raw, did)] == expected


def test_every_flagged_item_is_bound_into_the_chain(app: App) -> None:
    result = app.moderator.poll("sim")
    flagged = flagged_item_ids(app)
    assert len(flagged) == result.flagged > 0
    with app.sessions() as s:
        events = s.execute(select(m.AuditEvent).where(m.AuditEvent.event == CAPTURED)).scalars().all()
        assert sorted(int(e.subject_id) for e in events) == flagged
        item = s.get(m.Item, flagged[0])
        assert item is not None
        event = next(e for e in events if int(e.subject_id) == item.id)
        assert event.details["evidence_sha256"] == evidence_digest(evidence_document(item))
        assert event.details["raw_sha256"] == item.raw_sha256
    unflagged = count(app, m.Item, m.Item.flagged.is_(False))
    assert unflagged > 0  # only flagged items are evidence


def test_capture_queues_attachments_and_avatar_without_fetching(app: App, clock: FakeClock) -> None:
    item = domain_item(1, "You're a complete numpty, Cllr Smith. Resign.", clock.now, raw=MASTODON_NOTIFICATION,
                       avatar="https://files.town.example/avatar.png")
    [item_id] = ingest(app, [item], clock.now)
    with app.sessions() as s:
        media = s.execute(select(m.Media).where(m.Media.item_id == item_id).order_by(m.Media.id)).scalars().all()
    assert [x.url for x in media] == ["https://files.town.example/a.png", "https://files.town.example/b.mp4",
                                     "https://files.town.example/avatar.png"]
    assert all(x.fetched_at is None and x.data is None for x in media)


def test_evidence_survives_the_author_deleting_the_post(app: App, clock: FakeClock) -> None:
    app.moderator.poll("sim")
    target = flagged_item_ids(app)[0]
    with app.sessions() as s:
        before = s.get(m.Item, target)
        assert before is not None
        remote_id, text = before.remote_id, before.text
    app.moderator.adapters["sim"].delete_post(remote_id)  # type: ignore[attr-defined]
    noticed = clock.advance(hours=3)
    with transaction(app.sessions) as s:
        assert mark_deleted(s, account(s).id, remote_id, noticed) is not None
        mark_deleted(s, account(s).id, remote_id, noticed + timedelta(hours=1))  # a repeated notice changes nothing
    app.moderator.poll("sim")  # polling again neither re-adds nor drops it
    with app.sessions() as s:
        after = s.get(m.Item, target)
        assert after is not None and after.text == text and after.deleted_at == noticed
        assert verify_all(s).ok
        notices = s.execute(select(m.AuditEvent).where(m.AuditEvent.event == "evidence.post_deleted")).scalars().all()
        assert [int(e.subject_id) for e in notices] == [target]


def test_mark_deleted_of_an_unknown_post_is_harmless(app: App, clock: FakeClock) -> None:
    with transaction(app.sessions) as s:
        assert mark_deleted(s, account(s).id, "never-seen", clock.now) is None
