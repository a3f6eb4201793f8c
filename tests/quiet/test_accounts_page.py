"""The accounts page says who may reply and how the platform enforces it (plainly, for
Mastodon: it cannot), and lists recent pile-ons with what happened to the limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from bot.web import create_web_app
from tests.quiet.helpers import quiet_app
from tests.support import FakeClock
from tests.web.conftest import add_person, fast_password_hashing, sign_in  # noqa: F401 - a fixture


def _page(app, clock: FakeClock) -> str:
    client: FlaskClient = create_web_app(app, config_overrides={"TESTING": True}).test_client()
    sign_in(client, add_person(app), clock)
    return client.get("/accounts").get_data(as_text=True)


@pytest.mark.usefixtures("fast_password_hashing")
def test_mastodon_information_only_is_told_plainly(tmp_path: Path) -> None:
    clock = FakeClock()
    app, _ = quiet_app(tmp_path, clock, simulates="mastodon", reply_policy="nobody")
    page = _page(app, clock)
    assert "Information only: nobody can reply to the council&#39;s new posts." in page
    assert "Mastodon cannot stop people replying to the council&#39;s posts, so this cannot be enforced" in page
    assert "at most once per person every 7 days" in page


@pytest.mark.usefixtures("fast_password_hashing")
def test_bluesky_gates_and_a_pile_on_with_its_limit(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", reply_policy="followers",
                         **{"election.from": "2026-11-01", "election.to": "2026-11-05"})
    app.moderator.scan_posts("sim")
    post = sim.publish("Budget consultation")
    app.moderator.scan_posts("sim")
    app.moderator.apply_reply_gates()
    sim.reply_burst(post, 22, new_accounts=True)
    app.moderator.poll("sim")
    page = _page(app, clock)
    assert "Only the council&#39;s followers can reply" in page and "Bluesky threadgate" in page
    assert "Reply limits on new posts: 1 set." in page
    assert "22 replies, 22 from new or first-time accounts. Limit proposed: waiting for your decision." in page
    assert "Pre-election period: 1 November 2026 to polling day, 5 November 2026." in page
