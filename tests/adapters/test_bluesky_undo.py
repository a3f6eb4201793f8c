"""Undoing on Bluesky: un-hide (threadgate hiddenReplies), re-attach (postgate
detachedEmbeddingUris), unblock (delete the block record), unmute (unmuteActor).
Answers shaped like a PDS's: putRecord returns uri/cid/commit, deleteRecord a commit."""

from __future__ import annotations

import httpx
import pytest

from bot.domain import ActionKind
from bot.errors import PermanentError, TransientError
from tests.adapters.fixtures.bluesky.fake_pds import COUNCIL_DID, COUNCIL_POST, FakePds, logged_in, profile, xrpc_error
from tests.adapters.test_bluesky_actions import GATE_URI, REPLY, gate, make_adapter, order

OTHER = "at://did:plc:someone/app.bsky.feed.post/other1"
QUOTE = "at://did:plc:resident1/app.bsky.feed.post/quote1"
COMMIT = {"commit": {"cid": "bafycommit", "rev": "3lrev2"}}


@pytest.fixture
def fake() -> FakePds:
    fake = FakePds()
    logged_in(fake)
    return fake


def test_unhide_takes_the_reply_off_the_threadgate_and_keeps_the_rest(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", gate([OTHER, REPLY], allow=[]))
    fake.on("com.atproto.repo.putRecord", {"uri": GATE_URI, "cid": "bafygate2", **COMMIT})
    outcome = make_adapter(tmp_path, fake).apply(order(ActionKind.UNHIDE_REPLY))
    body = fake.body(fake.calls("com.atproto.repo.putRecord")[0])
    assert body["collection"] == "app.bsky.feed.threadgate" and body["swapRecord"] == "bafygate1"
    assert body["record"]["hiddenReplies"] == [OTHER] and body["record"]["allow"] == []
    assert outcome == {"record_uri": GATE_URI, "count": 1, "already": False}


def test_unhide_of_a_reply_no_longer_hidden_writes_nothing(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", gate([OTHER]))
    assert make_adapter(tmp_path, fake).apply(order(ActionKind.UNHIDE_REPLY))["already"] is True
    assert not fake.calls("com.atproto.repo.putRecord")


def test_unhide_after_the_threadgate_changed_meanwhile_is_retried(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", gate([REPLY]))
    fake.on("com.atproto.repo.putRecord", xrpc_error(400, "InvalidSwap", "Record was at bafygate9"))
    with pytest.raises(TransientError):
        make_adapter(tmp_path, fake).apply(order(ActionKind.UNHIDE_REPLY))


def test_reattach_takes_the_quote_off_the_postgate(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", {"uri": "u", "cid": "bafypg", "value": {
        "$type": "app.bsky.feed.postgate", "post": COUNCIL_POST, "createdAt": "2025-01-01T00:00:00.000Z",
        "detachedEmbeddingUris": [QUOTE], "embeddingRules": []}})
    fake.on("com.atproto.repo.putRecord", {"uri": "u", "cid": "bafypg2", **COMMIT})
    the_order = order(ActionKind.REATTACH_QUOTE, uri=QUOTE, root=None, meta={"quoted_uri": COUNCIL_POST})
    outcome = make_adapter(tmp_path, fake).apply(the_order)
    body = fake.body(fake.calls("com.atproto.repo.putRecord")[0])
    assert body["collection"] == "app.bsky.feed.postgate" and body["record"]["detachedEmbeddingUris"] == []
    assert body["record"]["embeddingRules"] == [] and outcome["already"] is False


def test_reattach_of_a_quote_of_someone_elses_post_is_refused(tmp_path, fake):
    the_order = order(ActionKind.REATTACH_QUOTE, uri=QUOTE, meta={"quoted_uri": OTHER})
    with pytest.raises(PermanentError, match="council's own posts"):
        make_adapter(tmp_path, fake).apply(the_order)


def test_unblock_deletes_the_block_record_kept_when_blocking(tmp_path, fake):
    fake.on("com.atproto.repo.deleteRecord", httpx.Response(200, json=COMMIT))
    the_order = order(ActionKind.UNBLOCK, undoes=5, done={"block_rkey": "3lblockrkey22", "already": False})
    outcome = make_adapter(tmp_path, fake).apply(the_order)
    body = fake.body(fake.calls("com.atproto.repo.deleteRecord")[0])
    assert body == {"repo": COUNCIL_DID, "collection": "app.bsky.graph.block", "rkey": "3lblockrkey22"}
    assert outcome == {"deleted_block_rkey": "3lblockrkey22", "already": False}
    assert not fake.calls("app.bsky.actor.getProfile")


def test_unblock_without_a_kept_key_asks_the_appview_which_record(tmp_path, fake):
    existing = f"at://{COUNCIL_DID}/app.bsky.graph.block/3lold"
    fake.on("app.bsky.actor.getProfile", profile("did:plc:resident1", "alice.bsky.social",
                                                 viewer={"blocking": existing}))
    fake.on("com.atproto.repo.deleteRecord", httpx.Response(200, json=COMMIT))
    assert make_adapter(tmp_path, fake).apply(order(ActionKind.UNBLOCK))["deleted_block_rkey"] == "3lold"


def test_unblock_of_someone_not_blocked_writes_nothing(tmp_path, fake):
    fake.on("app.bsky.actor.getProfile", profile("did:plc:resident1", "alice.bsky.social"))
    assert make_adapter(tmp_path, fake).apply(order(ActionKind.UNBLOCK)) == {"already": True}
    assert not fake.calls("com.atproto.repo.deleteRecord")


def test_unmute_uses_unmute_actor(tmp_path, fake):
    fake.on("app.bsky.graph.unmuteActor", httpx.Response(200))
    assert make_adapter(tmp_path, fake).apply(order(ActionKind.UNMUTE)) == {"unmuted": "did:plc:resident1"}
    assert fake.body(fake.calls("app.bsky.graph.unmuteActor")[0]) == {"actor": "did:plc:resident1"}
