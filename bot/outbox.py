"""Sending the DM auto-replies queued by ingest: at most one send in flight per reply.

A reply stays ``pending`` until it is sent; a sender claims it with a lease
(``bot.leases``) that it renews while the platform call is in flight, and only an
abandoned lease (expired, or its process gone) lets another sender retry it, with
the same idempotency key.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import or_, select, update

from bot import audit, crashpoints, leases
from bot.domain import Author, Item, ItemKind
from bot.errors import PermanentError, PlatformError
from bot.execution import Duties, backoff
from bot.storage import models as m
from bot.storage.db import transaction

log = logging.getLogger(__name__)
Msg = m.OutboxMessage


def send_outbox(d: Duties, limit: int = 20) -> int:
    if not d.settings.live:
        return 0
    now = d.clock()
    with transaction(d.sessions) as s:
        rows = s.execute(select(Msg.id, Msg.lease_owner, Msg.lease_expires_at).where(
            Msg.state == "pending", or_(Msg.next_attempt_at.is_(None), Msg.next_attempt_at <= now))
            .order_by(Msg.id).limit(limit)).all()
    free = [(i, owner, exp) for i, owner, exp in rows
            if owner is None or leases.abandoned(owner, exp, now, "outbox", i)]
    return sum(_send_one(d, *row) for row in free)


def _claim(d: Duties, message_id: int, owner: str | None, expires: Any) -> tuple[str, Item, str, str] | None:
    now = d.clock()
    with transaction(d.sessions) as s:
        same_lease = Msg.lease_owner.is_(None) if owner is None else Msg.lease_owner == owner
        same_expiry = Msg.lease_expires_at.is_(None) if expires is None else Msg.lease_expires_at == expires
        claimed = s.execute(update(Msg).where(Msg.id == message_id, Msg.state == "pending", same_lease, same_expiry)
                            .values(attempts=Msg.attempts + 1, lease_owner=d.owner, lease_expires_at=now + d.lease)
                            .execution_options(synchronize_session=False))
        if getattr(claimed, "rowcount", 0) != 1:
            return None  # another sender claimed it first
        msg = s.get(Msg, message_id)
        assert msg is not None
        item_row = s.get(m.Item, msg.item_id)
        assert item_row is not None
        if owner is not None:
            log.warning("DM reply %s: its sender %s stopped mid-way; retrying with the same key", message_id, owner)
        return item_row.account.name, _item_for(item_row), msg.text, msg.idempotency_key


def _renew(d: Duties, message_id: int) -> bool:
    with transaction(d.sessions) as s:
        res = s.execute(update(Msg).where(Msg.id == message_id, Msg.state == "pending", Msg.lease_owner == d.owner)
                        .values(lease_expires_at=d.clock() + d.lease).execution_options(synchronize_session=False))
        return bool(getattr(res, "rowcount", 0) == 1)


def _send_one(d: Duties, message_id: int, owner: str | None, expires: Any) -> bool:
    claimed = _claim(d, message_id, owner, expires)
    if claimed is None:
        return False
    account_name, item, text, key = claimed
    with leases.holding("outbox", message_id, lambda: _renew(d, message_id), d.lease / 4):
        try:
            d.adapters[account_name].send_dm_reply(item, text, key)
        except PlatformError as exc:
            _failure(d, message_id, exc)
            return False
        crashpoints.reached("outbox.sent")
        return _sent(d, message_id, account_name)


def _held(s: Any, d: Duties, message_id: int) -> m.OutboxMessage | None:
    msg = s.get(Msg, message_id, with_for_update=True)
    if msg is not None and msg.state == "pending" and msg.lease_owner == d.owner:
        return msg
    log.warning("DM reply %s was taken over while this process sent it; "
                "this process was stopped for longer than its lease", message_id)
    return None


def _sent(d: Duties, message_id: int, account_name: str) -> bool:
    with transaction(d.sessions) as s:
        msg = _held(s, d, message_id)
        if msg is None:
            return False
        msg.state, msg.sent_at, msg.last_error = "sent", d.clock(), None
        msg.lease_owner = msg.lease_expires_at = None
        audit.record(s, "bot", "dm_reply.sent", "item", msg.item_id, {"account": account_name}, at=d.clock())
    return True


def _failure(d: Duties, message_id: int, exc: PlatformError) -> None:
    max_attempts = int(d.settings.get("actions.max_attempts"))
    base = int(d.settings.get("actions.backoff_seconds"))
    with transaction(d.sessions) as s:
        msg = _held(s, d, message_id)
        if msg is None:
            return
        msg.last_error = f"{exc.title} {exc}"[:1000]
        msg.lease_owner = msg.lease_expires_at = None
        if isinstance(exc, PermanentError) or msg.attempts >= max_attempts:
            msg.state = "failed"
            audit.record(s, "bot", "dm_reply.failed", "item", msg.item_id, {"error": msg.last_error}, at=d.clock())
        else:
            msg.next_attempt_at = d.clock() + backoff(msg.attempts, base)


def _item_for(row: m.Item) -> Item:
    """Rebuild the domain item an adapter needs to answer a DM."""
    snap = row.author_snapshot or {}
    author = Author(remote_id=row.author.remote_id, handle=row.author.handle,
                    display_name=snap.get("display_name", ""), is_bot=bool(snap.get("is_bot")))
    return Item(remote_id=row.remote_id, kind=ItemKind(row.kind), author=author, text=row.text,
                created_at=row.created_at, raw={}, url=row.url, in_reply_to_id=row.in_reply_to_id,
                thread_root_id=row.thread_root_id, meta=dict(row.meta or {}))
