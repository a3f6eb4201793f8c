"""Which pending statuses their authors deleted: Mastodon answers ``GET
/api/v1/statuses/:id`` with 404 (``{"error": "Record not found"}``) for a deleted
status, and some servers with 410 Gone. The REST API has no delete events (only the
streaming API does), so the core asks about a few pending statuses after each poll."""

from __future__ import annotations

from adapters.mastodon.client import MastodonClient
from bot.errors import TargetGone

PER_POLL = 5  # single-status requests after each poll, well inside the 300-per-5-minutes limit


def deleted_statuses(client: MastodonClient, status_ids: list[str]) -> set[str]:
    """Those of ``status_ids`` (the first ``PER_POLL``) that are gone. Other errors propagate."""
    gone: set[str] = set()
    for status_id in status_ids[:PER_POLL]:
        try:
            client.call("status", status_id, on_404=TargetGone)
        except TargetGone:
            gone.add(status_id)
    return gone
