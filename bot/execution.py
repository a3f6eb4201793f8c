"""Carrying out approved actions: at most one platform call in flight per action,
with retry and backoff in this one place (adapters never retry).

An action is claimed (``approved -> executing``, with this process as the lease
owner, see ``bot.leases``) and committed before the platform is called; the lease
is renewed while the call is in flight and the outcome is committed afterwards,
only if this process still holds the lease. A claim whose owner died is taken over
by any process once it is abandoned, and the action is retried with the same
idempotency key; a live owner's claim is never touched.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import audit, crashpoints, leases
from bot.adapter import Adapter
from bot.decisions import move_action
from bot.domain import ActionKind, ActionOrder, ActionState
from bot.errors import AuthFailed, PermanentError, PlatformError, RateLimited, TargetGone
from bot.evidence import mark_deleted
from bot.evidence.bindings import recorded_target
from bot.settings import Settings
from bot.storage import models as m
from bot.storage.db import transaction

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
EXECUTING = ActionState.EXECUTING.value
# Actions whose target is the post itself: when the author deleted it there is nothing left to do.
POST_ACTIONS = frozenset({ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE})
NOT_NEEDED = "Not needed"  # the outcome's first words when the target was already gone


@dataclass(frozen=True)
class ExecuteResult:
    done: int = 0
    retried: int = 0
    failed: int = 0
    not_needed: int = 0  # the post or account was already gone


@dataclass(frozen=True)
class Duties:
    """What the executor and the DM outbox need: no more than this (not the whole Moderator)."""

    settings: Settings
    sessions: sessionmaker[Session]
    adapters: Mapping[str, Adapter]
    clock: Callable[[], datetime]
    owner_key: str | None = None  # None: this process (``bot.leases.me``)

    @property
    def owner(self) -> str:
        return self.owner_key or leases.me().key

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=int(self.settings.get("actions.lease_seconds")))


def backoff(attempts: int, base_seconds: int, rng: random.Random | None = None) -> timedelta:
    """Doubling delay with +-20% jitter, capped at an hour."""
    delay = min(base_seconds * 2 ** max(attempts - 1, 0), MAX_BACKOFF.total_seconds())
    jitter = (rng or random).uniform(0.8, 1.2)
    return timedelta(seconds=delay * jitter)


def _due(now: datetime) -> Any:
    return or_(m.Action.next_attempt_at.is_(None), m.Action.next_attempt_at <= now)


def due_action_ids(d: Duties, limit: int) -> list[int]:
    now = d.clock()
    with transaction(d.sessions) as s:
        return list(s.execute(
            select(m.Action.id).where(m.Action.state == ActionState.APPROVED.value, _due(now))
            .order_by(m.Action.next_attempt_at, m.Action.id).limit(limit)).scalars())


def execute_due(d: Duties, limit: int = 20) -> ExecuteResult:
    if not d.settings.live:
        return ExecuteResult()
    recover_abandoned(d)
    outcomes = [execute_one(d, action_id) for action_id in due_action_ids(d, limit)]
    return ExecuteResult(outcomes.count("done"), outcomes.count("retry"), outcomes.count("failed"),
                         outcomes.count("not_needed"))


def recover_abandoned(d: Duties) -> int:
    """Put actions whose executor is gone back to ``approved`` (see ``bot.leases``)."""
    now = d.clock()
    with transaction(d.sessions) as s:
        claims = s.execute(select(m.Action.id, m.Action.lease_owner, m.Action.lease_expires_at)
                           .where(m.Action.state == EXECUTING)).all()
    recovered = 0
    for action_id, owner, expires in claims:
        if not leases.abandoned(owner, expires, now, "actions", action_id):
            continue
        with transaction(d.sessions) as s:
            action = s.get(m.Action, action_id, with_for_update=True)
            if action is None or (action.state, action.lease_owner, action.lease_expires_at) != (EXECUTING, owner,
                                                                                                  expires):
                continue  # someone renewed, finished or recovered it in the meantime
            action.lease_owner = action.lease_expires_at = None
            action.next_attempt_at = now
            move_action(s, action, ActionState.APPROVED, "bot", "action.recovered", now,
                        {"note": "the executor stopped mid-way; retrying with the same idempotency key",
                         "previous_owner": owner})
            recovered += 1
    if recovered:
        log.warning("%d action(s) left by a stopped executor will be retried", recovered)
    return recovered


def execute_one(d: Duties, action_id: int) -> str:
    claimed = _claim(d, action_id)
    if claimed is None:
        return "skipped"
    account_name, order, tampered = claimed
    with leases.holding("actions", action_id, lambda: _renew(d, action_id), d.lease / 4):
        crashpoints.reached("execute.claimed")  # a frozen executor still renews its lease here
        if tampered:
            log.error("action %s not carried out: %s", action_id, tampered)
            return _after_failure(d, action_id, PermanentError(tampered))
        try:
            result = d.adapters[account_name].apply(order)
        except PlatformError as exc:
            return _after_failure(d, action_id, exc)
        except Exception as exc:  # an adapter bug: keep it for the clerk, do not loop on it
            log.exception("adapter crashed carrying out action %s", action_id)
            return _after_failure(d, action_id, PermanentError(f"internal error: {type(exc).__name__}"))
        crashpoints.reached("execute.applied")
        return _finish(d, action_id, json.dumps(result, sort_keys=True, default=str) if result else "ok")


def _claim(d: Duties, action_id: int) -> tuple[str, ActionOrder, str] | None:
    """Atomically ``approved -> executing`` with this process's lease; None if someone else did."""
    now = d.clock()
    with transaction(d.sessions) as s:
        res = s.execute(update(m.Action).where(m.Action.id == action_id, m.Action.state == "approved", _due(now))
                        .values(state=EXECUTING, executing_since=now, updated_at=now, attempts=m.Action.attempts + 1,
                                lease_owner=d.owner, lease_expires_at=now + d.lease)
                        .execution_options(synchronize_session=False))
        if getattr(res, "rowcount", 0) != 1:
            return None
        action = s.get(m.Action, action_id)
        assert action is not None
        audit.record(s, "bot", "action.executing", "action", action.id,
                     {"kind": action.kind, "from": "approved", "to": EXECUTING, "attempt": action.attempts,
                      "owner": d.owner}, at=now)
        return action.account.name, _order_for(action), _target_changed(s, action.review_item.item)


def _target_changed(s: Session, item: m.Item) -> str:
    """Why the action must not go ahead: its target is not the account bound at capture."""
    target = recorded_target(s, item.id)
    if target is None or (target.get("author_id"), target.get("author_remote_id")) == (item.author_id,
                                                                                       item.author.remote_id):
        return ""
    return (f"the author of item {item.id} was changed in the database after capture (now {item.author.remote_id}, "
            f"recorded {target.get('author_remote_id')}); nothing was sent. Run 'modbot audit verify'.")


def _renew(d: Duties, action_id: int) -> bool:
    with transaction(d.sessions) as s:
        res = s.execute(update(m.Action).where(m.Action.id == action_id, m.Action.state == EXECUTING,
                                               m.Action.lease_owner == d.owner)
                        .values(lease_expires_at=d.clock() + d.lease).execution_options(synchronize_session=False))
        return bool(getattr(res, "rowcount", 0) == 1)


def _held(s: Session, d: Duties, action_id: int) -> m.Action | None:
    """The action, locked, if this process still holds its lease; else None (logged)."""
    action = s.get(m.Action, action_id, with_for_update=True)
    if action is not None and action.state == EXECUTING and action.lease_owner == d.owner:
        return action
    state = action.state if action else "missing"
    log.warning("action %s was taken over while this process carried it out (now %s); "
                "this process was stopped for longer than its lease", action_id, state)
    audit.record(s, "bot", "action.lease_lost", "action", action_id,
                 {"owner": d.owner, "state_found": state}, at=d.clock())
    return None


def _finish(d: Duties, action_id: int, outcome: str) -> str:
    with transaction(d.sessions) as s:
        action = _held(s, d, action_id)
        if action is None:
            return "lost"
        action.done_at, action.last_error, action.outcome = d.clock(), None, outcome
        action.lease_owner = action.lease_expires_at = None
        move_action(s, action, ActionState.DONE, "bot", "action.done", d.clock(), {"outcome": outcome[:500]})
    return "done"


def _order_for(action: m.Action) -> ActionOrder:
    item = action.review_item.item
    return ActionOrder(
        action_id=action.id, kind=ActionKind(action.kind), author_remote_id=item.author.remote_id,
        author_handle=item.author.handle, item_remote_id=item.remote_id, item_meta=dict(item.meta or {}),
        params=dict(action.params or {}), idempotency_key=action.idempotency_key)


def _after_failure(d: Duties, action_id: int, exc: PlatformError) -> str:
    if isinstance(exc, TargetGone):
        return _target_gone(d, action_id, exc)
    max_attempts = int(d.settings.get("actions.max_attempts"))
    base = int(d.settings.get("actions.backoff_seconds"))
    now = d.clock()
    with transaction(d.sessions) as s:
        action = _held(s, d, action_id)
        if action is None:
            return "lost"
        action.last_error = f"{exc.title} {exc}"[:1000]
        action.lease_owner = action.lease_expires_at = None
        if isinstance(exc, PermanentError) or action.attempts >= max_attempts:
            move_action(s, action, ActionState.FAILED, "bot", "action.failed", now,
                        {"error": action.last_error, "attempts": action.attempts})
            return "failed"
        if isinstance(exc, RateLimited) and exc.retry_at:
            action.next_attempt_at = datetime.fromtimestamp(exc.retry_at, tz=now.tzinfo)
        else:
            action.next_attempt_at = now + backoff(action.attempts, base * (10 if isinstance(exc, AuthFailed) else 1))
        move_action(s, action, ActionState.APPROVED, "bot", "action.retry", now,
                    {"error": action.last_error, "next_attempt_at": action.next_attempt_at.isoformat()})
    return "retry"


def _target_gone(d: Duties, action_id: int, exc: TargetGone) -> str:
    """The post (or the account) is gone: nothing is left to do, and that is not a failure."""
    now = d.clock()
    with transaction(d.sessions) as s:
        action = _held(s, d, action_id)
        if action is None:
            return "lost"
        item = action.review_item.item
        if ActionKind(action.kind) in POST_ACTIONS or item.deleted_at is not None:
            mark_deleted(s, item.account_id, item.remote_id, now)
            action.outcome = f"{NOT_NEEDED}: the author deleted the post."
        else:
            action.outcome = f"{NOT_NEEDED}: the account no longer exists."
        action.done_at, action.last_error = now, None
        action.lease_owner = action.lease_expires_at = None
        move_action(s, action, ActionState.DONE, "bot", "action.not_needed", now,
                    {"outcome": action.outcome, "platform_said": str(exc)[:300]})
    return "not_needed"
