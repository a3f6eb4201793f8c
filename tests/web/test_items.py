"""The item page (/items/<id>, where alert e-mails point): evidence for any stored item,
the decision form when it has a review, legal hold and the evidence pack."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.alerts.messages import urgent_item
from bot.bootstrap import App
from bot.storage import models as m
from bot.storage.db import transaction
from tests.support import FakeClock
from tests.web.conftest import add_person, csrf_of, insert_review, sign_in


def item_of(app: App, review_id: int) -> int:
    with app.sessions() as s:
        return s.get_one(m.ReviewItem, review_id).item_id


def unflagged_item(app: App) -> m.Item:
    app.moderator.poll("sim")
    with app.sessions() as s:
        item = s.execute(select(m.Item).where(m.Item.flagged.is_(False)).order_by(m.Item.id)).scalars().first()
        assert item is not None
        return item


def audit_events(app: App, prefix: str) -> list[m.AuditEvent]:
    with app.sessions() as s:
        return list(s.execute(select(m.AuditEvent).where(m.AuditEvent.event.startswith(prefix))
                              .order_by(m.AuditEvent.id)).scalars())


def held(app: App, item_id: int) -> tuple[bool, str | None]:
    with app.sessions() as s:
        item = s.get_one(m.Item, item_id)
        return item.legal_hold, item.legal_hold_reason


def test_any_stored_item_has_a_page_with_its_evidence(app: App, signed_in: FlaskClient) -> None:
    item = unflagged_item(app)
    r = signed_in.get(f"/items/{item.id}")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert f"Item {item.id}: not flagged" in page and "nothing to decide" in page
    assert item.raw_sha256 in page and "Raw payload as received" in page and "Author as seen when captured" in page
    assert '/decide"' not in page  # no decision form without a review item
    assert "Set a legal hold" in page
    pack = signed_in.post(f"/items/{item.id}/evidence-pack", data={"csrf_token": csrf_of(signed_in, "/")})
    assert pack.status_code == 200 and pack.mimetype == "application/zip"
    assert signed_in.get("/items/999999").status_code == 404


def test_flagged_item_page_has_the_decision_form_and_the_old_address_redirects(app: App,
                                                                              signed_in: FlaskClient) -> None:
    app.moderator.poll("sim")  # unflagged items first, so item and review numbers differ
    rid = insert_review(app, text="you are an idiot")
    item_id = item_of(app, rid)
    assert item_id != rid
    old = signed_in.get(f"/review/{rid}")
    assert old.status_code == 302 and old.headers["Location"] == f"/items/{item_id}"
    page = signed_in.get(f"/items/{item_id}").get_data(as_text=True)
    assert f'action="/items/{item_id}/decide"' in page
    assert f'Approve<span class="visually-hidden"> item {item_id}' in page
    assert f"/review/{rid}" not in page  # one number: the review number appears nowhere
    r = signed_in.post(f"/items/{item_id}/decide", data={"csrf_token": csrf_of(signed_in, "/"), "decision": "reject",
                                                         "reason": "fair comment", "back": f"/items/{item_id}"})
    assert r.headers["Location"] == f"/items/{item_id}"
    after = signed_in.get(f"/items/{item_id}").get_data(as_text=True)
    assert f"Item {item_id}: recorded as no breach." in after and "fair comment" in after
    assert "No breach</strong>" in after and 'name="decision"' not in after


def test_the_alert_e_mail_link_opens_the_item(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app, severity=3, ground="threat", text="I know where you live")
    with app.sessions() as s:
        draft = urgent_item(app.settings, s.get_one(m.ReviewItem, rid))
    link = next(line for line in draft.body.splitlines() if "/items/" in line)
    path = link.removeprefix(str(app.settings.get("web.public_url")).rstrip("/"))
    page = signed_in.get(path).get_data(as_text=True)
    assert "Threat" in page and "I know where you live" in page and f"> item {item_of(app, rid)}</span>" in page


def test_legal_hold_needs_a_reason_then_is_shown_and_can_be_released(app: App, signed_in: FlaskClient) -> None:
    item_id = item_of(app, insert_review(app))
    hold = f"/items/{item_id}/legal-hold"
    r = signed_in.post(hold, data={"csrf_token": csrf_of(signed_in, "/"), "what": "set", "reason": "  "})
    assert r.status_code == 302 and held(app, item_id) == (False, None)
    assert "give a reason for the legal hold" in signed_in.get(f"/items/{item_id}").get_data(as_text=True)

    signed_in.post(hold, data={"csrf_token": csrf_of(signed_in, "/"), "what": "set", "reason": "Police ref 12/3456"})
    assert held(app, item_id) == (True, "Police ref 12/3456")
    page = signed_in.get(f"/items/{item_id}").get_data(as_text=True)
    assert "is now under legal hold" in page and "Under legal hold: Police ref 12/3456" in page
    assert "Release the legal hold" in page

    signed_in.post(hold, data={"csrf_token": csrf_of(signed_in, "/"), "what": "release", "reason": "case closed"})
    assert held(app, item_id) == (False, None)
    events = audit_events(app, "evidence.hold_")
    assert [(e.event, e.actor, e.details["reason"]) for e in events] == [
        ("evidence.hold_set", "clerk", "Police ref 12/3456"), ("evidence.hold_released", "clerk", "case closed")]


def test_releasing_an_item_not_held_is_explained(app: App, signed_in: FlaskClient) -> None:
    item_id = item_of(app, insert_review(app))
    signed_in.post(f"/items/{item_id}/legal-hold", data={"csrf_token": csrf_of(signed_in, "/"), "what": "release"})
    assert "is not under legal hold" in signed_in.get(f"/items/{item_id}").get_data(as_text=True)
    r = signed_in.post("/items/999999/legal-hold",
                       data={"csrf_token": csrf_of(signed_in, "/"), "what": "set", "reason": "x"})
    assert r.status_code == 404


def test_evidence_pack_downloads_a_zip_and_is_audited(app: App, signed_in: FlaskClient) -> None:
    item_id = item_of(app, insert_review(app, text="you are an idiot", raw=json.dumps({"id": "1"})))
    assert signed_in.post(f"/items/{item_id}/evidence-pack").status_code == 400  # no CSRF token
    r = signed_in.post(f"/items/{item_id}/evidence-pack", data={"csrf_token": csrf_of(signed_in, "/")})
    assert r.status_code == 200 and r.mimetype == "application/zip"
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="evidence-') and disposition.endswith('.zip"')
    with zipfile.ZipFile(io.BytesIO(r.data)) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert {"summary.pdf", "manifest.json", "SHA256SUMS", f"items/{item_id}/raw.json"} <= names
    assert manifest["generated_by"] == "clerk" and manifest["items"][0]["item_id"] == item_id
    exported = audit_events(app, "evidence.exported")
    assert len(exported) == 1 and exported[0].details["item_ids"] == [item_id]
    assert signed_in.post("/items/999999/evidence-pack",
                          data={"csrf_token": csrf_of(signed_in, "/")}).status_code == 404


@pytest.mark.parametrize("role,allowed", [("deputy", True), ("delegate", False)])
def test_hold_and_pack_are_for_the_clerk_and_deputy_only(app: App, client: FlaskClient, clock: FakeClock,
                                                         role: str, allowed: bool) -> None:
    add_person(app, "boss", "clerk")
    sign_in(client, add_person(app, f"a-{role}", role), clock)
    item_id = item_of(app, insert_review(app))
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert ("Set a legal hold" in page) is allowed and ("Download the evidence pack" in page) is allowed
    assert f'action="/items/{item_id}/decide"' in page  # every reviewer may decide
    token = csrf_of(client, "/")
    hold = client.post(f"/items/{item_id}/legal-hold", data={"csrf_token": token, "what": "set", "reason": "r"})
    pack = client.post(f"/items/{item_id}/evidence-pack", data={"csrf_token": token})
    assert (hold.status_code, pack.status_code) == ((302, 200) if allowed else (403, 403))
    assert held(app, item_id)[0] is allowed


def test_attachments_show_their_fetch_state(app: App, signed_in: FlaskClient, clock: FakeClock) -> None:
    item_id = item_of(app, insert_review(app))
    with transaction(app.sessions) as s:
        s.add_all([
            m.Media(item_id=item_id, url="https://x.example/ok.png", size=3, sha256="ab" * 32,
                    fetched_at=clock.now, attempts=1),
            m.Media(item_id=item_id, url="https://x.example/gone.png", fetched_at=clock.now,
                    error="the server answered HTTP 404", attempts=1),
            m.Media(item_id=item_id, url="https://x.example/later.png", error="the server answered HTTP 503",
                    attempts=2, next_attempt_at=clock.now + timedelta(minutes=20)),
        ])
    page = signed_in.get(f"/items/{item_id}").get_data(as_text=True)
    assert "ab" * 32 in page and "Not fetched: the server answered HTTP 404" in page
    assert "Failed 2 times (the server answered HTTP 503); trying again after" in page


def test_times_on_the_page_are_uk_time_in_summer(app: App, signed_in: FlaskClient) -> None:
    from datetime import UTC, datetime

    review_id = insert_review(app, created_at=datetime(2026, 7, 1, 8, 5, tzinfo=UTC))  # 9:05am BST
    page = signed_in.get(f"/items/{item_of(app, review_id)}").get_data(as_text=True)
    assert "received 1 July 2026 at 9:05am" in page
    assert "UTC" not in page and "08:05" not in page


def test_findings_cite_only_the_councils_own_policy(app: App, clock: FakeClock) -> None:
    import dataclasses

    from bot.council_policy import load_policy
    from bot.web import create_web_app
    from tests.support import REPO

    policy = dataclasses.replace(load_policy("alcester", REPO / "config"), url="https://alcester.example/policy")
    council_app = dataclasses.replace(app, settings=dataclasses.replace(app.settings, policy=policy))
    client = create_web_app(council_app, config_overrides={"TESTING": True}).test_client()
    sign_in(client, add_person(app, "deputy"), clock)
    review_id = insert_review(app, ground="threat")
    page = client.get(f"/items/{item_of(app, review_id)}").get_data(as_text=True)
    assert '<a href="https://alcester.example/policy">Social Media Policy: 2.3, 4.3, 4.5</a>' in page
    for other in ("Thornbury 7", "Thurcaston 3", "Alsager (", "Pershore", "Alcester 2"):  # the old cross-council cites
        assert other not in page
    neutral = create_web_app(app, config_overrides={"TESTING": True}).test_client()
    sign_in(neutral, add_person(app, "clerk2"), clock)
    text = neutral.get(f"/items/{item_of(app, review_id)}").get_data(as_text=True)
    assert "The council&#39;s social media policy: Threats of violence, intimidation or threatening language." in text
