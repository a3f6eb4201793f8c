"""an upheld breach may have no action: review_items.no_action_reason

Before this revision a breach could only be approved with at least one action, so
clerks recorded a threat sent only to the police by rejecting it (the page said so)
and the summary counted it as "no breach". Existing decisions move as follows:

* rejected with a police referral -> upheld, no action, "referred to the police"
  (its findings become upheld, so they no longer count as the rule's false alarms);
* approved with no action that was approved -> still upheld, now saying "record only".

The first changes a decision's meaning, so each one gets an audit entry, chained like
every other, saying what changed; the second only names what was already true.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
ACTIVE_ACTION_STATES = ("approved", "executing", "done", "failed")

reviews = sa.table("review_items", sa.column("id", sa.Integer), sa.column("item_id", sa.Integer),
                   sa.column("status", sa.String), sa.column("police_referral", sa.Boolean),
                   sa.column("no_action_reason", sa.String))
findings = sa.table("findings", sa.column("item_id", sa.Integer), sa.column("upheld", sa.Boolean))
actions = sa.table("actions", sa.column("review_item_id", sa.Integer), sa.column("state", sa.String))
audit_log = sa.table("audit_log", sa.column("id", sa.Integer),
                     sa.column("at", bot.storage.models.UTCDateTime(timezone=True)),
                     sa.column("actor", sa.String), sa.column("event", sa.String),
                     sa.column("subject_type", sa.String), sa.column("subject_id", sa.String),
                     sa.column("details", sa.JSON), sa.column("prev_hash", sa.String),
                     sa.column("row_hash", sa.String))


def _row_hash(prev: str, at: datetime, subject_id: str, details: dict[str, Any]) -> str:
    """The audit chain's hash as ``bot.audit`` computed it at this revision (kept here on purpose:
    a migration must write what the code of its own revision would have written)."""
    body = json.dumps({"at": at.isoformat(timespec="microseconds"), "actor": "migration",
                       "event": "review.reclassified", "subject_type": "review_item",
                       "subject_id": subject_id, "details": details},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev + body).encode("utf-8", "surrogatepass")).hexdigest()


def _referred(conn: sa.Connection) -> list[tuple[int, int]]:
    """(review id, item id) of every "rejected" decision that was really a breach sent to the police."""
    return [(r, i) for r, i in conn.execute(sa.select(reviews.c.id, reviews.c.item_id).where(
        reviews.c.status == "rejected", reviews.c.police_referral.is_(True)).order_by(reviews.c.id))]


def upgrade() -> None:
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_action_reason', sa.String(length=30), nullable=True))
    conn = op.get_bind()
    with_action = sa.select(actions.c.review_item_id).where(actions.c.state.in_(ACTIVE_ACTION_STATES))
    conn.execute(reviews.update().where(reviews.c.status == "approved", reviews.c.id.not_in(with_action))
                 .values(no_action_reason="record_only"))
    moves = _referred(conn)
    if not moves:
        return
    prev = conn.execute(sa.select(audit_log.c.row_hash).order_by(audit_log.c.id.desc()).limit(1)).scalar()
    prev = prev or GENESIS
    at = datetime.now(UTC)
    for review_id, item_id in moves:
        conn.execute(reviews.update().where(reviews.c.id == review_id).values(
            status="approved", no_action_reason="police"))
        conn.execute(findings.update().where(findings.c.item_id == item_id).values(upheld=True))
        details = {"item_id": item_id, "from": "rejected", "to": "approved", "no_action_reason": "police",
                   "note": "an upheld breach can now be recorded without an action"}
        row_hash = _row_hash(prev, at, str(review_id), details)
        conn.execute(audit_log.insert().values(
            at=at, actor="migration", event="review.reclassified", subject_type="review_item",
            subject_id=str(review_id), details=details, prev_hash=prev, row_hash=row_hash))
        prev = row_hash


def downgrade() -> None:
    # Decisions stay upheld: "no breach" would be untrue, and the audit entries stay too.
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.drop_column('no_action_reason')
