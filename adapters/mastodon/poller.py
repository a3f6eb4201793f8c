"""One poll of a Mastodon account: notifications, thread scan and filtered requests.

Three sources, one de-duplicated list of items:

1. mention (and, on 4.5+, quote) notifications, paged forward from the stored id
   with ``min_id`` until a page comes back empty;
2. the replies under the council's recent posts (``status_context``), because a
   reply whose author removed the @mention produces no notification. A thread is
   only re-read when its ``replies_count`` changed since the last poll;
3. notification requests: what the server's notification policy filtered away
   (e.g. private mentions from strangers on 4.3+), when the policy filters anything.

Optional work stops early when the rate-limit budget runs low; the cursor keeps
what was not done for the next poll.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from adapters.mastodon.client import MastodonClient
from adapters.mastodon.cursor import PollCursor, id_key, newest
from adapters.mastodon.entities import Origin, html_to_text, parse_status, parse_time
from bot.domain import Item
from bot.errors import MalformedPayload, TargetGone, TransientError

log = logging.getLogger(__name__)

PAGE_LIMIT = 80  # the largest page the notifications API serves
POSTS_PAGE_LIMIT = 40  # the largest page of account statuses
MAX_NOTIFICATION_PAGES = 25  # one poll reads at most 2,000 notifications; the rest next poll
MAX_POST_PAGES = 5


@dataclass
class PollPlan:
    """What this poll should read; decided by the adapter from the server's version and policy."""

    council_id: str
    context_since: datetime
    include_quotes: bool = False
    read_requests: bool = False
    reserve: int = 10  # requests to leave unused in the rate-limit window


@dataclass
class PollResult:
    items: list[Item] = field(default_factory=list)
    skipped: int = 0
    stopped_early: bool = False


class Poller:
    def __init__(self, client: MastodonClient, plan: PollPlan, cursor: PollCursor) -> None:
        self.client = client
        self.plan = plan
        self.cursor = cursor.copy()
        self.result = PollResult()
        self._seen = set(cursor.seen)
        self._posts: dict[str, dict[str, Any]] = {}

    def run(self) -> PollResult:
        self._posts = self._recent_posts()
        self._notifications()
        self._threads()
        if self.plan.read_requests:
            self._requests()
        self.result.items.sort(key=lambda item: item.created_at)
        return self.result

    # -- budget -------------------------------------------------------------------------
    def _budget_low(self) -> bool:
        remaining = self.client.rate_limit_remaining()
        if remaining is not None and remaining <= self.plan.reserve:
            self.result.stopped_early = True
            log.info("rate-limit budget low (%s left): leaving the rest for the next poll", remaining)
            return True
        return False

    # -- the council's recent posts -----------------------------------------------------
    def _recent_posts(self) -> dict[str, dict[str, Any]]:
        posts: dict[str, dict[str, Any]] = {}
        max_id: str | None = None
        for _ in range(MAX_POST_PAGES):
            page = self._page("account_statuses", self.plan.council_id, exclude_reblogs=True,
                              limit=POSTS_PAGE_LIMIT, max_id=max_id)
            in_window = [s for s in page if self._post_in_window(s)]
            posts.update((s["id"], s) for s in in_window)
            if len(in_window) < len(page) or len(page) < POSTS_PAGE_LIMIT or self._budget_low():
                break
            max_id = min((s["id"] for s in page), key=id_key)
        return posts

    def _post_in_window(self, status: Any) -> bool:
        try:
            return (isinstance(status, dict) and isinstance(status.get("id"), str)
                    and parse_time(status.get("created_at"), "post") >= self.plan.context_since)
        except MalformedPayload:
            return False

    # -- notifications ------------------------------------------------------------------
    def _notification_types(self) -> list[str]:
        return ["mention", "quote"] if self.plan.include_quotes else ["mention"]

    def _notifications(self) -> None:
        first_poll = self.cursor.notification_id is None
        for _ in range(MAX_NOTIFICATION_PAGES):
            page = self._page("notifications", types=self._notification_types(),
                              min_id=self.cursor.notification_id, limit=PAGE_LIMIT)
            self._take_notifications(page, "notification", advance=True)
            if first_poll and self.cursor.notification_id is None:
                # No mention ever: everything from now on is new, from the very first id.
                self.cursor.notification_id = "0"
            if not page or first_poll or self._budget_low():
                return

    def _take_notifications(self, page: list[Any], source: str, advance: bool) -> None:
        for notification in sorted(page, key=_notification_order):
            note_id = notification.get("id") if isinstance(notification, dict) else None
            if advance and isinstance(note_id, str) and note_id:
                self.cursor.notification_id = newest(self.cursor.notification_id, note_id)
            status = notification.get("status") if isinstance(notification, dict) else None
            self._add(status, partial(self._origin_for, source=source, notification=notification))

    def _origin_for(self, status: dict[str, Any], *, source: str,
                    notification: dict[str, Any] | None) -> Origin:
        parent = self._posts.get(str(status.get("in_reply_to_id") or ""))
        return Origin(
            council_id=self.plan.council_id, source=source, notification=notification,
            context_text=_text_of(parent) if parent else "",
            thread_root_id=_root_of(parent) if parent else None,
        )

    # -- replies without a mention: the council's threads --------------------------------
    def _threads(self) -> None:
        for post_id, post in sorted(self._posts.items(), key=lambda kv: id_key(kv[0])):
            count = post.get("replies_count")
            if not isinstance(count, int) or count == self.cursor.posts.get(post_id, 0):
                self.cursor.posts[post_id] = count if isinstance(count, int) else 0
                continue
            if self._budget_low():
                break
            self._scan_thread(post_id, post)
            self.cursor.posts[post_id] = count
        self.cursor.posts = {k: v for k, v in self.cursor.posts.items() if k in self._posts}

    def _scan_thread(self, post_id: str, post: dict[str, Any]) -> None:
        try:
            context = self.client.call("status_context", post_id, on_404=TargetGone)
        except TargetGone:
            log.info("council post %s is gone; skipping its thread", post_id)
            return
        if not isinstance(context, dict) or not isinstance(context.get("descendants"), list):
            raise TransientError("the server sent an unexpected thread context")
        ancestors = [a for a in context.get("ancestors") or () if isinstance(a, dict)]
        root = str(ancestors[0].get("id")) if ancestors else post_id
        by_id = {str(s.get("id")): s for s in context["descendants"] if isinstance(s, dict)}
        by_id[post_id] = post
        for status in context["descendants"]:
            if not self._reply_to_council(status):
                continue
            parent = by_id.get(str(status.get("in_reply_to_id"))) or self._posts.get(
                str(status.get("in_reply_to_id")))
            self._add(status, partial(self._thread_origin, parent=parent, root=root))

    def _thread_origin(self, status: dict[str, Any], *, parent: dict[str, Any] | None,
                       root: str) -> Origin:
        return Origin(council_id=self.plan.council_id, source="context",
                      context_text=_text_of(parent) if parent else "", thread_root_id=root)

    def _reply_to_council(self, status: Any) -> bool:
        if not isinstance(status, dict) or status.get("in_reply_to_account_id") != self.plan.council_id:
            return False
        account = status.get("account")
        return not (isinstance(account, dict) and account.get("id") == self.plan.council_id)

    # -- what the notification policy filtered ------------------------------------------
    def _requests(self) -> None:
        if self._budget_low():
            return
        requests_page = self._page("notification_requests", limit=PAGE_LIMIT)
        current: dict[str, str] = {}
        for request in requests_page:
            try:
                request_id, account_id, last_id = _request_keys(request)
            except MalformedPayload as exc:
                self._skip(exc)
                continue
            current[request_id] = last_id
            if self.cursor.requests.get(request_id) == last_id:
                continue
            if self._budget_low():
                current[request_id] = self.cursor.requests.get(request_id, "")
                continue
            page = self._page("notifications", account_id=account_id,
                              types=self._notification_types(), limit=PAGE_LIMIT)
            self._take_notifications(page, "request", advance=False)
        self.cursor.requests = {k: v for k, v in current.items() if v}

    # -- shared helpers -----------------------------------------------------------------
    def _page(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        page = self.client.call(method, *args, **kwargs)
        if not isinstance(page, list):
            raise TransientError(f"the server sent an unexpected answer to {method}")
        return page

    def _add(self, status: Any, origin: Callable[[dict[str, Any]], Origin]) -> None:
        try:
            if not isinstance(status, dict):
                raise MalformedPayload("notification without a status")
            item = parse_status(status, origin(status))
        except MalformedPayload as exc:
            self._skip(exc)
            return
        if item.remote_id in self._seen:
            return
        self._seen.add(item.remote_id)
        self.cursor.seen.append(item.remote_id)
        self.result.items.append(item)

    def _skip(self, exc: Exception) -> None:
        log.warning("skipped a malformed Mastodon entity: %s", exc)
        self.result.skipped += 1


def _notification_order(notification: Any) -> tuple[int, str]:
    note_id = notification.get("id") if isinstance(notification, dict) else None
    return id_key(note_id) if isinstance(note_id, str) else (0, "")


def _text_of(status: dict[str, Any]) -> str:
    return html_to_text(str(status.get("content") or ""))


def _root_of(post: dict[str, Any]) -> str | None:
    # A council post that is not itself a reply is the root of its thread.
    return None if post.get("in_reply_to_id") else str(post.get("id"))


def _request_keys(request: Any) -> tuple[str, str, str]:
    if not isinstance(request, dict) or not isinstance(request.get("id"), str):
        raise MalformedPayload("notification request without an id")
    account = request.get("account")
    if not isinstance(account, dict) or not isinstance(account.get("id"), str):
        raise MalformedPayload(f"notification request {request['id']} without an account")
    last = request.get("last_status")
    last_id = str(last.get("id")) if isinstance(last, dict) and last.get("id") else str(
        request.get("updated_at") or request.get("notifications_count") or "")
    return request["id"], account["id"], last_id

