"""The append-only, hash-chained audit log.

Each row's ``row_hash`` is SHA-256 over the previous row's hash and the row's own
canonical content, so changing, deleting or reordering any row breaks the chain
from that point on (``verify_chain`` names the first broken link).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from bot.storage.models import AuditEvent, utcnow

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """Stable JSON: sorted keys, no spaces, UTF-8 kept, for hashing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_hex(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def _content(at: datetime, actor: str, event: str, subject_type: str, subject_id: str,
             details: dict[str, Any]) -> str:
    return canonical_json({
        "at": at.isoformat(timespec="microseconds"), "actor": actor, "event": event,
        "subject_type": subject_type, "subject_id": subject_id, "details": details,
    })


def _lock_chain(session: Session) -> None:
    """Serialise appends so two writers never chain onto the same row."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(724201)"))


def record(session: Session, actor: str, event: str, subject_type: str = "",
           subject_id: str | int = "", details: dict[str, Any] | None = None,
           at: datetime | None = None) -> AuditEvent:
    """Append one event in the caller's transaction."""
    _lock_chain(session)
    prev = session.execute(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    prev = prev or GENESIS
    at = at or utcnow()
    details = details or {}
    body = _content(at, actor, event, subject_type, str(subject_id), details)
    row = AuditEvent(at=at, actor=actor, event=event, subject_type=subject_type,
                     subject_id=str(subject_id), details=details, prev_hash=prev,
                     row_hash=sha256_hex(prev + body))
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Event:
    actor: str
    event: str
    subject_type: str = ""
    subject_id: str = ""
    details: dict[str, Any] | None = None


def record_many(session: Session, events: list[Event], at: datetime | None = None) -> None:
    """Append several events in one bulk insert (ingest writes one per flagged item)."""
    if not events:
        return
    _lock_chain(session)
    prev = session.execute(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)).scalar() or GENESIS
    at = at or utcnow()
    rows = []
    for e in events:
        details = e.details or {}
        body = _content(at, e.actor, e.event, e.subject_type, e.subject_id, details)
        row_hash = sha256_hex(prev + body)
        rows.append({"at": at, "actor": e.actor, "event": e.event, "subject_type": e.subject_type,
                     "subject_id": e.subject_id, "details": details, "prev_hash": prev, "row_hash": row_hash})
        prev = row_hash
    session.execute(insert(AuditEvent), rows)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole log in order and recompute every link."""
    prev = GENESIS
    count = 0
    for row in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        if row.prev_hash != prev:
            return ChainReport(False, count, row.id, "does not follow the row before it "
                               "(a row was deleted, inserted or reordered)")
        body = _content(row.at, row.actor, row.event, row.subject_type, row.subject_id, row.details)
        if sha256_hex(prev + body) != row.row_hash:
            return ChainReport(False, count, row.id, "its content was changed after it was written")
        prev = row.row_hash
        count += 1
    return ChainReport(True, count)
