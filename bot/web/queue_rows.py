"""One page of the review queue as light, read-only rows.

The queue is the page the clerk loads most, so it skips the ORM: the statements are
built once (lists go in as expanding parameters, so SQLAlchemy compiles each shape
once and reuses it), run on the connection, and their rows become small slotted
objects with the attribute names the templates share with the item page. A page
costs five small queries whatever the size of the queue: the count, the page's
ids, their rows, their findings and their actions (plus the authors' history).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, case, func, literal, select
from sqlalchemy.orm import Session

from bot.storage import models as m
from bot.web.caveats import GROUND_LABELS

R, IT, A, U = (t.__table__.c for t in (m.ReviewItem, m.Item, m.Account, m.Author))  # type: ignore[attr-defined]
F, ACT = m.Finding.__table__.c, m.Action.__table__.c  # type: ignore[attr-defined]


@dataclass(slots=True)
class FindingRow:
    ground: str
    severity: int
    clauses: list[str]
    spans: list[dict[str, Any]]
    explanation: str
    police_referral: bool


@dataclass(slots=True)
class ActionRow:
    kind: str


@dataclass(slots=True)
class AccountRow:
    name: str
    platform: str
    handle: str


@dataclass(slots=True)
class AuthorRow:
    handle: str
    display_name: str
    account_created_at: datetime | None


@dataclass(slots=True)
class ItemRow:
    id: int
    kind: str
    text: str
    raw: str  # only for Bluesky (its links come from the payload's facets); empty otherwise
    captured_at: datetime
    context_text: str
    meta: dict[str, Any]
    author_snapshot: dict[str, Any]
    author_id: int
    account: AccountRow
    author: AuthorRow
    findings: list[FindingRow]


@dataclass(slots=True)
class ReviewRow:
    id: int
    item_id: int
    status: str
    severity: int
    police_referral_suggested: bool
    police_referral: bool
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    item: ItemRow
    actions: list[ActionRow]
    no_action_reason: str | None = None

    @property
    def title(self) -> str:
        """The grounds found, in words ("Threat, Harassment or insults")."""
        grounds = dict.fromkeys(f.ground for f in self.item.findings)
        return ", ".join(GROUND_LABELS.get(g, g) for g in grounds)


_ROWS = (select(R.id, R.item_id, R.status, R.severity, R.police_referral_suggested, R.police_referral,
                R.decided_by, R.decided_at, R.reason,
                IT.kind, IT.text, case((A.platform == "bluesky", IT.raw), else_=literal("")), IT.captured_at,
                IT.context_text, IT.meta, IT.author_snapshot, IT.author_id,
                A.name, A.platform, A.handle, U.handle, U.display_name, U.account_created_at, R.no_action_reason)
         .select_from(m.ReviewItem.__table__.join(m.Item.__table__, IT.id == R.item_id)
                      .join(m.Account.__table__, A.id == IT.account_id)
                      .join(m.Author.__table__, U.id == IT.author_id))
         .where(R.id.in_(bindparam("ids", expanding=True))))
_FINDINGS = (select(F.item_id, F.ground, F.severity, F.clauses, F.spans, F.explanation, F.police_referral)
             .where(F.item_id.in_(bindparam("ids", expanding=True))).order_by(F.id))
_ACTIONS = (select(ACT.review_item_id, ACT.kind)
            .where(ACT.review_item_id.in_(bindparam("ids", expanding=True))).order_by(ACT.id))
_UPHELD = (select(IT.author_id, func.count(func.distinct(IT.id)))
           .select_from(m.Item.__table__.join(m.Finding.__table__, F.item_id == IT.id))
           .where(IT.author_id.in_(bindparam("ids", expanding=True)), F.upheld.is_(True))
           .group_by(IT.author_id))


@functools.lru_cache(maxsize=64)
def page_statements(status: str, ground: bool, platform: bool, account: bool) -> tuple[Select[Any], Select[Any]]:
    """The count and the page-of-ids statements for one shape of filter (values are bound later)."""
    def filtered(query: Select[Any]) -> Select[Any]:
        # Items and accounts are joined only when a filter needs them: counting
        # 5,000 pending rows is then an index-only scan of review_items.
        if platform or account:
            query = query.join(m.Item.__table__, IT.id == R.item_id).join(m.Account.__table__, A.id == IT.account_id)
        if status != "all":
            query = query.where(R.status == bindparam("status"))
        if platform:
            query = query.where(A.platform == bindparam("platform"))
        if account:
            query = query.where(A.name == bindparam("account"))
        if ground:
            query = query.where(R.item_id.in_(select(F.item_id).where(F.ground == bindparam("ground"))))
        return query

    order = ((R.severity.desc(), R.created_at.asc(), R.id.asc()) if status == "pending"
             else (R.decided_at.desc(), R.id.desc()))
    count = filtered(select(func.count()).select_from(m.ReviewItem.__table__))
    ids = (filtered(select(R.id).select_from(m.ReviewItem.__table__)).order_by(*order)
           .limit(bindparam("limit")).offset(bindparam("offset")))
    return count, ids


def load_reviews(s: Session, ids: Sequence[int]) -> list[ReviewRow]:
    """The review items ``ids`` with their items, accounts, authors, findings and actions, in that order."""
    if not ids:
        return []
    conn = s.connection()
    reviews: dict[int, ReviewRow] = {}
    for row in conn.execute(_ROWS, {"ids": list(ids)}):
        item = ItemRow(row[1], row[9], row[10] or "", row[11] or "", row[12], row[13] or "", row[14] or {},
                       row[15] or {}, row[16], AccountRow(row[17], row[18], row[19]),
                       AuthorRow(row[20], row[21] or "", row[22]), [])
        reviews[row[0]] = ReviewRow(row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5]), row[6], row[7],
                                    row[8], item, [], row[23])
    by_item = {r.item_id: r.item for r in reviews.values()}
    for item_id, *rest in conn.execute(_FINDINGS, {"ids": list(by_item)}):
        by_item[item_id].findings.append(FindingRow(rest[0], rest[1], rest[2] or [], rest[3] or [], rest[4],
                                                    bool(rest[5])))
    for review_id, kind in conn.execute(_ACTIONS, {"ids": list(reviews)}):
        reviews[review_id].actions.append(ActionRow(kind))
    return [reviews[i] for i in ids if i in reviews]


def upheld_counts(s: Session, author_ids: set[int]) -> dict[int, int]:
    """How many of each author's earlier posts had a finding the clerk upheld."""
    if not author_ids:
        return {}
    rows = s.connection().execute(_UPHELD, {"ids": sorted(author_ids)})
    return {author_id: int(count) for author_id, count in rows}
