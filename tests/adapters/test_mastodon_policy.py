"""Filtered DMs (Mastodon 4.3+ notification policy) and the shared adapter contract."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import responses

from adapters.mastodon import MastodonAdapter
from bot.domain import ItemKind
from tests.adapters.contract import AdapterContract
from tests.adapters.fixtures.mastodon.fake_server import FakeMastodon, account_settings, load

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeMastodon(rsps)


def make_adapter() -> MastodonAdapter:
    return MastodonAdapter(account_settings(), access_token="token-abc", now=lambda: NOW)


def with_filtered_dm(fake: FakeMastodon) -> str:
    fake.notification_requests = load("notification_requests")
    (note,) = load("notifications_filtered")
    fake.filtered.append(note)
    return str(note["status"]["id"])


def test_check_says_plainly_that_dms_from_strangers_are_filtered(fake: FakeMastodon) -> None:
    info = make_adapter().check()
    assert info.handle == "thornburytc" and info.remote_id == "109000000000000001"
    assert any("private mentions" in w and "pending notification requests" in w for w in info.warnings)
    assert not any(c["method"] == "PATCH" for c in fake.calls)


def test_live_mode_accepts_private_mentions_and_logs_it(fake: FakeMastodon,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    warnings = make_adapter().prepare(live=True)
    patch = next(c for c in fake.calls if c["method"] == "PATCH")
    assert patch["form"] == {"for_private_mentions": ["accept"]}
    assert fake.policy and fake.policy["for_private_mentions"] == "accept"
    assert any("accept direct messages from strangers" in w for w in warnings)
    assert "accept private mentions" in caplog.text


def test_observe_mode_reads_the_filtered_dms_from_requests(fake: FakeMastodon) -> None:
    dm_id = with_filtered_dm(fake)
    adapter = make_adapter()
    adapter.prepare(live=False)
    batch = adapter.fetch(None)
    (item,) = batch.items
    assert (item.remote_id, item.kind, item.meta["source"]) == (dm_id, ItemKind.DM, "request")
    again = adapter.fetch(batch.cursor)
    assert again.items == ()
    assert sum(1 for c in fake.calls if "account_id" in c["query"]) == 1  # unchanged request: not re-read


def test_fetch_reviews_the_policy_itself_when_prepare_was_not_called(fake: FakeMastodon) -> None:
    dm_id = with_filtered_dm(fake)
    assert [i.remote_id for i in make_adapter().fetch(None).items] == [dm_id]


def test_a_dropping_policy_is_reported(fake: FakeMastodon) -> None:
    assert fake.policy is not None
    fake.policy["for_new_accounts"] = "drop"
    warnings = make_adapter().prepare(live=True)
    assert any("drops notifications from accounts created in the last 30 days" in w for w in warnings)


def test_servers_before_4_3_have_no_policy_to_check() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeMastodon(rsps, version="4.2.10")
        assert make_adapter().prepare(live=True) == []
        assert not any("policy" in p for p in fake.paths())


def test_a_token_without_write_notifications_falls_back_to_reading_requests(fake: FakeMastodon) -> None:
    dm_id = with_filtered_dm(fake)
    adapter = make_adapter()
    adapter.server_version  # noqa: B018 - learn the version before the failure is armed
    real_route = fake._route

    def refuse_patch(method: str, path: str, *args: Any) -> tuple[int, Any]:
        if method == "PATCH":
            return 403, {"error": "This action is outside the authorized scopes"}
        return real_route(method, path, *args)

    fake._route = refuse_patch  # type: ignore[method-assign,assignment]
    warnings = adapter.prepare(live=True)
    assert any("write:notifications" in w for w in warnings)
    assert [i.remote_id for i in adapter.fetch(None).items] == [dm_id]


# -- the shared contract ----------------------------------------------------------------
class MastodonHarness:
    def __init__(self, fake: FakeMastodon) -> None:
        self.fake = fake
        self.adapter = make_adapter()

    def push_items(self, count: int) -> list[str]:
        fixtures = ("notification_mention", "notification_dm", "notification_quote")
        return [self.fake.push_notification(fixtures[n % 3])["status"]["id"] for n in range(count)]

    def push_malformed(self) -> bool:
        broken = self.fake.push_notification()
        broken["status"]["created_at"] = None
        self.fake.push_notification()
        return True

    def break_next(self, failure: str) -> bool:
        if failure == "transient":
            self.fake.fail_next(0, body=requests.ConnectionError("connection reset"))
        else:
            self.fake.fail_next({"auth": 401, "rate_limit": 429}[failure])
        return True


class TestMastodonContract(AdapterContract):
    @pytest.fixture
    def harness(self, fake: FakeMastodon) -> MastodonHarness:
        return MastodonHarness(fake)
