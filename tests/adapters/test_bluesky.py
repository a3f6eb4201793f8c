"""BlueskyAdapter.fetch: paging, stop-at-known, context, malformed entries, de-duplication."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.adapter import Adapter, ReplyGating
from bot.domain import ActionKind, ItemKind, Platform
from tests.adapters.fixtures.bluesky.fake_pds import (
    COUNCIL_POST,
    OTHER,
    RESIDENT,
    FakePds,
    logged_in,
    make_adapter,
    notification,
    post_view,
    profile,
)

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> FakePds:
    fake = FakePds()
    logged_in(fake)
    return fake


def adapter_for(tmp_path, fake, **kw):
    return make_adapter(tmp_path, fake, clock=lambda: NOW, **kw)


def test_adapter_satisfies_the_protocol_and_declares_what_bluesky_can_do(tmp_path, fake):
    adapter = adapter_for(tmp_path, fake)
    assert isinstance(adapter, Adapter)
    assert adapter.platform is Platform.BLUESKY
    assert adapter.capabilities == {ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE, ActionKind.BLOCK,
                                    ActionKind.MUTE, ActionKind.REPORT, ActionKind.UNHIDE_REPLY,
                                    ActionKind.REATTACH_QUOTE, ActionKind.UNBLOCK, ActionKind.UNMUTE,
                                    ActionKind.LIMIT_REPLIES, ActionKind.RESTORE_REPLIES}
    assert isinstance(adapter, ReplyGating) and adapter.reply_controls == "per_post"


def test_first_poll_pages_back_to_the_context_window_and_returns_oldest_first(tmp_path, fake):
    page1 = [notification("reply", "r3", "2025-03-10T11:00:00.000Z", text="third"),
             notification("mention", "m2", "2025-03-09T11:00:00.000Z", text="second", reply_to=None)]
    page2 = [notification("quote", "q1", "2025-03-08T11:00:00.000Z", text="first", reply_to=None,
                          quote=COUNCIL_POST),
             notification("reply", "old", "2025-01-01T11:00:00.000Z", text="before the window")]
    fake.on("app.bsky.notification.listNotifications",
            {"notifications": page1, "cursor": "page2"}, {"notifications": page2, "cursor": "page3"})
    batch = adapter_for(tmp_path, fake).fetch(None)
    assert [i.text for i in batch.items] == ["first", "second", "third"]
    assert [i.kind for i in batch.items] == [ItemKind.QUOTE, ItemKind.MENTION, ItemKind.REPLY]
    calls = fake.calls("app.bsky.notification.listNotifications")
    assert len(calls) == 2 and calls[1].url.params["cursor"] == "page2"
    assert sorted(calls[0].url.params.get_list("reasons")) == ["mention", "quote", "reply"]
    # createSession + 2 pages + getPosts (context) + listConvos
    assert batch.requests == 5
    assert json.loads(batch.cursor)["notifications"]["newest_at"] == "2025-03-10T11:00:00.000Z"


def test_items_carry_what_the_clerk_and_the_actions_need(tmp_path, fake):
    facets = [{"index": {"byteStart": 0, "byteEnd": 5},
               "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/x"}]},
              {"index": {"byteStart": 6, "byteEnd": 10},
               "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:resident2"}]}]
    bot_author = profile("did:plc:bot", "newsbot.bsky.social", labels=("bot",))
    fake.on("app.bsky.notification.listNotifications", {"notifications": [
        notification("reply", "r1", "2025-03-10T11:00:00.000Z", text="see link @bob", facets=facets),
        notification("reply", "r2", "2025-03-10T10:00:00.000Z", author=bot_author,
                     reply_to="at://did:plc:resident2/app.bsky.feed.post/p", root=COUNCIL_POST),
        notification("reply", "r3", "2025-03-10T09:00:00.000Z",
                     reply_to="at://did:plc:resident2/app.bsky.feed.post/p2",
                     root="at://did:plc:resident2/app.bsky.feed.post/root2"),
    ]})
    fake.on("app.bsky.feed.getPosts", {"posts": [post_view(COUNCIL_POST, "Bin collections change", RESIDENT)]})
    r3, r2, r1 = adapter_for(tmp_path, fake).fetch(None).items
    assert r1.remote_id == "at://did:plc:resident1/app.bsky.feed.post/r1"
    assert r1.url == "https://bsky.app/profile/alice.bsky.social/post/r1"
    assert r1.created_at == datetime(2025, 3, 10, 11, tzinfo=UTC)
    assert r1.in_reply_to_id == COUNCIL_POST and r1.thread_root_id == COUNCIL_POST
    assert r1.context_text == "Bin collections change"
    assert r1.links == ("https://example.com/x",) and r1.mentions == ("did:plc:resident2",)
    assert r1.meta["cid"] == "bafyr1" and r1.meta["root_cid"] == "bafyroot"
    assert r1.meta["can_hide"] and r1.meta["root_is_council"]
    assert r1.author.display_name == "Alice Example" and not r1.author.is_bot
    assert r1.author.created_at == datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert r1.raw["uri"] == r1.remote_id and r1.html == ""
    assert r2.author.is_bot and r2.meta["can_hide"]
    assert not r3.meta["can_hide"] and not r3.meta["root_is_council"]
    uris = fake.calls("app.bsky.feed.getPosts")[0].url.params.get_list("uris")
    assert COUNCIL_POST in uris and "at://did:plc:resident2/app.bsky.feed.post/root2" in uris


def test_next_poll_stops_at_the_first_known_notification_whatever_isread_says(tmp_path, fake):
    first = notification("reply", "a", "2025-03-10T10:00:00.000Z", is_read=False)
    fake.on("app.bsky.notification.listNotifications", {"notifications": [first]})
    adapter = adapter_for(tmp_path, fake)
    cursor = adapter.fetch(None).cursor
    newer = notification("mention", "b", "2025-03-10T11:00:00.000Z", reply_to=None, is_read=True)
    fake.on("app.bsky.notification.listNotifications",
            {"notifications": [newer, {**first, "isRead": True}], "cursor": "more"})
    batch = adapter.fetch(cursor)
    assert [i.remote_id.rsplit("/", 1)[1] for i in batch.items] == ["b"]
    assert len(fake.calls("app.bsky.notification.listNotifications")) == 2  # no page after "more"
    again = adapter.fetch(batch.cursor)
    assert again.items == () and again.requests == 2  # one listNotifications, one listConvos


def test_older_than_the_newest_seen_is_known_even_if_its_uri_was_forgotten(tmp_path, fake):
    fake.on("app.bsky.notification.listNotifications", {"notifications": [
        notification("reply", "late", "2025-03-10T11:00:00.000Z"),
        notification("reply", "forgotten", "2025-03-10T09:00:00.000Z")], "cursor": "x"})
    cursor = json.dumps({"v": 1, "notifications": {"newest_at": "2025-03-10T10:00:00.000Z", "recent": []}})
    batch = adapter_for(tmp_path, fake).fetch(cursor)
    assert [i.remote_id.rsplit("/", 1)[1] for i in batch.items] == ["late"]


def test_malformed_notifications_are_skipped_counted_and_passed(tmp_path, fake, caplog):
    good = notification("reply", "ok", "2025-03-10T10:00:00.000Z")
    no_author = {**notification("reply", "bad", "2025-03-10T11:00:00.000Z"), "author": {"handle": "x"}}
    bad_time = notification("mention", "bad2", "2025-03-10T11:30:00.000Z", reply_to=None)
    bad_time["record"]["createdAt"] = "yesterday"
    fake.on("app.bsky.notification.listNotifications", {"notifications": [bad_time, no_author, "junk", good]})
    adapter = adapter_for(tmp_path, fake)
    batch = adapter.fetch(None)
    assert [i.remote_id.rsplit("/", 1)[1] for i in batch.items] == ["ok"] and batch.skipped == 3
    assert "skipped a Bluesky notification" in caplog.text
    assert adapter.fetch(batch.cursor).items == ()  # the bad ones are not read again


def test_the_same_post_seen_twice_is_one_item(tmp_path, fake):
    note = notification("reply", "dup", "2025-03-10T10:00:00.000Z")
    fake.on("app.bsky.notification.listNotifications", {"notifications": [
        {**note, "reason": "mention"}, note]})
    assert len(adapter_for(tmp_path, fake).fetch(None).items) == 1


def test_other_reasons_are_ignored_and_a_damaged_cursor_starts_afresh(tmp_path, fake, caplog):
    like = {**notification("reply", "l", "2025-03-10T10:00:00.000Z", author=OTHER), "reason": "like"}
    fake.on("app.bsky.notification.listNotifications", {"notifications": [like]})
    batch = adapter_for(tmp_path, fake).fetch("{not json")
    assert batch.items == () and batch.skipped == 0
    assert "not understood" in caplog.text
