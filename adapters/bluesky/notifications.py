"""Read new replies, mentions and quotes from ``app.bsky.notification.listNotifications``.

Pages newest first until a notification already seen (or older than the newest seen),
never relying on ``isRead``/``seenAt`` (the clerk reads the same account in the app).
Then one ``getPosts`` call per 25 posts fetches the parent and root of each reply so
the clerk sees what was replied to.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any

from atproto_client import models

from adapters.bluesky.cursor import RECENT_URIS, FetchCursor
from adapters.bluesky.parse import REASON_KINDS, parse_notification, parse_time
from adapters.bluesky.session import Connection
from bot.domain import Item
from bot.errors import MalformedPayload

log = logging.getLogger(__name__)
PAGE_SIZE = 100
MAX_PAGES = 10
POSTS_PER_CALL = 25


@dataclasses.dataclass
class NotificationScan:
    items: list[Item]
    skipped: int
    newest_at: str | None
    seen: list[str]


def _is_known(note: dict[str, Any], cursor: FetchCursor, known: set[str]) -> bool:
    if note.get("uri") in known:
        return True
    if cursor.newest_at and isinstance(note.get("indexedAt"), str):
        try:
            return parse_time(note["indexedAt"]) < parse_time(cursor.newest_at)
        except MalformedPayload:
            return False
    return False


def _too_old(note: dict[str, Any], oldest: datetime | None) -> bool:
    if oldest is None:
        return False
    try:
        return parse_time(note.get("indexedAt")) < oldest
    except MalformedPayload:
        return False


def scan(conn: Connection, cursor: FetchCursor, *, now: datetime, first_days: int) -> NotificationScan:
    """Every notification newer than the cursor (on a first poll: of the last days)."""
    known = set(cursor.recent)
    oldest = now - timedelta(days=first_days) if cursor.fresh else None
    result = NotificationScan([], 0, cursor.newest_at, [])
    page_cursor: str | None = None
    for _ in range(MAX_PAGES):
        params = models.AppBskyNotificationListNotifications.Params(
            limit=PAGE_SIZE, reasons=sorted(REASON_KINDS), cursor=page_cursor)
        page = conn.query("app.bsky.notification.listNotifications", params)
        notes = page.get("notifications") or []
        if _take_page(notes, cursor, known, oldest, conn.did, result):
            break
        page_cursor = page.get("cursor")
        if not page_cursor or not notes:
            break
    else:
        log.warning("more than %d pages of new Bluesky notifications; the oldest "
                    "were not read this time", MAX_PAGES)
    result.items.reverse()  # oldest first, as they happened
    return result


def _take_page(notes: list[Any], cursor: FetchCursor, known: set[str],
               oldest: datetime | None, council_did: str, result: NotificationScan) -> bool:
    """Add one page's new notifications; True when a known or too old one was reached."""
    for note in notes:
        if not isinstance(note, dict):
            result.skipped += 1
            continue
        if _is_known(note, cursor, known) or _too_old(note, oldest):
            return True
        uri = note.get("uri")
        if isinstance(uri, str):
            result.seen.append(uri)
            known.add(uri)
        at = note.get("indexedAt")
        if isinstance(at, str) and (result.newest_at is None or at > result.newest_at):
            result.newest_at = at
        if note.get("reason") not in REASON_KINDS:
            continue
        try:
            result.items.append(parse_notification(note, council_did))
        except MalformedPayload as exc:
            result.skipped += 1
            log.warning("skipped a Bluesky notification %s: %s", uri, exc)
    return False


def advance(cursor: FetchCursor, found: NotificationScan) -> None:
    """Move the cursor past what was read."""
    cursor.newest_at = found.newest_at
    cursor.recent = (found.seen + [u for u in cursor.recent if u not in set(found.seen)])[:RECENT_URIS]


def with_context(conn: Connection, items: list[Item]) -> list[Item]:
    """Fill in the text of the post each reply answers (and of the thread's first post)."""
    wanted = {u for item in items for u in (item.in_reply_to_id, item.thread_root_id) if u}
    posts: dict[str, dict[str, Any]] = {}
    uris = sorted(wanted)
    for start in range(0, len(uris), POSTS_PER_CALL):
        params = models.AppBskyFeedGetPosts.Params(uris=uris[start:start + POSTS_PER_CALL])
        for post in conn.query("app.bsky.feed.getPosts", params).get("posts") or []:
            if isinstance(post, dict) and post.get("uri"):
                posts[post["uri"]] = post
    return [_attach(item, posts) for item in items]


def missing_posts(conn: Connection, uris: list[str]) -> set[str]:
    """Those of ``uris`` (at most one call's worth) that ``getPosts`` no longer returns:
    the AppView leaves deleted posts out of its answer."""
    asked = [u for u in uris if u.startswith("at://")][:POSTS_PER_CALL]
    if not asked:
        return set()
    params = models.AppBskyFeedGetPosts.Params(uris=asked)
    found = {p.get("uri") for p in conn.query("app.bsky.feed.getPosts", params).get("posts") or ()
             if isinstance(p, dict)}
    return set(asked) - found


def _post_text(post: dict[str, Any] | None) -> str:
    record = (post or {}).get("record") or {}
    text = record.get("text") if isinstance(record, dict) else ""
    return text if isinstance(text, str) else ""


def _attach(item: Item, posts: dict[str, dict[str, Any]]) -> Item:
    parent = posts.get(item.in_reply_to_id or "")
    root = posts.get(item.thread_root_id or "")
    if not parent and not root:
        return item
    meta = dict(item.meta)
    meta["parent_author_handle"] = ((parent or {}).get("author") or {}).get("handle")
    meta["root_text"] = _post_text(root)
    meta["root_author_handle"] = ((root or {}).get("author") or {}).get("handle")
    return dataclasses.replace(item, context_text=_post_text(parent), meta=meta)
