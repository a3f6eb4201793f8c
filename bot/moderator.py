"""The core: ``Moderator`` polls accounts, records the clerk's decisions and carries
out approved actions. The web page, the scheduler and the CLI are thin callers.

Every duty is crash-safe: a poll stores its items and the next cursor in one
transaction; an action moves ``approved -> executing`` in its own transaction
before the platform is called, and an ``executing`` action found at start-up (its
executor died) goes back to ``approved`` and is retried with the same
idempotency key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import audit, crashpoints, execution, undo
from bot.adapter import Adapter
from bot.decisions import Decision, decide, move_action
from bot.domain import ActionKind, ActionState, Batch
from bot.errors import AuthFailed, DecisionProblem, NotFound, PlatformError, RateLimited
from bot.execution import ExecuteResult
from bot.ingest import IngestContext, IngestResult, store_batch
from bot.policy import PolicyEngine
from bot.quiet import pileon, posts
from bot.settings import Settings
from bot.storage import models as m
from bot.storage.db import transaction
from bot.storage.upsert import insert_missing

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PollResult:
    account: str
    ok: bool
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    flagged: int = 0
    dm_replies: int = 0
    error: str = ""


class Moderator:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session],
                 adapters: Mapping[str, Adapter], engine: PolicyEngine, clock: Clock = m.utcnow):
        self.settings = settings
        self.sessions = sessions
        self.adapters = dict(adapters)
        self.engine = engine
        self.clock = clock

    # -- set-up ---------------------------------------------------------------
    def sync_accounts(self) -> None:
        """Make sure every configured account has its row; clear stale auth failures."""
        with transaction(self.sessions) as s:
            # Insert-if-missing first: two services starting together must not both insert.
            if self.settings.accounts:
                s.execute(insert_missing(s, m.Account, ("name",)), [
                    {"name": acc.name, "platform": acc.platform.value, "handle": acc.handle,
                     "server_url": acc.server_url, "created_at": self.clock(), "warnings": []}
                    for acc in self.settings.accounts])
            for acc in self.settings.accounts:
                row = s.execute(select(m.Account).where(m.Account.name == acc.name)).scalar_one()
                row.platform, row.handle, row.server_url = acc.platform.value, acc.handle, acc.server_url
                row.auth_failed = False  # a restart is the operator's "I fixed the token"

    def recover_interrupted(self) -> int:
        """Actions left ``executing`` by a killed process go back to ``approved``."""
        with transaction(self.sessions) as s:
            rows = s.execute(select(m.Action).where(m.Action.state == ActionState.EXECUTING.value)).scalars().all()
            for a in rows:
                self._move(s, a, ActionState.APPROVED, "bot", "action.recovered",
                           {"note": "the executor stopped mid-way; retrying with the same idempotency key"})
                a.next_attempt_at = self.clock()
            # DM replies whose sender died mid-send (a lease, no error yet): retry now,
            # with the same idempotency key.
            s.execute(update(m.OutboxMessage).where(
                m.OutboxMessage.state == "pending", m.OutboxMessage.attempts > 0,
                m.OutboxMessage.last_error.is_(None)).values(next_attempt_at=self.clock()))
            return len(rows)

    def prepare_accounts(self) -> None:
        """Once at start-up: let adapters check the account's set-up (e.g. Mastodon's
        notification policy filtering DMs from strangers) and keep their warnings."""
        for name, adapter in self.adapters.items():
            prepare = getattr(adapter, "prepare", None)
            if prepare is None:
                continue
            try:
                warnings = list(prepare(self.settings.live) or [])
            except PlatformError as exc:
                self._record_poll_failure(name, exc)
                continue
            with transaction(self.sessions) as s:
                self._account(s, name).warnings = warnings
            for w in warnings:
                log.warning("account %s: %s", name, w)

    # -- poll -------------------------------------------------------------------
    def poll(self, account_name: str) -> PollResult:
        adapter = self.adapters[account_name]
        with transaction(self.sessions) as s:
            account = self._account(s, account_name)
            if account.auth_failed:
                return PollResult(account_name, False, error="login failed earlier; fix the credentials and restart")
            if account.paused_until and account.paused_until > self.clock():
                return PollResult(account_name, False, error="waiting for the platform's rate limit")
            cursor = s.get(m.Cursor, (account.id, "main"))
            cursor_value = cursor.value if cursor else None
        try:
            batch = adapter.fetch(cursor_value)
        except PlatformError as exc:
            self._record_poll_failure(account_name, exc)
            return PollResult(account_name, False, error=f"{type(exc).__name__}: {exc}")
        crashpoints.reached("poll.fetched")
        return self._commit_batch(account_name, adapter, cursor_value, batch)

    def _commit_batch(self, name: str, adapter: Adapter, old_cursor: str | None, batch: Batch) -> PollResult:
        now = self.clock()
        with transaction(self.sessions) as s:
            account = self._account(s, name)
            ctx = IngestContext(self.settings, self.engine, adapter.capabilities, account, now,
                                reply_controls=str(getattr(adapter, "reply_controls", "none")))
            result: IngestResult = store_batch(s, ctx, batch.items)
            pileon.detect(s, ctx, batch.items)
            self._store_cursor(s, account.id, batch.cursor if batch.cursor is not None else old_cursor, now)
            account.last_poll_at = account.last_poll_ok_at = now
            account.consecutive_failures = 0
            account.last_poll_requests = batch.requests
            account.paused_until = None
            crashpoints.reached("poll.before_commit")
        if batch.skipped:
            log.warning("account %s: %d malformed item(s) skipped", name, batch.skipped)
        log.info("polled %s: %d new, %d duplicate, %d flagged", name, result.stored, result.duplicates, result.flagged)
        return PollResult(name, True, result.stored, result.duplicates, batch.skipped + result.failed,
                          result.flagged, result.dm_replies)

    def _store_cursor(self, s: Session, account_id: int, value: str | None, now: datetime) -> None:
        # Insert-if-missing, then update: two services' first polls of one account must not both insert.
        s.execute(insert_missing(s, m.Cursor, ("account_id", "stream")),
                  [{"account_id": account_id, "stream": "main", "value": value, "updated_at": now}])
        s.execute(update(m.Cursor).where(m.Cursor.account_id == account_id, m.Cursor.stream == "main")
                  .values(value=value, updated_at=now), execution_options={"synchronize_session": False})

    def _record_poll_failure(self, name: str, exc: PlatformError) -> None:
        log.warning("poll of %s failed: %s", name, exc, exc_info=not isinstance(exc, RateLimited))
        now = self.clock()
        with transaction(self.sessions) as s:
            account = self._account(s, name)
            account.last_poll_at = account.last_error_at = now
            account.last_error = f"{exc.title} ({type(exc).__name__})"
            account.consecutive_failures += 1
            if isinstance(exc, RateLimited) and exc.retry_at:
                account.paused_until = datetime.fromtimestamp(exc.retry_at, tz=now.tzinfo)
            if isinstance(exc, AuthFailed) and not account.auth_failed:
                account.auth_failed = True
                audit.record(s, "bot", "account.auth_failed", "account", account.id,
                             {"account": name, "error": str(exc)[:300]}, at=now)

    def _account(self, s: Session, name: str) -> m.Account:
        row = s.execute(select(m.Account).where(m.Account.name == name)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"account {name!r} is not in the database; run sync first")
        return row

    # -- helpers shared with decisions and execution ---------------------------
    def _move(self, s: Session, action: m.Action, new: ActionState, actor: str, event: str,
              details: dict[str, object] | None = None) -> None:
        move_action(s, action, new, actor, event, self.clock(), details)

    def capabilities_of(self, account_name: str) -> frozenset[ActionKind]:
        return self.adapters[account_name].capabilities

    def claim(self, s: Session, action_id: int) -> bool:
        """Atomically move one action approved -> executing; False if someone else did."""
        res = s.execute(update(m.Action).where(m.Action.id == action_id, m.Action.state == "approved")
                        .values(state="executing", executing_since=self.clock(), updated_at=self.clock()))
        return bool(getattr(res, "rowcount", 0) == 1)

    # -- decisions and execution -------------------------------------------------
    def decide(self, decision: Decision) -> m.ReviewItem:
        with transaction(self.sessions) as s:
            review = s.get(m.ReviewItem, decision.review_id)
            if review is None:
                raise NotFound(f"no review item {decision.review_id}")
            caps = self.capabilities_of(review.item.account.name)
            return decide(s, decision, caps, self.clock())

    def review_of_item(self, item_id: int) -> int:
        """The review item of item ``item_id`` (people only ever see item numbers)."""
        with self.sessions() as s:
            found = s.execute(select(m.ReviewItem.id).where(m.ReviewItem.item_id == item_id)).scalar()
        if found is None:
            raise NotFound(f"item {item_id} was not flagged, so there is no decision to make on it")
        return int(found)

    def request_undo(self, action_id: int, user: str, reason: str) -> m.Action:
        """Approve undoing a carried-out action; the executor then carries it out once."""
        try:
            with transaction(self.sessions) as s:
                action = s.get(m.Action, action_id)
                if action is None:
                    raise NotFound(f"no action {action_id}")
                caps = self.capabilities_of(action.account.name)
                return undo.request_undo(s, action_id, user, reason, caps, self.clock())
        except IntegrityError as exc:  # another clerk's undo of the same action committed first
            raise DecisionProblem("This action has already been undone, or its undoing is waiting to run.") from exc

    def execute_due(self, limit: int = 20) -> ExecuteResult:
        return execution.execute_due(self, limit)

    def send_outbox(self, limit: int = 20) -> int:
        return execution.send_outbox(self, limit)

    # -- quiet accounts: the council's own posts, reply gates, pile-on limits ----------
    def scan_posts(self, account_name: str) -> posts.ScanResult:
        return posts.scan_posts(self, account_name)

    def apply_reply_gates(self, limit: int = 20) -> int:
        return posts.apply_gates(self, limit)

    def expire_reply_limits(self) -> int:
        return pileon.expire_limits(self)
