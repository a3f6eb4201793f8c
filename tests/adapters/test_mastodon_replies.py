"""Who may reply on Mastodon-API servers: Mastodon cannot restrict replies; GoToSocial sets
the account's default interaction policy for new posts (written back whole, "me" as
"author") and cannot change a published post. The council's own posts are read too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import responses

from adapters.mastodon import MastodonAdapter
from bot.adapter import ReplyGating
from bot.domain import ReplyPolicy
from bot.errors import Unsupported
from tests.adapters.fixtures.mastodon.fake_server import FakeMastodon, account_settings, load_server

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def adapter_on(rsps: responses.RequestsMock, software: str) -> tuple[MastodonAdapter, FakeMastodon]:
    fake = FakeMastodon(rsps, software=software)
    adapter = MastodonAdapter(account_settings(), access_token="token-abc", now=lambda: NOW)
    adapter.check()  # learns the server software, as at start-up
    return adapter, fake


def test_mastodon_says_it_cannot_restrict_replies(rsps) -> None:
    adapter, fake = adapter_on(rsps, "mastodon")
    assert isinstance(adapter, ReplyGating) and adapter.reply_controls == "none"
    with pytest.raises(Unsupported, match="cannot restrict"):
        adapter.set_reply_policy(None, {}, ReplyPolicy.NOBODY)
    assert not [c for c in fake.calls if "interaction_policies" in c["path"]]


@pytest.mark.parametrize(("policy", "can_reply"), [
    (ReplyPolicy.NOBODY, ["author"]), (ReplyPolicy.FOLLOWERS, ["author", "followers"]),
    (ReplyPolicy.MENTIONED, ["author", "mentioned"]), (ReplyPolicy.OPEN, ["public"])])
def test_gotosocial_sets_the_default_for_new_posts_keeping_the_rest(rsps, policy, can_reply) -> None:
    adapter, fake = adapter_on(rsps, "gotosocial")
    assert adapter.reply_controls == "new_posts"
    chosen = load_server("gotosocial", "interaction_policies_defaults")
    chosen["direct"]["can_reply"]["always"] = ["author"]  # the council's own choice, not the server default
    fake.interaction_defaults = chosen
    adapter.set_reply_policy(None, {}, policy)
    [patch] = [c for c in fake.calls if c["method"] == "PATCH"]
    assert patch["form"]["public[can_reply][always][0]"] == [can_reply[0]]
    stored = fake.interaction_defaults
    for vis in ("public", "unlisted", "private"):
        assert stored[vis]["can_reply"]["always"] == can_reply
    assert stored["direct"]["can_reply"]["always"] == ["author"]  # written back, not reset to the default
    assert stored["public"]["can_reblog"]["always"] == ["public", "author"]  # "me" written as "author"


def test_gotosocial_cannot_limit_a_published_post(rsps) -> None:
    adapter, fake = adapter_on(rsps, "gotosocial")
    with pytest.raises(Unsupported, match="once it is published"):
        adapter.set_reply_policy("01JXPOST", {}, ReplyPolicy.NOBODY)


def test_own_posts_after_the_cursor_oldest_first(rsps) -> None:
    adapter, fake = adapter_on(rsps, "mastodon")
    fake.add_post("114600000000000100", created_at="2025-06-01T09:00:00.000Z")
    fake.add_post("114600000000000200", created_at="2025-06-02T09:00:00.000Z")
    fake.add_post("114500000000000001", created_at="2025-01-01T09:00:00.000Z")  # older than 14 days
    first = adapter.fetch_own_posts(None, since_days=14)
    assert [p.remote_id for p in first.posts] == ["114600000000000100", "114600000000000200"]
    assert first.cursor == "114600000000000200" and "car park" in first.posts[0].text
    assert first.posts[0].is_root
    [call] = [c for c in fake.calls if c["path"].endswith("/statuses")]
    assert call["query"]["exclude_reblogs"] == ["1"] or call["query"]["exclude_reblogs"] == ["true"]
    fake.add_post("114600000000000300", created_at="2025-06-02T11:00:00.000Z")
    again = adapter.fetch_own_posts(first.cursor, since_days=14)
    assert [p.remote_id for p in again.posts] == ["114600000000000300"]
