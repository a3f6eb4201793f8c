"""The audit log's sentences: every decision names the person, the item number and the
author; the bot's entries and sign-ins are behind the filter; no event names."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from bot.audit_words import Context, Target, is_routine, sentence
from bot.bootstrap import App
from bot.decisions import Decision
from bot.domain import ActionKind, NoActionReason
from bot.storage import models as m
from tests.web.conftest import insert_review, unisolated
from tests.web.test_review import item_of


def event(event: str, subject_type: str, subject_id: str, actor: str = "Jane Smith", **details: object) -> m.AuditEvent:
    return m.AuditEvent(actor=actor, event=event, subject_type=subject_type, subject_id=subject_id, details=details)


CTX = Context(reviews={"7": Target(33, "@x@example.social")},
              actions={"9": Target(33, "@x@example.social", "block"),
                       "10": Target(33, "@x@example.social", "unblock", undoes=9)})


def test_decisions_read_as_sentences() -> None:
    assert sentence(event("action.approved", "action", "9", reason="threats"), CTX) == \
        "Jane Smith approved blocking @x@example.social (item 33): “threats”"
    assert sentence(event("review.approved", "review_item", "7", actions=[], no_action_reason="police",
                          reason="sent to the police"), CTX) == (
        "Jane Smith upheld item 33 from @x@example.social as a breach with no action on the platform "
        "(referred to the police): “sent to the police”")
    assert sentence(event("review.rejected", "review_item", "7", reason="fair comment"), CTX) == \
        "Jane Smith found no breach in item 33 from @x@example.social: “fair comment”"
    assert sentence(event("action.done", "action", "10", actor="bot"), CTX) == \
        "The bot unblocked @x@example.social (item 33)"
    assert sentence(event("action.failed", "action", "9", actor="bot", error="The platform refused."), CTX) == \
        "The bot could not block @x@example.social (item 33): The platform refused."
    moved = sentence(event("review.reclassified", "review_item", "7", actor="migration", no_action_reason="police"),
                     CTX)
    assert moved.startswith("The upgrade recorded item 33 from @x@example.social as an upheld breach")


def test_routine_entries_are_behind_the_filter() -> None:
    assert is_routine(event("action.done", "action", "9", actor="bot"))
    assert is_routine(event("login.succeeded", "user", "clerk", actor="clerk"))
    assert not is_routine(event("action.approved", "action", "9"))


def test_audit_page_by_default_shows_people_and_filters_by_item(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app, actions=("mute",))
    other = insert_review(app, actions=("mute",), text="another")
    for review_id in (rid, other):
        app.moderator.decide(Decision(review_id, True, "clerk", "rude", actions=(ActionKind.MUTE,)))
    app.moderator.execute_due()
    item, other_item = item_of(app, rid), item_of(app, other)
    page = unisolated(signed_in.get("/audit").get_data(as_text=True))
    assert f"clerk approved muting @someone@example.social (item {item}): “rude”" in page
    assert "The bot muted" not in page and "signed in" not in page
    everything = unisolated(signed_in.get("/audit?show=all").get_data(as_text=True))
    assert f"The bot muted @someone@example.social (item {item})" in everything and "clerk signed in" in everything
    one = signed_in.get(f"/audit?show=all&item={item}").get_data(as_text=True)
    assert f"(item {item})" in one and f"(item {other_item})" not in one
    csv = signed_in.get(f"/audit.csv?show=all&item={item}").get_data(as_text=True)
    assert "action.done" in csv and "row_hash" in csv  # the technical record stays in the export


def test_upheld_with_no_action_in_the_log(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app, actions=())
    app.moderator.decide(Decision(rid, True, "clerk", "", actions=(), no_action_reason=NoActionReason.RECORD_ONLY))
    page = unisolated(signed_in.get("/audit").get_data(as_text=True))
    assert f"clerk upheld item {item_of(app, rid)} from @someone@example.social as a breach with no action" in page
    with app.sessions() as s:
        assert s.execute(select(m.ReviewItem.no_action_reason).where(m.ReviewItem.id == rid)).scalar() == \
            "record_only"
