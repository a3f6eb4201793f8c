"""The council's own new posts: the reply gate each needs, and pre-election warnings.

``scan_posts`` reads the posts published since the last scan and, in one transaction
with the cursor, records them, marks the ones that need a reply gate (the account's
``reply_policy``) and queues any pre-election warning. ``apply_gates`` then sets the
gates with the same guarantees as the DM outbox: a lease before the platform is
called, the outcome afterwards, retry with backoff, and an audit row for each gate.

A reply policy applies to posts published after it was set: the time it took effect
is kept (and every change audited), so turning it on never rewrites old threads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.adapter import ReplyGating
from bot.domain import ItemKind, OwnPost, ReplyControls, ReplyPolicy
from bot.errors import PermanentError, PlatformError
from bot.execution import backoff
from bot.quiet import election
from bot.quiet.records import council_item, queue_council_item
from bot.storage import models as m
from bot.storage import quiet_models as q
from bot.storage.db import transaction

if TYPE_CHECKING:
    from bot.moderator import Moderator

log = logging.getLogger(__name__)
POSTS_STREAM = "own_posts"
POLICY_STREAM = "reply_policy"     # the policy in force and (updated_at) since when
DEFAULTS_STREAM = "reply_defaults"  # the policy last set as the server's default (GoToSocial)
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class ScanResult:
    account: str
    ok: bool
    posts: int = 0
    gates: int = 0
    warnings: int = 0
    error: str = ""


def gating(mod: Moderator, name: str) -> ReplyGating | None:
    adapter = mod.adapters.get(name)
    return adapter if isinstance(adapter, ReplyGating) else None


def note_reply_policy(s: Session, account: m.Account, policy: str, now: datetime) -> datetime:
    """The time the configured policy took effect; a change is recorded and audited."""
    row = s.get(m.Cursor, (account.id, POLICY_STREAM))
    if row is not None and row.value == policy:
        return row.updated_at
    previous = row.value if row is not None else None
    if row is None:
        s.add(m.Cursor(account_id=account.id, stream=POLICY_STREAM, value=policy, updated_at=now))
        if policy == ReplyPolicy.OPEN:
            return now  # nothing to record: replies were never limited
    else:
        row.value, row.updated_at = policy, now
    audit.record(s, "settings", "reply_policy.changed", "account", account.id,
                 {"account": account.name, "from": previous, "to": policy}, at=now)
    return now


def scan_posts(mod: Moderator, name: str) -> ScanResult:
    adapter = gating(mod, name)
    if adapter is None:
        return ScanResult(name, False, error="this platform's adapter does not read the council's own posts")
    acc_settings, now = mod.settings.account(name), mod.clock()
    with transaction(mod.sessions) as s:
        account = mod._account(s, name)
        if account.auth_failed or (account.paused_until and account.paused_until > now):
            return ScanResult(name, False, error="the account is not being polled just now")
        since = note_reply_policy(s, account, acc_settings.reply_policy, now)
        cursor = s.get(m.Cursor, (account.id, POSTS_STREAM))
        cursor_value = cursor.value if cursor else None
    _sync_defaults(mod, name, adapter, acc_settings.reply_policy)
    try:
        found = adapter.fetch_own_posts(cursor_value, since_days=max(acc_settings.context_days, 1))
    except PlatformError as exc:
        log.warning("reading the council's own posts on %s failed: %s", name, exc)
        return ScanResult(name, False, error=f"{type(exc).__name__}: {exc}")
    with transaction(mod.sessions) as s:
        account = mod._account(s, name)
        result = _record(mod, s, account, adapter, found.posts, since, acc_settings.reply_policy)
        _store_cursor(s, account.id, found.cursor if found.cursor is not None else cursor_value, now)
    return result


def scan_after_poll(mod: Moderator, name: str) -> None:
    """Read the council's own posts after a successful poll; a failure here never fails the poll."""
    if gating(mod, name) is None:
        return
    try:
        result = scan_posts(mod, name)
    except Exception:  # the poll's items are committed already; keep the poller running
        log.exception("reading the council's own posts on %s failed", name)
        return
    if result.posts:
        log.info("account %s: %d new council post(s), %d reply gate(s) queued, %d pre-election warning(s)",
                 name, result.posts, result.gates, result.warnings)


def _record(mod: Moderator, s: Session, account: m.Account, adapter: ReplyGating, posts: tuple[OwnPost, ...],
            since: datetime, policy: str) -> ScanResult:
    now = mod.clock()
    known = set(s.execute(select(q.CouncilPost.remote_id).where(
        q.CouncilPost.account_id == account.id,
        q.CouncilPost.remote_id.in_([p.remote_id for p in posts]))).scalars()) if posts else set()
    gated = warnings = stored = 0
    per_post = adapter.reply_controls == ReplyControls.PER_POST
    for post in posts:
        if post.remote_id in known:
            continue
        known.add(post.remote_id)
        needs_gate = per_post and policy != ReplyPolicy.OPEN and post.is_root and post.created_at >= since
        row = q.CouncilPost(account_id=account.id, remote_id=post.remote_id, url=post.url, text=post.text,
                            created_at=post.created_at, seen_at=now, is_root=post.is_root, meta=dict(post.meta),
                            gate_policy=policy if needs_gate else None,
                            gate_state=("pending" if mod.settings.live else "observe") if needs_gate else "none",
                            gate_attempts=0, gate_next_attempt_at=now if needs_gate else None)
        s.add(row)
        s.flush()
        stored += 1
        gated += needs_gate
        warnings += _check_election(mod, s, account, row, post)
    return ScanResult(account.name, True, posts=stored, gates=gated, warnings=warnings)


def _check_election(mod: Moderator, s: Session, account: m.Account, row: q.CouncilPost, post: OwnPost) -> bool:
    period = election.active_period(s, mod.settings, post.created_at)
    if period is None:
        return False
    finding = election.check_post(post.text, mod.settings, period)
    if finding is None:
        return False
    ci = council_item(account, kind=ItemKind.POST, remote_id=post.remote_id, text=post.text,
                      created_at=post.created_at, url=post.url, meta={**post.meta, "council_post": True},
                      raw={"remote_id": post.remote_id, "text": post.text, "url": post.url,
                           "created_at": post.created_at.isoformat(), "is_root": post.is_root})
    review = queue_council_item(s, account, mod.clock(), ci, [finding], [])
    row.election_review_id = review.id
    return True


def _store_cursor(s: Session, account_id: int, value: str | None, now: datetime) -> None:
    row = s.get(m.Cursor, (account_id, POSTS_STREAM))
    if row is None:
        s.add(m.Cursor(account_id=account_id, stream=POSTS_STREAM, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now


def _sync_defaults(mod: Moderator, name: str, adapter: ReplyGating, policy: str) -> None:
    """Servers that gate new posts by default (GoToSocial): set the default once per change."""
    if adapter.reply_controls != ReplyControls.NEW_POSTS or not mod.settings.live:
        return
    with transaction(mod.sessions) as s:
        row = s.get(m.Cursor, (mod._account(s, name).id, DEFAULTS_STREAM))
        if row is not None and row.value == policy:
            return
    try:
        outcome = adapter.set_reply_policy(None, {}, ReplyPolicy(policy))
    except PlatformError as exc:
        log.warning("setting who may reply to new posts on %s failed (retried next scan): %s", name, exc)
        return
    with transaction(mod.sessions) as s:
        account = mod._account(s, name)
        row = s.get(m.Cursor, (account.id, DEFAULTS_STREAM))
        if row is None:
            s.add(m.Cursor(account_id=account.id, stream=DEFAULTS_STREAM, value=policy, updated_at=mod.clock()))
        else:
            row.value, row.updated_at = policy, mod.clock()
        audit.record(s, "bot", "reply_policy.applied", "account", account.id,
                     {"account": name, "policy": policy, "outcome": outcome}, at=mod.clock())


# -- setting the gates ------------------------------------------------------------
def apply_gates(mod: Moderator, limit: int = 20) -> int:
    """Set the reply gates that are due; returns how many were set."""
    if not mod.settings.live:
        return 0
    now = mod.clock()
    with transaction(mod.sessions) as s:
        ids = list(s.execute(select(q.CouncilPost.id).where(
            q.CouncilPost.gate_state == "pending",
            (q.CouncilPost.gate_next_attempt_at.is_(None)) | (q.CouncilPost.gate_next_attempt_at <= now))
            .order_by(q.CouncilPost.id).limit(limit)).scalars())
    return sum(_apply_one(mod, post_id) for post_id in ids)


def _apply_one(mod: Moderator, post_id: int) -> bool:
    with transaction(mod.sessions) as s:
        row = s.get(q.CouncilPost, post_id)
        assert row is not None
        claimed = s.execute(update(q.CouncilPost).where(
            q.CouncilPost.id == post_id, q.CouncilPost.gate_state == "pending",
            q.CouncilPost.gate_attempts == row.gate_attempts).values(
            gate_attempts=row.gate_attempts + 1, gate_next_attempt_at=mod.clock() + LEASE))
        if getattr(claimed, "rowcount", 0) != 1:
            return False
        account = s.get(m.Account, row.account_id)
        assert account is not None
        name, remote_id, meta, policy = account.name, row.remote_id, dict(row.meta or {}), row.gate_policy
    adapter = gating(mod, name)
    if adapter is None:
        return False
    try:
        outcome = adapter.set_reply_policy(remote_id, meta, ReplyPolicy(policy or "open"))
    except PlatformError as exc:
        _gate_failed(mod, post_id, exc)
        return False
    with transaction(mod.sessions) as s:
        row = s.get(q.CouncilPost, post_id)
        assert row is not None
        row.gate_state, row.gate_done_at, row.gate_error = "done", mod.clock(), None
        audit.record(s, "bot", "reply_gate.set", "council_post", row.id,
                     {"account": name, "post": remote_id, "policy": policy, "outcome": outcome}, at=mod.clock())
    return True


def _gate_failed(mod: Moderator, post_id: int, exc: PlatformError) -> None:
    max_attempts = int(mod.settings.get("actions.max_attempts"))
    with transaction(mod.sessions) as s:
        row = s.get(q.CouncilPost, post_id)
        assert row is not None
        row.gate_error = f"{exc.title} {exc}"[:1000]
        if isinstance(exc, PermanentError) or row.gate_attempts >= max_attempts:
            row.gate_state = "failed"
            audit.record(s, "bot", "reply_gate.failed", "council_post", row.id,
                         {"post": row.remote_id, "error": row.gate_error}, at=mod.clock())
        else:
            base = int(mod.settings.get("actions.backoff_seconds"))
            row.gate_next_attempt_at = mod.clock() + backoff(row.gate_attempts, base)
