"""MastodonAdapter: DM auto-replies, every action, and each error class."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import responses

from adapters.mastodon import CAVEAT, MastodonAdapter, build_adapter
from bot.domain import ActionKind, ActionOrder, Item
from bot.errors import (
    AuthFailed,
    PermanentError,
    RateLimited,
    TargetGone,
    TransientError,
    Unsupported,
)
from tests.adapters.fixtures.mastodon.fake_server import FakeMastodon, account_settings

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
RESIDENT = "109000000000000777"


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeMastodon(rsps)


@pytest.fixture
def adapter(fake: FakeMastodon) -> MastodonAdapter:
    return MastodonAdapter(account_settings(), access_token="token-abc", now=lambda: NOW)


def fetched(adapter: MastodonAdapter, fake: FakeMastodon, fixture: str) -> Item:
    fake.push_notification(fixture)
    (item,) = adapter.fetch(None).items
    return item


def order(item: Item, kind: ActionKind, **params: Any) -> ActionOrder:
    return ActionOrder(action_id=7, kind=kind, author_remote_id=item.author.remote_id,
                       author_handle=item.author.handle, item_remote_id=item.remote_id,
                       item_meta=dict(item.meta), params=params, idempotency_key="action-7")


# -- DM auto-reply ------------------------------------------------------------------------
def test_dm_reply_is_direct_mentions_only_the_sender_and_carries_the_key(fake: FakeMastodon,
                                                                        adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_dm")
    adapter.send_dm_reply(item, "Please e-mail the office.", "dm-reply-1")
    post = next(c for c in fake.calls if c["path"] == "/api/v1/statuses")
    assert post["headers"]["Idempotency-Key"] == "dm-reply-1"
    assert post["form"]["visibility"] == ["direct"]
    assert post["form"]["in_reply_to_id"] == [item.remote_id]
    assert post["form"]["status"] == ["@jsmith Please e-mail the office."]


def test_a_retried_dm_reply_posts_once(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_dm")
    adapter.send_dm_reply(item, "Please e-mail the office.", "dm-reply-1")
    adapter.send_dm_reply(item, "Please e-mail the office.", "dm-reply-1")
    assert len(fake.posted) == 1


def test_a_dm_deleted_before_the_reply_is_target_gone(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    fake.push_notification("notification_dm", status_changes={"id": "404000000000000001"})
    (item,) = adapter.fetch(None).items
    with pytest.raises(TargetGone):
        adapter.send_dm_reply(item, "text", "key-x")


# -- actions -------------------------------------------------------------------------------
ACTION_CASES = [
    (ActionKind.BLOCK, {}, f"/api/v1/accounts/{RESIDENT}/block", {}),
    (ActionKind.MUTE, {"duration_seconds": 86400}, f"/api/v1/accounts/{RESIDENT}/mute",
     {"duration": ["86400"], "notifications": ["1"]}),
    (ActionKind.MUTE, {}, f"/api/v1/accounts/{RESIDENT}/mute", {"notifications": ["1"]}),
    (ActionKind.REMOVE_FOLLOWER, {}, f"/api/v1/accounts/{RESIDENT}/remove_from_followers", {}),
    (ActionKind.REPORT, {"category": "spam", "comment": "Advertising (policy 7.6)"}, "/api/v1/reports",
     {"account_id": [RESIDENT], "category": ["spam"], "comment": ["Advertising (policy 7.6)"]}),
]


@pytest.mark.parametrize(("kind", "params", "path", "form"), ACTION_CASES)
def test_each_action_calls_its_endpoint(fake: FakeMastodon, adapter: MastodonAdapter, kind: ActionKind,
                                        params: dict[str, Any], path: str, form: dict[str, list[str]]) -> None:
    item = fetched(adapter, fake, "notification_mention")
    adapter.apply(order(item, kind, **params))
    call = fake.calls[-1]
    assert (call["method"], call["path"]) == ("POST", path)
    assert {k: call["form"].get(k) for k in form} == form


def test_report_names_the_post_and_only_rules_the_server_publishes(fake: FakeMastodon,
                                                                   adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_mention")
    facts = adapter.apply(order(item, ActionKind.REPORT, category="violation", rule_ids=["2", "99"],
                                comment="x" * 1500))
    form = fake.calls[-1]["form"]
    assert form["status_ids[]"] == [item.remote_id]
    assert form["rule_ids[]"] == ["2"]
    assert len(form["comment"][0]) == 1000
    assert "forward" not in form  # a local author: nothing to forward
    assert facts["report_id"] == "48914" and facts["category"] == "violation"
    assert "GET /api/v1/instance/rules" in fake.paths()


def test_a_violation_without_a_known_rule_is_reported_as_other(fake: FakeMastodon,
                                                              adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_mention")
    adapter.apply(order(item, ActionKind.REPORT, category="violation", rule_ids=["99"]))
    assert fake.calls[-1]["form"]["category"] == ["other"]


def test_reports_of_remote_authors_are_forwarded_and_legal_is_accepted(fake: FakeMastodon,
                                                                       adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_quote")
    facts = adapter.apply(order(item, ActionKind.REPORT, category="legal", comment="Defamation"))
    form = fake.calls[-1]["form"]
    assert form["category"] == ["legal"] and form["forward"] == ["true"]
    assert facts["forwarded"] is True


def test_domain_block_uses_the_authors_server(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_quote")
    assert adapter.apply(order(item, ActionKind.DOMAIN_BLOCK)) == {"domain": "spam.example"}
    assert fake.calls[-1]["form"]["domain"] == ["spam.example"]


def test_domain_block_of_a_local_author_is_refused_without_a_request(fake: FakeMastodon,
                                                                     adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_mention")
    calls = len(fake.calls)
    with pytest.raises(PermanentError):
        adapter.apply(order(item, ActionKind.DOMAIN_BLOCK))
    assert len(fake.calls) == calls


def test_detach_quote_revokes_the_quote_of_the_council_post(fake: FakeMastodon,
                                                           adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_quote")
    facts = adapter.apply(order(item, ActionKind.DETACH_QUOTE))
    call = fake.calls[-1]
    assert call["path"] == f"/api/v1/statuses/114600000000000100/quotes/{item.remote_id}/revoke"
    assert facts == {"quote_state": "revoked"}


def test_detach_quote_needs_mastodon_4_5() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeMastodon(rsps, version="4.4.0")
        adapter = MastodonAdapter(account_settings(), access_token="t", now=lambda: NOW)
        note = fake.push_notification("notification_quote")
        note["type"] = "mention"  # what a 4.4 server would show of the quoting post
        (item,) = adapter.fetch(None).items
        assert item.meta["quoted_status_id"] == "114600000000000100"
        with pytest.raises(Unsupported):
            adapter.apply(order(item, ActionKind.DETACH_QUOTE))


def test_hiding_a_reply_is_unsupported_and_sends_nothing(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_mention")
    calls = len(fake.calls)
    with pytest.raises(Unsupported):
        adapter.apply(order(item, ActionKind.HIDE_REPLY))
    assert len(fake.calls) == calls
    assert "mastodon#11984" in CAVEAT and "report" in CAVEAT.lower()


def test_an_action_on_a_deleted_account_is_target_gone(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_mention")
    fake.gone_accounts.add(RESIDENT)
    for kind in (ActionKind.BLOCK, ActionKind.MUTE, ActionKind.REPORT):
        with pytest.raises(TargetGone):
            adapter.apply(order(item, kind))


# -- errors --------------------------------------------------------------------------------
ERROR_CASES = [
    (401, {"error": "The access token was revoked"}, AuthFailed),
    (422, {"error": "Validation failed"}, PermanentError),
    (403, {"error": "This action is outside the authorized scopes"}, PermanentError),
    (500, {"error": "boom"}, TransientError),
    (502, "<html>Bad Gateway</html>", TransientError),
    (503, {"error": "maintenance"}, TransientError),
    (504, {"error": "timeout"}, TransientError),
    (429, {"error": "Too many requests"}, RateLimited),
]


@pytest.mark.parametrize(("status", "body", "error"), ERROR_CASES)
def test_http_errors_become_project_errors(fake: FakeMastodon, adapter: MastodonAdapter, status: int,
                                           body: Any, error: type[Exception]) -> None:
    item = fetched(adapter, fake, "notification_mention")
    fake.fail_next(status, body=body)
    with pytest.raises(error):
        adapter.apply(order(item, ActionKind.BLOCK))


@pytest.mark.parametrize("exc", [requests.ConnectionError("connection refused"),
                                 requests.ReadTimeout("read timed out")])
def test_network_failures_are_transient(fake: FakeMastodon, adapter: MastodonAdapter,
                                        exc: Exception) -> None:
    fake.fail_next(0, body=exc)
    with pytest.raises(TransientError):
        adapter.fetch(None)


def test_rate_limit_gives_the_reset_time_and_the_next_fetch_waits(fake: FakeMastodon,
                                                                  adapter: MastodonAdapter) -> None:
    adapter.fetch(None)
    reset = datetime.fromtimestamp(time.time() + 120, UTC)
    fake.fail_next(429, headers={"X-RateLimit-Remaining": "0",
                                 "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z")})
    with pytest.raises(RateLimited) as caught:
        adapter.fetch(None)
    assert caught.value.retry_at == pytest.approx(reset.timestamp(), abs=5)
    calls = len(fake.calls)
    with pytest.raises(RateLimited):
        adapter.fetch(None)  # the window is used up: no request at all
    assert len(fake.calls) == calls


def test_a_token_revoked_mid_run_stops_the_poll_and_loses_nothing(fake: FakeMastodon,
                                                                  adapter: MastodonAdapter) -> None:
    first = adapter.fetch(None)
    pushed = [fake.push_notification() for _ in range(100)]
    real_route = fake._route
    served = {"pages": 0}

    def revoke_after_first_page(method: str, path: str, *args: Any) -> Any:
        if path == "/api/v1/notifications":
            served["pages"] += 1
            if served["pages"] == 2:
                return 401, {"error": "The access token was revoked"}
        return real_route(method, path, *args)

    fake._route = revoke_after_first_page  # type: ignore[method-assign,assignment]
    with pytest.raises(AuthFailed):
        adapter.fetch(first.cursor)
    fake._route = real_route  # type: ignore[method-assign]
    again = adapter.fetch(first.cursor)  # the core kept the old cursor: nothing is missed
    assert [i.remote_id for i in again.items] == [n["status"]["id"] for n in pushed]


def test_a_missing_token_is_an_auth_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODBOT_TEST_MASTODON_TOKEN", raising=False)
    monkeypatch.delenv("MODBOT_TEST_MASTODON_TOKEN_FILE", raising=False)
    with pytest.raises(AuthFailed, match="MODBOT_TEST_MASTODON_TOKEN"):
        build_adapter(account_settings())


def test_build_adapter_reads_the_token_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                            fake: FakeMastodon) -> None:
    monkeypatch.setenv("MODBOT_TEST_MASTODON_TOKEN", "secret-token")
    adapter = build_adapter(account_settings())
    adapter.check()
    assert fake.calls[0]["headers"]["Authorization"] == "Bearer secret-token"
