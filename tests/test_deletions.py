"""Posts their authors deleted are noticed within the normal polls: the record stays,
marked; an action on a deleted post is 'not needed', not a failure. The core on the
simulated platform (SQLite and PostgreSQL), and each adapter against payloads shaped
like the real servers' (Mastodon's 404/410, Bluesky's ``getPosts`` leaving posts out)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from sqlalchemy import select

from adapters.mastodon import MastodonAdapter
from adapters.simulated import SimulatedAdapter
from bot.bootstrap import App
from bot.decisions import Decision
from bot.domain import ActionKind
from bot.errors import TransientError
from bot.evidence import verify_all
from bot.storage import models as m
from tests.adapters.fixtures.bluesky.fake_pds import (
    RESIDENT,
    FakePds,
    logged_in,
    make_adapter,
    post_uri,
    post_view,
)
from tests.adapters.fixtures.mastodon.fake_server import FakeMastodon, account_settings
from tests.support import FakeClock
from tests.test_moderator import add_user


def sim(app: App) -> SimulatedAdapter:
    adapter = app.moderator.adapters["sim"]
    assert isinstance(adapter, SimulatedAdapter)
    return adapter


def pending(app: App) -> list[tuple[int, int, str]]:
    """(review id, item id, remote id) of pending reviews, oldest first."""
    with app.sessions() as s:
        return [(r.id, r.item_id, r.item.remote_id) for r in s.execute(
            select(m.ReviewItem).where(m.ReviewItem.status == "pending").order_by(m.ReviewItem.id)).scalars()]


def deleted_at(app: App, item_id: int) -> object:
    with app.sessions() as s:
        item = s.get(m.Item, item_id)
        assert item is not None
        return item.deleted_at


def test_a_deleted_pending_post_is_marked_on_the_next_poll_and_its_hide_is_not_needed(
        app: App, clock: FakeClock) -> None:
    add_user(app)
    assert app.moderator.poll("sim").flagged > 1
    review_id, item_id, remote_id = pending(app)[0]
    sim(app).delete_post(remote_id)
    clock.advance(minutes=2)
    result = app.moderator.poll("sim")
    assert result.ok and result.deleted == 1
    assert deleted_at(app, item_id) == clock.now
    with app.sessions() as s:
        assert verify_all(s).ok  # the evidence stays, and the deletion is in the chain
        assert s.execute(select(m.AuditEvent.event).where(m.AuditEvent.subject_id == str(item_id))
                         ).scalars().all()[-1] == "evidence.post_deleted"
    assert app.moderator.poll("sim").deleted == 0  # noticed once
    app.moderator.decide(Decision(review_id, True, "clerk", "abuse", actions=(ActionKind.HIDE_REPLY,)))
    executed = app.moderator.execute_due()
    assert (executed.done, executed.failed, executed.not_needed) == (0, 0, 1)
    with app.sessions() as s:
        action = s.execute(select(m.Action).where(m.Action.review_item_id == review_id,
                                                  m.Action.kind == "hide_reply")).scalar_one()
        assert action.state == "done" and action.last_error is None
        assert action.outcome == "Not needed: the author deleted the post."


def test_an_action_finding_the_post_gone_marks_it_deleted(app: App) -> None:
    add_user(app)
    app.moderator.poll("sim")
    review_id, item_id, remote_id = pending(app)[0]
    sim(app).deletion_checks_per_poll = 0  # not noticed by a poll first
    sim(app).delete_post(remote_id)
    app.moderator.decide(Decision(review_id, True, "clerk", "abuse", actions=(ActionKind.HIDE_REPLY,)))
    assert app.moderator.execute_due().not_needed == 1
    assert deleted_at(app, item_id) is not None


def test_checks_rotate_through_the_queue_within_the_budget(app: App, clock: FakeClock) -> None:
    while app.moderator.poll("sim").stored:
        pass  # everything the platform has
    queue = pending(app)
    assert len(queue) > 4
    sim(app).deletion_checks_per_poll = 2
    for _, _, remote_id in queue:
        sim(app).delete_post(remote_id)
    noticed = 0
    for _ in range((len(queue) + 1) // 2):
        clock.advance(minutes=2)
        noticed += app.moderator.poll("sim").deleted
    assert noticed == len(queue) and pending(app) == queue  # still pending for the clerk, all marked
    assert all(deleted_at(app, item_id) is not None for _, item_id, _ in queue)


def test_a_failed_check_does_not_fail_the_poll(app: App, caplog: pytest.LogCaptureFixture) -> None:
    app.moderator.poll("sim")
    sim(app).inject("deleted", TransientError("502 Bad Gateway"))
    with caplog.at_level(logging.WARNING):
        result = app.moderator.poll("sim")
    assert result.ok and result.deleted == 0
    lines = [r for r in caplog.records if "deleted posts" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None  # one line, no traceback


def test_the_item_page_says_deleted_by_its_author(app: App, clock: FakeClock) -> None:
    from bot.web import create_web_app
    from tests.web.conftest import add_person, sign_in

    app.moderator.poll("sim")
    _, item_id, remote_id = pending(app)[0]
    sim(app).delete_post(remote_id)
    app.moderator.poll("sim")  # clock: 2 November 2026 10:00 UTC is 10am in London (GMT)
    client = create_web_app(app, config_overrides={"TESTING": True}).test_client()
    sign_in(client, add_person(app), clock)
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "Deleted by its author on 2 November 2026 at 10am" in page and "evidence are kept" in page


# -- Mastodon: GET /api/v1/statuses/:id answers 404 (or 410) for a deleted status --------------
@pytest.fixture
def fake_mastodon() -> Iterator[FakeMastodon]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeMastodon(rsps)


def test_mastodon_deleted_statuses_are_the_404s_and_410s(fake_mastodon: FakeMastodon) -> None:
    kept = fake_mastodon.push_notification("notification_mention")["status"]["id"]
    deleted = fake_mastodon.push_notification("notification_mention")["status"]["id"]
    removed = fake_mastodon.push_notification("notification_mention")["status"]["id"]
    fake_mastodon.deleted_statuses.add(deleted)
    fake_mastodon.gone_statuses.add(removed)
    adapter = MastodonAdapter(account_settings(), access_token="token-abc")
    assert adapter.deleted_posts([kept, deleted, removed]) == {deleted, removed}
    asked = [c["path"] for c in fake_mastodon.calls]
    assert asked == [f"/api/v1/statuses/{i}" for i in (kept, deleted, removed)]


def test_mastodon_checks_at_most_its_budget_and_a_server_error_propagates(fake_mastodon: FakeMastodon) -> None:
    adapter = MastodonAdapter(account_settings(), access_token="token-abc")
    ids = [fake_mastodon.push_notification("notification_mention")["status"]["id"] for _ in range(8)]
    assert adapter.deleted_posts(ids) == set()
    assert len(fake_mastodon.calls) == adapter.deletion_checks_per_poll == 5
    fake_mastodon.fail_next(503, body={"error": "Service Unavailable"})
    with pytest.raises(TransientError):
        adapter.deleted_posts(ids)


# -- Bluesky: app.bsky.feed.getPosts leaves deleted posts out of its answer ------------------
def test_bluesky_deleted_posts_are_those_getposts_leaves_out(tmp_path: Path) -> None:
    fake = FakePds()
    logged_in(fake)
    kept, deleted = post_uri(RESIDENT["did"], "3kept"), post_uri(RESIDENT["did"], "3gone")

    def get_posts(request):  # type: ignore[no-untyped-def]
        from tests.adapters.fixtures.bluesky.fake_pds import json_response

        uris = parse_qs(urlsplit(str(request.url)).query)["uris"]
        return json_response(200, {"posts": [post_view(u, "still here", RESIDENT) for u in uris if u != deleted]})

    fake.on("app.bsky.feed.getPosts", get_posts)
    adapter = make_adapter(tmp_path, fake)
    assert adapter.deleted_posts([kept, deleted, "chat:convo:1"]) == {deleted}
    calls = fake.calls("app.bsky.feed.getPosts")
    assert len(calls) == 1 and parse_qs(urlsplit(str(calls[0].url)).query)["uris"] == [kept, deleted]
    assert adapter.deletion_checks_per_poll == 25
