"""The canonical form of a captured item's evidence, and its hashes.

What is hashed is what a court or the police would need to trust: the post as
received (raw payload hash), the text and markup, who wrote it as they appeared
then, what it replied to, when it was posted and when the bot captured it. The
digest and a short hash of each field go into the hash-chained audit log when the
item is captured, so any later change to the stored row is detectable and the
verifier can say which field changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.audit import canonical_json, sha256_hex
from bot.storage import models as m

# Order matters only for the report; the digest is over sorted keys.
EVIDENCE_FIELDS = (
    "item_id", "account_id", "remote_id", "kind", "url", "created_at", "captured_at", "author_snapshot",
    "text", "html", "context_text", "in_reply_to_id", "thread_root_id", "raw_sha256",
)
FIELD_LABELS = {
    "item_id": "item number", "account_id": "council account", "remote_id": "platform id", "kind": "kind",
    "url": "link", "created_at": "time posted", "captured_at": "time captured", "author_snapshot": "author",
    "text": "text", "html": "markup", "context_text": "thread context", "in_reply_to_id": "reply target",
    "thread_root_id": "thread", "raw_sha256": "raw payload hash",
}
SHORT = 16  # hex characters kept per field hash: enough to name the field that changed


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="microseconds") if value else None


def evidence_document(item: m.Item) -> dict[str, Any]:
    """The item's evidence as plain JSON values, in the form that is hashed."""
    return {
        "item_id": item.id, "account_id": item.account_id, "remote_id": item.remote_id, "kind": item.kind,
        "url": item.url or "", "created_at": _when(item.created_at), "captured_at": _when(item.captured_at),
        "author_snapshot": item.author_snapshot or {}, "text": item.text or "", "html": item.html or "",
        "context_text": item.context_text or "", "in_reply_to_id": item.in_reply_to_id,
        "thread_root_id": item.thread_root_id, "raw_sha256": item.raw_sha256,
    }


def evidence_digest(document: dict[str, Any]) -> str:
    return sha256_hex(canonical_json(document))


def field_hashes(document: dict[str, Any]) -> dict[str, str]:
    return {name: sha256_hex(canonical_json(document.get(name)))[:SHORT] for name in EVIDENCE_FIELDS}


def changed_fields(document: dict[str, Any], recorded: dict[str, str]) -> list[str]:
    """Names (in the clerk's words) of the fields whose hash no longer matches."""
    now = field_hashes(document)
    return [FIELD_LABELS[name] for name in EVIDENCE_FIELDS if recorded.get(name) != now[name]]


def raw_is_intact(item: m.Item) -> bool:
    return sha256_hex(item.raw or "") == item.raw_sha256


# -- attachments named in platform payloads -------------------------------------------

def attachment_urls(raw: dict[str, Any], author_did: str = "") -> list[tuple[str, str]]:
    """(url, content type hint) of every picture, video or file attached to a post.

    Understands Mastodon statuses (alone or inside a notification) and Bluesky
    posts: hydrated views (``fullsize``) and bare records (blob references, fetched
    through the Bluesky CDN by the author's DID). Quoted posts' media are not the
    author's and are left out.
    """
    found: list[tuple[str, str]] = []
    for node in (raw, raw.get("status"), raw.get("post")):
        if not isinstance(node, dict):
            continue
        for media in node.get("media_attachments") or ():
            if isinstance(media, dict) and isinstance(media.get("url"), str):
                found.append((media["url"], str(media.get("type") or "")))
        record = node.get("record")
        if not isinstance(record, dict):
            record = {}
        for embed in (node.get("embed"), record.get("embed")):
            found.extend(_bluesky_images(embed, author_did))
    return list(dict.fromkeys(found))


def _bluesky_images(embed: Any, author_did: str) -> Iterator[tuple[str, str]]:
    if not isinstance(embed, dict):
        return
    kind = str(embed.get("$type") or "")
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        yield from _bluesky_images(embed.get("media"), author_did)
        return
    if not kind.startswith("app.bsky.embed.images"):
        return
    for image in embed.get("images") or ():
        if not isinstance(image, dict):
            continue
        if isinstance(image.get("fullsize"), str):
            yield image["fullsize"], "image"
            continue
        blob = image.get("image")
        if not isinstance(blob, dict):
            continue
        cid = (blob.get("ref") or {}).get("$link")
        if isinstance(cid, str) and author_did:
            yield (f"https://cdn.bsky.app/img/feed_fullsize/plain/{author_did}/{cid}@jpeg",
                   str(blob.get("mimeType") or "image"))
