"""Domain types shared by the core, the policy engine and the adapters.

Plain frozen dataclasses and enums: no database, no HTTP. Adapters build ``Item``s
from platform payloads; the core stores them; the policy engine turns them into
``Finding``s; the clerk's decisions become ``Action``s that adapters ``apply``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Platform(enum.StrEnum):
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    SIMULATED = "simulated"


class ItemKind(enum.StrEnum):
    REPLY = "reply"
    MENTION = "mention"
    QUOTE = "quote"
    DM = "dm"
    #: The council's own post, kept only when the bot queues a warning about it.
    POST = "post"
    #: A burst of replies to one council post, recorded as the bot observed it.
    PILE_ON = "pile_on"


class Ground(enum.StrEnum):
    HATE = "hate"
    HARASSMENT = "harassment"
    THREAT = "threat"
    OBSCENE = "obscene"
    DEFAMATION = "defamation"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    SPAM = "spam"
    IMPERSONATION = "impersonation"
    COPYRIGHT = "copyright"
    REPEAT_OFFENDER = "repeat_offender"
    RULE_ERROR = "rule_error"
    PILE_ON = "pile_on"
    PRE_ELECTION = "pre_election"


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @classmethod
    def parse(cls, value: str | int | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        if isinstance(value, int):
            return cls(value)
        return cls[str(value).strip().upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


class ActionKind(enum.StrEnum):
    HIDE_REPLY = "hide_reply"
    DETACH_QUOTE = "detach_quote"
    BLOCK = "block"
    MUTE = "mute"
    REPORT = "report"
    REMOVE_FOLLOWER = "remove_follower"
    DOMAIN_BLOCK = "domain_block"
    # Undoing an earlier action: approved by a clerk and carried out like the others.
    UNBLOCK = "unblock"
    UNMUTE = "unmute"
    UNHIDE_REPLY = "unhide_reply"
    REATTACH_QUOTE = "reattach_quote"
    #: Restrict who may reply to one council post for a few hours (pile-on protection).
    LIMIT_REPLIES = "limit_replies"
    #: Put back who may reply when such a limit expires; queued by the bot, never offered to the clerk.
    RESTORE_REPLIES = "restore_replies"


#: The action that undoes each undoable action (reports, domain blocks and removing a
#: follower cannot be taken back by the council).
UNDO_OF: dict[ActionKind, ActionKind] = {
    ActionKind.BLOCK: ActionKind.UNBLOCK,
    ActionKind.MUTE: ActionKind.UNMUTE,
    ActionKind.HIDE_REPLY: ActionKind.UNHIDE_REPLY,
    ActionKind.DETACH_QUOTE: ActionKind.REATTACH_QUOTE,
    # A pile-on limit: undone by the bot when its hours are up, or earlier by the clerk.
    ActionKind.LIMIT_REPLIES: ActionKind.RESTORE_REPLIES,
}
UNDO_KINDS: frozenset[ActionKind] = frozenset(UNDO_OF.values())
#: Actions with effects other people see or that cannot be undone: the page asks the
#: clerk to check what will happen before approving them.
NEEDS_CHECK: frozenset[ActionKind] = frozenset({
    ActionKind.BLOCK, ActionKind.REPORT, ActionKind.DOMAIN_BLOCK, ActionKind.REMOVE_FOLLOWER})


class NoActionReason(enum.StrEnum):
    """Why a breach the clerk upheld has no action on the platform."""

    RECORD_ONLY = "record_only"
    POLICE = "police"
    PLATFORM_CANNOT_ACT = "platform_cannot_act"


class ReplyPolicy(enum.StrEnum):
    """Who may reply to the council's posts (an account's ``reply_policy``)."""

    OPEN = "open"
    FOLLOWERS = "followers"
    MENTIONED = "mentioned"
    NOBODY = "nobody"


class ReplyControls(enum.StrEnum):
    """How far a platform lets the council limit replies (an adapter's ``reply_controls``)."""

    PER_POST = "per_post"    # Bluesky: a threadgate on each post, changeable at any time
    NEW_POSTS = "new_posts"  # GoToSocial: default interaction policy for posts made from now on
    NONE = "none"            # Mastodon: replies cannot be restricted at all


class ActionState(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    EXECUTING = "executing"
    DONE = "done"
    REJECTED = "rejected"
    FAILED = "failed"


# The action state machine of DESIGN.md. ``executing -> approved`` is the retry path
# (transient failure, or recovery of an action whose executor died mid-way).
ACTION_TRANSITIONS: dict[ActionState, frozenset[ActionState]] = {
    ActionState.PROPOSED: frozenset({ActionState.APPROVED, ActionState.REJECTED}),
    ActionState.APPROVED: frozenset({ActionState.EXECUTING}),
    ActionState.EXECUTING: frozenset({ActionState.DONE, ActionState.APPROVED, ActionState.FAILED}),
    ActionState.DONE: frozenset(),
    ActionState.REJECTED: frozenset(),
    ActionState.FAILED: frozenset(),
}


def can_transition(current: ActionState, new: ActionState) -> bool:
    return new in ACTION_TRANSITIONS[current]


class ReviewStatus(enum.StrEnum):
    """``approved`` is the clerk upholding the finding (a breach, with or without any
    action); ``rejected`` means the clerk found no breach."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Author:
    """An author's identity as the platform showed it when the item was captured."""

    remote_id: str
    handle: str
    display_name: str = ""
    avatar_url: str = ""
    is_bot: bool = False
    created_at: datetime | None = None
    domain: str = ""
    verified_links: tuple[str, ...] = ()
    followers_count: int | None = None
    posts_count: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "remote_id": self.remote_id,
            "handle": self.handle,
            "display_name": self.display_name,
            "avatar_url": self.avatar_url,
            "is_bot": self.is_bot,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "domain": self.domain,
            "verified_links": list(self.verified_links),
            "followers_count": self.followers_count,
            "posts_count": self.posts_count,
        }


@dataclass(frozen=True)
class Item:
    """One reply, mention, quote or direct message seen on a council account.

    ``raw`` is the payload exactly as the platform sent it (JSON-able) and is kept as
    evidence. ``text`` is plain text (HTML stripped) for the policy engine; ``html``
    is the platform's markup, untrusted, for sanitised display. ``meta`` carries what
    the adapter needs later to act on the item (e.g. a Bluesky CID or thread root).
    """

    remote_id: str
    kind: ItemKind
    author: Author
    text: str
    created_at: datetime
    raw: dict[str, Any]
    html: str = ""
    url: str = ""
    in_reply_to_id: str | None = None
    in_reply_to_author_id: str | None = None
    thread_root_id: str | None = None
    context_text: str = ""
    language: str | None = None
    links: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Batch:
    """What one ``fetch`` returns: items in the order they happened, and the next cursor.

    ``skipped`` counts malformed entities the adapter logged and dropped; the cursor
    still moves past them so one bad entity never blocks the account.
    """

    items: tuple[Item, ...]
    cursor: str | None
    skipped: int = 0
    requests: int = 0


@dataclass(frozen=True)
class AccountInfo:
    remote_id: str
    handle: str
    display_name: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one item, explained for the clerk."""

    rule_id: str
    ground: Ground
    severity: Severity
    clauses: tuple[str, ...]
    explanation: str
    spans: tuple[Span, ...] = ()
    proposed_actions: tuple[ActionKind, ...] = ()
    police_referral: bool = False
    score: float | None = None
    model_sha256: str | None = None  # the model file(s) a second-opinion rule consulted, space-separated


@dataclass(frozen=True)
class ActionOrder:
    """What the core asks an adapter to do, after a clerk approved it.

    ``idempotency_key`` is stable for the action, so a retry after a crash can be
    recognised by platforms that support it.
    """

    action_id: int
    kind: ActionKind
    author_remote_id: str
    author_handle: str
    item_remote_id: str
    item_meta: dict[str, Any]
    params: dict[str, Any]
    idempotency_key: str


@dataclass(frozen=True)
class OwnPost:
    """A post the council itself published (read for reply gates and pre-election checks).

    ``is_root``: it starts a thread (not a reply), so it can carry a Bluesky threadgate.
    ``meta`` carries what the adapter needs to gate it later (e.g. the record's CID).
    """

    remote_id: str
    text: str
    created_at: datetime
    url: str = ""
    is_root: bool = True
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OwnPosts:
    """What one ``fetch_own_posts`` returns: new posts, oldest first, and the next cursor."""

    posts: tuple[OwnPost, ...]
    cursor: str | None
