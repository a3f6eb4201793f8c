"""The contract every platform adapter must keep, as a reusable pytest mixin.

One set of checks runs against every adapter (Mastodon, Bluesky, the simulated one),
so the fake used by the core's tests cannot drift from the real adapters.

How to use it for an adapter ``FooAdapter``::

    import pytest
    from tests.adapters.contract import AdapterContract

    class FooHarness:
        # the adapter under test, talking to a fake server (responses, respx...)
        adapter: FooAdapter
        def push_items(self, count: int) -> list[str] | None: ...
        def push_malformed(self) -> bool: ...
        def break_next(self, failure: str) -> bool: ...

    class TestFooContract(AdapterContract):
        @pytest.fixture
        def harness(self):
            with fake_server() as server:
                yield FooHarness(server)

The harness injects traffic into the fake platform:

- ``push_items(count)``: make ``count`` new, well-formed items (replies, mentions,
  DMs...) appear on the platform; return their remote ids, or ``None`` when the
  platform makes up its own ids (then at least ``count`` new items must appear);
- ``push_malformed()``: make one malformed entity appear followed by one good item;
  return False if the fake cannot do that (the check is then skipped);
- ``break_next(failure)``: make the next request fail as ``failure`` (one of
  ``FAILURES``: "auth" = token revoked, "rate_limit" = HTTP 429, "transient" = 5xx or
  timeout); return False if the fake cannot simulate it (the case is skipped).

The checks: ``fetch`` returns a ``Batch`` of ``Item``s with kinds in ``ItemKind``;
remote ids are unique; the cursor moves forward; fetching again with the same cursor
gives the same items (the core may crash before storing the cursor); a malformed
entity is skipped and counted in ``Batch.skipped``; ``capabilities`` is a frozenset of
``ActionKind``; ``apply`` of an unsupported kind raises ``Unsupported``; failures are
the project's error types (``bot.errors``), never library exceptions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import pytest

from bot.domain import AccountInfo, ActionKind, ActionOrder, Author, Batch, Item, ItemKind
from bot.errors import AuthFailed, RateLimited, TransientError, Unsupported

FAILURES: dict[str, type[Exception]] = {
    "auth": AuthFailed,
    "rate_limit": RateLimited,
    "transient": TransientError,
}
MAX_ROUNDS = 50  # fetches before "draining" an adapter gives up


class AdapterHarness(Protocol):
    adapter: Any

    def push_items(self, count: int) -> list[str] | None: ...

    def push_malformed(self) -> bool: ...

    def break_next(self, failure: str) -> bool: ...


def drain(adapter: Any, cursor: str | None) -> tuple[list[Batch], str | None]:
    """Fetch until a batch brings nothing new; return the batches and the last cursor."""
    batches: list[Batch] = []
    for _ in range(MAX_ROUNDS):
        batch = adapter.fetch(cursor)
        assert isinstance(batch, Batch), f"fetch returned {type(batch).__name__}, not Batch"
        batches.append(batch)
        cursor = batch.cursor if batch.cursor is not None else cursor
        if not batch.items:
            return batches, cursor
    raise AssertionError(f"fetch still returned items after {MAX_ROUNDS} rounds")


def ids_of(batches: list[Batch]) -> list[str]:
    return [item.remote_id for batch in batches for item in batch.items]


def check_item(item: Any) -> None:
    """One item carries what the core and the policy engine rely on."""
    assert isinstance(item, Item)
    assert isinstance(item.kind, ItemKind)
    assert isinstance(item.remote_id, str) and item.remote_id
    assert isinstance(item.author, Author) and item.author.remote_id and item.author.handle
    assert isinstance(item.text, str)
    assert isinstance(item.created_at, datetime) and item.created_at.tzinfo is not None
    assert isinstance(item.raw, dict) and item.raw
    assert isinstance(item.meta, dict)


def order_for(item: Item, kind: ActionKind) -> ActionOrder:
    return ActionOrder(
        action_id=1, kind=kind, author_remote_id=item.author.remote_id,
        author_handle=item.author.handle, item_remote_id=item.remote_id,
        item_meta=dict(item.meta), params={}, idempotency_key=f"contract-{kind.value}",
    )


class AdapterContract:
    """Mixin of contract checks; subclass it in a ``Test*`` class that provides ``harness``."""

    def _baseline(self, harness: AdapterHarness) -> str | None:
        _, cursor = drain(harness.adapter, None)
        return cursor

    def _new_items(self, harness: AdapterHarness, count: int) -> tuple[str | None, list[Batch]]:
        cursor = self._baseline(harness)
        expected = harness.push_items(count)
        batches, _ = drain(harness.adapter, cursor)
        got = ids_of(batches)
        if expected is None:
            assert len(got) >= count, f"expected at least {count} new items, got {len(got)}"
        else:
            assert set(expected) <= set(got), f"missing pushed items {set(expected) - set(got)}"
        return cursor, batches

    def test_capabilities_are_a_frozenset_of_action_kinds(self, harness: AdapterHarness) -> None:
        caps = harness.adapter.capabilities
        assert isinstance(caps, frozenset)
        assert all(isinstance(kind, ActionKind) for kind in caps)

    def test_check_describes_the_account(self, harness: AdapterHarness) -> None:
        info = harness.adapter.check()
        assert isinstance(info, AccountInfo)
        assert info.remote_id and info.handle
        assert all(isinstance(w, str) for w in info.warnings)

    def test_fetch_returns_a_batch_of_items(self, harness: AdapterHarness) -> None:
        _, batches = self._new_items(harness, 3)
        for batch in batches:
            assert isinstance(batch.items, tuple)
            assert isinstance(batch.skipped, int) and batch.skipped >= 0
            assert isinstance(batch.requests, int) and batch.requests >= 0
            assert batch.cursor is None or isinstance(batch.cursor, str)
            for item in batch.items:
                check_item(item)

    def test_remote_ids_are_unique(self, harness: AdapterHarness) -> None:
        _, batches = self._new_items(harness, 5)
        ids = ids_of(batches)
        assert len(ids) == len(set(ids)), "the same remote id was handed over twice"

    def test_cursor_moves_forward(self, harness: AdapterHarness) -> None:
        cursor, batches = self._new_items(harness, 4)
        seen = set(ids_of(batches))
        last = batches[-1].cursor
        after = harness.adapter.fetch(last)
        assert not seen & {item.remote_id for item in after.items}, "old items came back"
        assert cursor is None or last is not None

    def test_fetch_again_with_the_same_cursor_gives_the_same_items(self, harness: AdapterHarness) -> None:
        cursor = self._baseline(harness)
        harness.push_items(3)
        first = harness.adapter.fetch(cursor)
        again = harness.adapter.fetch(cursor)
        assert [i.remote_id for i in first.items] == [i.remote_id for i in again.items]
        assert first.items, "the pushed items were not fetched"

    def test_a_malformed_entity_is_skipped_and_counted(self, harness: AdapterHarness) -> None:
        cursor = self._baseline(harness)
        if not harness.push_malformed():
            pytest.skip("this fake cannot produce a malformed entity")
        batches, _ = drain(harness.adapter, cursor)
        assert sum(b.skipped for b in batches) >= 1
        assert ids_of(batches), "the good item after the malformed one was lost"

    def test_unsupported_actions_raise_unsupported(self, harness: AdapterHarness) -> None:
        _, batches = self._new_items(harness, 1)
        item = next(i for b in batches for i in b.items)
        # Read after talking to the server: capabilities may depend on its version.
        missing = [kind for kind in ActionKind if kind not in harness.adapter.capabilities]
        if not missing:
            pytest.skip("this adapter supports every action kind")
        for kind in missing:
            with pytest.raises(Unsupported):
                harness.adapter.apply(order_for(item, kind))

    @pytest.mark.parametrize("failure", sorted(FAILURES))
    def test_failures_are_project_errors(self, harness: AdapterHarness, failure: str) -> None:
        cursor = self._baseline(harness)
        if not harness.break_next(failure):
            pytest.skip(f"this fake cannot simulate {failure!r}")
        with pytest.raises(FAILURES[failure]):
            harness.adapter.fetch(cursor)
