"""The clerk's decisions on review items, and the action state machine.

Every transition is checked against ``bot.domain.ACTION_TRANSITIONS`` and written to
the audit log with who, when and why, in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import ActionKind, ActionState, ReviewStatus, can_transition
from bot.errors import InvalidTransition, NotFound
from bot.storage import models as m

DECIDING_ROLES = frozenset({"clerk", "deputy", "delegate"})


def move_action(s: Session, action: m.Action, new: ActionState, actor: str, event: str,
                now: datetime, details: dict[str, object] | None = None) -> None:
    current = ActionState(action.state)
    if not can_transition(current, new):
        raise InvalidTransition(f"action {action.id} cannot go from {current.value} to {new.value}")
    action.state = new.value
    action.updated_at = now
    audit.record(s, actor, event, "action", action.id,
                 {"kind": action.kind, "from": current.value, "to": new.value, **(details or {})}, at=now)


@dataclass(frozen=True)
class Decision:
    review_id: int
    approve: bool
    user: str
    reason: str = ""
    actions: tuple[ActionKind, ...] | None = None  # None: the proposed set
    police_referral: bool = False


def check_user(s: Session, name: str) -> m.User:
    user = s.execute(select(m.User).where(m.User.name == name)).scalar_one_or_none()
    if user is None or not user.active or user.role not in DECIDING_ROLES:
        raise InvalidTransition(f"{name!r} is not an active clerk, deputy or delegate")
    return user


def decide(s: Session, d: Decision, capabilities: frozenset[ActionKind], now: datetime) -> m.ReviewItem:
    """Approve (possibly a different set of actions) or reject a pending review item."""
    check_user(s, d.user)
    review = s.get(m.ReviewItem, d.review_id)
    if review is None:
        raise NotFound(f"no review item {d.review_id}")
    if review.status != ReviewStatus.PENDING.value:
        raise InvalidTransition(f"review item {d.review_id} was already {review.status}")
    if not d.approve and not d.reason.strip():
        raise InvalidTransition("a rejection needs a reason")
    chosen = _chosen_actions(review, d, capabilities)
    _apply_to_actions(s, review, chosen, d, now)
    review.status = (ReviewStatus.APPROVED if d.approve else ReviewStatus.REJECTED).value
    review.decided_at, review.decided_by, review.reason = now, d.user, d.reason or None
    review.police_referral = review.police_referral or d.police_referral
    for finding in review.item.findings:
        finding.upheld = d.approve
    audit.record(s, d.user, f"review.{review.status}", "review_item", review.id,
                 {"reason": d.reason, "actions": sorted(k.value for k in chosen),
                  "police_referral": d.police_referral, "item_id": review.item_id}, at=now)
    if d.police_referral:
        audit.record(s, d.user, "review.police_referral", "review_item", review.id,
                     {"reason": d.reason}, at=now)
    return review


def _chosen_actions(review: m.ReviewItem, d: Decision, capabilities: frozenset[ActionKind]) -> set[ActionKind]:
    if not d.approve:
        return set()
    if d.actions is None:
        return {ActionKind(a.kind) for a in review.actions}
    unsupported = [k.value for k in d.actions if k not in capabilities]
    if unsupported:
        raise InvalidTransition(f"this platform cannot: {', '.join(unsupported)}")
    return set(d.actions)


def _apply_to_actions(s: Session, review: m.ReviewItem, chosen: set[ActionKind], d: Decision,
                      now: datetime) -> None:
    existing = {ActionKind(a.kind): a for a in review.actions}
    for kind, action in existing.items():
        if kind in chosen:
            action.approved_by, action.next_attempt_at = d.user, now
            move_action(s, action, ActionState.APPROVED, d.user, "action.approved", now, {"reason": d.reason})
        else:
            move_action(s, action, ActionState.REJECTED, d.user, "action.rejected", now, {"reason": d.reason})
    for kind in sorted(chosen - set(existing), key=lambda k: k.value):
        params = _params_for(kind, review)
        action = m.Action(review_item_id=review.id, account_id=review.item.account_id, kind=kind.value,
                          state=ActionState.PROPOSED.value, idempotency_key=f"act-{review.id}-{kind.value}",
                          params=params, created_at=now, updated_at=now)
        s.add(action)
        s.flush()
        review.actions.append(action)
        action.approved_by, action.next_attempt_at = d.user, now
        move_action(s, action, ActionState.APPROVED, d.user, "action.approved", now,
                    {"reason": d.reason, "added_by_clerk": True})


def _params_for(kind: ActionKind, review: m.ReviewItem) -> dict[str, object]:
    if kind is not ActionKind.REPORT:
        return {}
    findings = review.item.findings
    top = max(findings, key=lambda f: f.severity) if findings else None
    return {"ground": top.ground if top else "other", "comment": top.explanation if top else ""}
