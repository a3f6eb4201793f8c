"""Noticing that authors deleted posts that wait for the clerk.

After each good poll the core asks the adapter about a few pending items (its
``deletion_checks_per_poll``, within the poll's request budget), rotating through
the queue with a cursor of its own, so over a few polls every pending post is
looked at. A post the platform no longer has is marked deleted
(``bot.evidence.mark_deleted``): the record and its evidence stay, the item page
says when the bot noticed, and an action on it is no longer needed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.adapter import Adapter
from bot.errors import PlatformError
from bot.evidence import mark_deleted
from bot.storage import models as m
from bot.storage.db import transaction
from bot.storage.upsert import insert_missing

log = logging.getLogger(__name__)
STREAM = "deletions"  # the cursor's stream name: the id of the last item checked
POST_KINDS = ("reply", "mention", "quote")  # residents' posts (not DMs, the council's own posts or pile-ons)


def check_pending(sessions: sessionmaker[Session], adapter: Adapter, account_name: str,
                  clock: Callable[[], datetime]) -> int:
    """Ask the platform about the next few pending items; returns how many were deleted."""
    finder = getattr(adapter, "deleted_posts", None)
    per_poll = int(getattr(adapter, "deletion_checks_per_poll", 0) or 0)
    if finder is None or per_poll <= 0:
        return 0
    with transaction(sessions) as s:
        account_id = s.execute(select(m.Account.id).where(m.Account.name == account_name)).scalar_one()
        cursor = s.get(m.Cursor, (account_id, STREAM))
        after = int(cursor.value or 0) if cursor else 0
        batch = _next_pending(s, account_id, after, per_poll)
        if len(batch) < per_poll and after:  # wrap round to the start of the queue
            batch += [row for row in _next_pending(s, account_id, 0, per_poll - len(batch)) if row[0] <= after]
    if not batch:
        return 0
    try:
        gone = set(finder([remote_id for _, remote_id in batch]))
    except PlatformError as exc:  # the poll itself went well; try these again next time
        log.warning("could not check %s for deleted posts: %s", account_name, exc)
        return 0
    now = clock()
    with transaction(sessions) as s:
        for _, remote_id in batch:
            if remote_id in gone:
                mark_deleted(s, account_id, remote_id, now)
        _store(s, account_id, str(batch[-1][0]), now)
    return len(gone & {r for _, r in batch})


def _next_pending(s: Session, account_id: int, after: int, limit: int) -> list[tuple[int, str]]:
    rows = s.execute(
        select(m.Item.id, m.Item.remote_id).join(m.ReviewItem, m.ReviewItem.item_id == m.Item.id)
        .where(m.Item.account_id == account_id, m.ReviewItem.status == "pending", m.Item.deleted_at.is_(None),
               m.Item.kind.in_(POST_KINDS), m.Item.id > after)
        .order_by(m.Item.id).limit(limit)).all()
    return [(int(i), str(r)) for i, r in rows]


def _store(s: Session, account_id: int, value: str, now: datetime) -> None:
    # Insert-if-missing, then update: two services checking one account must not both insert.
    s.execute(insert_missing(s, m.Cursor, ("account_id", "stream")),
              [{"account_id": account_id, "stream": STREAM, "value": value, "updated_at": now}])
    s.execute(update(m.Cursor).where(m.Cursor.account_id == account_id, m.Cursor.stream == STREAM)
              .values(value=value, updated_at=now), execution_options={"synchronize_session": False})
