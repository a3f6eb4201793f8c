"""MastodonAdapter.fetch against a fake Mastodon 4.x server (``responses``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import responses

from adapters.mastodon import MastodonAdapter
from bot.domain import ActionKind, ItemKind
from tests.adapters.fixtures.mastodon.fake_server import COUNCIL_ID, FakeMastodon, account_settings, load

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
POST_ID = "114600000000000100"


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeMastodon(rsps)


def make_adapter(fake: FakeMastodon) -> MastodonAdapter:
    return MastodonAdapter(account_settings(), access_token="token-abc", now=lambda: NOW)


@pytest.fixture
def adapter(fake: FakeMastodon) -> MastodonAdapter:
    return make_adapter(fake)


def cursor_with(notification_id: str, **extra: object) -> str:
    return json.dumps({"v": 1, "n": notification_id, "posts": {}, "requests": {}, "seen": [], **extra})


def test_first_poll_classifies_replies_dms_and_quotes(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    reply = fake.push_notification("notification_mention")
    dm = fake.push_notification("notification_dm")
    quote = fake.push_notification("notification_quote")
    batch = adapter.fetch(None)
    kinds = {item.remote_id: item.kind for item in batch.items}
    assert kinds == {reply["status"]["id"]: ItemKind.REPLY, dm["status"]["id"]: ItemKind.DM,
                     quote["status"]["id"]: ItemKind.QUOTE}
    assert json.loads(batch.cursor or "")["n"] == quote["id"]
    assert batch.requests == len(fake.calls)


def test_item_fields_come_from_the_status(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    note = fake.push_notification("notification_mention")
    fake.add_post(POST_ID, created_at="2025-06-01T09:00:00.000Z")
    (item,) = adapter.fetch(None).items
    assert item.text == "@thornburytc Will the disabled bays stay open?\nAsking for my mum."
    assert item.html == note["status"]["content"]
    assert item.raw == load("notification_mention") | {"id": note["id"], "group_key": note["group_key"],
                                                       "status": note["status"]}
    assert item.url == note["status"]["url"]
    assert item.created_at == datetime(2025, 6, 1, 10, 15, tzinfo=UTC)
    assert (item.in_reply_to_id, item.in_reply_to_author_id) == (POST_ID, COUNCIL_ID)
    assert item.thread_root_id == POST_ID
    assert item.context_text.startswith("The Castle Street car park will be resurfaced")
    assert item.mentions == ("thornburytc",)
    assert item.meta["account_id"] == "109000000000000777" and item.meta["is_remote"] is False
    author = item.author
    assert (author.handle, author.display_name, author.is_bot, author.domain) == ("jsmith", "Jo Smith", False, "")
    assert author.verified_links == ("https://josmith.example.org",)
    assert author.created_at == datetime(2023, 3, 14, tzinfo=UTC)


def test_quote_and_remote_author_facts(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    fake.push_notification("notification_quote")
    (item,) = adapter.fetch(None).items
    assert item.kind is ItemKind.QUOTE
    assert item.meta["quoted_status_id"] == POST_ID
    assert item.author.is_bot and item.author.domain == "spam.example"
    assert item.meta["is_remote"] is True
    assert item.links == ("https://deals.spam.example/parking",
                          "https://social.example.gov.uk/@thornburytc/114600000000000100")


def test_paging_forward_with_min_id_until_an_empty_page(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    start = fake.push_notification()
    pushed = [fake.push_notification() for _ in range(170)]
    batch = adapter.fetch(cursor_with(start["id"]))
    assert [i.remote_id for i in batch.items] == [n["status"]["id"] for n in pushed]
    pages = [c for c in fake.calls if c["path"] == "/api/v1/notifications"]
    assert [len(c["query"]["min_id"][0]) > 0 for c in pages] == [True] * 4
    assert [c["query"]["min_id"][0] for c in pages] == [start["id"], pushed[79]["id"], pushed[159]["id"],
                                                         pushed[169]["id"]]
    assert all(c["query"]["limit"] == ["80"] for c in pages)
    assert json.loads(batch.cursor or "")["n"] == pushed[-1]["id"]
    assert adapter.fetch(batch.cursor).items == ()


def test_reply_without_a_mention_is_found_in_the_thread(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    fake.add_post(POST_ID, created_at="2025-06-01T09:00:00.000Z", replies_count=2)
    fake.contexts[POST_ID] = load("context")
    batch = adapter.fetch(None)
    by_id = {item.remote_id: item for item in batch.items}
    assert set(by_id) == {"114600000000000200", "114600000000000500"}  # not the council's, not the side reply
    silent = by_id["114600000000000500"]
    assert silent.kind is ItemKind.REPLY and silent.meta["source"] == "context"
    assert silent.thread_root_id == POST_ID
    assert silent.context_text.startswith("The Castle Street car park")
    assert silent.text == "This is a shambles, as usual."


def test_threads_are_reread_only_when_their_reply_count_changes(fake: FakeMastodon,
                                                                adapter: MastodonAdapter) -> None:
    post = fake.add_post(POST_ID, created_at="2025-06-01T09:00:00.000Z", replies_count=2)
    fake.contexts[POST_ID] = load("context")
    first = adapter.fetch(None)
    calls = len(fake.calls)
    second = adapter.fetch(first.cursor)
    assert second.items == ()
    assert "GET /api/v1/statuses/114600000000000100/context" not in fake.paths()[calls:]
    post["replies_count"] = 3
    fake.contexts[POST_ID]["descendants"].append(fake.new_status(load("context")["descendants"][1]))
    third = adapter.fetch(second.cursor)
    assert len(third.items) == 1  # only the new reply; the ones already handed over stay out


def test_a_reply_seen_by_notification_is_not_handed_over_again(fake: FakeMastodon,
                                                               adapter: MastodonAdapter) -> None:
    fake.push_notification("notification_mention", status_changes={"id": "114600000000000200"})
    fake.add_post(POST_ID, created_at="2025-06-01T09:00:00.000Z", replies_count=2)
    fake.contexts[POST_ID] = load("context")
    ids = [item.remote_id for item in adapter.fetch(None).items]
    assert sorted(ids) == ["114600000000000200", "114600000000000500"]
    assert len(ids) == len(set(ids))


def test_posts_outside_the_window_are_not_scanned(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    fake.add_post("114000000000000100", created_at="2025-04-01T09:00:00.000Z", replies_count=5)
    adapter.fetch(None)
    assert not any(p.endswith("/context") for p in fake.paths())


def test_a_deleted_council_post_does_not_stop_the_poll(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    fake.add_post(POST_ID, created_at="2025-06-01T09:00:00.000Z", replies_count=1)  # no context: 404
    note = fake.push_notification()
    assert [i.remote_id for i in adapter.fetch(None).items] == [note["status"]["id"]]


def test_a_malformed_entity_is_skipped_and_logged(fake: FakeMastodon, adapter: MastodonAdapter,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    start = fake.push_notification()
    good1 = fake.push_notification()
    broken = fake.push_notification()
    del broken["status"]["account"]
    bad_time = fake.push_notification()
    bad_time["status"]["created_at"] = "yesterday-ish"
    fake.push_raw_notification({"type": "mention"})  # no id, no status
    good2 = fake.push_notification()
    with caplog.at_level(logging.WARNING):
        batch = adapter.fetch(cursor_with(start["id"]))
    assert [i.remote_id for i in batch.items] == [good1["status"]["id"], good2["status"]["id"]]
    assert batch.skipped == 3
    assert caplog.text.count("skipped a malformed Mastodon entity") == 3
    assert json.loads(batch.cursor or "")["n"] == good2["id"]


def test_quote_notifications_are_asked_for_only_on_4_5(fake: FakeMastodon) -> None:
    adapter = make_adapter(fake)
    adapter.fetch(None)
    query = next(c["query"] for c in fake.calls if c["path"] == "/api/v1/notifications")
    assert query["types[]"] == ["mention", "quote"]
    assert ActionKind.DETACH_QUOTE in adapter.capabilities


def test_before_4_5_no_quotes_and_no_quote_revocation() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeMastodon(rsps, version="4.4.3")
        adapter = make_adapter(fake)
        adapter.fetch(None)
        query = next(c["query"] for c in fake.calls if c["path"] == "/api/v1/notifications")
        assert query["types[]"] == ["mention"]
        assert ActionKind.DETACH_QUOTE not in adapter.capabilities
        assert ActionKind.HIDE_REPLY not in adapter.capabilities


def test_low_rate_limit_budget_leaves_work_for_the_next_poll(fake: FakeMastodon,
                                                            adapter: MastodonAdapter) -> None:
    start = fake.push_notification()
    pushed = [fake.push_notification() for _ in range(120)]
    fake.rate_remaining = 14  # verify_credentials, instance, policy, posts, then pages...
    first = adapter.fetch(cursor_with(start["id"]))
    assert 0 < len(first.items) < 120
    fake.rate_remaining = 300
    second = adapter.fetch(first.cursor)
    got = [i.remote_id for i in first.items + second.items]
    assert got == [n["status"]["id"] for n in pushed]


def test_an_unreadable_cursor_starts_from_the_newest(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    note = fake.push_notification()
    batch = adapter.fetch("not json at all")
    assert [i.remote_id for i in batch.items] == [note["status"]["id"]]
