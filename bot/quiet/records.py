"""Review items that are about the council's own posts rather than about a resident's.

A pre-election warning is about a post the council published; a pile-on is about a
burst of replies to one. Both are queued for the clerk like any flagged item: an
``Item`` (author: the council's own account) with its evidence bound into the chain,
a ``ReviewItem``, its ``Finding`` and any proposed ``Action``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import ActionKind, Author, Finding, Item
from bot.evidence import capture_evidence_batch
from bot.storage import models as m


def council_item(account: m.Account, **fields: Any) -> Item:
    """An ``Item`` whose author is the council's own account (it wrote the post the item is about)."""
    return Item(author=Author(remote_id=account.remote_id or account.handle, handle=account.handle), **fields)


def council_author(s: Session, account: m.Account, now: datetime) -> m.Author:
    """The council's own account as an author row (it wrote the posts these items are about)."""
    remote_id = account.remote_id or account.handle
    row = s.execute(select(m.Author).where(m.Author.platform == account.platform,
                                           m.Author.remote_id == remote_id)).scalar_one_or_none()
    if row is None:
        row = m.Author(platform=account.platform, remote_id=remote_id, handle=account.handle,
                       display_name="", is_bot=False, first_seen_at=now, last_seen_at=now)
        s.add(row)
        s.flush()
    return row


def queue_council_item(s: Session, account: m.Account, now: datetime, ci: Item,
                       findings: list[Finding], actions: list[tuple[ActionKind, dict[str, Any]]]) -> m.ReviewItem:
    """Store the item, its finding(s), proposed actions and evidence; return the review item."""
    author = council_author(s, account, now)
    raw = audit.canonical_json(ci.raw)
    snapshot = Author(remote_id=author.remote_id, handle=author.handle).as_dict()
    row = m.Item(account_id=account.id, remote_id=ci.remote_id, kind=ci.kind.value, author_id=author.id,
                 author_snapshot=snapshot, text=ci.text, html="", url=ci.url, created_at=ci.created_at,
                 captured_at=now, thread_root_id=ci.thread_root_id, context_text=ci.context_text,
                 meta=ci.meta, raw=raw, raw_sha256=audit.sha256_hex(raw), evaluated_at=now, flagged=True,
                 legal_hold=False)
    s.add(row)
    s.flush()
    severity = int(max(f.severity for f in findings))
    review = m.ReviewItem(item_id=row.id, status="pending", severity=severity, created_at=now,
                          police_referral_suggested=False, police_referral=False)
    s.add(review)
    s.flush()
    s.execute(insert(m.Finding), [{
        "item_id": row.id, "rule_id": f.rule_id, "ground": f.ground.value, "severity": int(f.severity),
        "clauses": list(f.clauses), "spans": [{"start": sp.start, "end": sp.end, "text": sp.text} for sp in f.spans],
        "explanation": f.explanation, "proposed_actions": [a.value for a in f.proposed_actions],
        "police_referral": False, "score": None, "created_at": now} for f in findings])
    for kind, params in actions:
        s.add(m.Action(review_item_id=review.id, account_id=account.id, kind=kind.value, state="proposed",
                       idempotency_key=f"act-{review.id}-{kind.value}", params=params, attempts=0,
                       created_at=now, updated_at=now))
    audit.record(s, "bot", "review.created", "review_item", review.id,
                 {"item_id": row.id, "rules": sorted({f.rule_id for f in findings}), "severity": severity}, at=now)
    capture_evidence_batch(s, [(row, ci)])
    return review
