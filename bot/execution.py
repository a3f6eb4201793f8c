"""Carrying out approved actions and sending DM auto-replies: exactly once, with
retry and backoff in this one place (adapters never retry).

An action is claimed (``approved -> executing``) and committed before the platform
is called; the outcome is committed afterwards. A crash in between leaves it
``executing``; ``Moderator.recover_interrupted`` puts it back to ``approved`` and it
is retried with the same idempotency key.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update

from bot import audit, crashpoints
from bot.domain import ActionKind, ActionOrder, ActionState, Author, Item, ItemKind
from bot.errors import AuthFailed, PermanentError, PlatformError, RateLimited
from bot.storage import models as m
from bot.storage.db import transaction

if TYPE_CHECKING:
    from bot.moderator import Moderator

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class ExecuteResult:
    done: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int, base_seconds: int, rng: random.Random | None = None) -> timedelta:
    """Doubling delay with +-20% jitter, capped at an hour."""
    delay = min(base_seconds * 2 ** max(attempts - 1, 0), MAX_BACKOFF.total_seconds())
    jitter = (rng or random).uniform(0.8, 1.2)
    return timedelta(seconds=delay * jitter)


def due_action_ids(mod: Moderator, limit: int) -> list[int]:
    now = mod.clock()
    with transaction(mod.sessions) as s:
        return list(s.execute(
            select(m.Action.id).where(m.Action.state == ActionState.APPROVED.value,
                                      or_(m.Action.next_attempt_at.is_(None), m.Action.next_attempt_at <= now))
            .order_by(m.Action.next_attempt_at, m.Action.id).limit(limit)).scalars())


def execute_due(mod: Moderator, limit: int = 20) -> ExecuteResult:
    if not mod.settings.live:
        return ExecuteResult()
    done = retried = failed = 0
    for action_id in due_action_ids(mod, limit):
        outcome = execute_one(mod, action_id)
        done += outcome == "done"
        retried += outcome == "retry"
        failed += outcome == "failed"
    return ExecuteResult(done, retried, failed)


def execute_one(mod: Moderator, action_id: int) -> str:
    with transaction(mod.sessions) as s:
        if not mod.claim(s, action_id):
            return "skipped"
        action = s.get(m.Action, action_id)
        assert action is not None
        action.attempts += 1
        account_name = action.account.name
        order = _order_for(action)
        audit.record(s, "bot", "action.executing", "action", action.id,
                     {"kind": action.kind, "attempt": action.attempts}, at=mod.clock())
    crashpoints.reached("execute.claimed")
    try:
        result = mod.adapters[account_name].apply(order)
    except PlatformError as exc:
        return _after_failure(mod, action_id, exc)
    except Exception as exc:  # an adapter bug: keep it for the clerk, do not loop on it
        log.exception("adapter crashed carrying out action %s", action_id)
        return _after_failure(mod, action_id, PermanentError(f"internal error: {type(exc).__name__}"))
    crashpoints.reached("execute.applied")
    with transaction(mod.sessions) as s:
        action = s.get(m.Action, action_id)
        assert action is not None
        action.done_at, action.last_error = mod.clock(), None
        action.outcome = json.dumps(result, sort_keys=True, default=str) if result else "ok"
        mod._move(s, action, ActionState.DONE, "bot", "action.done", {"outcome": action.outcome[:500]})
    return "done"


def _order_for(action: m.Action) -> ActionOrder:
    item = action.review_item.item
    return ActionOrder(
        action_id=action.id, kind=ActionKind(action.kind), author_remote_id=item.author.remote_id,
        author_handle=item.author.handle, item_remote_id=item.remote_id, item_meta=dict(item.meta or {}),
        params=dict(action.params or {}), idempotency_key=action.idempotency_key)


def _after_failure(mod: Moderator, action_id: int, exc: PlatformError) -> str:
    max_attempts = int(mod.settings.get("actions.max_attempts"))
    base = int(mod.settings.get("actions.backoff_seconds"))
    now = mod.clock()
    with transaction(mod.sessions) as s:
        action = s.get(m.Action, action_id)
        assert action is not None
        action.last_error = f"{exc.title} {exc}"[:1000]
        permanent = isinstance(exc, PermanentError) or action.attempts >= max_attempts
        if permanent:
            mod._move(s, action, ActionState.FAILED, "bot", "action.failed",
                      {"error": action.last_error, "attempts": action.attempts})
            return "failed"
        if isinstance(exc, RateLimited) and exc.retry_at:
            action.next_attempt_at = datetime.fromtimestamp(exc.retry_at, tz=now.tzinfo)
        else:
            action.next_attempt_at = now + backoff(action.attempts, base * (10 if isinstance(exc, AuthFailed) else 1))
        mod._move(s, action, ActionState.APPROVED, "bot", "action.retry",
                  {"error": action.last_error, "next_attempt_at": action.next_attempt_at.isoformat()})
    return "retry"


# -- DM auto-replies -------------------------------------------------------------
def send_outbox(mod: Moderator, limit: int = 20) -> int:
    if not mod.settings.live:
        return 0
    now = mod.clock()
    with transaction(mod.sessions) as s:
        ids = list(s.execute(select(m.OutboxMessage.id).where(
            m.OutboxMessage.state == "pending",
            or_(m.OutboxMessage.next_attempt_at.is_(None), m.OutboxMessage.next_attempt_at <= now))
            .order_by(m.OutboxMessage.id).limit(limit)).scalars())
    return sum(_send_one(mod, mid) for mid in ids)


def _send_one(mod: Moderator, message_id: int) -> bool:
    base = int(mod.settings.get("actions.backoff_seconds"))
    with transaction(mod.sessions) as s:
        msg = s.get(m.OutboxMessage, message_id)
        assert msg is not None
        # Lease: if we die while sending, the retry waits and re-uses the idempotency key.
        claimed = s.execute(update(m.OutboxMessage).where(
            m.OutboxMessage.id == message_id, m.OutboxMessage.attempts == msg.attempts,
            m.OutboxMessage.state == "pending").values(
            attempts=msg.attempts + 1, next_attempt_at=mod.clock() + timedelta(minutes=5)))
        if getattr(claimed, "rowcount", 0) != 1:
            return False
        item_row = s.get(m.Item, msg.item_id)
        assert item_row is not None
        account_name, text, key = item_row.account.name, msg.text, msg.idempotency_key
        item = _item_for(item_row)
    try:
        mod.adapters[account_name].send_dm_reply(item, text, key)
    except PlatformError as exc:
        _outbox_failure(mod, message_id, exc, base)
        return False
    crashpoints.reached("outbox.sent")
    with transaction(mod.sessions) as s:
        msg = s.get(m.OutboxMessage, message_id)
        assert msg is not None
        msg.state, msg.sent_at, msg.last_error = "sent", mod.clock(), None
        audit.record(s, "bot", "dm_reply.sent", "item", msg.item_id, {"account": account_name}, at=mod.clock())
    return True


def _outbox_failure(mod: Moderator, message_id: int, exc: PlatformError, base: int) -> None:
    max_attempts = int(mod.settings.get("actions.max_attempts"))
    with transaction(mod.sessions) as s:
        msg = s.get(m.OutboxMessage, message_id)
        assert msg is not None
        msg.last_error = f"{exc.title} {exc}"[:1000]
        if isinstance(exc, PermanentError) or msg.attempts >= max_attempts:
            msg.state = "failed"
            audit.record(s, "bot", "dm_reply.failed", "item", msg.item_id, {"error": msg.last_error}, at=mod.clock())
        else:
            msg.next_attempt_at = mod.clock() + backoff(msg.attempts, base)


def _item_for(row: m.Item) -> Item:
    """Rebuild the domain item an adapter needs to answer a DM."""
    snap = row.author_snapshot or {}
    author = Author(remote_id=row.author.remote_id, handle=row.author.handle,
                    display_name=snap.get("display_name", ""), is_bot=bool(snap.get("is_bot")))
    return Item(remote_id=row.remote_id, kind=ItemKind(row.kind), author=author, text=row.text,
                created_at=row.created_at, raw={}, url=row.url, in_reply_to_id=row.in_reply_to_id,
                thread_root_id=row.thread_root_id, meta=dict(row.meta or {}))
