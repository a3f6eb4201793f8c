"""What the clerk's decisions depend on, bound into the audit chain and checked.

An approved block goes to the account the item's author link points at, so that
link is recorded when the evidence is captured; legal holds and decisions are
events in the chain too. ``modbot audit verify`` compares each flagged item's
current author link, legal hold, review decision and action states with what the
chain last recorded for it, so an edit made straight in the database is named.
Only items whose capture the chain vouches for are checked (older audit rows may be
pruned by retention, never those of an item still kept).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import ReviewStatus
from bot.storage import models as m

CAPTURED = "evidence.captured"
HOLD_SET, HOLD_RELEASED = "evidence.hold_set", "evidence.hold_released"
STATUSES = frozenset(s.value for s in ReviewStatus)
Found = tuple[int, str, str]  # (audit row, subject, message)


@dataclass
class Bound:
    """The last recorded fact of each kind, by subject, with the audit row that recorded it."""

    targets: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    holds: dict[int, tuple[int, bool]] = field(default_factory=dict)
    reviews: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    actions: dict[int, tuple[int, str, str]] = field(default_factory=dict)


def target_of(item_row: m.Item, author_remote_id: str) -> dict[str, Any]:
    """The account an action on this item would reach, as recorded at capture."""
    return {"author_id": item_row.author_id, "author_remote_id": author_remote_id}


def note(bound: Bound, row: m.AuditEvent, details: dict[str, Any]) -> None:
    if row.event == CAPTURED and row.subject_type == "item" and isinstance(details.get("target"), dict):
        bound.targets[int(row.subject_id)] = (row.id, details["target"])
    elif row.event in (HOLD_SET, HOLD_RELEASED):
        bound.holds[int(row.subject_id)] = (row.id, row.event == HOLD_SET)
    elif row.subject_type == "review_item" and row.event.startswith("review."):
        status = row.event.split(".", 1)[1]
        status = status if status in STATUSES else str(details.get("status") or details.get("to") or "")
        if status in STATUSES:
            bound.reviews[int(row.subject_id)] = (row.id, status, row.actor)
    elif row.subject_type == "action" and isinstance(details.get("to"), str):
        bound.actions[int(row.subject_id)] = (row.id, details["to"], str(details.get("kind") or ""))


def check(session: Session, bound: Bound, items: dict[int, int]) -> list[Found]:
    """Problems with the items the chain vouches for (``items``: item id -> capture row)."""
    found: list[Found] = []
    for chunk in _chunks(sorted(items), 500):
        found += _targets(session, bound, chunk)
        found += _holds(session, bound, chunk, items)
        found += _reviews(session, bound, chunk, items)
        found += _actions(session, bound, chunk, items)
    return found


def _targets(session: Session, bound: Bound, chunk: list[int]) -> list[Found]:
    rows = session.execute(select(m.Item.id, m.Item.author_id, m.Author.remote_id)
                           .join(m.Author, m.Author.id == m.Item.author_id).where(m.Item.id.in_(chunk))).all()
    out = []
    for item_id, author_id, remote_id in rows:
        if item_id not in bound.targets:
            continue
        row_id, target = bound.targets[item_id]
        if (author_id, remote_id) != (target.get("author_id"), target.get("author_remote_id")):
            out.append((row_id, f"item {item_id} (author bound by audit row {row_id})",
                        "its author link changed after capture: an action would now reach a different account "
                        f"({remote_id} instead of {target.get('author_remote_id')})"))
    return out


def _holds(session: Session, bound: Bound, chunk: list[int], items: dict[int, int]) -> list[Found]:
    out = []
    for item_id, held in session.execute(select(m.Item.id, m.Item.legal_hold).where(m.Item.id.in_(chunk))).all():
        row_id, recorded = bound.holds.get(item_id, (items[item_id], False))
        if bool(held) != recorded:
            message = ("is under legal hold, but no hold was recorded" if held
                       else "its legal hold was lifted without a record")
            out.append((row_id, f"item {item_id} (legal hold, audit row {row_id})", message))
    return out


def _reviews(session: Session, bound: Bound, chunk: list[int], items: dict[int, int]) -> list[Found]:
    out = []
    rows = session.execute(select(m.ReviewItem.id, m.ReviewItem.item_id, m.ReviewItem.status, m.ReviewItem.decided_by)
                           .where(m.ReviewItem.item_id.in_(chunk))).all()
    for review_id, item_id, status, decided_by in rows:
        row_id, recorded, actor = bound.reviews.get(review_id, (items[item_id], ReviewStatus.PENDING.value, ""))
        subject = f"review item {review_id} (decision, audit row {row_id})"
        if status != recorded:
            out.append((row_id, subject, f"is {status}, but the record says {recorded}"))
        elif recorded != ReviewStatus.PENDING.value and actor and decided_by != actor:
            out.append((row_id, subject, f"says it was decided by {decided_by}, but the record says {actor}"))
    return out


def _actions(session: Session, bound: Bound, chunk: list[int], items: dict[int, int]) -> list[Found]:
    out = []
    rows = session.execute(select(m.Action.id, m.ReviewItem.item_id, m.Action.state, m.Action.kind)
                           .join(m.ReviewItem, m.ReviewItem.id == m.Action.review_item_id)
                           .where(m.ReviewItem.item_id.in_(chunk))).all()
    for action_id, item_id, state, kind in rows:
        row_id, recorded, recorded_kind = bound.actions.get(action_id, (items[item_id], "proposed", ""))
        subject = f"action {action_id} (audit row {row_id})"
        if state != recorded:
            out.append((row_id, subject, f"is {state}, but the record says {recorded}"))
        elif recorded_kind and kind != recorded_kind:
            out.append((row_id, subject, f"is now a {kind}, but a {recorded_kind} was decided"))
    return out


def recorded_target(session: Session, item_id: int) -> dict[str, Any] | None:
    """The target bound at capture for one item (the executor checks it before acting)."""
    details = session.execute(select(m.AuditEvent.details).where(
        m.AuditEvent.event == CAPTURED, m.AuditEvent.subject_type == "item",
        m.AuditEvent.subject_id == str(item_id)).order_by(m.AuditEvent.id.desc()).limit(1)).scalar()
    target = details.get("target") if isinstance(details, dict) else None
    return target if isinstance(target, dict) else None


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
