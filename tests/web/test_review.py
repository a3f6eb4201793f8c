"""The queue, decisions (single and bulk) and the item page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from bot.bootstrap import App
from bot.domain import ActionKind
from bot.storage import models as m
from bot.web.queries import PAGE_SIZE
from tests.support import FakeClock
from tests.web.conftest import FakePlatform, csrf_of, insert_review, unisolated


def review(app: App, review_id: int) -> m.ReviewItem:
    with app.sessions() as s:
        r = s.get(m.ReviewItem, review_id)
        assert r is not None
        r.actions  # load  # noqa: B018
        return r


def item_of(app: App, review_id: int) -> int:
    with app.sessions() as s:
        return int(s.execute(select(m.ReviewItem.item_id).where(m.ReviewItem.id == review_id)).scalar_one())


def decide(client: FlaskClient, review_id: int, **fields: object) -> Any:
    """Post the decision form by item number, confirming on the check page when there is one."""
    app = client.application.config["MODBOT_APP"]
    data = {"csrf_token": csrf_of(client, "/"), "back": "/", **fields}
    r = client.post(f"/items/{item_of(app, review_id)}/decide", data=data)
    if r.status_code == 200 and "Check what will happen" in r.get_data(as_text=True):
        r = client.post(f"/items/{item_of(app, review_id)}/decide", data={**data, "confirmed": "yes"})
    return r


def test_queue_lists_pending_most_severe_then_oldest(app: App, signed_in: FlaskClient, clock: FakeClock) -> None:
    old_low = insert_review(app, text="old low", severity=1, created_at=clock.now - timedelta(days=2))
    new_high = insert_review(app, text="new high", severity=3)
    old_high = insert_review(app, text="old high", severity=3, created_at=clock.now - timedelta(days=1))
    page = signed_in.get("/").get_data(as_text=True)
    positions = [page.index(f"Item {i}:") for i in (old_high, new_high, old_low)]
    assert positions == sorted(positions)
    assert "3 items waiting for a decision" in page


def test_queue_shows_author_context_and_policy(app: App, signed_in: FlaskClient) -> None:
    insert_review(app, text="you are an idiot", spans=[{"start": 11, "end": 16, "text": "idiot"}],
                  context_text="Bin collections change next week.", display_name="Angry Person")
    page = signed_in.get("/").get_data(as_text=True)
    assert "Angry Person" in page and "@someone@example.social" in page
    assert "Bin collections change next week." in page
    assert "you are an <mark>idiot</mark>" in page
    assert "Looks like an insult." in page  # and the council's policy (the neutral default here):
    assert "The council&#39;s social media policy: Personal attacks, bullying, insults or harassment." in page


def test_filters(app: App, signed_in: FlaskClient) -> None:
    app.moderator.adapters["masto"] = FakePlatform("mastodon", frozenset({ActionKind.BLOCK})).as_adapter()
    spam = insert_review(app, text="buy cheap pills", ground="spam")
    masto = insert_review(app, account="masto", platform="mastodon", text="rude words")
    assert f"Item {masto}:" not in signed_in.get("/?ground=spam").get_data(as_text=True)
    assert f"Item {spam}:" in signed_in.get("/?ground=spam").get_data(as_text=True)
    only_masto = signed_in.get("/?platform=mastodon").get_data(as_text=True)
    assert f"Item {masto}:" in only_masto and f"Item {spam}:" not in only_masto
    assert f"Item {spam}:" not in signed_in.get("/?account=masto").get_data(as_text=True)
    assert "1 item waiting for a decision" in signed_in.get("/?account=masto").get_data(as_text=True)


def test_approve_the_proposed_actions_and_see_the_audit_entry(app: App, signed_in: FlaskClient) -> None:
    app.moderator.poll("sim")
    with app.sessions() as s:
        first = s.execute(select(m.ReviewItem).where(m.ReviewItem.status == "pending")
                          .order_by(m.ReviewItem.id).limit(1)).scalar_one()
        proposed = [a.kind for a in first.actions]
    r = decide(signed_in, first.id, decision="approve", actions=proposed, reason="clear breach")
    assert r.status_code == 302
    done = review(app, first.id)
    assert done.status == "approved" and done.decided_by == "clerk"
    assert {a.state for a in done.actions} == {"approved"}
    audit = unisolated(signed_in.get("/audit").get_data(as_text=True))
    assert f"clerk upheld item {first.item_id}" in audit and "clear breach" in audit


def test_approve_a_different_set_of_actions(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app, actions=("block",))
    decide(signed_in, rid, decision="approve", actions=["mute", "report"])
    kinds = {a.kind: a.state for a in review(app, rid).actions}
    assert kinds == {"block": "rejected", "mute": "approved", "report": "approved"}


def test_approve_without_actions_needs_to_say_why(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app)
    item = item_of(app, rid)
    r = decide(signed_in, rid, decision="approve")
    assert r.status_code == 302 and r.headers["Location"].endswith("/#error-summary")
    assert review(app, rid).status == "pending"
    page = signed_in.get("/").get_data(as_text=True)
    assert f'<a href="#noaction-{item}-record_only">Item {item}: Choose an action, or say why' in page
    assert f'id="noaction-{item}-record_only"' in page
    decide(signed_in, rid, decision="approve", no_action_reason="platform_cannot_act", reason="Mastodon reply")
    done = review(app, rid)
    assert done.status == "approved" and done.no_action_reason == "platform_cannot_act"
    item_page = signed_in.get(f"/items/{item}").get_data(as_text=True)
    assert "No action on the platform: the platform cannot act on this." in item_page


def test_reject_needs_a_reason(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app)
    item = item_of(app, rid)
    decide(signed_in, rid, decision="reject", reason="")
    assert review(app, rid).status == "pending"
    page = signed_in.get("/").get_data(as_text=True)
    assert ('<div class="error-summary" id="error-summary"' in page
            and f'<a href="#reason-{item}">Item {item}: Give a reason why this is not a breach.</a>' in page)
    assert f'id="reason-{item}-error"' in page and f"Review {rid}" not in page
    assert "There is a problem" not in signed_in.get("/").get_data(as_text=True)  # shown once
    decide(signed_in, rid, decision="reject", reason="fair criticism, not abuse")
    done = review(app, rid)
    assert done.status == "rejected" and done.reason == "fair criticism, not abuse"
    assert {a.state for a in done.actions} == {"rejected"}


def test_police_referral(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app, ground="threat", severity=3)
    decide(signed_in, rid, decision="approve", actions=["block", "report"], police_referral="yes",
           reason="threat to a councillor")
    assert review(app, rid).police_referral
    assert "for referral to the police" in signed_in.get("/audit").get_data(as_text=True)


def test_deciding_twice_is_refused(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app)
    decide(signed_in, rid, decision="reject", reason="no breach")
    decide(signed_in, rid, decision="approve", actions=["block"])
    assert review(app, rid).status == "rejected"
    assert f"Item {item_of(app, rid)} was already decided by clerk." in signed_in.get("/").get_data(as_text=True)


def test_unsupported_action_is_refused(app: App, signed_in: FlaskClient) -> None:
    app.moderator.adapters["masto"] = FakePlatform(
        "mastodon", frozenset({ActionKind.BLOCK, ActionKind.REPORT})).as_adapter()
    rid = insert_review(app, account="masto", platform="mastodon")
    decide(signed_in, rid, decision="approve", actions=["hide_reply"])
    assert review(app, rid).status == "pending"


def test_bulk_decisions(app: App, signed_in: FlaskClient) -> None:
    ids = [insert_review(app, text=f"spam {i}", ground="spam") for i in range(3)]
    keep = insert_review(app, text="not spam")
    token = csrf_of(signed_in, "/")
    items = [item_of(app, i) for i in ids]
    r = signed_in.post("/review/bulk", data={"csrf_token": token, "decision": "reject", "item_ids": items[:2],
                                              "reason": ""})
    assert r.status_code == 302 and all(review(app, i).status == "pending" for i in ids)
    signed_in.post("/review/bulk", data={"csrf_token": token, "decision": "approve", "item_ids": items})
    assert [review(app, i).status for i in ids] == ["approved"] * 3
    assert review(app, keep).status == "pending"


def test_mastodon_caveat_and_only_real_actions(app: App, signed_in: FlaskClient) -> None:
    caps = frozenset({ActionKind.BLOCK, ActionKind.MUTE, ActionKind.REPORT, ActionKind.REMOVE_FOLLOWER})
    app.moderator.adapters["masto"] = FakePlatform("mastodon", caps).as_adapter()
    rid = insert_review(app, account="masto", platform="mastodon")
    page = signed_in.get(f"/review/{rid}", follow_redirects=True).get_data(as_text=True)
    assert "only changes what the council" in page and "Reporting it to the server" in page
    assert 'value="block"' in page and 'value="report"' in page
    assert 'value="hide_reply"' not in page and 'value="domain_block"' not in page


def test_bluesky_hide_offered_only_under_the_councils_own_thread(app: App, signed_in: FlaskClient) -> None:
    caps = frozenset({ActionKind.HIDE_REPLY, ActionKind.BLOCK})
    app.moderator.adapters["sky"] = FakePlatform("bluesky", caps).as_adapter()
    theirs = insert_review(app, account="sky", platform="bluesky", meta={"root_is_council": False})
    ours = insert_review(app, account="sky", platform="bluesky", meta={"root_is_council": True})
    assert 'value="hide_reply"' not in signed_in.get(f"/review/{theirs}", follow_redirects=True).get_data(as_text=True)
    assert 'value="hide_reply"' in signed_in.get(f"/review/{ours}", follow_redirects=True).get_data(as_text=True)


def test_item_page_shows_evidence_actions_and_history(app: App, signed_in: FlaskClient) -> None:
    app.moderator.poll("sim")
    with app.sessions() as s:
        first = s.execute(select(m.ReviewItem).order_by(m.ReviewItem.id).limit(1)).scalar_one()
        sha = first.item.raw_sha256
    page = signed_in.get(f"/review/{first.id}", follow_redirects=True).get_data(as_text=True)
    assert sha in page and "Raw payload as received" in page
    assert "Author as seen when captured" in page and "history" in page
    assert signed_in.get("/review/999999").status_code == 404


def test_pagination(app: App, signed_in: FlaskClient) -> None:
    for i in range(PAGE_SIZE + 5):
        insert_review(app, text=f"post {i}")
    first = signed_in.get("/").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Next page" in first and first.count('class="card ') == PAGE_SIZE
    second = signed_in.get("/?page=2").get_data(as_text=True)
    assert second.count('class="card ') == 5


def test_audit_csv_export_is_safe(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app)
    decide(signed_in, rid, decision="reject", reason="=HYPERLINK(\"http://evil\")")
    r = signed_in.get("/audit.csv?event=review.")
    body = r.get_data(as_text=True)
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    assert body.splitlines()[0].startswith("id,at,actor,event")
    assert "review.rejected" in body
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "=HYPERLINK" in body and not any(cell[:1] in "=+-@" for cell in cells if cell)


def test_csv_cells_cannot_start_a_formula() -> None:
    from bot.web.oversight import csv_cell

    assert csv_cell("=1+1") == "'=1+1" and csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("-2") == "'-2"
    assert csv_cell("clerk") == "clerk" and csv_cell(42) == "42"


def test_accounts_page_shows_health(app: App, signed_in: FlaskClient) -> None:
    app.moderator.poll("sim")
    page = signed_in.get("/accounts").get_data(as_text=True)
    assert "sim: @council@social.example" in page and "Last successful check" in page
