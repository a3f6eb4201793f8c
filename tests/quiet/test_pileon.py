"""Pile-on protection with a controlled clock: thresholds, one review item with one
proposed limit, approval through the normal queue, exactly-once execution, and the
automatic undo when the hours are up (previous gate back, hidden replies kept)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from adapters.simulated import SimulatedAdapter
from bot.alerts.scan import scan
from bot.bootstrap import App
from bot.storage import models as m
from bot.storage import quiet_models as q
from tests.quiet.helpers import approve_as_clerk, audit_events, quiet_app
from tests.support import FakeClock

SMTP: dict[str, Any] = {"smtp.host": "127.0.0.1", "smtp.sender": "bot@example.gov.uk",
                        "alerts.recipients": ["clerk@example.gov.uk"]}


def _pile_ons(app) -> list[q.PileOn]:
    with app.sessions() as s:
        return list(s.execute(select(q.PileOn)).scalars())


def allowed(sim: SimulatedAdapter, post: str) -> list[str] | None:
    """Who may reply to ``post`` now, as its gate says (None: anyone)."""
    gate = sim.gate(post)
    assert gate is not None, "the post has a gate record"
    return gate["allow"]


def _setup(tmp_path: Path, simulates: str = "bluesky", /,
           **overrides: Any) -> tuple[FakeClock, App, SimulatedAdapter, str]:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates=simulates, **overrides)
    app.moderator.scan_posts("sim")
    post = sim.publish("Planning committee decision on Morton Way")
    app.moderator.scan_posts("sim")
    return clock, app, sim, post


def test_below_the_thresholds_nothing_is_raised(tmp_path: Path) -> None:
    clock, app, sim, post = _setup(tmp_path)
    sim.reply_burst(post, 19, new_accounts=True)  # min_replies is 20
    assert app.moderator.poll("sim").ok
    assert _pile_ons(app) == []


def test_replies_spread_beyond_the_window_are_not_a_pile_on(tmp_path: Path) -> None:
    clock, app, sim, post = _setup(tmp_path)
    sim.reply_burst(post, 12, new_accounts=True)
    app.moderator.poll("sim")
    clock.advance(minutes=61)
    sim.reply_burst(post, 12, new_accounts=True)
    app.moderator.poll("sim")
    assert _pile_ons(app) == []


def test_known_established_accounts_do_not_make_a_pile_on(tmp_path: Path) -> None:
    clock, app, sim, post = _setup(tmp_path, **{"pile_on.min_replies": 10})
    sim.reply_burst(post, 9, new_accounts=False)
    app.moderator.poll("sim")  # these authors are now known and their accounts are old
    clock.advance(hours=2)
    burst = sim._load()["extra"]
    state = sim._load()
    for e in burst:  # the same people reply again, now
        state["extra"].append({**e, "id": e["id"] + "b", "created_at": clock.now.isoformat()})
    sim._state = state
    sim._save()
    app.moderator.poll("sim")
    assert _pile_ons(app) == []  # 9 known, established accounts: share 0 < 0.5
    sim.reply_burst(post, 10, new_accounts=True)
    app.moderator.poll("sim")
    [pile] = _pile_ons(app)  # now 19 replies in the hour, 10 of them new
    assert (pile.replies, pile.newcomers) == (19, 10)


def test_a_pile_on_is_queued_once_with_one_proposed_limit_and_an_alert(tmp_path: Path) -> None:
    clock, app, sim, post = _setup(tmp_path, **SMTP)
    sim.reply_burst(post, 25, new_accounts=True)
    app.moderator.poll("sim")
    sim.reply_burst(post, 10, new_accounts=True)
    clock.advance(minutes=2)
    app.moderator.poll("sim")  # still the same pile-on: not raised twice
    [pile] = _pile_ons(app)
    assert (pile.replies, pile.newcomers, pile.post_remote_id) == (25, 25, post)
    with app.sessions() as s:
        review = s.get_one(m.ReviewItem, pile.review_item_id)
        assert review.severity == 3 and review.item.kind == "pile_on"
        assert [(a.kind, a.state, a.params) for a in review.actions] == [
            ("limit_replies", "proposed", {"hours": 24, "limit_to": "followers_and_mentioned"})]
        [finding] = review.item.findings
        assert finding.ground == "pile_on" and "25 replies" in finding.explanation
        assert review.item.context_text == "Planning committee decision on Morton Way"
    assert scan(app.settings, app.sessions, clock.now).urgent == 1
    with app.sessions() as s:
        alert = s.execute(select(m.Alert)).scalar_one()
    assert f"/items/{pile.item_id}" in alert.body and "Pile-on" in alert.subject


def test_approved_limit_runs_once_and_is_undone_when_it_expires(tmp_path: Path) -> None:
    clock, app, sim, post = _setup(tmp_path, reply_policy="followers", **{"pile_on.limit_hours": 6})
    app.moderator.apply_reply_gates()
    assert sim.gate(post) == {"allow": ["followers"], "hidden": []}
    ids = sim.reply_burst(post, 30, new_accounts=True)
    app.moderator.poll("sim")
    [pile] = _pile_ons(app)
    approve_as_clerk(app, pile.review_item_id)
    assert app.moderator.execute_due().done == 1
    assert app.moderator.execute_due().done == 0  # exactly once
    # The clerk's own gate was followers only; the limit never opens replies up.
    assert allowed(sim, post) == ["followers"]
    sim._state = sim._load()
    sim._state["gates"][post]["hidden"].append(ids[0])  # the clerk hides a reply meanwhile
    sim._save()
    clock.advance(hours=5, minutes=59)
    assert app.moderator.expire_reply_limits() == 0
    clock.advance(minutes=1)
    assert app.moderator.expire_reply_limits() == 1
    assert app.moderator.expire_reply_limits() == 0  # queued once
    assert app.moderator.execute_due().done == 1
    assert sim.gate(post) == {"allow": ["followers"], "hidden": [ids[0]]}
    [restore] = [a for a in audit_events(app, "action.approved") if a.details.get("undoes")]
    assert "6-hour limit approved by clerk ended" in restore.details["reason"]


def test_a_limit_on_an_open_post_is_lifted_completely(tmp_path: Path) -> None:
    clock, app, sim, post = _setup(tmp_path)
    sim.reply_burst(post, 20, new_accounts=True)
    app.moderator.poll("sim")
    [pile] = _pile_ons(app)
    approve_as_clerk(app, pile.review_item_id)
    app.moderator.execute_due()
    assert allowed(sim, post) == ["followers", "mentioned"]
    clock.advance(hours=24)
    app.moderator.expire_reply_limits()
    app.moderator.execute_due()
    assert allowed(sim, post) is None


def test_on_mastodon_the_pile_on_is_reported_without_an_action(tmp_path: Path) -> None:
    clock, app, sim, post = _setup(tmp_path, "mastodon")
    sim.reply_burst(post, 20, new_accounts=True)
    app.moderator.poll("sim")
    [pile] = _pile_ons(app)
    with app.sessions() as s:
        review = s.get_one(m.ReviewItem, pile.review_item_id)
        assert review.actions == []
        assert "cannot limit who replies" in review.item.findings[0].explanation


def test_the_clerk_can_lift_a_limit_early_and_the_expiry_then_does_nothing(tmp_path: Path) -> None:
    clock, app, sim, post = _setup(tmp_path, reply_policy="mentioned")
    app.moderator.apply_reply_gates()
    sim.reply_burst(post, 20, new_accounts=True)
    app.moderator.poll("sim")
    [pile] = _pile_ons(app)
    approve_as_clerk(app, pile.review_item_id)
    app.moderator.execute_due()
    with app.sessions() as s:
        limit = s.execute(select(m.Action).where(m.Action.kind == "limit_replies")).scalar_one()
    app.moderator.request_undo(limit.id, "clerk", "the thread has calmed down")
    assert app.moderator.execute_due().done == 1
    assert allowed(sim, post) == ["mentioned"]  # the account's own policy, as before the limit
    clock.advance(hours=25)
    assert app.moderator.expire_reply_limits() == 0  # already undone: not put back twice
