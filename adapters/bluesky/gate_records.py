"""The council's own gate records on its repo: threadgates (``app.bsky.feed.threadgate``:
who may reply, hidden replies) and postgates (``app.bsky.feed.postgate``: detached
quotes), each with the same rkey as its post.

One read-modify-write for both the actions (hide, detach and their undos) and the
reply gates (``adapters.bluesky.gates``): read the record, change one key, write the
whole record back. An update is compare-and-swap on the record's CID (``swapRecord``),
so a change made meanwhile (another hidden reply, the clerk in the app) makes the write
fail and the core retry rather than overwrite it. Each write first reserves its points
in the ``WriteBudget``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from atproto_client import models

from adapters.bluesky.session import Connection
from adapters.bluesky.store import WriteBudget
from bot.errors import TargetGone


def now_stamp() -> str:
    """The current time as a record's ``createdAt`` (RFC 3339, milliseconds, Z)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_gate(collection: str, post_uri: str) -> dict[str, Any]:
    """A gate record for ``post_uri`` that does not exist yet."""
    return {"$type": collection, "post": post_uri, "createdAt": now_stamp()}


class GateRecords:
    def __init__(self, conn: Connection, budget: WriteBudget):
        self.conn, self.budget = conn, budget

    def uri(self, collection: str, rkey: str) -> str:
        return f"at://{self.conn.did}/{collection}/{rkey}"

    def read(self, collection: str, rkey: str) -> dict[str, Any] | None:
        """The record as ``getRecord`` returns it (``value``, ``cid``), or None if there is none."""
        params = models.ComAtprotoRepoGetRecord.Params(repo=self.conn.did, collection=collection, rkey=rkey)
        try:
            return self.conn.query("com.atproto.repo.getRecord", params)
        except TargetGone:
            return None

    def write(self, collection: str, rkey: str, record: dict[str, Any], existing: dict[str, Any] | None) -> None:
        """Create the record, or replace ``existing`` only if it has not changed since it was read."""
        repo = self.conn.client.com.atproto.repo
        if existing:
            self.budget.spend("update")
            self.conn.call(repo.put_record, models.ComAtprotoRepoPutRecord.Data(
                repo=self.conn.did, collection=collection, rkey=rkey, record=record,
                swap_record=existing.get("cid")))
        else:
            self.budget.spend("create")
            self.conn.call(repo.create_record, models.ComAtprotoRepoCreateRecord.Data(
                repo=self.conn.did, collection=collection, rkey=rkey, record=record))

    def delete(self, collection: str, rkey: str, existing: dict[str, Any]) -> None:
        """Delete ``existing`` only if it has not changed since it was read."""
        self.budget.spend("delete")
        self.conn.call(self.conn.client.com.atproto.repo.delete_record, models.ComAtprotoRepoDeleteRecord.Data(
            repo=self.conn.did, collection=collection, rkey=rkey, swap_record=existing.get("cid")))
