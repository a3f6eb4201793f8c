"""Every action transition of DESIGN.md, allowed and forbidden."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.decisions import move_action
from bot.domain import ACTION_TRANSITIONS, ActionState, can_transition
from bot.errors import InvalidTransition
from bot.storage import models as m
from bot.storage.db import transaction

ALLOWED = {
    (ActionState.PROPOSED, ActionState.APPROVED), (ActionState.PROPOSED, ActionState.REJECTED),
    (ActionState.APPROVED, ActionState.EXECUTING), (ActionState.EXECUTING, ActionState.DONE),
    (ActionState.EXECUTING, ActionState.APPROVED), (ActionState.EXECUTING, ActionState.FAILED),
}
ALL_PAIRS = list(itertools.product(ActionState, ActionState))


def test_transition_table_is_exactly_the_design() -> None:
    table = {(a, b) for a, targets in ACTION_TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    for state in (ActionState.DONE, ActionState.REJECTED, ActionState.FAILED):
        assert not ACTION_TRANSITIONS[state], f"{state} must be final"


@pytest.mark.parametrize(("current", "new"), ALL_PAIRS, ids=[f"{a.value}->{b.value}" for a, b in ALL_PAIRS])
def test_move_action_enforces_and_audits(app: App, current: ActionState, new: ActionState) -> None:
    app.moderator.poll("sim")
    with transaction(app.sessions) as s:
        action = s.execute(select(m.Action).order_by(m.Action.id).limit(1)).scalar_one()
        action.state = current.value
        action_id = action.id
    with transaction(app.sessions) as s:
        action = s.get_one(m.Action, action_id)
        before = s.execute(select(m.AuditEvent.id)).scalars().all()
        if can_transition(current, new):
            move_action(s, action, new, "clerk", "test.move", app.moderator.clock())
            assert action.state == new.value
            event = s.execute(select(m.AuditEvent).order_by(m.AuditEvent.id.desc()).limit(1)).scalar_one()
            assert event.details["from"] == current.value and event.details["to"] == new.value
        else:
            with pytest.raises(InvalidTransition):
                move_action(s, action, new, "clerk", "test.move", app.moderator.clock())
            assert action.state == current.value
            assert s.execute(select(m.AuditEvent.id)).scalars().all() == before
