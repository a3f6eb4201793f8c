"""The simulated platform keeps the same adapter contract as the real ones, and
behaves like a well-kept server (idempotency keys, deleted posts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.simulated import SimulatedAdapter
from bot.domain import ActionKind, ActionOrder
from bot.errors import AuthFailed, RateLimited, TargetGone, TransientError
from tests.adapters.contract import AdapterContract
from tests.support import FakeClock


class SimulatedHarness:
    def __init__(self, tmp_path: Path, simulates: str = "any"):
        self.clock = FakeClock()
        self.adapter = SimulatedAdapter("@council@social.example", tmp_path / "sim.json", initial=0,
                                        per_minute=60, clock=self.clock, simulates=simulates)

    def push_items(self, count: int) -> list[str] | None:
        self.clock.advance(seconds=count)
        return None  # the script decides ids (and skips its malformed posts)

    def push_malformed(self) -> bool:
        while self.adapter.released() % 53 != 52:  # the script's next post is the malformed one
            self.clock.advance(seconds=1)
        self.clock.advance(seconds=2)  # the malformed post and a good one after it
        return True

    def break_next(self, failure: str) -> bool:
        error = {"auth": AuthFailed("revoked"), "rate_limit": RateLimited("429", retry_at=0),
                 "transient": TransientError("503")}[failure]
        self.adapter.inject("fetch", error)
        return True


class TestSimulatedContract(AdapterContract):
    """Every flavour keeps the contract; the Mastodon and Bluesky ones lack actions, so the
    unsupported-action check runs on them instead of being skipped."""

    @pytest.fixture(params=["any", "mastodon", "bluesky", "gotosocial"])
    def harness(self, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SimulatedHarness]:
        yield SimulatedHarness(tmp_path, request.param)


def order(kind: ActionKind, key: str, item: str = "sim-1") -> ActionOrder:
    return ActionOrder(1, kind, "user-a", "a", item, {}, {}, key)


def test_repeated_idempotency_key_is_applied_once(tmp_path: Path) -> None:
    sim = SimulatedAdapter("@c", tmp_path / "s.json")
    sim.apply(order(ActionKind.BLOCK, "k1"))
    sim.apply(order(ActionKind.BLOCK, "k1"))
    again = SimulatedAdapter("@c", tmp_path / "s.json")  # state survives a restart
    assert list(again.applied) == ["k1"]


def test_hiding_a_deleted_post_reports_target_gone(tmp_path: Path) -> None:
    sim = SimulatedAdapter("@c", tmp_path / "s.json")
    sim.delete_post("sim-3")
    with pytest.raises(TargetGone):
        sim.apply(order(ActionKind.HIDE_REPLY, "k2", item="sim-3"))
    sim.apply(order(ActionKind.BLOCK, "k3", item="sim-3"))  # the author can still be blocked
