"""The narrow protocol every platform adapter implements.

Adapters depend only on ``bot.domain``, ``bot.errors`` and this module. They raise
the project's error types (``AuthFailed``, ``RateLimited``, ``TransientError``,
``PermanentError``/``TargetGone``/``Unsupported``, ``MalformedPayload``) and never
retry or sleep themselves: the core owns retry and backoff.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from bot.domain import AccountInfo, ActionKind, ActionOrder, Batch, Item, OwnPosts, Platform, ReplyPolicy


@runtime_checkable
class Adapter(Protocol):
    platform: Platform
    @property
    def capabilities(self) -> frozenset[ActionKind]:
        """What this platform can really do for a non-admin account (an attribute or a property)."""
        ...

    def check(self) -> AccountInfo:
        """Verify credentials; raise ``AuthFailed`` if they do not work."""
        ...

    def fetch(self, cursor: str | None) -> Batch:
        """New items since ``cursor`` (None: first poll) and the cursor to store next.

        Must be safe to call again with the same cursor (the core may crash before
        committing); the core de-duplicates by remote id.
        """
        ...

    def send_dm_reply(self, item: Item, text: str, idempotency_key: str) -> None:
        """Send the automatic 'contact the office instead' reply to a DM."""
        ...

    def apply(self, order: ActionOrder) -> dict[str, Any] | None:
        """Carry out one approved action; optionally return facts to keep (e.g. a record key).

        Should be idempotent for the same ``order.idempotency_key`` where the platform
        allows it: after a crash the core may call it again for the same action.
        """
        ...


@runtime_checkable
class ReplyGating(Protocol):
    """Optional: adapters that read the council's own posts and can limit replies to them.

    ``reply_controls`` (a ``ReplyControls`` value) says how far the platform allows it.
    """

    reply_controls: str

    def fetch_own_posts(self, cursor: str | None, since_days: int) -> OwnPosts:
        """The council's posts after ``cursor`` (first call: those of the last ``since_days``)."""
        ...

    def set_reply_policy(self, post_remote_id: str | None, post_meta: dict[str, Any],
                         policy: ReplyPolicy) -> dict[str, Any]:
        """Limit who may reply: to one post (``per_post``), or to every new post (``new_posts``,
        with ``post_remote_id`` None). Keeps anything else on the post (hidden replies)."""
        ...


class FindsDeletions(Protocol):
    """Optional: adapters that can tell which stored posts their authors deleted."""

    #: How many pending posts to ask about after each poll (within the poll's request budget).
    deletion_checks_per_poll: int

    def deleted_posts(self, remote_ids: list[str]) -> set[str]:
        """Those of ``remote_ids`` the platform no longer has (the author deleted them)."""
        ...


# What each action means on a platform, for the clerk's page. Adapters may refine it.
ACTION_LABELS: dict[ActionKind, str] = {
    ActionKind.HIDE_REPLY: "Hide the reply under the council's post",
    ActionKind.DETACH_QUOTE: "Detach the quote of the council's post",
    ActionKind.BLOCK: "Block the author",
    ActionKind.MUTE: "Mute the author",
    ActionKind.REPORT: "Report to the platform's moderators",
    ActionKind.REMOVE_FOLLOWER: "Remove the author from the council's followers",
    ActionKind.DOMAIN_BLOCK: "Block the author's whole server",
    ActionKind.UNBLOCK: "Unblock the author",
    ActionKind.UNMUTE: "Unmute the author",
    ActionKind.UNHIDE_REPLY: "Show the hidden reply again",
    ActionKind.REATTACH_QUOTE: "Re-attach the quote of the council's post",
    ActionKind.LIMIT_REPLIES: "Limit who can reply to the council's post for a few hours",
    ActionKind.RESTORE_REPLIES: "Put back who can reply to the council's post",
}
