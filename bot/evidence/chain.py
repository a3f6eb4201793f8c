"""One check over the whole record: the audit chain and the evidence bound to it.

The audit log is a hash chain (``bot.audit``). Each flagged item's evidence digest
and each fetched attachment's hash are links in that chain, so this check walks
the log once and then compares every bound item and attachment with what was
recorded, and what decisions depend on (``bot.evidence.bindings``: author link,
legal hold, review decision, action states). Removals are lawful only when the chain itself records them (the
retention job, an erasure request); anything else is reported as tampering.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.evidence import bindings
from bot.evidence.capture import CAPTURED
from bot.evidence.record import changed_fields, evidence_digest, evidence_document, raw_is_intact
from bot.storage import models as m
from bot.storage.db import make_engine

MEDIA_FETCHED = "evidence.media_fetched"
AUDIT_PRUNED = "retention.audit_pruned"
# Events whose ``item_ids`` release items from the chain's protection.
RELEASING_EVENTS = frozenset({"retention.deleted", "retention.minimised", "subject.erased"})


@dataclass(frozen=True)
class Problem:
    audit_row: int
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


@dataclass(frozen=True)
class VerifyReport:
    audit_rows: int
    evidence_items: int
    media_files: int
    head_hash: str
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None


@dataclass
class _Walk:
    anchors: set[str]
    rows: int = 0
    head: str = audit.GENESIS
    broken: Problem | None = None
    items: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    media: dict[int, tuple[int, int, str]] = field(default_factory=dict)
    bound: bindings.Bound = field(default_factory=bindings.Bound)


def verify_all(session: Session) -> VerifyReport:
    """Walk the audit log, then check every item and attachment it vouches for."""
    walk = _Walk(anchors=_prune_anchors(session))
    rows = session.execute(select(m.AuditEvent).order_by(m.AuditEvent.id).execution_options(yield_per=1000))
    for row in rows.scalars():
        if not _follow(walk, row):
            break
    problems = [walk.broken] if walk.broken else []
    problems += _check_items(session, walk.items)
    problems += _check_media(session, walk.media)
    vouched = {item_id: row_id for item_id, (row_id, _) in walk.items.items()}
    problems += [Problem(*found) for found in bindings.check(session, walk.bound, vouched)]
    problems.sort(key=lambda p: p.audit_row)
    return VerifyReport(walk.rows, len(walk.items), len(walk.media), walk.head, tuple(problems))


def _prune_anchors(session: Session) -> set[str]:
    details = session.execute(select(m.AuditEvent.details).where(m.AuditEvent.event == AUDIT_PRUNED)).scalars()
    return {str(d.get("anchor_hash")) for d in details if isinstance(d, dict)}


def _follow(walk: _Walk, row: m.AuditEvent) -> bool:
    """Check one link and note what it vouches for; False at the first broken link."""
    expected_prev = walk.head
    if walk.rows == 0 and row.prev_hash in walk.anchors:
        expected_prev = row.prev_hash  # older rows were pruned by the retention job, which says so
    if row.prev_hash != expected_prev:
        walk.broken = Problem(row.id, f"audit row {row.id}", "does not follow the row before it "
                              "(a row was deleted, inserted or reordered)")
        return False
    body = audit._content(row.at, row.actor, row.event, row.subject_type, row.subject_id, row.details)
    if audit.sha256_hex(expected_prev + body) != row.row_hash:
        walk.broken = Problem(row.id, f"audit row {row.id}", "its content was changed after it was written")
        return False
    walk.head, walk.rows = row.row_hash, walk.rows + 1
    _note(walk, row)
    return True


def _note(walk: _Walk, row: m.AuditEvent) -> None:
    details = row.details if isinstance(row.details, dict) else {}
    bindings.note(walk.bound, row, details)
    if row.event == CAPTURED and row.subject_type == "item":
        walk.items[int(row.subject_id)] = (row.id, details)
    elif row.event == MEDIA_FETCHED:
        walk.media[int(details["media_id"])] = (row.id, int(row.subject_id), str(details.get("sha256")))
    elif row.event in RELEASING_EVENTS:
        released = {int(i) for i in details.get("item_ids", ())}
        for item_id in released:
            walk.items.pop(item_id, None)
        for media_id in [k for k, v in walk.media.items() if v[1] in released]:
            del walk.media[media_id]


def _check_items(session: Session, expected: dict[int, tuple[int, dict[str, Any]]]) -> list[Problem]:
    problems: list[Problem] = []
    for chunk in _chunks(sorted(expected), 500):
        found = {i.id: i for i in session.execute(select(m.Item).where(m.Item.id.in_(chunk))).scalars()}
        for item_id in chunk:
            row_id, details = expected[item_id]
            message = _item_problem(found.get(item_id), details)
            if message:
                problems.append(Problem(row_id, f"item {item_id} (evidence bound by audit row {row_id})", message))
    return problems


def _item_problem(item: m.Item | None, details: dict[str, Any]) -> str:
    if item is None:
        return "is missing: it was deleted without a record of retention or erasure"
    document = evidence_document(item)
    changed = changed_fields(document, details.get("fields") or {})
    if changed:
        return f"its {', '.join(changed)} changed after capture"
    if not raw_is_intact(item):
        return "its raw payload was changed after capture"
    if evidence_digest(document) != details.get("evidence_sha256"):
        return "its evidence no longer matches the digest recorded at capture"
    return ""


def _check_media(session: Session, expected: dict[int, tuple[int, int, str]]) -> list[Problem]:
    problems: list[Problem] = []
    for chunk in _chunks(sorted(expected), 200):
        found = {r.id: r for r in session.execute(select(m.Media).where(m.Media.id.in_(chunk))).scalars()}
        for media_id in chunk:
            row_id, item_id, sha = expected[media_id]
            row = found.get(media_id)
            subject = f"attachment {media_id} of item {item_id} (bound by audit row {row_id})"
            if row is None:
                problems.append(Problem(row_id, subject, "is missing"))
            elif row.data is None or audit.sha256_hex(row.data) != sha or row.sha256 != sha:
                problems.append(Problem(row_id, subject, "its file was changed after it was fetched"))
    return problems


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def chain_head(session: Session) -> str:
    """The newest row hash: write it in the minutes to anchor the record outside the database."""
    head = session.execute(select(m.AuditEvent.row_hash).order_by(m.AuditEvent.id.desc()).limit(1)).scalar()
    return head or audit.GENESIS


def verify_database(url: str) -> VerifyReport:
    """``verify_all`` on the database at ``url`` (e.g. a backup being restored)."""
    engine = make_engine(url, immediate=False)
    try:
        with Session(engine) as session:
            return verify_all(session)
    finally:
        engine.dispose()
