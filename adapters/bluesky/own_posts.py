"""The council's own new Bluesky posts, read from its repository on the PDS.

``com.atproto.repo.listRecords`` answers straight from the council's PDS (no AppView
indexing delay) and lists records newest first by record key. Post record keys are
TIDs, which sort by time, so the cursor is simply the newest key seen: the next scan
pages back until it meets it. A malformed record is logged and skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from atproto_client import models

from adapters.bluesky.parse import post_url, rkey_of
from adapters.bluesky.session import Connection
from bot.domain import OwnPost, OwnPosts

log = logging.getLogger(__name__)
POST = "app.bsky.feed.post"
PAGE = 50
MAX_PAGES = 10  # a council does not publish 500 posts between two polls


def _parse_time(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _own_post(record: dict[str, Any], handle: str) -> OwnPost | None:
    uri, value = record.get("uri"), record.get("value")
    if not isinstance(uri, str) or not isinstance(value, dict):
        return None
    created = _parse_time(value.get("createdAt"))
    if created is None:
        return None
    return OwnPost(remote_id=uri, text=str(value.get("text") or ""), created_at=created,
                   url=post_url(handle, uri), is_root=not value.get("reply"),
                   meta={"cid": record.get("cid"), "root_uri": uri})


def fetch(conn: Connection, handle: str, cursor: str | None, *, now: datetime, since_days: int) -> OwnPosts:
    """Posts newer than the cursor's record key, oldest first; the newest key is the next cursor."""
    found: list[OwnPost] = []
    newest, page_cursor, since = cursor, None, now - timedelta(days=since_days)
    for _ in range(MAX_PAGES):
        params = models.ComAtprotoRepoListRecords.Params(repo=conn.did, collection=POST, limit=PAGE,
                                                         cursor=page_cursor)
        page = conn.query("com.atproto.repo.listRecords", params)
        records = page.get("records") or []
        reached_old = False
        for record in records:
            key = rkey_of(str(record.get("uri", ""))) if isinstance(record, dict) else ""
            if cursor and key and key <= cursor:
                reached_old = True
                break
            post = _own_post(record, handle) if isinstance(record, dict) else None
            if post is None:
                log.warning("Bluesky: malformed post record %r of the council skipped", str(record)[:200])
                continue
            if not cursor and post.created_at < since:
                reached_old = True
                break
            newest = max(newest or key, key)
            found.append(post)
        page_cursor = page.get("cursor")
        if reached_old or not page_cursor or not records:
            break
    return OwnPosts(posts=tuple(reversed(found)), cursor=newest)
