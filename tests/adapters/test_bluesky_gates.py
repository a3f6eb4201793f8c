"""Bluesky reply limits and the council's own posts, against a fake PDS shaped like the
real XRPC answers: threadgate ``allow`` changes only, ``hiddenReplies`` written back,
``swapRecord`` on updates, limits that only narrow, and ``listRecords`` paging."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain import ActionKind, ActionOrder, ReplyPolicy
from bot.errors import PermanentError
from tests.adapters.fixtures.bluesky.fake_pds import (
    COUNCIL_DID,
    COUNCIL_POST,
    FakePds,
    logged_in,
    make_adapter,
    xrpc_error,
)

GATE_URI = f"at://{COUNCIL_DID}/app.bsky.feed.threadgate/3kcouncilpost1"
FOLLOWER = {"$type": "app.bsky.feed.threadgate#followerRule"}
MENTION = {"$type": "app.bsky.feed.threadgate#mentionRule"}
HIDDEN = ["at://did:plc:resident1/app.bsky.feed.post/r1"]
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> FakePds:
    fake = FakePds()
    logged_in(fake)
    return fake


def gate(**value) -> dict:
    return {"uri": GATE_URI, "cid": "bafygate1", "value": {
        "$type": "app.bsky.feed.threadgate", "post": COUNCIL_POST, "createdAt": "2026-11-01T00:00:00.000Z", **value}}


def not_found():
    return xrpc_error(400, "RecordNotFound", "Could not locate record")


def limit_order(kind: ActionKind, **params) -> ActionOrder:
    return ActionOrder(action_id=7, kind=kind, author_remote_id="council", author_handle="council.bsky.social",
                       item_remote_id=f"pile-on:{COUNCIL_POST}:2026-11-02T10:00:00+00:00",
                       item_meta={"pile_on": True, "root_uri": COUNCIL_POST}, params=params, idempotency_key="act-7")


@pytest.mark.parametrize(("policy", "allow"), [(ReplyPolicy.NOBODY, []), (ReplyPolicy.FOLLOWERS, [FOLLOWER]),
                                                (ReplyPolicy.MENTIONED, [MENTION])])
def test_a_new_post_gets_a_threadgate_with_the_policys_allow_list(tmp_path, fake, policy, allow):
    fake.on("com.atproto.repo.getRecord", not_found())
    fake.on("com.atproto.repo.createRecord", {"uri": GATE_URI, "cid": "bafygate1"})
    outcome = make_adapter(tmp_path, fake).set_reply_policy(COUNCIL_POST, {}, policy)
    body = fake.body(fake.calls("com.atproto.repo.createRecord")[0])
    assert (body["repo"], body["collection"], body["rkey"]) == (COUNCIL_DID, "app.bsky.feed.threadgate",
                                                                 "3kcouncilpost1")
    assert body["record"]["allow"] == allow and body["record"]["post"] == COUNCIL_POST
    assert "hiddenReplies" not in body["record"]
    assert outcome["previous_allow"] is None and outcome["had_record"] is False


def test_setting_the_policy_keeps_hidden_replies_and_swaps_on_the_old_cid(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", gate(hiddenReplies=HIDDEN))
    fake.on("com.atproto.repo.putRecord", {"uri": GATE_URI, "cid": "bafygate2"})
    make_adapter(tmp_path, fake).set_reply_policy(COUNCIL_POST, {}, ReplyPolicy.NOBODY)
    body = fake.body(fake.calls("com.atproto.repo.putRecord")[0])
    assert body["swapRecord"] == "bafygate1"
    assert body["record"]["allow"] == [] and body["record"]["hiddenReplies"] == HIDDEN


def test_the_same_policy_twice_writes_nothing(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", gate(allow=[]))
    outcome = make_adapter(tmp_path, fake).set_reply_policy(COUNCIL_POST, {}, ReplyPolicy.NOBODY)
    assert outcome["already"] is True and fake.calls("com.atproto.repo.putRecord") == []


def test_someone_elses_post_cannot_be_gated(tmp_path, fake):
    with pytest.raises(PermanentError, match="first post"):
        make_adapter(tmp_path, fake).set_reply_policy("at://did:plc:other/app.bsky.feed.post/x", {},
                                                      ReplyPolicy.NOBODY)


def test_a_limit_narrows_an_existing_gate_and_keeps_what_to_restore(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", gate(allow=[MENTION, {"$type": "app.bsky.feed.threadgate#followingRule"}],
                                               hiddenReplies=HIDDEN))
    fake.on("com.atproto.repo.putRecord", {"uri": GATE_URI, "cid": "bafygate2"})
    outcome = make_adapter(tmp_path, fake).apply(limit_order(ActionKind.LIMIT_REPLIES, hours=6,
                                                             limit_to="followers_and_mentioned"))
    body = fake.body(fake.calls("com.atproto.repo.putRecord")[0])
    assert body["record"]["allow"] == [MENTION] and body["record"]["hiddenReplies"] == HIDDEN
    assert outcome["previous_allow"] == [MENTION, {"$type": "app.bsky.feed.threadgate#followingRule"}]


def test_a_limit_on_an_open_post_then_its_restore_removes_the_empty_gate(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", not_found(), gate(allow=[FOLLOWER, MENTION]))
    fake.on("com.atproto.repo.createRecord", {"uri": GATE_URI, "cid": "bafygate1"})
    fake.on("com.atproto.repo.deleteRecord", {})
    adapter = make_adapter(tmp_path, fake)
    outcome = adapter.apply(limit_order(ActionKind.LIMIT_REPLIES, hours=24, limit_to="followers_and_mentioned"))
    assert fake.body(fake.calls("com.atproto.repo.createRecord")[0])["record"]["allow"] == [FOLLOWER, MENTION]
    adapter.apply(limit_order(ActionKind.RESTORE_REPLIES, done=outcome))
    deleted = fake.body(fake.calls("com.atproto.repo.deleteRecord")[0])
    assert deleted["rkey"] == "3kcouncilpost1" and deleted["swapRecord"] == "bafygate1"


def test_a_restore_keeps_replies_hidden_meanwhile(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", gate(allow=[FOLLOWER, MENTION], hiddenReplies=HIDDEN))
    fake.on("com.atproto.repo.putRecord", {"uri": GATE_URI, "cid": "bafygate3"})
    make_adapter(tmp_path, fake).apply(limit_order(ActionKind.RESTORE_REPLIES, done={"previous_allow": None}))
    record = fake.body(fake.calls("com.atproto.repo.putRecord")[0])["record"]
    assert "allow" not in record and record["hiddenReplies"] == HIDDEN


def _record(rkey: str, text: str, created: str, reply: bool = False) -> dict[str, Any]:
    value: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": created, "langs": ["en"]}
    if reply:
        value["reply"] = {"root": {"uri": COUNCIL_POST, "cid": "c"}, "parent": {"uri": COUNCIL_POST, "cid": "c"}}
    return {"uri": f"at://{COUNCIL_DID}/app.bsky.feed.post/{rkey}", "cid": f"bafy{rkey}", "value": value}


def test_own_posts_are_read_newest_first_and_handed_over_oldest_first(tmp_path, fake):
    page1 = {"records": [_record("3kc", "Third", "2026-11-02T09:00:00.000Z", reply=True),
                         _record("3kb", "Second", "2026-11-01T09:00:00.000Z")], "cursor": "3kb"}
    page2 = {"records": [{"uri": f"at://{COUNCIL_DID}/app.bsky.feed.post/3kbad", "value": {"text": 5}},
                         _record("3ka", "First", "2026-10-01T09:00:00.000Z")]}
    fake.on("com.atproto.repo.listRecords", page1, page2)
    adapter = make_adapter(tmp_path, fake, clock=lambda: NOW)
    found = adapter.fetch_own_posts(None, since_days=14)
    assert [p.text for p in found.posts] == ["Second", "Third"]  # "First" is older than 14 days
    assert [p.is_root for p in found.posts] == [True, False] and found.cursor == "3kc"
    params = fake.calls("com.atproto.repo.listRecords")[0].url.params
    assert (params["repo"], params["collection"]) == (COUNCIL_DID, "app.bsky.feed.post")
    assert found.posts[0].meta == {"cid": "bafy3kb", "root_uri": f"at://{COUNCIL_DID}/app.bsky.feed.post/3kb"}


def test_own_posts_stop_at_the_cursor(tmp_path, fake):
    fake.on("com.atproto.repo.listRecords", {"records": [
        _record("3kd", "New", "2026-11-02T09:30:00.000Z"), _record("3kc", "Seen", "2026-11-02T09:00:00.000Z")],
        "cursor": "3kc"})
    found = make_adapter(tmp_path, fake, clock=lambda: NOW).fetch_own_posts("3kc", since_days=14)
    assert [p.text for p in found.posts] == ["New"] and found.cursor == "3kd"
    assert len(fake.calls("com.atproto.repo.listRecords")) == 1
