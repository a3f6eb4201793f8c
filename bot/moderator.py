"""The core: ``Moderator`` polls accounts, records the clerk's decisions and carries
out approved actions. The web page, the scheduler and the CLI are thin callers.

Every duty is crash-safe: a poll stores its items and the next cursor in one
transaction; an action moves ``approved -> executing`` under this process's lease
in its own transaction before the platform is called, and only an abandoned lease
(its executor died, see ``bot.leases``) puts it back to ``approved``, to be retried
with the same idempotency key.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import crashpoints, deletions, execution, outbox, poll_health, undo
from bot.adapter import Adapter
from bot.decisions import Decision, decide
from bot.domain import ActionKind, Batch
from bot.errors import DecisionProblem, NotFound, PlatformError
from bot.execution import Duties, ExecuteResult
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
    deleted: int = 0  # pending posts the platform says their authors deleted


class Moderator:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session],
                 adapters: Mapping[str, Adapter], engine: PolicyEngine, clock: Clock = m.utcnow,
                 lease_owner: str | None = None):
        self.settings = settings
        self.sessions = sessions
        self.adapters = dict(adapters)
        self.engine = engine
        self.clock = clock
        self.lease_owner = lease_owner  # None: this process; tests give two in-process executors their own
        # Accounts this process has polled: a new process retries a refused login at once.
        self._login_tried: set[str] = set()

    @property
    def duties(self) -> Duties:
        return Duties(self.settings, self.sessions, self.adapters, self.clock, self.lease_owner)

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
                # A login failure is kept: only a good poll or ``account check`` clears it (bot.poll_health).
                row.platform, row.handle, row.server_url = acc.platform.value, acc.handle, acc.server_url

    def recover_abandoned(self) -> int:
        """Actions whose executor is gone (an expired lease, or a dead process on this
        host) go back to ``approved``; a live executor's actions are left alone."""
        return execution.recover_abandoned(self.duties)

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
            waiting = poll_health.why_not_now(account, self.clock(), account_name in self._login_tried)
            if waiting:
                return PollResult(account_name, False, error=waiting)
            self._login_tried.add(account_name)
            cursor = s.get(m.Cursor, (account.id, "main"))
            cursor_value = cursor.value if cursor else None
        try:
            batch = adapter.fetch(cursor_value)
        except PlatformError as exc:
            self._record_poll_failure(account_name, exc)
            return PollResult(account_name, False, error=poll_health.failure_sentence(exc))
        crashpoints.reached("poll.fetched")
        result = self._commit_batch(account_name, adapter, cursor_value, batch)
        deleted = deletions.check_pending(self.sessions, adapter, account_name, self.clock)
        # The council's own new posts, in the poll's thread: one caller of the adapter at a time.
        posts.scan_after_poll(self, account_name)
        return dataclasses.replace(result, deleted=deleted) if deleted else result

    def _commit_batch(self, name: str, adapter: Adapter, old_cursor: str | None, batch: Batch) -> PollResult:
        now = self.clock()
        with transaction(self.sessions) as s:
            account = self._account(s, name)
            ctx = IngestContext(self.settings, self.engine, adapter.capabilities, account, now,
                                reply_controls=str(getattr(adapter, "reply_controls", "none")))
            result: IngestResult = store_batch(s, ctx, batch.items)
            pileon.detect(s, ctx, batch.items)
            self._store_cursor(s, account.id, batch.cursor if batch.cursor is not None else old_cursor, now)
            poll_health.record_success(s, account, now, batch.requests)
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
        with transaction(self.sessions) as s:
            poll_health.record_failure(s, self._account(s, name), exc, self.clock())

    def _account(self, s: Session, name: str) -> m.Account:
        row = s.execute(select(m.Account).where(m.Account.name == name)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"account {name!r} is not in the database; run sync first")
        return row

    # -- helpers shared with decisions and execution ---------------------------
    def capabilities_of(self, account_name: str) -> frozenset[ActionKind]:
        return self.adapters[account_name].capabilities

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
        return execution.execute_due(self.duties, limit)

    def send_outbox(self, limit: int = 20) -> int:
        return outbox.send_outbox(self.duties, limit)

    # -- quiet accounts: the council's own posts, reply gates, pile-on limits ----------
    def scan_posts(self, account_name: str) -> posts.ScanResult:
        return posts.scan_posts(self, account_name)

    def apply_reply_gates(self, limit: int = 20) -> int:
        return posts.apply_gates(self, limit)

    def expire_reply_limits(self) -> int:
        return pileon.expire_limits(self)
