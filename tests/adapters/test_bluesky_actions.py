"""Bluesky actions: hide (threadgate), detach (postgate), block, mute, report, budget."""

from __future__ import annotations

import json

import httpx
import pytest

from adapters.bluesky.actions import MAX_HIDDEN_REPLIES
from bot.domain import ActionKind, ActionOrder, Ground
from bot.errors import PermanentError, RateLimited, TransientError, Unsupported
from tests.adapters.fixtures.bluesky.fake_pds import (
    COUNCIL_DID,
    COUNCIL_POST,
    FakePds,
    logged_in,
    make_adapter,
    profile,
    xrpc_error,
)

REPLY = "at://did:plc:resident1/app.bsky.feed.post/reply1"
GATE_URI = f"at://{COUNCIL_DID}/app.bsky.feed.threadgate/3kcouncilpost1"
FOLLOWERS_ONLY = [{"$type": "app.bsky.feed.threadgate#followerRule"}]


@pytest.fixture
def fake() -> FakePds:
    fake = FakePds()
    logged_in(fake)
    return fake


def order(kind: ActionKind, *, uri: str = REPLY, root: str | None = COUNCIL_POST, **params) -> ActionOrder:
    meta = {"cid": "bafyreply", "root_uri": root, "parent_uri": root, "quoted_uri": None}
    meta.update(params.pop("meta", {}))
    return ActionOrder(action_id=1, kind=kind, author_remote_id="did:plc:resident1",
                       author_handle="alice.bsky.social", item_remote_id=uri, item_meta=meta,
                       params=params, idempotency_key="act-1")


def gate(hidden: list[str], **extra) -> dict:
    return {"uri": GATE_URI, "cid": "bafygate1", "value": {
        "$type": "app.bsky.feed.threadgate", "post": COUNCIL_POST,
        "createdAt": "2025-01-01T00:00:00.000Z", "hiddenReplies": hidden, **extra}}


def test_hide_merges_into_the_existing_threadgate_keeping_allow(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", gate(["at://x/app.bsky.feed.post/1"], allow=FOLLOWERS_ONLY))
    fake.on("com.atproto.repo.putRecord", {"uri": GATE_URI, "cid": "bafygate2"})
    outcome = make_adapter(tmp_path, fake).apply(order(ActionKind.HIDE_REPLY))
    get = fake.calls("com.atproto.repo.getRecord")[0].url.params
    assert (get["repo"], get["collection"], get["rkey"]) == (COUNCIL_DID, "app.bsky.feed.threadgate", "3kcouncilpost1")
    body = fake.body(fake.calls("com.atproto.repo.putRecord")[0])
    assert body["swapRecord"] == "bafygate1" and body["rkey"] == "3kcouncilpost1"
    assert body["record"]["allow"] == FOLLOWERS_ONLY
    assert body["record"]["hiddenReplies"] == ["at://x/app.bsky.feed.post/1", REPLY]
    assert outcome == {"record_uri": GATE_URI, "count": 2, "already": False}


def test_hide_creates_a_threadgate_that_leaves_replies_open(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", xrpc_error(400, "RecordNotFound", "Could not locate record"))
    fake.on("com.atproto.repo.createRecord", {"uri": GATE_URI, "cid": "bafygate1"})
    make_adapter(tmp_path, fake).apply(order(ActionKind.HIDE_REPLY))
    record = fake.body(fake.calls("com.atproto.repo.createRecord")[0])
    assert record["rkey"] == "3kcouncilpost1" and record["collection"] == "app.bsky.feed.threadgate"
    assert "allow" not in record["record"]  # no allow = anyone may still reply
    assert record["record"]["post"] == COUNCIL_POST and record["record"]["hiddenReplies"] == [REPLY]


@pytest.mark.parametrize(("the_order", "message"), [
    (order(ActionKind.HIDE_REPLY, root="at://did:plc:resident2/app.bsky.feed.post/theirs"), "someone else started"),
    (order(ActionKind.HIDE_REPLY, root=None), "not a reply"),
])
def test_hide_outside_the_councils_thread_is_refused_with_a_reason(tmp_path, fake, the_order, message):
    with pytest.raises(PermanentError, match=message):
        make_adapter(tmp_path, fake).apply(the_order)
    assert fake.calls("com.atproto.repo.putRecord") == []


def test_a_full_thread_is_refused_and_an_already_hidden_reply_is_not_written_again(tmp_path, fake):
    full = [f"at://x/app.bsky.feed.post/{n}" for n in range(MAX_HIDDEN_REPLIES)]
    fake.on("com.atproto.repo.getRecord", gate(full))
    adapter = make_adapter(tmp_path, fake)
    with pytest.raises(PermanentError, match="300 hidden replies"):
        adapter.apply(order(ActionKind.HIDE_REPLY))
    fake.on("com.atproto.repo.getRecord", gate([REPLY]))
    assert adapter.apply(order(ActionKind.HIDE_REPLY))["already"] is True
    assert fake.calls("com.atproto.repo.putRecord") == []


def test_a_threadgate_changed_meanwhile_is_retried(tmp_path, fake):
    fake.on("com.atproto.repo.getRecord", gate([]))
    fake.on("com.atproto.repo.putRecord", xrpc_error(400, "InvalidSwap", "Record was at bafygate9"))
    with pytest.raises(TransientError):
        make_adapter(tmp_path, fake).apply(order(ActionKind.HIDE_REPLY))


def test_detach_quote_adds_to_the_postgate_of_the_quoted_council_post(tmp_path, fake):
    quote = "at://did:plc:resident1/app.bsky.feed.post/quote1"
    fake.on("com.atproto.repo.getRecord", {"uri": "u", "cid": "bafypg", "value": {
        "$type": "app.bsky.feed.postgate", "post": COUNCIL_POST, "createdAt": "2025-01-01T00:00:00.000Z",
        "embeddingRules": [{"$type": "app.bsky.feed.postgate#disableRule"}]}})
    fake.on("com.atproto.repo.putRecord", {"uri": "u", "cid": "bafypg2"})
    the_order = order(ActionKind.DETACH_QUOTE, uri=quote, root=None, meta={"quoted_uri": COUNCIL_POST})
    make_adapter(tmp_path, fake).apply(the_order)
    body = fake.body(fake.calls("com.atproto.repo.putRecord")[0])
    assert body["collection"] == "app.bsky.feed.postgate" and body["swapRecord"] == "bafypg"
    assert body["record"]["detachedEmbeddingUris"] == [quote]
    assert body["record"]["embeddingRules"] == [{"$type": "app.bsky.feed.postgate#disableRule"}]
    other = order(ActionKind.DETACH_QUOTE, uri=quote, meta={"quoted_uri": "at://did:plc:x/app.bsky.feed.post/1"})
    with pytest.raises(PermanentError, match="council's own posts"):
        make_adapter(tmp_path, fake).apply(other)


def test_block_creates_a_block_record_and_returns_its_rkey(tmp_path, fake):
    fake.on("app.bsky.actor.getProfile", profile("did:plc:resident1", "alice.bsky.social"))
    block_uri = f"at://{COUNCIL_DID}/app.bsky.graph.block/3lblockrkey22"
    fake.on("com.atproto.repo.createRecord", {"uri": block_uri, "cid": "bafyblock"})
    outcome = make_adapter(tmp_path, fake).apply(order(ActionKind.BLOCK))
    body = fake.body(fake.calls("com.atproto.repo.createRecord")[0])
    assert body["collection"] == "app.bsky.graph.block" and body["repo"] == COUNCIL_DID
    assert body["record"]["subject"] == "did:plc:resident1" and body["record"]["createdAt"].endswith("Z")
    assert outcome == {"block_uri": block_uri, "block_rkey": "3lblockrkey22", "already": False}


def test_block_of_an_already_blocked_account_writes_nothing(tmp_path, fake):
    existing = f"at://{COUNCIL_DID}/app.bsky.graph.block/3lold"
    fake.on("app.bsky.actor.getProfile", profile("did:plc:resident1", "alice.bsky.social",
                                                 viewer={"blocking": existing}))
    assert make_adapter(tmp_path, fake).apply(order(ActionKind.BLOCK))["block_rkey"] == "3lold"
    assert fake.calls("com.atproto.repo.createRecord") == []


def test_mute_uses_mute_actor(tmp_path, fake):
    fake.on("app.bsky.graph.muteActor", httpx.Response(200))
    assert make_adapter(tmp_path, fake).apply(order(ActionKind.MUTE)) == {"muted": "did:plc:resident1"}
    assert fake.body(fake.calls("app.bsky.graph.muteActor")[0]) == {"actor": "did:plc:resident1"}


def report_answer(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    return httpx.Response(200, json={"id": 77, "reasonType": body["reasonType"], "subject": body["subject"],
                                     "reportedBy": COUNCIL_DID, "createdAt": "2025-03-10T12:00:00.000Z"})


@pytest.mark.parametrize(("params", "reason", "subject_type"), [
    ({"ground": Ground.HARASSMENT.value, "comment": "Personal attack on a councillor (Thornbury 7.4)"},
     "com.atproto.moderation.defs#reasonRude", "com.atproto.repo.strongRef"),
    ({"ground": Ground.SPAM.value}, "com.atproto.moderation.defs#reasonSpam", "com.atproto.repo.strongRef"),
    ({"ground": Ground.IMPERSONATION.value, "subject": "account"},
     "com.atproto.moderation.defs#reasonMisleading", "com.atproto.admin.defs#repoRef"),
    ({"ground": Ground.OFF_TOPIC.value}, "com.atproto.moderation.defs#reasonOther", "com.atproto.repo.strongRef"),
    ({"ground": Ground.OBSCENE.value, "reason_type": "sexual"},
     "com.atproto.moderation.defs#reasonSexual", "com.atproto.repo.strongRef"),
])
def test_report_goes_to_the_moderation_service_with_the_mapped_reason(tmp_path, fake, params, reason, subject_type):
    fake.on("com.atproto.moderation.createReport", report_answer)
    outcome = make_adapter(tmp_path, fake).apply(order(ActionKind.REPORT, **params))
    request = fake.calls("com.atproto.moderation.createReport")[0]
    assert request.headers["atproto-proxy"] == "did:plc:ar7c4by46qjdydhdevvrndac#atproto_labeler"
    body = fake.body(request)
    assert body["reasonType"] == reason and body["subject"]["$type"] == subject_type
    if subject_type.endswith("strongRef"):
        assert body["subject"] == {"$type": subject_type, "uri": REPLY, "cid": "bafyreply"}
    else:
        assert body["subject"]["did"] == "did:plc:resident1"
    assert body.get("reason") == params.get("comment")
    assert outcome["report_id"] == 77


def test_actions_bluesky_cannot_do_are_unsupported(tmp_path, fake):
    with pytest.raises(Unsupported):
        make_adapter(tmp_path, fake).apply(order(ActionKind.REMOVE_FOLLOWER))


def test_writes_stop_when_the_budget_is_spent(tmp_path, fake):
    fake.on("app.bsky.actor.getProfile", profile("did:plc:resident1", "alice.bsky.social"))
    fake.on("com.atproto.repo.createRecord", {"uri": f"at://{COUNCIL_DID}/app.bsky.graph.block/3l1", "cid": "c"})
    adapter = make_adapter(tmp_path, fake)
    adapter.budget.windows = ((3600.0, 4), (86400.0, 100))
    adapter.apply(order(ActionKind.BLOCK))
    with pytest.raises(RateLimited) as caught:
        adapter.apply(order(ActionKind.BLOCK))
    assert caught.value.retry_at is not None
    assert len(fake.calls("com.atproto.repo.createRecord")) == 1
