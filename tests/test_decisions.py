"""The clerk's decisions: uphold with any set of actions (or none, saying why), reject
means "no breach"; undoing a carried-out action is approved, audited and done once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.decisions import Decision, rule_on
from bot.domain import ActionKind, NoActionReason
from bot.errors import DecisionProblem, InvalidTransition
from bot.storage import models as m
from tests.support import count
from tests.test_moderator import add_user, first_pending

ALL = frozenset(ActionKind)
PROPOSED = frozenset({ActionKind.HIDE_REPLY})


# -- the rules, without a database ---------------------------------------------------
def test_uphold_with_the_proposed_actions() -> None:
    ruling = rule_on(Decision(1, True, "clerk"), PROPOSED, ALL)
    assert ruling.actions == PROPOSED and ruling.no_action_reason is None and not ruling.police_referral


@pytest.mark.parametrize("reason", list(NoActionReason))
def test_uphold_with_no_action_says_why(reason: NoActionReason) -> None:
    ruling = rule_on(Decision(1, True, "clerk", actions=(), no_action_reason=reason), PROPOSED, ALL)
    assert ruling.actions == frozenset() and ruling.no_action_reason is reason
    assert ruling.police_referral is (reason is NoActionReason.POLICE)


def test_uphold_with_no_action_and_no_why_names_the_field() -> None:
    with pytest.raises(DecisionProblem) as err:
        rule_on(Decision(1, True, "clerk", actions=()), PROPOSED, ALL)
    assert err.value.field == "no_action_reason"
    with pytest.raises(DecisionProblem):  # nothing proposed and nothing chosen: the same
        rule_on(Decision(1, True, "clerk"), frozenset(), ALL)


def test_actions_with_a_police_referral() -> None:
    ruling = rule_on(Decision(1, True, "clerk", actions=(ActionKind.BLOCK,), police_referral=True), PROPOSED, ALL)
    assert ruling.actions == {ActionKind.BLOCK} and ruling.police_referral


@pytest.mark.parametrize("decision, field", [
    (Decision(1, False, "clerk", ""), "reason"),
    (Decision(1, False, "clerk", "fair comment", actions=(ActionKind.BLOCK,)), "actions"),
    (Decision(1, False, "clerk", "fair comment", police_referral=True), "police_referral"),
    (Decision(1, True, "clerk", actions=(ActionKind.UNBLOCK,)), "actions"),
])
def test_contradictions_are_refused_naming_the_field(decision: Decision, field: str) -> None:
    with pytest.raises(DecisionProblem) as err:
        rule_on(decision, PROPOSED, ALL)
    assert err.value.field == field


def test_an_action_the_platform_cannot_do_is_refused() -> None:
    with pytest.raises(DecisionProblem, match="cannot: hide_reply"):
        rule_on(Decision(1, True, "clerk", actions=(ActionKind.HIDE_REPLY,)), PROPOSED,
                frozenset({ActionKind.BLOCK}))


# -- recorded in the database ----------------------------------------------------------
def test_uphold_without_action_is_a_breach_in_the_record(app: App) -> None:
    add_user(app)
    app.moderator.poll("sim")
    review = first_pending(app)
    app.moderator.decide(Decision(review.id, True, "clerk", "sent to the police", actions=(),
                                  no_action_reason=NoActionReason.POLICE))
    with app.sessions() as s:
        row = s.get(m.ReviewItem, review.id)
        assert row is not None and row.status == "approved" and row.no_action_reason == "police"
        assert row.police_referral
        assert all(f.upheld is True for f in row.item.findings)  # not counted as the rule's false alarm
        assert {a.state for a in row.actions} <= {"rejected"}
        events = [e.event for e in s.execute(select(m.AuditEvent).order_by(m.AuditEvent.id)).scalars()]
    assert events[-2:] == ["review.approved", "review.police_referral"]
    assert app.moderator.execute_due().done == 0


def test_a_second_decision_says_who_decided(app: App) -> None:
    add_user(app)
    app.moderator.poll("sim")
    review = first_pending(app)
    app.moderator.decide(Decision(review.id, False, "clerk", "fair comment"))
    with pytest.raises(InvalidTransition, match=f"clerk already found no breach on item {review.item_id}"):
        app.moderator.decide(Decision(review.id, True, "clerk", "changed my mind"))


# -- undo -------------------------------------------------------------------------------
def _blocked(app: App) -> tuple[m.ReviewItem, m.Action]:
    add_user(app)
    app.moderator.poll("sim")
    review = first_pending(app)
    app.moderator.decide(Decision(review.id, True, "clerk", "threat", actions=(ActionKind.BLOCK,)))
    assert app.moderator.execute_due().done == 1
    with app.sessions() as s:
        block = s.execute(select(m.Action).where(m.Action.review_item_id == review.id,
                                                 m.Action.kind == "block")).scalar_one()
    return review, block


def test_undo_is_approved_audited_and_carried_out_exactly_once(app: App) -> None:
    review, block = _blocked(app)
    undo = app.moderator.request_undo(block.id, "clerk", "blocked the wrong person")
    assert undo.kind == "unblock" and undo.state == "approved" and undo.approved_by == "clerk"
    with pytest.raises(DecisionProblem, match="already been undone"):
        app.moderator.request_undo(block.id, "clerk", "again")
    assert app.moderator.execute_due().done == 1
    assert app.moderator.execute_due().done == 0
    adapter = app.moderator.adapters["sim"]
    assert adapter._state["calls"][f"undo-{block.id}"] == 1  # type: ignore[attr-defined]
    applied = adapter._state["applied"][f"undo-{block.id}"]  # type: ignore[attr-defined]
    assert applied["kind"] == "unblock" and applied["params"]["undoes"] == block.id
    with app.sessions() as s:
        ev = s.execute(select(m.AuditEvent).where(m.AuditEvent.event == "action.approved",
                                                  m.AuditEvent.subject_id == str(undo.id))).scalar_one()
        assert ev.actor == "clerk" and ev.details["undoes"] == block.id
        assert ev.details["reason"] == "blocked the wrong person" and ev.details["item_id"] == review.item_id
    with pytest.raises(DecisionProblem, match="already been undone"):
        app.moderator.request_undo(block.id, "clerk", "and again")


def test_two_clerks_undoing_at_once_make_one_undo(app: App) -> None:
    _review, block = _blocked(app)
    add_user(app, "deputy", "deputy")
    barrier, outcomes = threading.Barrier(2), []

    def press(user: str) -> None:
        barrier.wait()
        try:
            app.moderator.request_undo(block.id, user, "wrong person")
            outcomes.append("ok")
        except DecisionProblem:
            outcomes.append("refused")

    threads = [threading.Thread(target=press, args=(u,)) for u in ("clerk", "deputy")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert count(app, m.Action, m.Action.kind == "unblock") == 1


def test_undo_needs_a_reason_a_done_action_and_an_undoable_kind(app: App) -> None:
    review, block = _blocked(app)
    with pytest.raises(DecisionProblem) as err:
        app.moderator.request_undo(block.id, "clerk", " ")
    assert err.value.field == "reason"
    with pytest.raises(InvalidTransition, match="not an active clerk"):
        app.moderator.request_undo(block.id, "councillor", "please")
    undo = app.moderator.request_undo(block.id, "clerk", "wrong person")
    with pytest.raises(DecisionProblem, match="cannot be undone"):  # an undo is not undone in turn
        app.moderator.request_undo(undo.id, "clerk", "flip-flop")
    review2 = first_pending(app)
    app.moderator.decide(Decision(review2.id, True, "clerk", "spam", actions=(ActionKind.BLOCK, ActionKind.REPORT)))
    with app.sessions() as s:
        made = {a.kind: a.id for a in s.execute(select(m.Action).where(m.Action.review_item_id == review2.id))
                .scalars()}
    with pytest.raises(DecisionProblem, match="has been carried out"):
        app.moderator.request_undo(made["block"], "clerk", "too early")
    app.moderator.execute_due()
    with pytest.raises(DecisionProblem, match="cannot be undone"):
        app.moderator.request_undo(made["report"], "clerk", "reports cannot be withdrawn")
