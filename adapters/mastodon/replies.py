"""The council's own posts on a Mastodon-API server, and who may reply to them.

Mastodon cannot restrict replies at all. GoToSocial can, through interaction policies,
but only as the account's default for posts made from then on
(``PATCH /api/v1/interaction_policies/defaults``): its status edit API takes no policy,
so a published post cannot be limited afterwards. The PATCH resets every visibility it
does not name, so the current defaults are read first and written back whole, with
only ``can_reply`` of the public, unlisted and followers-only levels changed. The read
document says "me" for the account itself, which the server refuses on write: it is
sent as "author".
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from adapters.mastodon.client import MastodonClient
from adapters.mastodon.entities import html_to_text
from bot.domain import OwnPost, OwnPosts, ReplyPolicy
from bot.errors import MalformedPayload, TransientError, Unsupported

log = logging.getLogger(__name__)
DEFAULTS = "/api/v1/interaction_policies/defaults"
VISIBILITIES = ("direct", "private", "unlisted", "public")
CHANGED = ("private", "unlisted", "public")
CAN_REPLY: dict[str, list[str]] = {
    ReplyPolicy.OPEN: ["public"], ReplyPolicy.FOLLOWERS: ["author", "followers"],
    ReplyPolicy.MENTIONED: ["author", "mentioned"], ReplyPolicy.NOBODY: ["author"],
}
NO_GATES = "Mastodon cannot restrict who replies to a post."
NOT_AFTERWARDS = "GoToSocial cannot change who may reply to a post once it is published."


def _key(status_id: str) -> tuple[int, str]:
    return (len(status_id), status_id)  # Mastodon snowflakes and GoToSocial ULIDs both sort this way


def _parse_time(value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedPayload(f"bad created_at {value!r}") from exc
    if parsed.tzinfo is None:
        raise MalformedPayload(f"created_at without a time zone {value!r}")
    return parsed


def _own_post(status: dict[str, Any]) -> OwnPost:
    if not isinstance(status.get("id"), str):
        raise MalformedPayload("status without an id")
    return OwnPost(remote_id=status["id"], text=html_to_text(str(status.get("content") or "")),
                   created_at=_parse_time(status.get("created_at")), url=str(status.get("url") or ""),
                   is_root=not status.get("in_reply_to_id"), meta={"visibility": status.get("visibility")})


def fetch_own_posts(client: MastodonClient, council_id: str, cursor: str | None, *, now: datetime,
                    since_days: int) -> OwnPosts:
    """The council's statuses after ``cursor`` (boosts left out), oldest first."""
    statuses = client.call("account_statuses", council_id, exclude_reblogs=True, since_id=cursor, limit=40)
    if not isinstance(statuses, list):
        raise TransientError("the server's list of the council's posts was not a list")
    found, newest = [], cursor
    since = now - timedelta(days=since_days)
    for status in statuses:
        try:
            post = _own_post(status)
        except (MalformedPayload, AttributeError) as exc:
            log.warning("a post of the council was not understood and is skipped: %s", exc)
            continue
        if cursor is None and post.created_at < since:
            continue
        found.append(post)
        newest = max(newest or post.remote_id, post.remote_id, key=_key)
    found.sort(key=lambda p: _key(p.remote_id))
    return OwnPosts(posts=tuple(found), cursor=newest)


def _write_values(values: list[str]) -> list[str]:
    return ["author" if v == "me" else v for v in values]


def default_policy_form(current: dict[str, Any], policy: ReplyPolicy) -> dict[str, str]:
    """The PATCH form: every visibility as read, ``can_reply`` of the visible ones replaced."""
    form: dict[str, str] = {}
    for vis in VISIBILITIES:
        for sub, rules in (current.get(vis) or {}).items():
            rules = dict(rules or {})
            if sub == "can_reply" and vis in CHANGED:
                auto, manual = ("automatic_approval", "manual_approval") if "automatic_approval" in rules \
                    else ("always", "with_approval")
                rules = {auto: CAN_REPLY[policy], manual: []}
            for condition, values in rules.items():
                for i, value in enumerate(_write_values(list(values or []))):
                    form[f"{vis}[{sub}][{condition}][{i}]"] = value
    return form


def set_default_reply_policy(client: MastodonClient, policy: ReplyPolicy) -> dict[str, Any]:
    current = client.call_endpoint("GET", DEFAULTS, {})
    if not isinstance(current, dict) or not all(isinstance(current.get(v), dict) for v in CHANGED):
        raise TransientError("the server's interaction policy defaults were not understood")
    client.call_endpoint("PATCH", DEFAULTS, default_policy_form(current, policy))
    return {"default_can_reply": CAN_REPLY[policy]}


def refuse(post_remote_id: str | None, gotosocial: bool) -> None:
    if not gotosocial:
        raise Unsupported(NO_GATES)
    if post_remote_id is not None:
        raise Unsupported(NOT_AFTERWARDS)
