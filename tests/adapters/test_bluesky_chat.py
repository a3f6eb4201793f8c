"""Bluesky DMs through the chat proxy: reading new messages, DM access, the auto-reply."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain import ItemKind
from bot.errors import PermanentError, TransientError
from tests.adapters.fixtures.bluesky.fake_pds import (
    COUNCIL_DID,
    RESIDENT,
    FakePds,
    convo,
    logged_in,
    make_adapter,
    message,
    profile,
    xrpc_error,
)

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
ALICE = RESIDENT["did"]
SCOPE = xrpc_error(400, "InvalidToken", "Bad token scope")


@pytest.fixture
def fake() -> FakePds:
    fake = FakePds()
    logged_in(fake)
    fake.on("app.bsky.notification.listNotifications", {"notifications": []})
    return fake


def adapter_for(tmp_path, fake):
    return make_adapter(tmp_path, fake, clock=lambda: NOW)


def test_new_messages_from_residents_become_dm_items(tmp_path, fake):
    m1 = message("m1", "2a", ALICE, "Hello, my bins were missed", "2025-03-10T09:00:00.000Z")
    m2 = message("m2", "2b", COUNCIL_DID, "Please e-mail the office", "2025-03-10T09:05:00.000Z")
    m3 = message("m3", "2c", ALICE, "Thanks", "2025-03-10T09:10:00.000Z")
    old = message("m0", "1z", ALICE, "From last year", "2024-01-01T09:00:00.000Z")
    fake.on("chat.bsky.convo.listConvos", {"convos": [convo("c1", m3, status="request")]})
    fake.on("chat.bsky.convo.getMessages", {"messages": [m3, m2, m1, old]})
    batch = adapter_for(tmp_path, fake).fetch(None)
    assert [i.text for i in batch.items] == ["Hello, my bins were missed", "Thanks"]
    first = batch.items[0]
    assert first.kind is ItemKind.DM and first.remote_id == "chat:c1:m1"
    assert first.author.handle == "alice.bsky.social" and first.author.display_name == "Alice Example"
    assert first.meta["convo_id"] == "c1" and first.meta["convo_status"] == "request"
    assert first.raw == m1 and first.created_at == datetime(2025, 3, 10, 9, tzinfo=UTC)
    for request in fake.calls("chat.bsky.convo.listConvos") + fake.calls("chat.bsky.convo.getMessages"):
        assert request.headers["atproto-proxy"] == "did:web:api.bsky.chat#bsky_chat"
    assert json.loads(batch.cursor)["convos"] == {"c1": "2c"}


def test_unchanged_conversations_cost_no_further_requests(tmp_path, fake):
    m1 = message("m1", "2a", ALICE, "Hi", "2025-03-10T09:00:00.000Z")
    fake.on("chat.bsky.convo.listConvos", {"convos": [convo("c1", m1)]})
    fake.on("chat.bsky.convo.getMessages", {"messages": [m1]})
    adapter = adapter_for(tmp_path, fake)
    cursor = adapter.fetch(None).cursor
    m2 = message("m2", "2b", ALICE, "Any news?", "2025-03-10T10:00:00.000Z")
    fake.on("chat.bsky.convo.listConvos", {"convos": [convo("c1", m2)], "cursor": "next"}, {"convos": []})
    fake.on("chat.bsky.convo.getMessages", {"messages": [m2, m1], "cursor": "older"})
    batch = adapter.fetch(cursor)
    assert [i.remote_id for i in batch.items] == ["chat:c1:m2"]
    assert len(fake.calls("chat.bsky.convo.getMessages")) == 2  # stopped at the known message
    assert len(fake.calls("chat.bsky.convo.listConvos")) == 3
    fake.on("chat.bsky.convo.listConvos", {"convos": [convo("c1", m2)], "cursor": "next"})
    quiet = adapter.fetch(batch.cursor)
    assert quiet.items == () and quiet.requests == 2  # listNotifications + listConvos


def test_an_app_password_without_dm_access_is_explained_not_fatal(tmp_path, fake, caplog):
    fake.on("chat.bsky.convo.listConvos", SCOPE)
    fake.on("app.bsky.actor.getProfile", profile(COUNCIL_DID, "thornburytc.bsky.social"))
    adapter = adapter_for(tmp_path, fake)
    info = adapter.check()
    assert info.remote_id == COUNCIL_DID and len(info.warnings) == 1
    assert "App passwords" in info.warnings[0] and "direct messages" in info.warnings[0]
    batch = adapter.fetch(None)
    assert batch.items == () and "DMs of" in caplog.text
    adapter.fetch(batch.cursor)
    assert len(fake.calls("chat.bsky.convo.listConvos")) == 2  # not asked again after refusal


def test_a_chat_outage_keeps_the_notifications_and_the_dm_cursor(tmp_path, fake):
    fake.on("chat.bsky.convo.listConvos", xrpc_error(502, "UpstreamFailure"))
    cursor = json.dumps({"v": 1, "notifications": {"newest_at": None, "recent": ["x"]},
                         "convos": {"c1": "2a"}, "dms_since": "2025-03-01T00:00:00+00:00"})
    batch = adapter_for(tmp_path, fake).fetch(cursor)
    assert json.loads(batch.cursor)["convos"] == {"c1": "2a"}


def dm_item(tmp_path, fake, author=RESIDENT):
    m1 = message("m1", "2a", author["did"], "Hi", "2025-03-10T09:00:00.000Z")
    fake.on("chat.bsky.convo.listConvos", {"convos": [convo("c1", m1, other=author)]})
    fake.on("chat.bsky.convo.getMessages", {"messages": [m1]})
    adapter = adapter_for(tmp_path, fake)
    return adapter, adapter.fetch(None).items[0]


def test_the_automatic_reply_is_sent_once_even_when_retried(tmp_path, fake):
    adapter, item = dm_item(tmp_path, fake)
    text = "Thank you for your message. Please contact the office."
    sent = message("m2", "2b", COUNCIL_DID, text, "2025-03-10T12:00:01.000Z")
    fake.on("chat.bsky.convo.sendMessage", sent)
    adapter.send_dm_reply(item, text, "dm-1")
    body = fake.body(fake.calls("chat.bsky.convo.sendMessage")[0])
    assert body["convoId"] == "c1" and body["message"]["text"] == text
    fake.on("chat.bsky.convo.getMessages", {"messages": [sent, item.raw]})
    adapter.send_dm_reply(item, text, "dm-1")  # the core retries after a crash
    assert len(fake.calls("chat.bsky.convo.sendMessage")) == 1


def test_no_automatic_reply_to_bots_or_the_council_itself(tmp_path, fake):
    adapter, item = dm_item(tmp_path, fake)
    with pytest.raises(PermanentError, match="automated"):
        adapter.send_dm_reply(replace(item, author=replace(item.author, is_bot=True)), "x", "k")
    with pytest.raises(PermanentError, match="council itself"):
        adapter.send_dm_reply(replace(item, author=replace(item.author, remote_id=COUNCIL_DID)), "x", "k")
    assert fake.calls("chat.bsky.convo.sendMessage") == []


def test_a_failed_send_is_a_retryable_error(tmp_path, fake):
    adapter, item = dm_item(tmp_path, fake)
    fake.on("chat.bsky.convo.getMessages", {"messages": []})
    fake.on("chat.bsky.convo.sendMessage", xrpc_error(500, "InternalServerError"))
    with pytest.raises(TransientError):
        adapter.send_dm_reply(item, "text", "k")
