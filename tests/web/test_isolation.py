"""Every stranger's handle and every reason or platform message inside a sentence of
the page is isolated for direction (``<bdi>``): with a right-to-left override in the
handle, no override is left outside an isolate on the queue, the check page, the
result panels, the messages after a decision, the undo error and the audit log."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from bot.bootstrap import App
from bot.storage import models as m
from bot.storage.db import transaction
from tests.web.conftest import csrf_of, insert_review

RLO = "\u202e"
HANDLE = f"@{RLO}live.evil@example.social"
REASON = f"rude {RLO}reversed"
ISOLATED = re.compile(r'<bdi class="untrusted">[^<]*</bdi>')
TAG = re.compile(r"<[^>]*>")


def loose_overrides(page: str) -> list[str]:
    """The text around each override that is not inside an isolate (attributes do not count)."""
    text = TAG.sub("", ISOLATED.sub("", page))
    return [text[max(0, i - 60):i + 20] for i, ch in enumerate(text) if ch == RLO]


def isolated_handle_count(page: str) -> int:
    return page.count(f'<bdi class="untrusted">{HANDLE}</bdi>')


def post(client: FlaskClient, path: str, **fields: object) -> str:
    r = client.post(path, data={"csrf_token": csrf_of(client, "/"), **fields}, follow_redirects=True)
    return r.get_data(as_text=True)


def item_of(app: App, review_id: int) -> int:
    with app.sessions() as s:
        return int(s.execute(select(m.ReviewItem.item_id).where(m.ReviewItem.id == review_id)).scalar_one())


def test_a_right_to_left_override_in_a_handle_stays_inside_its_isolate(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app, actions=("block", "mute"), author_handle=HANDLE, display_name="Someone")
    item = item_of(app, rid)

    queue = signed_in.get("/").get_data(as_text=True)
    assert "Proposed: block" in queue and f'mute <bdi class="untrusted">{HANDLE}</bdi>' in queue
    assert loose_overrides(queue) == []

    page = signed_in.get(f"/items/{item}").get_data(as_text=True)
    assert "Proposed: block" in page and loose_overrides(page) == []

    check = post(signed_in, f"/items/{item}/decide", decision="approve", actions=["block", "mute"], back="/",
                 reason=REASON)
    assert "Check what will happen" in check
    assert isolated_handle_count(check) >= 3  # the lead, and what blocking and muting do
    assert loose_overrides(check) == []  # the reason too

    done = post(signed_in, f"/items/{item}/decide", decision="approve", actions=["block", "mute"], back="/",
                reason=REASON, confirmed="yes")
    assert "upheld: blocking" in done and loose_overrides(done) == []  # the message after the decision

    with transaction(app.sessions) as s:
        mute = s.execute(select(m.Action).where(m.Action.review_item_id == rid, m.Action.kind == "mute")).scalar_one()
        mute.state, mute.last_error = "failed", f"The platform said: {RLO}no"
    assert app.moderator.execute_due().done == 1  # the block
    panels = signed_in.get(f"/items/{item}").get_data(as_text=True)
    assert "The bot blocked" in panels and "The bot could not mute" in panels
    assert isolated_handle_count(panels) >= 3  # both headlines and the author box
    assert loose_overrides(panels) == []  # the platform's message and the clerk's reason too

    with app.sessions() as s:
        block = s.execute(select(m.Action).where(m.Action.review_item_id == rid, m.Action.kind == "block")).scalar_one()
    missing = post(signed_in, f"/items/{item}/undo", action=block.id, reason="")
    assert "give a reason for undoing blocking" in missing and loose_overrides(missing) == []
    undo_check = post(signed_in, f"/items/{item}/undo", action=block.id, reason=REASON)
    assert "Check before you undo it" in undo_check and loose_overrides(undo_check) == []
    undone = post(signed_in, f"/items/{item}/undo", action=block.id, reason=REASON, confirmed="yes")
    assert "unblocking" in undone and loose_overrides(undone) == []

    for view in ("/audit", "/audit?show=all"):
        log = signed_in.get(view).get_data(as_text=True)
        assert "approved blocking" in log and loose_overrides(log) == []
        assert isolated_handle_count(log) >= 2


def test_a_handle_keeps_its_capitals_at_the_start_of_a_result(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app, actions=("mute",), author_handle="@Ann@Example.social")
    item = item_of(app, rid)
    post(signed_in, f"/items/{item}/decide", decision="approve", actions="mute", back="/")
    page = signed_in.get(f"/items/{item}").get_data(as_text=True)
    assert 'Muting <bdi class="untrusted">@Ann@Example.social</bdi>' in page  # not "muting @ann@example.social"
