"""Information-only accounts: every new council post gets the account's reply gate where
the platform allows it, exactly once, audited; Mastodon answers mentions instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain import Author, Batch, Item, ItemKind
from bot.errors import TransientError
from bot.storage import models as m
from bot.storage import quiet_models as q
from tests.quiet.helpers import audit_events, quiet_app
from tests.support import FakeClock


@pytest.mark.parametrize(("policy", "allow"), [("nobody", []), ("followers", ["followers"]),
                                                ("mentioned", ["mentioned"])])
def test_bluesky_gates_every_new_post_once(tmp_path: Path, policy: str, allow: list[str]) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", reply_policy=policy)
    mod = app.moderator
    assert mod.scan_posts("sim").ok  # the policy takes effect now
    clock.advance(minutes=5)
    post = sim.publish("The library is closed on Monday for repairs.")
    result = mod.scan_posts("sim")
    assert (result.posts, result.gates) == (1, 1)
    assert sim.gate(post) is None  # nothing is done in the poll's transaction itself
    assert mod.apply_reply_gates() == 1
    assert sim.gate(post) == {"allow": allow, "hidden": []}
    assert mod.apply_reply_gates() == 0 and mod.scan_posts("sim").posts == 0  # once
    [event] = audit_events(app, "reply_gate.set")
    assert event.details["post"] == post and event.details["policy"] == policy
    [change] = audit_events(app, "reply_policy.changed")
    assert change.details == {"account": "sim", "from": None, "to": policy}


def test_posts_from_before_the_policy_and_council_replies_are_left_alone(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", reply_policy="nobody")
    old = sim.publish("Posted before the bot was told", at=clock.now)
    clock.advance(minutes=1)
    assert app.moderator.scan_posts("sim").gates == 0  # first scan: the policy starts now
    clock.advance(minutes=1)
    reply = sim.publish("Thanks, we have passed this on", reply_to=old)
    assert app.moderator.scan_posts("sim").gates == 0  # a reply cannot carry a threadgate
    assert app.moderator.apply_reply_gates() == 0
    assert sim.gate(old) is None and sim.gate(reply) is None


def test_a_gate_keeps_replies_hidden_by_the_clerk(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", reply_policy="followers")
    app.moderator.scan_posts("sim")
    clock.advance(minutes=1)
    post = sim.publish("Consultation on the neighbourhood plan closes Friday.")
    state = sim._load()
    state.setdefault("gates", {})[post] = {"allow": None, "hidden": ["sim-x9"]}
    sim._state = state
    sim._save()
    app.moderator.scan_posts("sim")
    app.moderator.apply_reply_gates()
    assert sim.gate(post) == {"allow": ["followers"], "hidden": ["sim-x9"]}


def test_observe_mode_records_the_gate_but_sets_nothing(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", reply_policy="nobody", mode="observe")
    app.moderator.scan_posts("sim")
    clock.advance(minutes=1)
    post = sim.publish("Bin collections move to Tuesday.")
    assert app.moderator.scan_posts("sim").gates == 1
    assert app.moderator.apply_reply_gates() == 0
    assert sim.gate(post) is None
    with app.sessions() as s:
        assert s.execute(select(q.CouncilPost.gate_state)).scalar_one() == "observe"


def test_a_failed_gate_is_retried_with_backoff_then_set(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", reply_policy="nobody")
    app.moderator.scan_posts("sim")
    clock.advance(minutes=1)
    post = sim.publish("Road closure on Saturday for the carnival.")
    app.moderator.scan_posts("sim")
    sim.inject("gate", TransientError("PDS timed out"))
    assert app.moderator.apply_reply_gates() == 0
    assert app.moderator.apply_reply_gates() == 0  # waiting for its backoff
    clock.advance(minutes=10)
    assert app.moderator.apply_reply_gates() == 1
    assert sim.gate(post) == {"allow": [], "hidden": []}


def test_a_change_of_policy_is_audited_and_applies_to_later_posts(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", reply_policy="open")
    app.moderator.scan_posts("sim")
    first = sim.publish("Open post")
    clock.advance(minutes=1)
    assert app.moderator.scan_posts("sim").gates == 0
    app.close()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", reply_policy="mentioned")
    clock.advance(minutes=1)
    app.moderator.scan_posts("sim")
    clock.advance(minutes=1)
    later = sim.publish("Information only from now on")
    assert app.moderator.scan_posts("sim").gates == 1
    app.moderator.apply_reply_gates()
    assert sim.gate(first) is None and sim.gate(later) == {"allow": ["mentioned"], "hidden": []}
    [change] = audit_events(app, "reply_policy.changed")
    assert change.details == {"account": "sim", "from": "open", "to": "mentioned"}


def test_gotosocial_sets_the_default_for_new_posts_once(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="gotosocial", reply_policy="followers")
    app.moderator.scan_posts("sim")
    app.moderator.scan_posts("sim")
    [applied] = audit_events(app, "reply_policy.applied")
    assert applied.details["policy"] == "followers"
    post = sim.publish("Published from the app after the bot set the default")
    assert sim.gate(post) == {"allow": ["followers"], "hidden": []}
    assert app.moderator.scan_posts("sim").gates == 0  # GoToSocial cannot change a post afterwards


def _mention(n: int, sender: str) -> Item:
    author = Author(remote_id=sender, handle=f"{sender}@x.example")
    return Item(remote_id=f"m-{n}", kind=ItemKind.MENTION, author=author,
                text="@council when will the pothole be fixed?", created_at=FakeClock().now, raw={"id": n})


def test_mastodon_cannot_gate_so_mentions_get_the_office_reply_once_per_sender(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="mastodon", reply_policy="nobody")
    app.moderator.scan_posts("sim")
    clock.advance(minutes=1)
    post = sim.publish("Information only")
    assert app.moderator.scan_posts("sim").gates == 0 and sim.gate(post) is None
    items = (_mention(1, "u1"), _mention(2, "u1"), _mention(3, "u2"))
    app.moderator._commit_batch("sim", sim, None, Batch(items, "x"))
    assert app.moderator.send_outbox() == 2
    sent = sim.dm_replies
    assert sorted(v["to"] for v in sent.values()) == ["u1", "u2"]
    assert all("does not answer here" in v["text"] and "clerk@example.gov.uk" in v["text"] for v in sent.values())
    with app.sessions() as s:
        states = dict(s.execute(select(m.Item.remote_id, m.OutboxMessage.state)
                                .join(m.Item, m.Item.id == m.OutboxMessage.item_id)).all())
    assert states == {"m-1": "sent", "m-2": "suppressed", "m-3": "sent"}


def test_mastodon_with_an_open_policy_sends_nothing_to_mentions(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="mastodon", reply_policy="open")
    app.moderator._commit_batch("sim", sim, None, Batch((_mention(1, "u1"),), "x"))
    assert app.moderator.send_outbox() == 0 and sim.dm_replies == {}
