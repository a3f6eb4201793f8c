"""Database reads for the clerk's pages: one page of the queue at a time.

Each page costs a fixed handful of queries (the page of review items, its items,
findings and actions, and the authors' history), whatever the size of the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.storage import models as m

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
    reviews: list[m.ReviewItem]
    total: int
    upheld: dict[int, int]
    filters: QueueFilters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _filtered(query: Select[Any], f: QueueFilters) -> Select[Any]:
    # Items and accounts are joined only when a filter needs them: counting 5,000
    # pending rows is then an index-only scan of review_items.
    if f.platform or f.account:
        query = (query.join(m.Item, m.Item.id == m.ReviewItem.item_id)
                 .join(m.Account, m.Account.id == m.Item.account_id))
    if f.status != "all":
        query = query.where(m.ReviewItem.status == f.status)
    if f.platform:
        query = query.where(m.Account.platform == f.platform)
    if f.account:
        query = query.where(m.Account.name == f.account)
    if f.ground:
        query = query.where(m.ReviewItem.item_id.in_(select(m.Finding.item_id).where(m.Finding.ground == f.ground)))
    return query


def queue_page(s: Session, f: QueueFilters) -> QueuePage:
    """Most severe first, then oldest first (pending); newest decisions first otherwise."""
    total = int(s.execute(_filtered(select(func.count()).select_from(m.ReviewItem), f)).scalar() or 0)
    order = ((m.ReviewItem.severity.desc(), m.ReviewItem.created_at.asc(), m.ReviewItem.id.asc())
             if f.status == "pending" else (m.ReviewItem.decided_at.desc(), m.ReviewItem.id.desc()))
    ids = list(s.execute(_filtered(select(m.ReviewItem.id), f).order_by(*order)
                         .limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE)).scalars())
    rank = {review_id: n for n, review_id in enumerate(ids)}
    query = (select(m.ReviewItem).where(m.ReviewItem.id.in_(ids))
             .options(joinedload(m.ReviewItem.item).joinedload(m.Item.account),
                      joinedload(m.ReviewItem.item).joinedload(m.Item.author),
                      joinedload(m.ReviewItem.item).selectinload(m.Item.findings),
                      selectinload(m.ReviewItem.actions)))
    reviews = sorted(s.execute(query).unique().scalars(), key=lambda r: rank[r.id])
    return QueuePage(reviews, total, upheld_counts(s, {r.item.author_id for r in reviews}), f)


def upheld_counts(s: Session, author_ids: set[int]) -> dict[int, int]:
    """How many of each author's earlier posts had a finding the clerk upheld."""
    if not author_ids:
        return {}
    rows = s.execute(select(m.Item.author_id, func.count(func.distinct(m.Item.id)))
                     .join(m.Finding, m.Finding.item_id == m.Item.id)
                     .where(m.Item.author_id.in_(author_ids), m.Finding.upheld.is_(True))
                     .group_by(m.Item.author_id)).all()
    return {author_id: int(count) for author_id, count in rows}


def accounts(s: Session) -> list[m.Account]:
    return list(s.execute(select(m.Account).order_by(m.Account.name)).scalars())


def review_with_item(s: Session, review_id: int) -> m.ReviewItem | None:
    return s.execute(select(m.ReviewItem).where(m.ReviewItem.id == review_id).options(
        joinedload(m.ReviewItem.item).joinedload(m.Item.account),
        joinedload(m.ReviewItem.item).joinedload(m.Item.author),
        joinedload(m.ReviewItem.item).selectinload(m.Item.findings),
        selectinload(m.ReviewItem.actions))).unique().scalar_one_or_none()


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
