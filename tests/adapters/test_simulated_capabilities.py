"""A simulated account can do exactly what the real platform it copies can, no more,
so the demo shows the real caveats (no hiding replies on Mastodon, for one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.bluesky.adapter import BlueskyAdapter
from adapters.mastodon.adapter import CORE_CAPABILITIES, FEATURE_CAPABILITIES
from adapters.mastodon.server import features_of
from adapters.simulated import SimulatedAdapter
from bot.domain import ActionKind, ActionOrder
from bot.errors import Unsupported


def real_mastodon(name: str, version: tuple[int, int, int]) -> frozenset[ActionKind]:
    """What the real Mastodon adapter offers on that server software (its own rule)."""
    features = features_of(name, version)
    return CORE_CAPABILITIES | {kind for feature, kind in FEATURE_CAPABILITIES.items() if feature in features}


@pytest.mark.parametrize(("simulates", "real"), [
    ("mastodon", real_mastodon("mastodon", (4, 5, 0))),
    ("gotosocial", real_mastodon("gotosocial", (0, 19, 0))),
    ("bluesky", BlueskyAdapter.capabilities),
])
def test_each_flavour_has_the_real_adapters_capabilities(tmp_path: Path, simulates: str, real) -> None:
    sim = SimulatedAdapter("@c", tmp_path / "s.json", simulates=simulates)
    assert sim.capabilities == real


def test_simulated_mastodon_cannot_hide_and_bluesky_can(tmp_path: Path) -> None:
    masto = SimulatedAdapter("@c", tmp_path / "m.json", simulates="mastodon")
    sky = SimulatedAdapter("c.example", tmp_path / "b.json", simulates="bluesky")
    hide = ActionOrder(1, ActionKind.HIDE_REPLY, "user-a", "a", "sim-1", {"root_is_council": True}, {}, "k1")
    with pytest.raises(Unsupported):
        masto.apply(hide)
    assert masto.applied == {}
    assert sky.apply(hide) is not None and "k1" in sky.applied
    assert ActionKind.DETACH_QUOTE in sky.capabilities and ActionKind.REATTACH_QUOTE in sky.capabilities
    assert ActionKind.REATTACH_QUOTE not in masto.capabilities  # a revoked Mastodon quote stays revoked
    assert ActionKind.REMOVE_FOLLOWER not in sky.capabilities  # on Bluesky, blocking removes a follower


def test_the_demo_config_uses_the_real_flavours() -> None:
    from bot.settings import load_settings
    from tests.support import REPO

    settings = load_settings(REPO / "config" / "demo.yaml")
    assert {a.name: a.simulates for a in settings.accounts} == {"sim-mastodon": "mastodon",
                                                               "sim-bluesky": "bluesky"}
    assert settings.policy.name == "thornbury"
