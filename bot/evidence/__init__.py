"""Evidence that stands up: capture, tamper-evident binding, snapshots and packs.

Entry points for the rest of the application:

- ``capture_evidence(session, item_row, domain_item)``: ingest, for flagged items.
- ``mark_deleted(session, account_id, remote_id, when)``: adapters' deletion notices.
- ``set_legal_hold`` / ``release_legal_hold``: the item page and ``modbot hold``.
- ``verify_all(session)``: ``modbot audit verify``.
- ``build_evidence_pack(store, item_ids, actor, now)`` (in ``bot.evidence.pack``):
  the item page's "evidence pack" button and ``modbot evidence export``.
- ``schedule_jobs(app)`` (in ``bot.evidence.jobs``): media fetching and retention.

PDF rendering (reportlab) is imported only by the pack and snapshot modules, so
ingest stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.evidence.capture import capture_evidence, capture_evidence_batch, mark_deleted
from bot.evidence.chain import VerifyReport, verify_all
from bot.evidence.hold import HoldError, release_legal_hold, set_legal_hold

__all__ = [
    "HoldError", "VerifyReport", "capture_evidence", "capture_evidence_batch", "mark_deleted",
    "release_legal_hold", "schedule_jobs", "set_legal_hold", "verify_all",
]


def schedule_jobs(app: Any) -> tuple[tuple[str, Callable[[], Any], dict[str, Any]], ...]:
    """Daily retention at 03:30 UK time and media fetching every few minutes (see ``bot.evidence.jobs``)."""
    from bot.evidence.jobs import schedule_jobs as jobs  # imported here: retention imports this package

    return jobs(app)
