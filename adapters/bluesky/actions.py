"""Carry out an approved action on Bluesky.

Each function returns an outcome dict the core may store (for instance the block
record's ``rkey``, needed to undo the block). Repository writes reserve points in the
``WriteBudget`` first. Only the council's own thread and posts can be gated: Bluesky
lets the author of a thread's first post hide replies (threadgate ``hiddenReplies``)
and the author of a post detach quotes of it (postgate ``detachedEmbeddingUris``).
"""

from __future__ import annotations

from typing import Any

from atproto_client import models

from adapters.bluesky.gate_records import GateRecords, new_gate, now_stamp
from adapters.bluesky.parse import repo_of, rkey_of
from adapters.bluesky.session import Connection
from adapters.bluesky.store import WriteBudget
from bot.domain import ActionOrder, Ground
from bot.errors import PermanentError

THREADGATE = "app.bsky.feed.threadgate"
POSTGATE = "app.bsky.feed.postgate"
BLOCK = "app.bsky.graph.block"
#: The lexicons' maximum lengths (app.bsky.feed.threadgate / postgate).
MAX_HIDDEN_REPLIES = 300
MAX_DETACHED_QUOTES = 50
LABELER_SERVICE = "atproto_labeler"
BSKY_MODERATION_DID = "did:plc:ar7c4by46qjdydhdevvrndac"

REASON_PREFIX = "com.atproto.moderation.defs#reason"
#: How each ground is reported to Bluesky's moderators (com.atproto.moderation.defs).
GROUND_REASONS: dict[str, str] = {
    Ground.SPAM: "Spam", Ground.HARASSMENT: "Rude", Ground.OBSCENE: "Rude",
    Ground.HATE: "Violation", Ground.THREAT: "Violation", Ground.DEFAMATION: "Violation",
    Ground.PERSONAL_DATA: "Violation", Ground.COPYRIGHT: "Violation",
    Ground.IMPERSONATION: "Misleading", Ground.REPEAT_OFFENDER: "Rude",
}
REASON_NAMES = {"spam": "Spam", "rude": "Rude", "sexual": "Sexual", "violation": "Violation",
                "misleading": "Misleading", "other": "Other"}

NOT_A_REPLY = "This post is not a reply, so there is nothing to hide on Bluesky."
NOT_OWN_THREAD = ("Bluesky only lets the author of a thread's first post hide replies, and this "
                  "reply is in a thread someone else started. Block or report the author instead.")
THREAD_FULL = (f"This thread already has {MAX_HIDDEN_REPLIES} hidden replies, the most Bluesky "
               "allows. Block or report the author instead, or stop replies to the post.")
NOT_OWN_QUOTE = "Only quotes of the council's own posts can be detached."
QUOTES_FULL = (f"This post already has {MAX_DETACHED_QUOTES} detached quotes, the most Bluesky "
               "allows. Report the quoting post instead.")


def reason_type(order: ActionOrder) -> str:
    """The ``createReport`` reason for the order's ground (or an explicit override)."""
    explicit = str(order.params.get("reason_type") or "").lower()
    name = REASON_NAMES.get(explicit) or GROUND_REASONS.get(str(order.params.get("ground")), "Other")
    return REASON_PREFIX + name


class Actions:
    def __init__(self, conn: Connection, budget: WriteBudget, moderation_did: str):
        self.conn, self.budget, self.moderation_did = conn, budget, moderation_did
        self.records = GateRecords(conn, budget)

    def _add_to_gate(self, collection: str, post_uri: str, key: str, uri: str,
                     maximum: int, full: str) -> dict[str, Any]:
        """Add ``uri`` to the list ``key`` of the post's gate record, keeping the rest."""
        rkey = rkey_of(post_uri)
        existing = self.records.read(collection, rkey)
        record = dict(existing["value"]) if existing else new_gate(collection, post_uri)
        listed = list(record.get(key) or [])
        gate_uri = self.records.uri(collection, rkey)
        if uri in listed:
            return {"record_uri": gate_uri, "count": len(listed), "already": True}
        if len(listed) >= maximum:
            raise PermanentError(full)
        record[key] = listed + [uri]
        self.records.write(collection, rkey, record, existing)
        return {"record_uri": gate_uri, "count": len(listed) + 1, "already": False}

    def _remove_from_gate(self, collection: str, post_uri: str, key: str, uri: str) -> dict[str, Any]:
        """Take ``uri`` off the list ``key`` of the post's gate record, keeping the rest.

        The write is compare-and-swap on the record's CID, so a concurrent change to the
        gate (another hidden reply) makes this fail and retry rather than lose it.
        """
        rkey = rkey_of(post_uri)
        gate_uri = self.records.uri(collection, rkey)
        existing = self.records.read(collection, rkey)
        listed = list((existing or {}).get("value", {}).get(key) or [])
        if existing is None or uri not in listed:
            return {"record_uri": gate_uri, "count": len(listed), "already": True}
        record = dict(existing["value"])
        record[key] = [u for u in listed if u != uri]
        self.records.write(collection, rkey, record, existing)
        return {"record_uri": gate_uri, "count": len(record[key]), "already": False}

    def unhide_reply(self, order: ActionOrder) -> dict[str, Any]:
        """Remove the reply from the threadgate's ``hiddenReplies``: it shows under the post again."""
        root = order.item_meta.get("root_uri")
        if not root or repo_of(root) != self.conn.did:
            raise PermanentError(NOT_OWN_THREAD)
        return self._remove_from_gate(THREADGATE, root, "hiddenReplies", order.item_remote_id)

    def reattach_quote(self, order: ActionOrder) -> dict[str, Any]:
        """Remove the quote from the postgate's ``detachedEmbeddingUris``: the quote shows the post again."""
        quoted = order.item_meta.get("quoted_uri")
        if not quoted or repo_of(quoted) != self.conn.did:
            raise PermanentError(NOT_OWN_QUOTE)
        return self._remove_from_gate(POSTGATE, quoted, "detachedEmbeddingUris", order.item_remote_id)

    def unblock(self, order: ActionOrder) -> dict[str, Any]:
        """Delete the council's block record (its key was kept when blocking; else ask the AppView)."""
        done = order.params.get("done")
        rkey = str(done.get("block_rkey") or "") if isinstance(done, dict) else ""
        if not rkey:
            profile = self.conn.query("app.bsky.actor.getProfile",
                                      models.AppBskyActorGetProfile.Params(actor=order.author_remote_id))
            blocking = (profile.get("viewer") or {}).get("blocking")
            if not blocking:
                return {"already": True}
            rkey = rkey_of(blocking)
        self.budget.spend("delete")
        self.conn.call(self.conn.client.com.atproto.repo.delete_record, models.ComAtprotoRepoDeleteRecord.Data(
            repo=self.conn.did, collection=BLOCK, rkey=rkey))
        return {"deleted_block_rkey": rkey, "already": False}

    def unmute(self, order: ActionOrder) -> dict[str, Any]:
        self.conn.call(self.conn.client.app.bsky.graph.unmute_actor,
                       models.AppBskyGraphUnmuteActor.Data(actor=order.author_remote_id))
        return {"unmuted": order.author_remote_id}

    def hide_reply(self, order: ActionOrder) -> dict[str, Any]:
        root = order.item_meta.get("root_uri")
        if not order.item_meta.get("parent_uri") or not root:
            raise PermanentError(NOT_A_REPLY)
        if repo_of(root) != self.conn.did:
            raise PermanentError(NOT_OWN_THREAD)
        return self._add_to_gate(THREADGATE, root, "hiddenReplies", order.item_remote_id,
                                 MAX_HIDDEN_REPLIES, THREAD_FULL)

    def detach_quote(self, order: ActionOrder) -> dict[str, Any]:
        quoted = order.item_meta.get("quoted_uri")
        if not quoted or repo_of(quoted) != self.conn.did:
            raise PermanentError(NOT_OWN_QUOTE)
        return self._add_to_gate(POSTGATE, quoted, "detachedEmbeddingUris",
                                 order.item_remote_id, MAX_DETACHED_QUOTES, QUOTES_FULL)

    def block(self, order: ActionOrder) -> dict[str, Any]:
        """Block the author; the outcome's ``block_rkey`` is what undoing needs."""
        did = order.author_remote_id
        profile = self.conn.query("app.bsky.actor.getProfile",
                                  models.AppBskyActorGetProfile.Params(actor=did))
        existing = (profile.get("viewer") or {}).get("blocking")
        if existing:
            return {"block_uri": existing, "block_rkey": rkey_of(existing), "already": True}
        self.budget.spend("create")
        created = self.conn.call(
            self.conn.client.com.atproto.repo.create_record,
            models.ComAtprotoRepoCreateRecord.Data(
                repo=self.conn.did, collection=BLOCK,
                record={"$type": BLOCK, "subject": did, "createdAt": now_stamp()}))
        return {"block_uri": created.uri, "block_rkey": rkey_of(created.uri), "already": False}

    def mute(self, order: ActionOrder) -> dict[str, Any]:
        self.conn.call(self.conn.client.app.bsky.graph.mute_actor,
                       models.AppBskyGraphMuteActor.Data(actor=order.author_remote_id))
        return {"muted": order.author_remote_id}

    def report(self, order: ActionOrder) -> dict[str, Any]:
        """Report the post (or, with ``params['subject'] == 'account'``, the account)."""
        uri, cid = order.item_remote_id, order.item_meta.get("cid")
        subject: Any
        if order.params.get("subject") != "account" and uri.startswith("at://") and cid:
            subject = models.ComAtprotoRepoStrongRef.Main(uri=uri, cid=cid)
        else:
            subject = models.ComAtprotoAdminDefs.RepoRef(did=order.author_remote_id)
        comment = str(order.params.get("comment") or "")[:2000] or None
        data = models.ComAtprotoModerationCreateReport.Data(
            reason_type=reason_type(order), subject=subject, reason=comment)
        client = self.conn.proxied(LABELER_SERVICE, self.moderation_did)
        created = self.conn.call(client.com.atproto.moderation.create_report, data)
        return {"report_id": created.id, "moderation_service": self.moderation_did}
