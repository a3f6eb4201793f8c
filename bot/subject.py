"""Subject access and erasure: everything held about one author, by any handle they used.

A person is found by a handle they have used (old or new: every handle and
display name seen is kept as an alias) or by their platform account id. The
export is a readable bundle (``subject.html``), the same data as JSON
(``subject.json``) and any attachments. Erasure deletes every item of theirs
except those under legal hold, and says what was kept and why. The audit log
keeps only numeric references and a hash of the request, never the handle.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import audit
from bot.errors import NotFound
from bot.evidence.bundle import write_bundle
from bot.evidence.gather import load_item_evidence
from bot.evidence.media import Store
from bot.retention import delete_items, delete_orphan_authors
from bot.storage import models as m
from bot.storage.db import transaction


def normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def request_ref(handle: str) -> str:
    """A reference for the audit log that does not reveal the handle."""
    return "sar-" + audit.sha256_hex(normalise_handle(handle))[:16]


def find_authors(session: Session, handle: str) -> list[m.Author]:
    """Authors seen under ``handle`` now or earlier, or with that account id."""
    wanted = normalise_handle(handle)
    if not wanted:
        return []
    by_alias = select(m.AuthorAlias.author_id).where(func.lower(func.ltrim(m.AuthorAlias.handle, "@")) == wanted)
    query = select(m.Author).where(or_(func.lower(func.ltrim(m.Author.handle, "@")) == wanted,
                                       m.Author.remote_id == handle.strip(), m.Author.id.in_(by_alias)))
    return list(session.execute(query.order_by(m.Author.id)).scalars())


@dataclass
class SubjectExport:
    directory: Path
    files: list[Path]
    authors: int
    items: int


def export_subject(store: Store, handle: str, out_dir: Path, actor: str, now: datetime) -> SubjectExport:
    """Write the subject access bundle for ``handle`` into ``out_dir`` (created owner-only)."""
    with store.sessions() as s:
        authors = find_authors(s, handle)
        if not authors:
            raise NotFound(f"nothing is held about {handle!r} (no author seen with that handle or account id)")
        data = _gather(s, authors, handle, store.settings.council.name, store.settings, now)
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(out_dir, 0o700)
    files = write_bundle(out_dir, data)
    with transaction(store.sessions) as s:
        audit.record(s, actor, "subject.exported", "subject", request_ref(handle),
                     {"author_ids": [a["author_id"] for a in data["accounts"]], "items": len(data["items"])}, at=now)
    return SubjectExport(out_dir, files, len(data["accounts"]), len(data["items"]))


def _gather(s: Session, authors: list[m.Author], handle: str, council: str, settings: Any,
            now: datetime) -> dict[str, Any]:
    ids = [a.id for a in authors]
    item_ids = list(s.execute(select(m.Item.id).where(m.Item.author_id.in_(ids)).order_by(m.Item.id)).scalars())
    outbox = s.execute(select(m.OutboxMessage).join(m.Item, m.Item.id == m.OutboxMessage.item_id)
                       .where(m.Item.author_id.in_(ids)).order_by(m.OutboxMessage.id)).scalars()
    return {
        "request": handle, "council": council, "generated_at": now,
        "retention": {k: settings.get(f"retention.{k}") for k in ("unflagged_days", "flagged_days", "audit_days")},
        "accounts": [_account(s, a) for a in authors],
        "items": [load_item_evidence(s, i) for i in item_ids],
        "replies_sent": [{"item_id": o.item_id, "state": o.state, "text": o.text, "sent_at": o.sent_at}
                         for o in outbox],
    }


def _account(s: Session, a: m.Author) -> dict[str, Any]:
    aliases = s.execute(select(m.AuthorAlias).where(m.AuthorAlias.author_id == a.id)
                        .order_by(m.AuthorAlias.first_seen_at, m.AuthorAlias.id)).scalars()
    return {"author_id": a.id, "platform": a.platform, "account_id": a.remote_id, "handle": a.handle,
            "display_name": a.display_name, "is_bot": a.is_bot, "first_seen_at": a.first_seen_at,
            "last_seen_at": a.last_seen_at,
            "names_seen": [{"handle": x.handle, "display_name": x.display_name, "first_seen_at": x.first_seen_at}
                           for x in aliases]}


@dataclass
class ErasureReport:
    request_ref: str
    authors_found: int
    deleted_items: list[int] = field(default_factory=list)
    kept: list[tuple[int, str]] = field(default_factory=list)
    authors_deleted: int = 0
    dry_run: bool = False

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        out = [f"Erasure request {self.request_ref}: {self.authors_found} account(s) found.",
               f"  {len(self.deleted_items)} item(s) {verb} deleted, with their findings, decisions and attachments."]
        for item_id, reason in self.kept:
            out.append(f"  item {item_id} {'would be' if self.dry_run else 'was'} KEPT: under legal hold ({reason}). "
                       "It will be deleted when the hold is released and its retention period has passed.")
        if self.kept:
            out.append("  The account's name and handles are kept while held items refer to them.")
        out.append(f"  {self.authors_deleted} account record(s) {verb} deleted. The audit log keeps only item "
                   "numbers and this request's reference, not the person's handle or posts.")
        return out


def erase_subject(store: Store, handle: str, actor: str, now: datetime, dry_run: bool = False) -> ErasureReport:
    """Delete everything held about ``handle`` except items under legal hold."""
    ref = request_ref(handle)
    with transaction(store.sessions) as s:
        authors = find_authors(s, handle)
        if not authors:
            raise NotFound(f"nothing is held about {handle!r} (no author seen with that handle or account id)")
        rows = s.execute(select(m.Item.id, m.Item.legal_hold, m.Item.legal_hold_reason)
                         .where(m.Item.author_id.in_([a.id for a in authors])).order_by(m.Item.id)).all()
        report = ErasureReport(ref, len(authors), dry_run=dry_run,
                               deleted_items=[i for i, hold, _ in rows if not hold],
                               kept=[(i, reason or "no reason given") for i, hold, reason in rows if hold])
        delete_items(s, report.deleted_items, actor, now, "subject.erased", {"request": ref})
        report.authors_deleted = delete_orphan_authors(s, among=[a.id for a in authors])
        audit.record(s, actor, "subject.erasure", "subject", ref, {
            "deleted": len(report.deleted_items), "kept_item_ids": [i for i, _ in report.kept],
            "authors_deleted": report.authors_deleted}, at=now)
        if dry_run:
            s.rollback()
    return report
