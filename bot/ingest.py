"""Storing a polled batch: items, evidence, findings, review items and DM replies.

Runs inside the poll's single transaction, so the items and the cursor that moves
past them land together or not at all. Per-batch queries (existing ids, author
history) keep ingest at well over a thousand items a second on SQLite.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import ActionKind, Author, Finding, Ground, Item, ItemKind, Platform, Severity
from bot.evidence import capture_evidence_batch
from bot.policy import EvalContext, PolicyEngine
from bot.quiet.mentions import queue_mention_replies
from bot.settings import Settings
from bot.storage import models as m
from bot.storage.db import DatabaseBusy
from bot.storage.upsert import insert_missing

HANDLE_LENGTH: int = m.Author.__table__.c.handle.type.length  # type: ignore[attr-defined]

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    flagged: int = 0
    dm_replies: int = 0
    review_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class IngestContext:
    settings: Settings
    engine: PolicyEngine
    capabilities: frozenset[ActionKind]
    account: m.Account
    now: datetime
    #: How far the platform lets the council limit replies (``ReplyControls``); "none" unless told.
    reply_controls: str = "none"


def store_batch(session: Session, ctx: IngestContext, items: tuple[Item, ...]) -> IngestResult:
    result = IngestResult()
    existing = _existing_ids(session, ctx.account.id, [i.remote_id for i in items])
    fresh: list[Item] = []
    for item in items:
        if item.remote_id in existing:
            result.duplicates += 1
        else:
            existing.add(item.remote_id)
            fresh.append(item)
    if not fresh:
        return result
    authors = _upsert_authors(session, ctx, fresh)
    stored = _insert_items(session, ctx, fresh, authors, result)
    upheld = _upheld_counts(session, ctx, list(authors.values()))
    same_text = _same_text_counts(session, ctx, fresh)
    flagged: list[tuple[Item, StoredItem, list[Finding]]] = []
    pairs = [(item, _eval_context(ctx, item, row, upheld, same_text)) for item, row in stored]
    for (item, row), findings in zip(stored, evaluate_batch_safely(ctx.engine, pairs), strict=True):
        if findings:
            flagged.append((item, row, findings))
    with session.no_autoflush:
        _queue_reviews(session, ctx, flagged, result)
        _queue_dm_replies(session, ctx, [(i, r) for i, r in stored if i.kind is ItemKind.DM], result)
        queue_mention_replies(session, ctx, stored, result)
    _capture_evidence(session, [(item, row) for item, row, _ in flagged])
    return result


@dataclass(frozen=True)
class StoredItem:
    id: int
    author_id: int


def _insert_items(session: Session, ctx: IngestContext, items: list[Item], authors: dict[str, m.Author],
                  result: IngestResult) -> list[tuple[Item, StoredItem]]:
    """All rows in one bulk INSERT that skips items another poller stored meanwhile (counted
    as duplicates); if the insert fails, one savepoint per item so only the bad one is lost."""
    rows = [_item_values(ctx, item, authors[item.author.remote_id]) for item in items]
    statement = insert_missing(session, m.Item, ("account_id", "remote_id")).returning(m.Item.id, m.Item.remote_id)
    try:
        with session.begin_nested():
            ids = {remote_id: new_id for new_id, remote_id in session.execute(statement, rows).all()}
    except DatabaseBusy:
        raise  # the whole poll waits for its next run; one item at a time would only wait longer
    except Exception:
        log.warning("batch insert for %s failed; storing items one by one", ctx.account.name, exc_info=True)
        ids = _insert_one_by_one(session, ctx, items, rows, result)
    stored = [(item, StoredItem(ids[item.remote_id], row["author_id"]))
              for item, row in zip(items, rows, strict=True) if item.remote_id in ids]
    result.stored += len(stored)
    result.duplicates += len(items) - len(stored) - result.failed
    return stored


def _insert_one_by_one(session: Session, ctx: IngestContext, items: list[Item], rows: list[dict[str, Any]],
                       result: IngestResult) -> dict[str, int]:
    statement = insert_missing(session, m.Item, ("account_id", "remote_id")).returning(m.Item.id)
    ids: dict[str, int] = {}
    for item, row in zip(items, rows, strict=True):
        try:
            with session.begin_nested():
                new_id = session.scalars(statement, [row]).first()
            if new_id is not None:
                ids[item.remote_id] = new_id
        except DatabaseBusy:
            raise
        except Exception:  # one bad item must not sink the batch
            log.exception("could not store item %s of account %s; skipped", item.remote_id, ctx.account.name)
            result.failed += 1
    return ids


def _existing_ids(session: Session, account_id: int, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(session.execute(
            select(m.Item.remote_id).where(m.Item.account_id == account_id, m.Item.remote_id.in_(chunk))
        ).scalars())
    return found


def _upsert_authors(session: Session, ctx: IngestContext, items: list[Item]) -> dict[str, m.Author]:
    """The authors of a batch, creating the new ones. Another poller may create the same
    author at the same moment: the insert skips it and the row is read back instead."""
    platform = ctx.account.platform
    wanted = {i.author.remote_id: _storable(i.author) for i in items}
    rows = _authors_by_remote_id(session, platform, list(wanted))
    if rows:  # one statement, not one UPDATE per author
        session.execute(update(m.Author).where(m.Author.id.in_([a.id for a in rows.values()]))
                        .values(last_seen_at=ctx.now), execution_options={"synchronize_session": False})
    for rid, row in rows.items():
        seen = wanted[rid]
        if (row.handle, row.display_name, row.is_bot) != (seen.handle, seen.display_name, seen.is_bot):
            row.handle, row.display_name, row.is_bot = seen.handle, seen.display_name, seen.is_bot
            _remember_alias(session, row, row.handle, row.display_name, ctx.now)  # subject access finds both
    missing = [seen for rid, seen in wanted.items() if rid not in rows]
    if missing:
        rows.update(_create_authors(session, ctx, missing))
    return rows


def _storable(author: Author) -> Author:
    """A hostile payload can carry a handle of thousands of characters, which PostgreSQL's
    column would refuse (failing the whole poll); the full text stays in the evidence."""
    if len(author.handle) <= HANDLE_LENGTH:
        return author
    return replace(author, handle=author.handle[:HANDLE_LENGTH - 1] + "…")


def _authors_by_remote_id(session: Session, platform: str, remote_ids: list[str]) -> dict[str, m.Author]:
    return {a.remote_id: a for a in session.execute(
        select(m.Author).where(m.Author.platform == platform, m.Author.remote_id.in_(remote_ids))).scalars()}


def _create_authors(session: Session, ctx: IngestContext, authors: list[Author]) -> dict[str, m.Author]:
    platform = ctx.account.platform
    values = [{"platform": platform, "remote_id": a.remote_id, "handle": a.handle, "display_name": a.display_name,
               "is_bot": a.is_bot, "account_created_at": a.created_at, "first_seen_at": ctx.now,
               "last_seen_at": ctx.now} for a in authors]
    created = set(session.execute(insert_missing(session, m.Author, ("platform", "remote_id"))
                                  .returning(m.Author.remote_id), values).scalars())
    rows = _authors_by_remote_id(session, platform, [a.remote_id for a in authors])
    aliases = [{"author_id": rows[rid].id, "handle": rows[rid].handle, "display_name": rows[rid].display_name,
                "first_seen_at": ctx.now} for rid in created]
    if aliases:
        session.execute(insert_missing(session, m.AuthorAlias, ("author_id", "handle", "display_name")), aliases)
    return rows


def _remember_alias(session: Session, author: m.Author, handle: str, display_name: str, now: datetime) -> None:
    exists = session.execute(select(m.AuthorAlias.id).where(
        m.AuthorAlias.author_id == author.id, m.AuthorAlias.handle == handle,
        m.AuthorAlias.display_name == display_name)).first()
    if not exists:
        session.add(m.AuthorAlias(author_id=author.id, handle=handle, display_name=display_name, first_seen_at=now))


def _upheld_counts(session: Session, ctx: IngestContext, authors: list[m.Author]) -> dict[int, int]:
    days = getattr(ctx.engine, "repeat_window_days", 90)
    since = ctx.now - timedelta(days=days)
    ids = [a.id for a in authors]
    rows = session.execute(
        select(m.Item.author_id, func.count(func.distinct(m.Item.id)))
        .join(m.Finding, m.Finding.item_id == m.Item.id)
        .where(m.Item.author_id.in_(ids), m.Finding.upheld.is_(True), m.Finding.created_at >= since)
        .group_by(m.Item.author_id)
    ).all()
    return {author_id: count for author_id, count in rows}


def _same_text_counts(session: Session, ctx: IngestContext, items: list[Item]) -> dict[str, set[str]]:
    """Which authors posted each exact text in the last day (this batch included)."""
    texts = {i.text for i in items if len(i.text) >= 20}
    by_text: dict[str, set[str]] = {t: set() for t in texts}
    if not texts:
        return by_text
    since = ctx.now - timedelta(days=1)
    rows = session.execute(
        select(m.Item.text, m.Author.remote_id).join(m.Author, m.Author.id == m.Item.author_id)
        .where(m.Item.captured_at >= since, m.Item.text.in_(list(texts)[:500]))
    ).all()
    for text, author in rows:
        by_text[text].add(author)
    for item in items:
        if item.text in by_text:
            by_text[item.text].add(item.author.remote_id)
    return by_text


def _item_values(ctx: IngestContext, item: Item, author: m.Author) -> dict[str, Any]:
    raw = audit.canonical_json(item.raw)
    return {
        "account_id": ctx.account.id, "remote_id": item.remote_id, "kind": item.kind.value, "author_id": author.id,
        "author_snapshot": item.author.as_dict(), "text": item.text, "html": item.html, "url": item.url,
        "created_at": item.created_at, "captured_at": ctx.now, "in_reply_to_id": item.in_reply_to_id,
        "thread_root_id": item.thread_root_id, "context_text": item.context_text, "meta": _json_safe(item.meta),
        "raw": raw, "raw_sha256": audit.sha256_hex(raw), "evaluated_at": ctx.now, "flagged": False,
        "legal_hold": False,
    }


def _eval_context(ctx: IngestContext, item: Item, row: StoredItem, upheld: dict[int, int],
                  same_text: dict[str, set[str]]) -> EvalContext:
    others = same_text.get(item.text, set()) - {item.author.remote_id}
    return EvalContext(council=ctx.settings.council, platform=Platform(ctx.account.platform),
                       account_handle=ctx.account.handle, author_upheld_recent=upheld.get(row.author_id, 0),
                       same_text_authors=len(others))


def evaluate_safely(engine: PolicyEngine, item: Item, ectx: EvalContext) -> list[Finding]:
    """The engine catches rule errors itself; this guards against the engine failing whole."""
    try:
        return engine.evaluate(item, ectx)
    except Exception as exc:
        log.exception("policy engine failed on item %s", item.remote_id)
        return [_engine_error(exc)]


def evaluate_batch_safely(engine: PolicyEngine, pairs: list[tuple[Item, EvalContext]]) -> list[list[Finding]]:
    """A poll's items in one engine call (the transformer tier scores them as one batch)."""
    batch = getattr(engine, "evaluate_batch", None)
    if batch is None or len(pairs) < 2:
        return [evaluate_safely(engine, item, ectx) for item, ectx in pairs]
    try:
        return batch(pairs)
    except Exception:
        log.exception("policy engine failed on a batch of %d items; evaluating them one by one", len(pairs))
        return [evaluate_safely(engine, item, ectx) for item, ectx in pairs]


def _engine_error(exc: Exception) -> Finding:
    return Finding(rule_id="engine_error", ground=Ground.RULE_ERROR, severity=Severity.MEDIUM,
                   clauses=(), explanation="The rules could not be checked on this post "
                   f"({type(exc).__name__}); please review it yourself.")


def _queue_reviews(session: Session, ctx: IngestContext, flagged: list[tuple[Item, StoredItem, list[Finding]]],
                   result: IngestResult) -> None:
    """Review items, findings, proposed actions and audit rows for a batch, in bulk inserts."""
    if not flagged:
        return
    session.execute(update(m.Item).where(m.Item.id.in_([row.id for _, row, _ in flagged])).values(flagged=True))
    review_rows = [{"item_id": row.id, "status": "pending", "severity": int(max(f.severity for f in fs)),
                    "created_at": ctx.now, "police_referral_suggested": any(f.police_referral for f in fs),
                    "police_referral": False} for _, row, fs in flagged]
    review_ids = session.scalars(insert(m.ReviewItem).returning(m.ReviewItem.id, sort_by_parameter_order=True),
                                 review_rows).all()
    findings: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    events: list[audit.Event] = []
    for (_, row, fs), review_id in zip(flagged, review_ids, strict=True):
        findings.extend(_finding_values(ctx, row, f) for f in fs)
        actions.extend({"review_item_id": review_id, "account_id": ctx.account.id, "kind": kind.value,
                        "state": "proposed", "idempotency_key": f"act-{review_id}-{kind.value}",
                        "params": default_params(kind, fs), "created_at": ctx.now, "updated_at": ctx.now,
                        "attempts": 0} for kind in proposed_kinds(fs, ctx.capabilities))
        events.append(audit.Event("bot", "review.created", "review_item", str(review_id),
                                  {"item_id": row.id, "rules": sorted({f.rule_id for f in fs}),
                                   "severity": int(max(f.severity for f in fs))}))
    session.execute(insert(m.Finding), findings)
    if actions:
        session.execute(insert(m.Action), actions)
    audit.record_many(session, events, at=ctx.now)
    result.review_ids.extend(review_ids)
    result.flagged += len(review_ids)


def _finding_values(ctx: IngestContext, row: StoredItem, f: Finding) -> dict[str, Any]:
    return {"item_id": row.id, "rule_id": f.rule_id, "ground": f.ground.value, "severity": int(f.severity),
            "clauses": list(f.clauses), "spans": [{"start": s.start, "end": s.end, "text": s.text} for s in f.spans],
            "explanation": f.explanation, "proposed_actions": [a.value for a in f.proposed_actions],
            "police_referral": f.police_referral, "score": f.score, "model_sha256": f.model_sha256,
            "created_at": ctx.now}


def _capture_evidence(session: Session, flagged: list[tuple[Item, StoredItem]]) -> None:
    """Bind each flagged item's evidence into the tamper-evident chain (media fetched later)."""
    if not flagged:
        return
    rows = {r.id: r for r in session.execute(
        select(m.Item).where(m.Item.id.in_([row.id for _, row in flagged]))).scalars()}
    capture_evidence_batch(session, [(rows[row.id], item) for item, row in flagged])


def proposed_kinds(findings: list[Finding], capabilities: frozenset[ActionKind]) -> list[ActionKind]:
    """Union of the rules' proposals, in a stable order, limited to what the platform can do."""
    seen: list[ActionKind] = []
    for f in sorted(findings, key=lambda f: -f.severity):
        for kind in f.proposed_actions:
            if kind in capabilities and kind not in seen:
                seen.append(kind)
    return seen


def default_params(kind: ActionKind, findings: list[Finding]) -> dict[str, Any]:
    if kind is not ActionKind.REPORT:
        return {}
    top = max(findings, key=lambda f: f.severity)
    clauses = sorted({c for f in findings for c in f.clauses})
    comment = f"{top.explanation} (Council policy: {', '.join(clauses)})" if clauses else top.explanation
    return {"ground": top.ground.value, "comment": comment[:1000]}


def _queue_dm_replies(session: Session, ctx: IngestContext, dms: list[tuple[Item, StoredItem]],
                      result: IngestResult) -> None:
    if not dms or not ctx.settings.get("dm_reply.enabled"):
        return
    answered = recently_answered(session, ctx, {item.author.remote_id for item, _ in dms})
    rows = []
    for item, row in dms:
        reason = too_old_to_answer(ctx, item)
        state = TOO_OLD if reason else ""
        reason = reason or dm_reply_refusal(ctx, item, answered)
        state = state or ("suppressed" if reason else ("pending" if ctx.settings.live else "observe"))
        if not reason:
            answered.add(item.author.remote_id)  # a second DM in the same batch gets no second reply
            result.dm_replies += state == "pending"
        rows.append({"account_id": ctx.account.id, "item_id": row.id, "recipient_remote_id": item.author.remote_id,
                     "text": ctx.settings.dm_reply_text(), "state": state, "attempts": 0,
                     "idempotency_key": f"dm-{ctx.account.id}-{row.id}", "created_at": ctx.now,
                     "last_error": reason or None})
    session.execute(insert(m.OutboxMessage), rows)


def recently_answered(session: Session, ctx: IngestContext, senders: set[str]) -> set[str]:
    since = ctx.now - timedelta(days=int(ctx.settings.get("dm_reply.once_per_days")))
    return set(session.execute(select(m.OutboxMessage.recipient_remote_id).where(
        m.OutboxMessage.account_id == ctx.account.id,
        m.OutboxMessage.recipient_remote_id.in_(list(senders)),
        m.OutboxMessage.state.in_(("pending", "sent", "observe")),
        m.OutboxMessage.created_at >= since)).scalars())


TOO_OLD = "too_old"  # an outbox state: a backfilled DM, kept as evidence and not answered


def too_old_to_answer(ctx: IngestContext, item: Item) -> str:
    """Why a DM is too old for the automatic reply ('' when it is not).

    The first poll of a new account reads whatever is on the platform's newest page,
    and a poll after an outage reads days of messages: residents who wrote long ago
    must not get an automatic reply now. Such DMs are stored as evidence all the same.
    """
    connected = ctx.account.created_at
    if connected is not None and connected.tzinfo is None:
        connected = connected.replace(tzinfo=UTC)
    if connected is not None and item.created_at < connected:
        return "sent before the bot was connected to this account; kept, not answered"
    hours = int(ctx.settings.get("dm_reply.backfill_hours"))
    if item.created_at < ctx.now - timedelta(hours=hours):
        return f"more than {hours} hours old when the bot saw it; kept, not answered"
    return ""


def dm_reply_refusal(ctx: IngestContext, item: Item, answered: set[str]) -> str:
    """Why no automatic reply goes to this DM ('' when one should)."""
    s = ctx.settings
    if item.author.is_bot:
        return "sender is a bot"
    own = {h.lower().lstrip("@") for h in (*s.council.official_accounts, ctx.account.handle)}
    if item.author.handle.lower().lstrip("@") in own or item.author.remote_id == ctx.account.remote_id:
        return "sender is the council itself"
    if s.dm_reply_text()[:60] in item.text:
        return "message looks like an automatic reply (loop)"
    if item.author.remote_id in answered:
        return "already answered this sender recently"
    return ""


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(audit.canonical_json(value))
    return result
