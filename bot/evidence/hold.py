"""Legal hold: keep an item and its evidence past every retention period.

A clerk sets a hold when a matter may go to the police, a court or the
Information Commissioner. Held items are never deleted by the retention job or by
a subject's erasure request until the hold is released, and both steps are written
to the audit log with who did it and why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import audit
from bot.errors import ModbotError, NotFound
from bot.storage import models as m


class HoldError(ModbotError):
    title = "The legal hold could not be changed."


def set_legal_hold(session: Session, item_id: int, reason: str, actor: str, now: datetime) -> m.Item:
    """Put an item under legal hold; ``reason`` is required and shown to later readers."""
    item = _item(session, item_id)
    reason = (reason or "").strip()
    if not reason:
        raise HoldError("give a reason for the legal hold (e.g. 'police reference 12/3456')")
    if item.minimised_at is not None:
        raise HoldError(f"item {item_id} was already minimised; its content is gone")
    previous = item.legal_hold_reason if item.legal_hold else None
    item.legal_hold, item.legal_hold_reason = True, reason[:2000]
    audit.record(session, actor, "evidence.hold_set", "item", item.id,
                 {"reason": item.legal_hold_reason, "replaces": previous}, at=now)
    return item


def release_legal_hold(session: Session, item_id: int, actor: str, now: datetime, reason: str = "") -> m.Item:
    """Release a hold; the item then falls under the normal retention periods again."""
    item = _item(session, item_id)
    if not item.legal_hold:
        raise HoldError(f"item {item_id} is not under legal hold")
    audit.record(session, actor, "evidence.hold_released", "item", item.id,
                 {"held_for": item.legal_hold_reason, "reason": reason.strip()[:2000]}, at=now)
    item.legal_hold, item.legal_hold_reason = False, None
    return item


def _item(session: Session, item_id: int) -> m.Item:
    item = session.get(m.Item, item_id)
    if item is None:
        raise NotFound(f"there is no item {item_id}")
    return item
