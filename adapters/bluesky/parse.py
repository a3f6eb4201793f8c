"""Turn Bluesky payloads (lexicon JSON as sent) into ``Item``s and ``Author``s.

Works on the raw dicts rather than the SDK's models so that the evidence kept is
exactly what the server sent and one odd notification cannot spoil a whole page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from atproto_core.uri import AtUri

from bot.domain import Author, Item, ItemKind
from bot.errors import MalformedPayload

#: Notification reasons the bot reads, and the kind of item each becomes.
REASON_KINDS = {"reply": ItemKind.REPLY, "mention": ItemKind.MENTION, "quote": ItemKind.QUOTE}
#: Self-labels and label values that mark an automated account.
BOT_LABELS = frozenset({"bot", "automated"})
FACET_LINK = "app.bsky.richtext.facet#link"
FACET_MENTION = "app.bsky.richtext.facet#mention"


def parse_time(value: Any) -> datetime:
    """An RFC 3339 timestamp as an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        raise MalformedPayload(f"missing timestamp: {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedPayload(f"bad timestamp {value!r}") from exc
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def rkey_of(uri: str) -> str:
    return AtUri.from_str(uri).rkey


def repo_of(uri: str) -> str:
    return AtUri.from_str(uri).host


def post_url(handle: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{rkey_of(uri)}"


def parse_author(profile: Any) -> Author:
    """An ``Author`` from a profile view (``app.bsky.actor.defs#profileView[Basic]``)."""
    if not isinstance(profile, dict) or not profile.get("did") or not profile.get("handle"):
        raise MalformedPayload("author without did or handle")
    labels = {str(label.get("val", "")).lower() for label in profile.get("labels") or []
              if isinstance(label, dict)}
    associated = profile.get("associated") or {}
    created = profile.get("createdAt")
    return Author(
        remote_id=profile["did"],
        handle=profile["handle"],
        display_name=profile.get("displayName") or "",
        avatar_url=profile.get("avatar") or "",
        is_bot=bool(labels & BOT_LABELS) or bool(associated.get("labeler")),
        created_at=parse_time(created) if created else None,
        domain=profile["handle"].split(".", 1)[-1] if "." in profile["handle"] else "",
        followers_count=profile.get("followersCount"),
        posts_count=profile.get("postsCount"),
    )


def facets_of(record: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The links and mentioned DIDs of a post's rich-text facets."""
    links: list[str] = []
    mentions: list[str] = []
    for facet in record.get("facets") or []:
        for feature in (facet or {}).get("features") or []:
            kind = (feature or {}).get("$type")
            if kind == FACET_LINK and feature.get("uri"):
                links.append(feature["uri"])
            elif kind == FACET_MENTION and feature.get("did"):
                mentions.append(feature["did"])
    return tuple(dict.fromkeys(links)), tuple(dict.fromkeys(mentions))


def embedded_record(record: dict[str, Any]) -> dict[str, Any] | None:
    """The strong ref a post quotes (``embed.record`` or ``embed.recordWithMedia``)."""
    embed = record.get("embed") or {}
    kind = embed.get("$type", "")
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        embed = embed.get("record") or {}
    elif not kind.startswith("app.bsky.embed.record"):
        return None
    ref = embed.get("record")
    return ref if isinstance(ref, dict) and ref.get("uri") else None


def parse_notification(notification: dict[str, Any], council_did: str) -> Item:
    """One reply, mention or quote notification as an ``Item`` (context filled later)."""
    try:
        kind = REASON_KINDS[notification["reason"]]
        uri, record = notification["uri"], notification["record"]
        author = parse_author(notification["author"])
        created = parse_time(record.get("createdAt") or notification.get("indexedAt"))
        text = record.get("text") or ""
        if not isinstance(text, str) or not uri.startswith("at://"):
            raise MalformedPayload("post without text or at:// uri")
        reply = record.get("reply") or {}
        parent, root = reply.get("parent") or {}, reply.get("root") or {}
        quoted = embedded_record(record)
        url = post_url(author.handle, uri)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise MalformedPayload(f"notification not understood: {exc!r}") from exc
    links, mentions = facets_of(record)
    root_uri: str | None = root.get("uri") or (None if parent else uri)
    quoted_uri: str | None = (quoted or {}).get("uri")
    meta = {
        "cid": notification.get("cid"),
        "root_uri": root_uri, "root_cid": root.get("cid") or (None if parent else notification.get("cid")),
        "parent_uri": parent.get("uri"), "parent_cid": parent.get("cid"),
        "root_is_council": bool(root_uri) and repo_of(root_uri or "") == council_did,
        # Bluesky lets only the thread's root author hide replies (threadgate).
        "can_hide": bool(parent) and bool(root_uri) and repo_of(root_uri or "") == council_did,
        "author_did": author.remote_id,
        "quoted_uri": quoted_uri, "quoted_cid": (quoted or {}).get("cid"),
        "quotes_council": bool(quoted_uri) and repo_of(quoted_uri or "") == council_did,
    }
    return Item(
        remote_id=uri, kind=kind, author=author, text=text, created_at=created,
        raw=notification, url=url, in_reply_to_id=parent.get("uri"),
        in_reply_to_author_id=repo_of(parent["uri"]) if parent.get("uri") else None,
        thread_root_id=root_uri if parent else None,
        language=(record.get("langs") or [None])[0], links=links, mentions=mentions, meta=meta,
    )
