"""Mastodon entities (Status, Account, Notification) to the bot's domain types.

Every function here is pure: JSON in, ``Item``/``Author`` out. An entity missing a
field the bot relies on raises ``MalformedPayload``; the poller skips and logs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from bot.domain import Author, Item, ItemKind
from bot.errors import MalformedPayload

_BLOCK_TAGS = {"p", "div", "blockquote", "li", "pre"}


class _TextAndLinks(HTMLParser):
    """Plain text and outbound links of Mastodon's status HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            values = dict(attrs)
            classes = (values.get("class") or "").split()
            href = values.get("href") or ""
            if href and "mention" not in classes and "hashtag" not in classes:
                self.links.append(href)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def text(self) -> str:
        lines = "".join(self.parts).split("\n")
        return "\n".join(line.strip() for line in lines).strip()


def html_to_text(markup: str) -> str:
    """Mastodon's HTML as plain text: paragraphs and line breaks kept, tags dropped."""
    parser = _TextAndLinks()
    parser.feed(markup or "")
    parser.close()
    return parser.text()


def html_links(markup: str) -> tuple[str, ...]:
    """Links in the post, without mention and hashtag links."""
    parser = _TextAndLinks()
    parser.feed(markup or "")
    parser.close()
    return tuple(dict.fromkeys(parser.links))


def parse_time(value: Any, what: str) -> datetime:
    """An ISO 8601 time from the API as an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        raise MalformedPayload(f"{what}: missing time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise MalformedPayload(f"{what}: unreadable time {value[:40]!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def require(entity: Any, key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(entity, dict):
        raise MalformedPayload(f"{what} is not an object")
    value = entity.get(key)
    if not isinstance(value, kind) or (isinstance(value, str) and not value):
        raise MalformedPayload(f"{what}: field {key!r} missing or of the wrong type")
    return value


def account_domain(acct: str) -> str:
    """The remote server of an ``acct`` ("user@example.org"); "" for a local account."""
    return acct.rsplit("@", 1)[1].lower() if "@" in acct else ""


def verified_links(account: dict[str, Any]) -> tuple[str, ...]:
    """Profile links the server verified (rel=me), i.e. profile fields with ``verified_at``."""
    links: list[str] = []
    for entry in account.get("fields") or ():
        if not isinstance(entry, dict) or not entry.get("verified_at"):
            continue
        value = str(entry.get("value") or "")
        found = html_links(value)
        links.extend(found or (html_to_text(value),))
    return tuple(link for link in links if link)


def parse_author(account: Any) -> Author:
    """An ``Account`` entity as the author facts the policy engine uses."""
    remote_id = require(account, "id", str, "account")
    acct = require(account, "acct", str, "account")
    created = account.get("created_at")
    return Author(
        remote_id=remote_id,
        handle=acct,
        display_name=str(account.get("display_name") or ""),
        avatar_url=str(account.get("avatar") or ""),
        is_bot=bool(account.get("bot")),
        created_at=parse_time(created, "account.created_at") if created else None,
        domain=account_domain(acct),
        verified_links=verified_links(account),
        followers_count=_int_or_none(account.get("followers_count")),
        posts_count=_int_or_none(account.get("statuses_count")),
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def quoted_status_id(status: dict[str, Any]) -> str | None:
    """The id of the post a status quotes (Mastodon 4.5 ``Quote``/``ShallowQuote``)."""
    quote = status.get("quote")
    if not isinstance(quote, dict):
        return None
    inner = quote.get("quoted_status")
    if isinstance(inner, dict) and isinstance(inner.get("id"), str):
        return str(inner["id"])
    value = quote.get("quoted_status_id")
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Origin:
    """How a status reached the bot, and what the poller already knows about its thread."""

    council_id: str
    source: str  # notification, context or request
    notification: dict[str, Any] | None = None
    context_text: str = ""
    thread_root_id: str | None = None
    extra_meta: dict[str, Any] = field(default_factory=dict)


def classify(status: dict[str, Any], origin: Origin) -> ItemKind:
    """DM beats quote beats reply beats mention: what the clerk needs to know first."""
    if status.get("visibility") == "direct":
        return ItemKind.DM
    if (origin.notification or {}).get("type") == "quote":
        return ItemKind.QUOTE
    if status.get("in_reply_to_account_id") == origin.council_id:
        return ItemKind.REPLY
    return ItemKind.MENTION


def parse_status(status: Any, origin: Origin) -> Item:
    """A ``Status`` entity (from a notification, a thread scan or a request) as an Item."""
    status_id = require(status, "id", str, "status")
    author = parse_author(require(status, "account", dict, "status"))
    content = status.get("content")
    if not isinstance(content, str):
        raise MalformedPayload(f"status {status_id}: field 'content' missing")
    spoiler = str(status.get("spoiler_text") or "")
    body = html_to_text(content)
    mentions = tuple(
        str(m["acct"]) for m in status.get("mentions") or () if isinstance(m, dict) and m.get("acct")
    )
    return Item(
        remote_id=status_id,
        kind=classify(status, origin),
        author=author,
        text=f"{spoiler}\n\n{body}".strip() if spoiler else body,
        created_at=parse_time(status.get("created_at"), f"status {status_id}.created_at"),
        raw=origin.notification if origin.notification is not None else status,
        html=content,
        url=str(status.get("url") or status.get("uri") or ""),
        in_reply_to_id=_str_or_none(status.get("in_reply_to_id")),
        in_reply_to_author_id=_str_or_none(status.get("in_reply_to_account_id")),
        thread_root_id=origin.thread_root_id,
        context_text=origin.context_text,
        language=_str_or_none(status.get("language")),
        links=html_links(content),
        mentions=mentions,
        meta=_meta(status, author, origin),
    )


def _str_or_none(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) and value != "" else None


def _meta(status: dict[str, Any], author: Author, origin: Origin) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "status_id": status["id"],
        "account_id": author.remote_id,
        "acct": author.handle,
        "is_remote": bool(author.domain),
        "domain": author.domain,
        "visibility": status.get("visibility"),
        "source": origin.source,
        "spoiler_text": str(status.get("spoiler_text") or ""),
    }
    if origin.notification is not None:
        meta["notification_id"] = origin.notification.get("id")
        meta["notification_type"] = origin.notification.get("type")
    quoted = quoted_status_id(status)
    if quoted:
        meta["quoted_status_id"] = quoted
    meta.update(origin.extra_meta)
    return meta

