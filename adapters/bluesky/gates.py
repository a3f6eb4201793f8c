"""Who may reply to the council's Bluesky posts: the ``allow`` list of a threadgate.

A threadgate (``app.bsky.feed.threadgate``, same rkey as the thread's root post) holds
two things: ``allow`` (no key: anyone may reply; an empty list: nobody; otherwise the
rules ``#followerRule``, ``#mentionRule``, ``#followingRule``, ``#listRule``) and
``hiddenReplies`` (the clerk's hidden replies). Everything here changes ``allow`` only
and writes the rest of the record back as it found it, so hidden replies are never lost.
Writes use ``swapRecord`` (``adapters.bluesky.gate_records``, shared with the hide and
detach actions) so a change made meanwhile (the clerk in the app) is not overwritten:
the SDK error becomes a transient error and the core retries.
"""

from __future__ import annotations

from typing import Any

from adapters.bluesky.gate_records import GateRecords, new_gate
from adapters.bluesky.parse import repo_of, rkey_of
from adapters.bluesky.session import Connection
from adapters.bluesky.store import WriteBudget
from bot.domain import ReplyPolicy
from bot.errors import PermanentError

THREADGATE = "app.bsky.feed.threadgate"
FOLLOWER_RULE = {"$type": "app.bsky.feed.threadgate#followerRule"}
MENTION_RULE = {"$type": "app.bsky.feed.threadgate#mentionRule"}

#: A reply policy (or a pile-on limit) as a threadgate ``allow`` list; None: no limit.
ALLOW: dict[str, list[dict[str, str]] | None] = {
    ReplyPolicy.OPEN: None,
    ReplyPolicy.FOLLOWERS: [FOLLOWER_RULE],
    ReplyPolicy.MENTIONED: [MENTION_RULE],
    ReplyPolicy.NOBODY: [],
    "followers_and_mentioned": [FOLLOWER_RULE, MENTION_RULE],
}

NOT_OWN_POST = "Bluesky only lets the author of a thread's first post limit replies to it."


def narrowed(current: list[dict[str, Any]] | None, limit: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stricter of the gate already on the post and the limit: a limit never opens replies up."""
    if current is None:
        return list(limit)
    wanted = {rule["$type"] for rule in limit}
    kept = [rule for rule in current if rule.get("$type") in wanted]
    return kept if kept or not current else list(current)


class Gates:
    def __init__(self, conn: Connection, budget: WriteBudget):
        self.conn, self.budget = conn, budget
        self.records = GateRecords(conn, budget)

    def _read(self, rkey: str) -> dict[str, Any] | None:
        return self.records.read(THREADGATE, rkey)

    def _write(self, post_uri: str, record: dict[str, Any], existing: dict[str, Any] | None) -> None:
        self.records.write(THREADGATE, rkey_of(post_uri), record, existing)

    def _delete(self, post_uri: str, existing: dict[str, Any]) -> None:
        self.records.delete(THREADGATE, rkey_of(post_uri), existing)

    def _own(self, post_uri: str) -> None:
        if not post_uri.startswith("at://") or repo_of(post_uri) != self.conn.did:
            raise PermanentError(NOT_OWN_POST)

    def set_allow(self, post_uri: str, allow: list[dict[str, Any]] | None) -> dict[str, Any]:
        """Make the post's ``allow`` exactly ``allow`` (None: anyone); returns what it was before."""
        self._own(post_uri)
        return self._apply(post_uri, self._read(rkey_of(post_uri)), allow)

    def _apply(self, post_uri: str, existing: dict[str, Any] | None,
               allow: list[dict[str, Any]] | None) -> dict[str, Any]:
        record = dict(existing["value"]) if existing else new_gate(THREADGATE, post_uri)
        previous = record.get("allow")
        outcome = {"record_uri": self.records.uri(THREADGATE, rkey_of(post_uri)),
                   "previous_allow": previous, "had_record": existing is not None, "allow": allow}
        if previous == allow and (existing or allow is None):
            return {**outcome, "already": True}
        if allow is None:
            record.pop("allow", None)
        else:
            record["allow"] = allow
        if existing and allow is None and not record.get("hiddenReplies"):
            self._delete(post_uri, existing)  # nothing left on the gate: same as never having one
        else:
            self._write(post_uri, record, existing)
        return {**outcome, "already": False}

    def limit(self, post_uri: str, allow: list[dict[str, Any]]) -> dict[str, Any]:
        """Pile-on limit: narrow who may reply; the outcome keeps the gate to put back later."""
        self._own(post_uri)
        existing = self._read(rkey_of(post_uri))
        current = existing["value"].get("allow") if existing else None
        return self._apply(post_uri, existing, narrowed(current, allow))

    def restore(self, post_uri: str, previous_allow: list[dict[str, Any]] | None) -> dict[str, Any]:
        """Put back the ``allow`` a limit replaced; hidden replies added meanwhile stay hidden."""
        return self.set_allow(post_uri, previous_allow)
