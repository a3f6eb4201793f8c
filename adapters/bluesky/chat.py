"""Direct messages through the Bluesky chat service (``chat.bsky.convo.*``).

Calls go to the PDS with the ``atproto-proxy`` header naming the chat service; the
app password must have been created with DM access, or the service answers "Bad token
scope" (``ChatAccessDenied``). Conversations are listed most recently active first
(accepted and requests alike); messages are read only in conversations whose last
message is newer than the one remembered in the cursor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from atproto_client import Client, models

from adapters.bluesky.cursor import FetchCursor
from adapters.bluesky.parse import facets_of, parse_author, parse_time
from adapters.bluesky.session import Connection
from bot.domain import Author, Item, ItemKind
from bot.errors import MalformedPayload, PermanentError

log = logging.getLogger(__name__)
CHAT_DID = "did:web:api.bsky.chat"
CHAT_SERVICE = "bsky_chat"
MESSAGE_VIEW = "chat.bsky.convo.defs#messageView"
MAX_PAGES = 5


@dataclass
class DmScan:
    items: list[Item] = field(default_factory=list)
    skipped: int = 0


class Chat:
    """Reads new DMs and sends the automatic reply for one account."""

    def __init__(self, conn: Connection, chat_did: str = CHAT_DID):
        self.conn, self.chat_did = conn, chat_did

    @property
    def client(self) -> Client:
        return self.conn.proxied(CHAT_SERVICE, self.chat_did)

    def probe(self) -> None:
        """One cheap call that fails with ``ChatAccessDenied`` without DM access."""
        self.conn.query("chat.bsky.convo.listConvos",
                        models.ChatBskyConvoListConvos.Params(limit=1), via=self.client)

    def scan(self, cursor: FetchCursor, *, now: datetime, first_days: int) -> DmScan:
        """New messages from other people since the cursor; moves the cursor on."""
        if cursor.dms_since is None:
            cursor.dms_since = (now - timedelta(days=first_days)).isoformat()
        result = DmScan()
        for convo in self._changed_convos(cursor):
            self._read_convo(convo, cursor, result)
        result.items.sort(key=lambda item: item.created_at)
        return result

    def _changed_convos(self, cursor: FetchCursor) -> list[dict[str, Any]]:
        changed: list[dict[str, Any]] = []
        page_cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = models.ChatBskyConvoListConvos.Params(limit=100, cursor=page_cursor)
            page = self.conn.query("chat.bsky.convo.listConvos", params, via=self.client)
            for convo in page.get("convos") or []:
                last = (convo or {}).get("lastMessage") or {}
                stored = cursor.convos.get(str(convo.get("id")))
                if any(c["id"] == convo.get("id") for c in changed):
                    continue
                if not last.get("rev") or (stored and last["rev"] <= stored):
                    if stored:
                        return changed  # most recently active first: the rest are older
                    continue
                changed.append(convo)
            page_cursor = page.get("cursor")
            if not page_cursor:
                break
        return changed

    def _read_convo(self, convo: dict[str, Any], cursor: FetchCursor, result: DmScan) -> None:
        convo_id = str(convo["id"])
        stored = cursor.convos.get(convo_id)
        floor = None if stored else parse_time(cursor.dms_since)
        members = {m.get("did"): m for m in convo.get("members") or [] if isinstance(m, dict)}
        newest = stored or ""
        for message in self._messages_since(convo_id, stored, floor):
            newest = max(newest, str(message.get("rev") or ""))
            sender = (message.get("sender") or {}).get("did")
            if message.get("$type") != MESSAGE_VIEW or sender == self.conn.did:
                continue
            try:
                result.items.append(dm_item(message, convo, members.get(sender)))
            except MalformedPayload as exc:
                result.skipped += 1
                log.warning("skipped a Bluesky message in %s: %s", convo_id, exc)
        if newest:
            cursor.convos.pop(convo_id, None)
            cursor.convos[convo_id] = newest  # re-inserted: most recently active last

    def _messages_since(self, convo_id: str, stored: str | None,
                        floor: datetime | None) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        page_cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = models.ChatBskyConvoGetMessages.Params(convo_id=convo_id, limit=100,
                                                            cursor=page_cursor)
            page = self.conn.query("chat.bsky.convo.getMessages", params, via=self.client)
            for message in page.get("messages") or []:
                if not isinstance(message, dict):
                    continue
                if (stored and str(message.get("rev") or "") <= stored) or _before(message, floor):
                    return messages
                messages.append(message)
            page_cursor = page.get("cursor")
            if not page_cursor:
                break
        return messages

    def send_reply(self, item: Item, text: str) -> bool:
        """Send ``text`` into the item's conversation unless it was already sent there.

        Returns False when an identical reply from the council already follows the
        message (a retry after a crash), True when it was sent now.
        """
        convo_id = item.meta.get("convo_id")
        if not convo_id:
            raise PermanentError("this item is not a Bluesky direct message")
        if self._already_replied(convo_id, text, item.created_at):
            return False
        data = models.ChatBskyConvoSendMessage.Data(
            convo_id=convo_id, message=models.ChatBskyConvoDefs.MessageInput(text=text))
        self.conn.call(self.client.chat.bsky.convo.send_message, data)
        return True

    def _already_replied(self, convo_id: str, text: str, after: datetime) -> bool:
        params = models.ChatBskyConvoGetMessages.Params(convo_id=convo_id, limit=20)
        page = self.conn.query("chat.bsky.convo.getMessages", params, via=self.client)
        for message in page.get("messages") or []:
            mine = ((message or {}).get("sender") or {}).get("did") == self.conn.did
            if mine and message.get("text") == text and not _before(message, after):
                return True
        return False


def _before(message: dict[str, Any], floor: datetime | None) -> bool:
    if floor is None:
        return False
    try:
        return parse_time(message.get("sentAt")) < floor
    except MalformedPayload:
        return False


def dm_item(message: dict[str, Any], convo: dict[str, Any], member: Any) -> Item:
    """One direct message as an ``Item``."""
    sender = (message.get("sender") or {}).get("did")
    if not sender or not message.get("id"):
        raise MalformedPayload("message without id or sender")
    author = parse_author(member) if member else Author(remote_id=sender, handle=sender)
    links, mentions = facets_of(message)
    text = message.get("text")
    if not isinstance(text, str):
        raise MalformedPayload("message without text")
    return Item(
        remote_id=f"chat:{convo['id']}:{message['id']}", kind=ItemKind.DM, author=author,
        text=text, created_at=parse_time(message.get("sentAt")), raw=message,
        url="https://bsky.app/messages/" + str(convo["id"]), links=links, mentions=mentions,
        meta={"convo_id": convo["id"], "message_id": message["id"], "rev": message.get("rev"),
              "convo_status": convo.get("status"), "author_did": sender},
    )
