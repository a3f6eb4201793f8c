"""Retention: keep residents' posts only as long as the council needs them.

Run daily (03:30 UK time). With the default settings it:

- deletes items with no finding (or whose finding the clerk rejected) once they
  are ``retention.unflagged_days`` (90) old;
- deletes flagged items, with their findings, decisions, actions and attachments,
  once they are ``retention.flagged_days`` (730) old;
- minimises at once an unflagged post its author deleted (the text, markup, raw
  payload and author details are removed; the bare row stays so the post is not
  fetched again);
- deletes authors the bot no longer holds any item from, with their aliases;
- deletes alert e-mails to the clerk (they quote posts) once sent and as old as
  the unflagged period;
- prunes audit entries older than ``retention.audit_days``, leaving an anchor so
  the rest of the chain still verifies, and never the entries that vouch for
  evidence still held.

Items under legal hold are never touched. Every run writes what it did to the
audit log. An item is due exactly when its capture time is at or before the
cut-off (now minus the period), whatever the month or clock change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.evidence.capture import CAPTURED
from bot.evidence.chain import AUDIT_PRUNED
from bot.evidence.media import Store
from bot.storage import models as m
from bot.storage.db import transaction
from bot.uk_time import uk_date, uk_datetime

CHUNK = 500
ACTOR = "retention"


@dataclass
class RetentionReport:
    now: datetime
    dry_run: bool
    cutoffs: dict[str, datetime]
    deleted_unflagged: list[int] = field(default_factory=list)
    deleted_flagged: list[int] = field(default_factory=list)
    minimised: list[int] = field(default_factory=list)
    kept_on_hold: list[int] = field(default_factory=list)
    authors_deleted: int = 0
    alerts_deleted: int = 0
    audit_pruned: int = 0

    def lines(self) -> list[str]:
        verb = "would" if self.dry_run else "did"
        return [
            f"Retention run at {uk_datetime(self.now)} UK time ({'dry run' if self.dry_run else 'done'}):",
            f"  unflagged items captured on or before {uk_datetime(self.cutoffs['unflagged'])}: "
            f"{verb} delete {len(self.deleted_unflagged)}",
            f"  flagged items captured on or before {uk_datetime(self.cutoffs['flagged'])}: "
            f"{verb} delete {len(self.deleted_flagged)}",
            f"  unflagged posts deleted by their authors: {verb} minimise {len(self.minimised)}",
            f"  items past their period kept under legal hold: {len(self.kept_on_hold)}",
            f"  authors with nothing left: {verb} delete {self.authors_deleted}",
            f"  alert e-mails to the clerk already sent: {verb} delete {self.alerts_deleted}",
            f"  audit entries from before {uk_date(self.cutoffs['audit'])}: {verb} prune {self.audit_pruned}",
        ]


def run_retention(app: Store, now: datetime, dry_run: bool = False) -> RetentionReport:
    """Delete or minimise what is due at ``now`` (nothing changes when ``dry_run``)."""
    s_ = app.settings
    cutoffs = {"unflagged": now - timedelta(days=int(s_.get("retention.unflagged_days"))),
               "flagged": now - timedelta(days=int(s_.get("retention.flagged_days"))),
               "audit": now - timedelta(days=int(s_.get("retention.audit_days")))}
    report = RetentionReport(now, dry_run, cutoffs)
    with transaction(app.sessions) as s:
        _plan(s, report)
        _apply(s, report)
        if dry_run:
            s.rollback()  # the same work, undone: the figures are exactly what a real run would do
    return report


def _plan(s: Session, report: RetentionReport) -> None:
    c = report.cutoffs
    not_upheld = or_(m.Item.flagged.is_(False), m.ReviewItem.status == "rejected")
    upheld = m.Item.flagged.is_(True) & or_(m.ReviewItem.status.is_(None), m.ReviewItem.status != "rejected")
    base = (select(m.Item.id).outerjoin(m.ReviewItem, m.ReviewItem.item_id == m.Item.id)
            .where(m.Item.legal_hold.is_(False)).order_by(m.Item.id))
    report.deleted_unflagged = list(s.execute(base.where(not_upheld, m.Item.captured_at <= c["unflagged"])).scalars())
    report.deleted_flagged = list(s.execute(base.where(upheld, m.Item.captured_at <= c["flagged"])).scalars())
    report.minimised = list(s.execute(base.where(not_upheld, m.Item.deleted_at.is_not(None),
                                                 m.Item.minimised_at.is_(None),
                                                 m.Item.captured_at > c["unflagged"])).scalars())
    report.kept_on_hold = list(s.execute(select(m.Item.id).where(
        m.Item.legal_hold.is_(True), m.Item.captured_at <= c["unflagged"]).order_by(m.Item.id)).scalars())


def _apply(s: Session, report: RetentionReport) -> None:
    c, now = report.cutoffs, report.now
    days = {k: (now - v).days for k, v in c.items()}
    delete_items(s, report.deleted_unflagged, ACTOR, now, "retention.deleted",
                 {"rule": f"items without an upheld finding, older than {days['unflagged']} days",
                  "cutoff": c["unflagged"].isoformat()})
    delete_items(s, report.deleted_flagged, ACTOR, now, "retention.deleted",
                 {"rule": f"flagged items older than {days['flagged']} days", "cutoff": c["flagged"].isoformat()})
    minimise_items(s, report.minimised, now)
    report.authors_deleted = delete_orphan_authors(s)
    report.alerts_deleted = _delete_old_alerts(s, c["unflagged"])
    report.audit_pruned = _prune_audit(s, c["audit"], now)
    audit.record(s, ACTOR, "retention.ran", "", "", {
        "deleted": len(report.deleted_unflagged) + len(report.deleted_flagged), "minimised": len(report.minimised),
        "kept_on_hold": len(report.kept_on_hold), "authors_deleted": report.authors_deleted,
        "alerts_deleted": report.alerts_deleted, "audit_pruned": report.audit_pruned}, at=now)


def _delete_old_alerts(s: Session, cutoff: datetime) -> int:
    """E-mails to the clerk quote posts: once sent (or given up on) they go with unflagged items."""
    result = s.execute(delete(m.Alert).where(m.Alert.created_at <= cutoff, m.Alert.state != "pending"))
    return int(getattr(result, "rowcount", 0) or 0)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def delete_items(s: Session, ids: list[int], actor: str, now: datetime, event: str,
                 details: dict[str, Any]) -> None:
    """Delete items with everything hanging off them (database cascades), writing the
    ids to the audit log so the evidence check knows the removal was lawful."""
    for chunk in _chunks(ids):
        s.execute(delete(m.Item).where(m.Item.id.in_(chunk), m.Item.legal_hold.is_(False)))
        audit.record(s, actor, event, "items", f"{chunk[0]}..{chunk[-1]}",
                     {**details, "item_ids": chunk, "count": len(chunk)}, at=now)


def minimise_items(s: Session, ids: list[int], now: datetime, actor: str = ACTOR) -> None:
    """Strip an item to a bare row (kind, times, account, platform id)."""
    for chunk in _chunks(ids):
        s.execute(delete(m.Media).where(m.Media.item_id.in_(chunk)))
        s.execute(update(m.Item).where(m.Item.id.in_(chunk), m.Item.legal_hold.is_(False)).values(
            text="", html="", url="", raw="", context_text="", author_snapshot={}, meta={}, minimised_at=now))
        audit.record(s, actor, "retention.minimised", "items", f"{chunk[0]}..{chunk[-1]}",
                     {"rule": "unflagged post deleted by its author", "item_ids": chunk, "count": len(chunk)},
                     at=now)


def delete_orphan_authors(s: Session, among: list[int] | None = None) -> int:
    """Authors (and their aliases) the bot no longer holds any item from."""
    held = select(m.Item.author_id).distinct()
    query = select(m.Author.id).where(m.Author.id.not_in(held))
    if among is not None:
        query = query.where(m.Author.id.in_(among))
    ids = list(s.execute(query).scalars())
    for chunk in _chunks(ids):
        s.execute(delete(m.AuthorAlias).where(m.AuthorAlias.author_id.in_(chunk)))
        s.execute(delete(m.Author).where(m.Author.id.in_(chunk)))
    return len(ids)


def _prunable_audit(s: Session, cutoff: datetime) -> tuple[list[int], str | None]:
    """Audit rows older than ``cutoff``, stopping before the oldest entry that still
    vouches for held evidence (the chain must keep binding it)."""
    guard = s.execute(select(func.min(m.AuditEvent.id)).join(
        m.Item, cast(m.Item.id, String) == m.AuditEvent.subject_id).where(
        m.AuditEvent.event == CAPTURED, m.AuditEvent.subject_type == "item")).scalar()
    query = select(m.AuditEvent.id, m.AuditEvent.row_hash, m.AuditEvent.at).order_by(m.AuditEvent.id)
    if guard is not None:
        query = query.where(m.AuditEvent.id < guard)
    kept: list[tuple[int, str]] = []
    for row_id, row_hash, at in s.execute(query.execution_options(yield_per=2000)):
        if at > cutoff:
            break  # only an unbroken run from the start of the log can be pruned
        kept.append((row_id, row_hash))
    return [r for r, _ in kept], (kept[-1][1] if kept else None)


def _prune_audit(s: Session, cutoff: datetime, now: datetime) -> int:
    ids, anchor = _prunable_audit(s, cutoff)
    if not ids:
        return 0
    for chunk in _chunks(ids):
        s.execute(delete(m.AuditEvent).where(m.AuditEvent.id.in_(chunk)))
    audit.record(s, ACTOR, AUDIT_PRUNED, "audit_log", f"..{ids[-1]}",
                 {"through_id": ids[-1], "anchor_hash": anchor, "rows": len(ids), "cutoff": cutoff.isoformat()},
                 at=now)
    return len(ids)
