"""Evidence at capture, and the author deleting a post afterwards.

``capture_evidence`` runs inside the poll's transaction for every flagged item, so
it only does cheap work: it hashes the stored evidence into the audit chain and
queues the attachments (and the author's avatar) for ``fetch_pending_media``,
which downloads them later, outside the poll.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import Item
from bot.evidence.bindings import target_of
from bot.evidence.record import attachment_urls, evidence_digest, evidence_document, field_hashes
from bot.storage import models as m

log = logging.getLogger(__name__)

MAX_ATTACHMENTS = 8  # per item; a post with more is unusual and the rest stay linked in the raw payload
CAPTURED = "evidence.captured"
POST_DELETED = "evidence.post_deleted"


class HasId(Protocol):
    id: int


def capture_evidence(session: Session, item_row: m.Item | HasId, domain_item: Item) -> m.AuditEvent:
    """Bind a flagged item's stored evidence into the audit chain and queue its media.

    ``item_row`` is the stored ``Item`` (flushed) or anything with its ``id`` (a row
    inserted in bulk is then read back once). Nothing is fetched here.
    """
    if not isinstance(item_row, m.Item):
        loaded = session.get(m.Item, item_row.id)
        if loaded is None:
            raise LookupError(f"item {item_row.id} is not stored; evidence cannot be captured")
        item_row = loaded
    event = _bind(session, item_row, domain_item)
    return audit.record(session, event.actor, event.event, event.subject_type, event.subject_id,
                        event.details, at=item_row.captured_at)


def capture_evidence_batch(session: Session, captured: list[tuple[m.Item, Item]]) -> None:
    """``capture_evidence`` for a poll's flagged items at once: one chained bulk insert.

    All rows of one poll share their capture time, so the audit rows are identical to
    what one ``capture_evidence`` call per item would write."""
    if not captured:
        return
    events = [_bind(session, row, item) for row, item in captured]
    audit.record_many(session, events, at=captured[0][0].captured_at)


def _bind(session: Session, item_row: m.Item, domain_item: Item) -> audit.Event:
    """Queue the item's media and return the audit event that binds its evidence."""
    document = evidence_document(item_row)
    urls = attachment_urls(domain_item.raw, author_did=domain_item.author.remote_id)[:MAX_ATTACHMENTS]
    avatar = domain_item.author.avatar_url
    if avatar.startswith(("https://", "http://")):
        urls.append((avatar, "avatar"))
    for url, hint in urls:
        session.add(m.Media(item_id=item_row.id, url=url, content_type=hint[:100], size=0))
    return audit.Event("bot", CAPTURED, "item", str(item_row.id), {
        "evidence_sha256": evidence_digest(document), "raw_sha256": item_row.raw_sha256,
        "fields": field_hashes(document), "media_queued": len(urls),
        "target": target_of(item_row, domain_item.author.remote_id),
    })


def mark_deleted(session: Session, account_id: int, remote_id: str, when: datetime) -> m.Item | None:
    """The platform says the author deleted this post: keep the record, mark it.

    Returns the item, or None when the bot never stored it. A second notice for the
    same post changes nothing.
    """
    item = session.execute(select(m.Item).where(m.Item.account_id == account_id, m.Item.remote_id == remote_id)
                           ).scalar_one_or_none()
    if item is None or item.deleted_at is not None:
        return item
    item.deleted_at = when
    audit.record(session, "bot", POST_DELETED, "item", item.id,
                 {"account_id": account_id, "flagged": bool(item.flagged)}, at=when)
    log.info("item %s was deleted by its author; the record is kept", item.id)
    return item
