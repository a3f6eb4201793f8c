"""The page's caveats follow what the account's platform can really do, also in the demo."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from adapters.simulated import SimulatedAdapter
from bot.bootstrap import App
from tests.web.conftest import insert_review


def simulated(app: App, tmp_path: Path, name: str, simulates: str) -> None:
    app.moderator.adapters[name] = SimulatedAdapter(f"@{name}", tmp_path / f"{name}.json", simulates=simulates)


def page_of(client: FlaskClient, review_id: int) -> str:
    return client.get(f"/review/{review_id}", follow_redirects=True).get_data(as_text=True)


def test_a_simulated_mastodon_account_shows_mastodons_caveats(app: App, signed_in: FlaskClient,
                                                              tmp_path: Path) -> None:
    simulated(app, tmp_path, "simmasto", "mastodon")
    rid = insert_review(app, account="simmasto", platform="simulated", meta={"root_is_council": True},
                        actions=("hide_reply", "block"))
    page = page_of(signed_in, rid)
    assert "simulated demo platform, behaving like Mastodon" in page
    assert "Mastodon has no way to hide a reply under the council" in page
    assert "Reporting it to the server" in page
    assert 'value="hide_reply"' not in page and 'value="block"' in page and 'value="remove_follower"' in page


def test_a_simulated_bluesky_account_can_hide_under_the_councils_thread(app: App, signed_in: FlaskClient,
                                                                        tmp_path: Path) -> None:
    simulated(app, tmp_path, "simsky", "bluesky")
    ours = insert_review(app, account="simsky", platform="simulated", meta={"root_is_council": True})
    theirs = insert_review(app, account="simsky", platform="simulated", meta={"root_is_council": False})
    page = page_of(signed_in, ours)
    assert "behaving like Bluesky" in page and 'value="hide_reply"' in page and 'value="detach_quote"' in page
    assert "On Bluesky, hiding a reply only works when the thread was started by the council" in page
    assert "Blocking also removes the author from the council" in page
    assert 'value="remove_follower"' not in page
    other = page_of(signed_in, theirs)
    assert 'value="hide_reply"' not in other and "so Bluesky does not let the council hide it" in other
