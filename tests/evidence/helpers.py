"""Shared helpers for the evidence tests: items stored as ingest would store them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.bootstrap import App
from bot.domain import Author, Item, ItemKind
from bot.evidence import capture_evidence
from bot.ingest import IngestContext, store_batch
from bot.storage import models as m
from bot.storage.db import transaction


def account(s: Session) -> m.Account:
    return s.execute(select(m.Account).where(m.Account.name == "sim")).scalar_one()


def domain_item(n: int, text: str, when: datetime, *, author_id: str = "acct-1", handle: str = "resident@town.example",
                display: str = "A Resident", raw: dict[str, Any] | None = None, avatar: str = "") -> Item:
    author = Author(remote_id=author_id, handle=handle, display_name=display, avatar_url=avatar)
    return Item(remote_id=f"post-{n}", kind=ItemKind.REPLY, author=author, text=text, created_at=when,
                raw=raw or {"id": f"post-{n}", "content": text}, url=f"https://town.example/@x/{n}",
                in_reply_to_id="council-1", context_text="Bin collections change next week.")


def ingest(app: App, items: list[Item], now: datetime) -> list[int]:
    """Store items through the real ingest path (policy engine included); returns their ids."""
    with transaction(app.sessions) as s:
        ctx = IngestContext(app.settings, app.moderator.engine, app.moderator.capabilities_of("sim"), account(s), now)
        store_batch(s, ctx, tuple(items))
        ids = [s.execute(select(m.Item.id).where(m.Item.remote_id == i.remote_id)).scalar_one() for i in items]
    return ids


def add_item(app: App, n: int, captured: datetime, *, flagged: bool = False, hold: bool = False,
             review: str | None = None, deleted: datetime | None = None, author_id: str = "acct-1") -> int:
    """An item row captured at ``captured`` (bypassing the rules), bound to the chain when flagged."""
    item = domain_item(n, f"post number {n}", captured, author_id=author_id)
    with transaction(app.sessions) as s:
        author = s.execute(select(m.Author).where(m.Author.remote_id == author_id)).scalar_one_or_none()
        if author is None:
            author = m.Author(platform="simulated", remote_id=author_id, handle=f"h-{author_id}",
                              first_seen_at=captured, last_seen_at=captured)
            s.add(author)
            s.flush()
        raw = audit.canonical_json(item.raw)
        row = m.Item(account_id=account(s).id, remote_id=item.remote_id, kind="reply", author_id=author.id,
                     author_snapshot=item.author.as_dict(), text=item.text, created_at=captured, captured_at=captured,
                     context_text=item.context_text, meta={}, raw=raw, raw_sha256=audit.sha256_hex(raw),
                     flagged=flagged, legal_hold=hold, legal_hold_reason="police ref 1/23" if hold else None,
                     deleted_at=deleted)
        s.add(row)
        s.flush()
        if flagged:
            capture_evidence(s, row, item)
        if hold:  # set as the clerk would: the hold is in the chain
            audit.record(s, "clerk", "evidence.hold_set", "item", row.id, {"reason": row.legal_hold_reason},
                         at=captured)
        if review:
            rev = m.ReviewItem(item_id=row.id, status=review, severity=2, created_at=captured,
                               decided_by=None if review == "pending" else "clerk")
            s.add(rev)
            s.flush()
            if review != "pending":  # decided as the clerk would: the decision is in the chain
                audit.record(s, "clerk", f"review.{review}", "review_item", rev.id, {"item_id": row.id}, at=captured)
        return row.id


def flagged_item_ids(app: App) -> list[int]:
    with app.sessions() as s:
        return list(s.execute(select(m.Item.id).where(m.Item.flagged.is_(True)).order_by(m.Item.id)).scalars())
