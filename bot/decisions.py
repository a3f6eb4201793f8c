"""The clerk's decisions on review items, and the action state machine.

Every transition is checked against ``bot.domain.ACTION_TRANSITIONS`` and written to
the audit log with who, when and why, in the same transaction as the change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import UNDO_KINDS, ActionKind, ActionState, NoActionReason, ReviewStatus, can_transition
from bot.errors import DecisionProblem, InvalidTransition, NotFound
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
    """The clerk's decision on one review item.

    ``approve`` upholds the finding (a breach) with any set of actions, including none:
    with none, ``no_action_reason`` says why (record only, referred to the police, the
    platform cannot act). Rejecting means "no breach", with a reason and no actions.
    """

    review_id: int
    approve: bool
    user: str
    reason: str = ""
    actions: tuple[ActionKind, ...] | None = None  # None: the proposed set
    police_referral: bool = False
    no_action_reason: NoActionReason | None = None


@dataclass(frozen=True)
class Ruling:
    """What a valid decision comes to: the actions to carry out and why there are none."""

    actions: frozenset[ActionKind]
    no_action_reason: NoActionReason | None
    police_referral: bool


def check_user(s: Session, name: str) -> m.User:
    user = s.execute(select(m.User).where(m.User.name == name)).scalar_one_or_none()
    if user is None or not user.active or user.role not in DECIDING_ROLES:
        raise InvalidTransition(f"{name!r} is not an active clerk, deputy or delegate")
    return user


def rule_on(d: Decision, proposed: frozenset[ActionKind], capabilities: frozenset[ActionKind]) -> Ruling:
    """The decision rules, without the database: raises ``DecisionProblem`` naming the field."""
    if not d.approve:
        if not d.reason.strip():
            raise DecisionProblem("Give a reason why this is not a breach.", "reason")
        if d.actions:
            raise DecisionProblem("Actions can only be taken when you uphold the finding.", "actions")
        if d.police_referral or d.no_action_reason is NoActionReason.POLICE:
            raise DecisionProblem("Refer it to the police only when you uphold the finding.", "police_referral")
        return Ruling(frozenset(), None, False)
    chosen = frozenset(proposed if d.actions is None else d.actions)
    if chosen & UNDO_KINDS:
        raise DecisionProblem("Undoing an action is done from the item page after it was carried out.",
                              "actions")
    unsupported = sorted(k.value for k in chosen - capabilities)
    if unsupported:
        raise DecisionProblem(f"This platform cannot: {', '.join(unsupported)}.", "actions")
    police = d.police_referral or d.no_action_reason is NoActionReason.POLICE
    if chosen:
        return Ruling(chosen, None, police)
    if d.no_action_reason is None:
        raise DecisionProblem("Choose an action, or say why no action is taken on the platform.",
                              "no_action_reason")
    return Ruling(chosen, d.no_action_reason, police)


def decide(s: Session, d: Decision, capabilities: frozenset[ActionKind], now: datetime) -> m.ReviewItem:
    """Uphold (with any actions, or none) or reject ("no breach") a pending review item."""
    check_user(s, d.user)
    review = s.get(m.ReviewItem, d.review_id)
    if review is None:
        raise NotFound(f"no review item {d.review_id}")
    if review.status != ReviewStatus.PENDING.value:
        verdict = "upheld" if review.status == ReviewStatus.APPROVED.value else "found no breach"
        raise InvalidTransition(f"{review.decided_by} already {verdict} on item {review.item_id}")
    ruling = rule_on(d, frozenset(ActionKind(a.kind) for a in review.actions), capabilities)
    _check_post_actions(review, tuple(ruling.actions))
    _apply_to_actions(s, review, set(ruling.actions), d, now)
    review.status = (ReviewStatus.APPROVED if d.approve else ReviewStatus.REJECTED).value
    review.decided_at, review.decided_by, review.reason = now, d.user, d.reason or None
    review.no_action_reason = ruling.no_action_reason.value if ruling.no_action_reason else None
    review.police_referral = review.police_referral or ruling.police_referral
    for finding in review.item.findings:
        finding.upheld = d.approve
    audit.record(s, d.user, f"review.{review.status}", "review_item", review.id,
                 {"reason": d.reason, "actions": sorted(k.value for k in ruling.actions),
                  "no_action_reason": review.no_action_reason,
                  "police_referral": ruling.police_referral, "item_id": review.item_id}, at=now)
    if ruling.police_referral:
        audit.record(s, d.user, "review.police_referral", "review_item", review.id,
                     {"reason": d.reason, "item_id": review.item_id}, at=now)
    return review


def _check_post_actions(review: m.ReviewItem, chosen: tuple[ActionKind, ...]) -> None:
    """Limiting replies only answers a pile-on; putting them back is the bot's follow-up."""
    if ActionKind.RESTORE_REPLIES in chosen:
        raise DecisionProblem("Replies are put back by the bot when a limit ends.", "actions")
    if ActionKind.LIMIT_REPLIES in chosen and review.item.kind != "pile_on":
        raise DecisionProblem("Limiting replies is offered for pile-ons only.", "actions")


def _apply_to_actions(s: Session, review: m.ReviewItem, chosen: set[ActionKind], d: Decision,
                      now: datetime) -> None:
    existing = {ActionKind(a.kind): a for a in review.actions}
    for kind, action in existing.items():
        if kind in chosen:
            action.approved_by, action.next_attempt_at = d.user, now
            move_action(s, action, ActionState.APPROVED, d.user, "action.approved", now,
                        {"reason": d.reason, "item_id": review.item_id})
        else:
            move_action(s, action, ActionState.REJECTED, d.user, "action.rejected", now,
                        {"reason": d.reason, "item_id": review.item_id})
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
                    {"reason": d.reason, "added_by_clerk": True, "item_id": review.item_id})


def _params_for(kind: ActionKind, review: m.ReviewItem) -> dict[str, object]:
    if kind is ActionKind.LIMIT_REPLIES:  # the clerk ticked it after unticking: the settings' limit
        seen = json.loads(review.item.raw or "{}")
        return {"hours": int(seen.get("limit_hours") or 24),
                "limit_to": str(seen.get("limit_to") or "followers_and_mentioned")}
    if kind is not ActionKind.REPORT:
        return {}
    findings = review.item.findings
    top = max(findings, key=lambda f: f.severity) if findings else None
    return {"ground": top.ground if top else "other", "comment": top.explanation if top else ""}
