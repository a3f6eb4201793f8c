"""Undoing an action that was carried out: unblock, unmute, un-hide, re-attach a quote.

An undo is an action like the others: a clerk approves it (with a reason), it is
audited, and the executor carries it out exactly once with its own idempotency key.
The key is derived from the action it undoes, and keys are unique in the database,
so two clerks pressing "undo" at the same moment create one undo, not two.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.decisions import check_user, move_action
from bot.domain import UNDO_OF, ActionKind, ActionState
from bot.errors import DecisionProblem, NotFound
from bot.execution import NOT_NEEDED
from bot.storage import models as m


def undo_key(action_id: int) -> str:
    return f"undo-{int(action_id)}"


def undo_of(s: Session, action_id: int) -> m.Action | None:
    """The undo already asked for ``action_id``, if any."""
    found: m.Action | None = s.execute(
        select(m.Action).where(m.Action.idempotency_key == undo_key(action_id))).scalar_one_or_none()
    return found


def outcome_facts(action: m.Action) -> dict[str, Any]:
    """What the platform told us when the action was done (e.g. the block record's key)."""
    try:
        facts = json.loads(action.outcome or "")
    except ValueError:
        return {}
    return facts if isinstance(facts, dict) else {}


def check_undoable(s: Session, original: m.Action, capabilities: frozenset[ActionKind]) -> ActionKind:
    """The undo kind for ``original``, or ``DecisionProblem`` saying plainly why not."""
    kind = UNDO_OF.get(ActionKind(original.kind))
    if kind is None:
        raise DecisionProblem("This action cannot be undone by the council.")
    if original.state != ActionState.DONE.value:
        raise DecisionProblem("Only an action that has been carried out can be undone.")
    if (original.outcome or "").startswith(NOT_NEEDED):
        raise DecisionProblem("Nothing was done on the platform (the post or account was already gone), "
                              "so there is nothing to undo.")
    if kind not in capabilities:
        raise DecisionProblem("This platform gives the bot no way to undo this action.")
    if undo_of(s, original.id) is not None:
        raise DecisionProblem("This action has already been undone, or its undoing is waiting to run.")
    return kind


def request_undo(s: Session, action_id: int, user: str, reason: str,
                 capabilities: frozenset[ActionKind], now: datetime) -> m.Action:
    """Create the undo of ``action_id`` as an approved action (the clerk's approval is this call)."""
    check_user(s, user)
    original = s.get(m.Action, action_id)
    if original is None:
        raise NotFound(f"no action {action_id}")
    kind = check_undoable(s, original, capabilities)
    if not reason.strip():
        raise DecisionProblem("Give a reason for undoing it.", "reason")
    item_id = original.review_item.item_id
    undo = m.Action(review_item_id=original.review_item_id, account_id=original.account_id, kind=kind.value,
                    state=ActionState.PROPOSED.value, idempotency_key=undo_key(original.id),
                    params={"undoes": original.id, "undoes_kind": original.kind, "done": outcome_facts(original)},
                    created_at=now, updated_at=now)
    s.add(undo)
    s.flush()  # the unique idempotency key refuses a second undo here
    undo.approved_by, undo.next_attempt_at = user, now
    move_action(s, undo, ActionState.APPROVED, user, "action.approved", now,
                {"reason": reason, "undoes": original.id, "item_id": item_id})
    return undo
