"""Database reads for the clerk's pages: one page of the queue at a time, one item.

Each page costs a fixed handful of queries, whatever the size of the queue
(the queue's own reads are in ``bot.web.queue_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.storage import models as m
from bot.web.queue_rows import ReviewRow, load_reviews, page_statements, upheld_counts

__all__ = ["PAGE_SIZE", "STATUSES", "QueueFilters", "QueuePage", "queue_page", "upheld_counts"]

PAGE_SIZE = 10  # short enough to scroll on a phone
STATUSES = ("pending", "approved", "rejected", "all")


@dataclass(frozen=True)
class QueueFilters:
    status: str = "pending"
    ground: str = ""
    platform: str = ""
    account: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> QueueFilters:
        status = args.get("status", "pending")
        try:
            page = max(1, min(int(args.get("page", 1)), 100_000))
        except ValueError:
            page = 1
        return cls(status=status if status in STATUSES else "pending", ground=args.get("ground", "")[:30],
                   platform=args.get("platform", "")[:20], account=args.get("account", "")[:40], page=page)

    def query_args(self, **changes: Any) -> dict[str, Any]:
        values = {"status": self.status, "ground": self.ground, "platform": self.platform,
                  "account": self.account, "page": self.page, **changes}
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}


@dataclass(frozen=True)
class QueuePage:
    reviews: list[ReviewRow]
    total: int
    upheld: dict[int, int]
    filters: QueueFilters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def queue_page(s: Session, f: QueueFilters) -> QueuePage:
    """Most severe first, then oldest first (pending); newest decisions first otherwise."""
    count, page_ids = page_statements(f.status, bool(f.ground), bool(f.platform), bool(f.account))
    values = {"status": f.status, "ground": f.ground, "platform": f.platform, "account": f.account}
    conn = s.connection()
    total = int(conn.execute(count, values).scalar() or 0)
    ids = list(conn.execute(page_ids, {**values, "limit": PAGE_SIZE, "offset": (f.page - 1) * PAGE_SIZE}).scalars())
    reviews = load_reviews(s, ids)
    return QueuePage(reviews, total, upheld_counts(s, {r.item.author_id for r in reviews}), f)


def accounts(s: Session) -> list[m.Account]:
    return list(s.execute(select(m.Account).order_by(m.Account.name)).scalars())


def account_names(s: Session) -> list[str]:
    return list(s.execute(select(m.Account.name).order_by(m.Account.name)).scalars())


def item_id_of_review(s: Session, review_id: int) -> int | None:
    found: int | None = s.execute(select(m.ReviewItem.item_id).where(m.ReviewItem.id == review_id)).scalar()
    return found


def item_with_review(s: Session, item_id: int) -> tuple[m.Item, m.ReviewItem | None] | None:
    """Any stored item (flagged or not) with its review item and actions, when it has one."""
    item = s.execute(select(m.Item).where(m.Item.id == item_id).options(
        joinedload(m.Item.account), joinedload(m.Item.author), selectinload(m.Item.findings))
    ).unique().scalar_one_or_none()
    if item is None:
        return None
    review = s.execute(select(m.ReviewItem).where(m.ReviewItem.item_id == item_id)
                       .options(selectinload(m.ReviewItem.actions))).scalar_one_or_none()
    return item, review


@dataclass(frozen=True)
class MediaRow:
    """An attachment's fetch state, without its bytes."""

    id: int
    url: str
    content_type: str
    size: int
    sha256: str | None
    fetched_at: Any
    error: str | None
    attempts: int
    next_attempt_at: Any


def media_of(s: Session, item_id: int) -> list[MediaRow]:
    rows = s.execute(select(m.Media.id, m.Media.url, m.Media.content_type, m.Media.size, m.Media.sha256,
                            m.Media.fetched_at, m.Media.error, m.Media.attempts, m.Media.next_attempt_at)
                     .where(m.Media.item_id == item_id).order_by(m.Media.id)).all()
    return [MediaRow(*row) for row in rows]


def author_history(s: Session, author_id: int, exclude_item: int, limit: int = 20) -> list[tuple[m.Item, str | None]]:
    """The author's other items, newest first, with the review status where there is one."""
    rows = s.execute(select(m.Item, m.ReviewItem.status)
                     .outerjoin(m.ReviewItem, m.ReviewItem.item_id == m.Item.id)
                     .where(m.Item.author_id == author_id, m.Item.id != exclude_item)
                     .order_by(m.Item.captured_at.desc()).limit(limit)).all()
    return [(item, status) for item, status in rows]


def aliases(s: Session, author_id: int) -> list[m.AuthorAlias]:
    return list(s.execute(select(m.AuthorAlias).where(m.AuthorAlias.author_id == author_id)
                          .order_by(m.AuthorAlias.first_seen_at)).scalars())
