"""``BlueskyAdapter``: the council's Bluesky account through the atproto SDK.

``build_adapter(account_settings, data_dir)`` is what the core's wiring calls. State
kept in the data directory, owner-only: the session string (re-used across restarts,
saved on every token refresh), the login guard, and the write-point budget.

``apply`` returns an outcome dict for the core to keep with the action, e.g.
``{"block_uri": ..., "block_rkey": ...}`` for a block (needed to undo it),
``{"record_uri": ..., "count": ...}`` for a hide or detach, ``{"report_id": ...}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from atproto_client import Client, models
from atproto_client.request import Request

from adapters.bluesky import notifications, own_posts
from adapters.bluesky.actions import BSKY_MODERATION_DID, Actions
from adapters.bluesky.chat import CHAT_DID, Chat, DmScan
from adapters.bluesky.cursor import FetchCursor
from adapters.bluesky.errors import ChatAccessDenied
from adapters.bluesky.gates import ALLOW, Gates
from adapters.bluesky.parse import parse_author
from adapters.bluesky.session import Connection
from adapters.bluesky.store import LoginGuard, SessionFile, WriteBudget
from bot.domain import (
    AccountInfo,
    ActionKind,
    ActionOrder,
    Batch,
    Item,
    OwnPosts,
    Platform,
    ReplyControls,
    ReplyPolicy,
)
from bot.errors import PermanentError, RateLimited, TransientError, Unsupported
from bot.settings import AccountSettings

log = logging.getLogger(__name__)
DEFAULT_PDS = "https://bsky.social"


class BlueskyAdapter:
    """Reads replies, mentions, quotes and DMs; hides, detaches, blocks, mutes, reports."""

    platform = Platform.BLUESKY
    capabilities = frozenset({ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE, ActionKind.BLOCK,
                              ActionKind.MUTE, ActionKind.REPORT, ActionKind.UNHIDE_REPLY,
                              ActionKind.REATTACH_QUOTE, ActionKind.UNBLOCK, ActionKind.UNMUTE,
                              ActionKind.LIMIT_REPLIES, ActionKind.RESTORE_REPLIES})
    reply_controls = ReplyControls.PER_POST.value

    def __init__(self, account: AccountSettings, *, session_dir: Path,
                 app_password: str | None = None, request_timeout: float = 30,
                 client: Client | None = None, chat_did: str = CHAT_DID,
                 moderation_did: str = BSKY_MODERATION_DID, read_dms: bool = True,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.account, self.clock = account, clock
        base = account.server_url or DEFAULT_PDS
        # The SDK's default (httpx's 5 s) is too short for a busy PDS.
        client = client or Client(base_url=base, request=Request(timeout=request_timeout))
        stem = Path(session_dir) / f"bluesky-{account.name}"
        self.conn = Connection(
            client, account.handle, app_password, SessionFile(stem.with_suffix(".session")),
            LoginGuard(stem.with_suffix(".login-guard.json")))
        self.budget = WriteBudget(stem.with_suffix(".write-budget.json"))
        self.chat = Chat(self.conn, chat_did)
        self.actions = Actions(self.conn, self.budget, moderation_did)
        self.gates = Gates(self.conn, self.budget)
        self._dms_enabled = read_dms

    @property
    def reads_dms(self) -> bool:
        return self._dms_enabled

    def check(self) -> AccountInfo:
        """Log in (or resume the saved session) and test DM access."""
        self.conn.requests = 0
        profile = self.conn.query("app.bsky.actor.getProfile",
                                  models.AppBskyActorGetProfile.Params(actor=self.conn.did))
        warnings = self._check_dms()
        author = parse_author(profile)
        return AccountInfo(remote_id=author.remote_id, handle=author.handle,
                           display_name=author.display_name, warnings=tuple(warnings))

    def fetch(self, cursor: str | None) -> Batch:
        """Replies, mentions and quotes since the cursor, then new direct messages."""
        self.conn.requests = 0
        state, now = FetchCursor.decode(cursor), self.clock()
        days = max(self.account.context_days, 1)
        found = notifications.scan(self.conn, state, now=now, first_days=days)
        items = notifications.with_context(self.conn, found.items)
        notifications.advance(state, found)
        dms = self._fetch_dms(state, now, days)
        items, skipped = items + dms.items, found.skipped + dms.skipped
        return Batch(items=tuple(_dedupe(items)), cursor=state.encode(), skipped=skipped,
                     requests=self.conn.requests)

    def _check_dms(self) -> list[str]:
        if not self._dms_enabled:
            return []  # switched off in the settings: nothing to check, nothing wrong
        try:
            self.chat.probe()
        except ChatAccessDenied as exc:
            return [str(exc)]
        except (TransientError, PermanentError) as exc:
            return [f"Direct message access could not be checked: {exc.title} {exc}"]
        return []

    def _fetch_dms(self, state: FetchCursor, now: datetime, days: int) -> DmScan:
        """New DMs; a chat-service failure leaves the DM cursor as it was."""
        if not self._dms_enabled:
            return DmScan()
        convos, since = dict(state.convos), state.dms_since
        try:
            return self.chat.scan(state, now=now, first_days=days)
        except ChatAccessDenied as exc:
            self._dms_enabled = False
            log.warning("Bluesky DMs of %s are not read: %s", self.account.handle, exc)
        except (TransientError, RateLimited, PermanentError) as exc:
            log.warning("Bluesky DMs of %s not read this time: %s", self.account.handle, exc)
        state.convos, state.dms_since = convos, since
        return DmScan()

    def send_dm_reply(self, item: Item, text: str, idempotency_key: str) -> None:
        """Send the automatic reply into the DM's conversation (once, even on retry).

        Sending into a conversation request accepts the request, as replying in the
        app does.
        """
        if item.author.remote_id == self.conn.did:
            raise PermanentError("not sending an automatic reply to the council itself")
        if item.author.is_bot:
            raise PermanentError("not sending an automatic reply to an automated account")
        if not self.chat.send_reply(item, text):
            log.info("automatic reply %s was already sent; not sending it twice", idempotency_key)

    deletion_checks_per_poll = notifications.POSTS_PER_CALL  # one getPosts call after each poll

    def deleted_posts(self, remote_ids: list[str]) -> set[str]:
        """Pending posts whose authors deleted them (gone from ``app.bsky.feed.getPosts``)."""
        return notifications.missing_posts(self.conn, remote_ids)

    def apply(self, order: ActionOrder) -> dict[str, Any]:
        """Carry out an approved action; returns what the core should keep (see module doc)."""
        handlers = {
            ActionKind.HIDE_REPLY: self.actions.hide_reply,
            ActionKind.DETACH_QUOTE: self.actions.detach_quote,
            ActionKind.BLOCK: self.actions.block,
            ActionKind.MUTE: self.actions.mute,
            ActionKind.REPORT: self.actions.report,
            ActionKind.UNHIDE_REPLY: self.actions.unhide_reply,
            ActionKind.REATTACH_QUOTE: self.actions.reattach_quote,
            ActionKind.UNBLOCK: self.actions.unblock,
            ActionKind.UNMUTE: self.actions.unmute,
            ActionKind.LIMIT_REPLIES: self._limit_replies,
            ActionKind.RESTORE_REPLIES: self._restore_replies,
        }
        handler = handlers.get(order.kind)
        if handler is None:
            raise Unsupported(f"Bluesky cannot {order.kind.value.replace('_', ' ')}")
        return handler(order)


    # -- the council's own posts and who may reply to them ------------------------------
    def fetch_own_posts(self, cursor: str | None, since_days: int) -> OwnPosts:
        self.conn.requests = 0
        return own_posts.fetch(self.conn, self.account.handle, cursor, now=self.clock(), since_days=since_days)

    def set_reply_policy(self, post_remote_id: str | None, post_meta: dict[str, Any],
                         policy: ReplyPolicy) -> dict[str, Any]:
        if not post_remote_id:
            raise Unsupported("Bluesky limits replies post by post, not for the whole account")
        return self.gates.set_allow(post_remote_id, ALLOW[ReplyPolicy(policy)])

    def _limit_replies(self, order: ActionOrder) -> dict[str, Any]:
        allow = ALLOW[str(order.params.get("limit_to") or "followers_and_mentioned")]
        return self.gates.limit(str(order.item_meta.get("root_uri") or ""), list(allow or []))

    def _restore_replies(self, order: ActionOrder) -> dict[str, Any]:
        return self.gates.restore(str(order.item_meta.get("root_uri") or ""), previous_allow(order.params))


def previous_allow(params: dict[str, Any]) -> Any:
    """The gate a limit replaced: kept in the limit's outcome (``done``), which the undo carries."""
    return (params.get("done") or {}).get("previous_allow")


def _dedupe(items: list[Item]) -> list[Item]:
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.remote_id not in seen:
            seen.add(item.remote_id)
            unique.append(item)
    return unique


def build_adapter(account_settings: AccountSettings, data_dir: Path) -> BlueskyAdapter:
    """The adapter for one configured Bluesky account (the core's wiring calls this)."""
    password = account_settings.secret(account_settings.app_password_env)
    return BlueskyAdapter(account_settings, session_dir=Path(data_dir), app_password=password,
                          chat_did=account_settings.chat_service_did,
                          moderation_did=account_settings.moderation_service_did,
                          read_dms=account_settings.read_dms)
