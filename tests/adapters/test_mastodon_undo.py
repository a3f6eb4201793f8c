"""Undoing on Mastodon: unblock and unmute (POST /api/v1/accounts/:id/unblock, /unmute),
answered with the Relationship entity, as the server does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from adapters.mastodon import MastodonAdapter
from bot.domain import ActionKind
from bot.errors import TargetGone, Unsupported
from tests.adapters.fixtures.mastodon.fake_server import FakeMastodon, account_settings
from tests.adapters.test_mastodon_actions import NOW, RESIDENT, fetched, order


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeMastodon(rsps)


@pytest.fixture
def adapter(fake: FakeMastodon) -> MastodonAdapter:
    return MastodonAdapter(account_settings(), access_token="token-abc", now=lambda: NOW)


@pytest.mark.parametrize(("kind", "path", "facts"), [
    (ActionKind.UNBLOCK, f"/api/v1/accounts/{RESIDENT}/unblock", {"blocking": False}),
    (ActionKind.UNMUTE, f"/api/v1/accounts/{RESIDENT}/unmute", {"muting": False}),
])
def test_undo_calls_its_endpoint_and_keeps_the_new_relationship(fake: FakeMastodon, adapter: MastodonAdapter,
                                                                kind: ActionKind, path: str,
                                                                facts: dict[str, bool]) -> None:
    item = fetched(adapter, fake, "notification_mention")
    assert adapter.apply(order(item, kind, undoes=3, done={"blocking": True})) == facts
    call = fake.calls[-1]
    assert (call["method"], call["path"]) == ("POST", path)
    assert kind in adapter.capabilities


def test_undo_for_an_account_that_is_gone(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_mention")
    fake.gone_accounts.add(RESIDENT)
    with pytest.raises(TargetGone):
        adapter.apply(order(item, ActionKind.UNBLOCK))


def test_mastodon_cannot_unhide(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    item = fetched(adapter, fake, "notification_mention")
    with pytest.raises(Unsupported):
        adapter.apply(order(item, ActionKind.UNHIDE_REPLY))
    assert ActionKind.UNHIDE_REPLY not in adapter.capabilities
