"""Everything held about one item, loaded once for snapshots, packs and subject access."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.audit_words import load_context, sentence
from bot.errors import NotFound
from bot.evidence.capture import CAPTURED
from bot.evidence.record import evidence_digest, evidence_document, raw_is_intact
from bot.storage import models as m


@dataclass(frozen=True)
class MediaFile:
    id: int
    url: str
    content_type: str
    size: int
    sha256: str | None
    data: bytes | None
    error: str | None
    is_avatar: bool


@dataclass(frozen=True)
class ItemEvidence:
    """One item with its findings, the council's decision, actions, media and audit trail."""

    item_id: int
    account: str
    platform: str
    document: dict[str, Any]
    raw: str
    digest: str
    raw_intact: bool
    captured_digest: str | None
    deleted_at: datetime | None
    minimised_at: datetime | None
    legal_hold_reason: str | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    review: dict[str, Any] | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)
    media: list[MediaFile] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def author(self) -> dict[str, Any]:
        return dict(self.document.get("author_snapshot") or {})

    @property
    def clauses(self) -> list[str]:
        return sorted({c for f in self.findings for c in f["clauses"]})


def load_item_evidence(session: Session, item_id: int) -> ItemEvidence:
    item = session.get(m.Item, item_id)
    if item is None:
        raise NotFound(f"there is no item {item_id} (it may have been deleted under the retention policy)")
    review = session.execute(select(m.ReviewItem).where(m.ReviewItem.item_id == item_id)).scalar_one_or_none()
    document = evidence_document(item)
    trail = _audit_trail(session, item_id, review)
    captured = next((e["details"].get("evidence_sha256") for e in trail if e["event"] == CAPTURED), None)
    return ItemEvidence(
        item_id=item.id, account=item.account.name, platform=item.account.platform, document=document,
        raw=item.raw or "", digest=evidence_digest(document), raw_intact=raw_is_intact(item),
        captured_digest=captured, deleted_at=item.deleted_at, minimised_at=item.minimised_at,
        legal_hold_reason=item.legal_hold_reason if item.legal_hold else None,
        findings=[_finding(f) for f in sorted(item.findings, key=lambda f: (-f.severity, f.id))],
        review=_review(review), actions=[_action(a) for a in review.actions] if review else [],
        media=_media(session, item), audit=trail,
    )


def _finding(f: m.Finding) -> dict[str, Any]:
    return {"rule": f.rule_id, "ground": f.ground, "severity": f.severity, "clauses": list(f.clauses or []),
            "explanation": f.explanation, "matched": [s.get("text", "") for s in f.spans or []],
            "police_referral": f.police_referral, "upheld": f.upheld}


def _review(r: m.ReviewItem | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"item_id": r.item_id, "status": r.status, "decided_at": r.decided_at, "decided_by": r.decided_by,
            "reason": r.reason, "no_action_reason": r.no_action_reason, "police_referral": r.police_referral,
            "police_referral_suggested": r.police_referral_suggested}


def _action(a: m.Action) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "state": a.state, "approved_by": a.approved_by, "done_at": a.done_at,
            "outcome": a.outcome, "last_error": a.last_error}


def _media(session: Session, item: m.Item) -> list[MediaFile]:
    avatar = str((item.author_snapshot or {}).get("avatar_url") or "")
    rows = session.execute(select(m.Media).where(m.Media.item_id == item.id).order_by(m.Media.id)).scalars()
    return [MediaFile(r.id, r.url, r.content_type or "", r.size or 0, r.sha256, r.data, r.error,
                      bool(avatar) and r.url == avatar) for r in rows]


def _audit_trail(session: Session, item_id: int, review: m.ReviewItem | None) -> list[dict[str, Any]]:
    subjects = [(m.AuditEvent.subject_type == "item") & (m.AuditEvent.subject_id == str(item_id))]
    if review is not None:
        subjects.append((m.AuditEvent.subject_type == "review_item") & (m.AuditEvent.subject_id == str(review.id)))
        ids = [str(a.id) for a in review.actions]
        if ids:
            subjects.append((m.AuditEvent.subject_type == "action") & m.AuditEvent.subject_id.in_(ids))
    rows = list(session.execute(select(m.AuditEvent).where(or_(*subjects)).order_by(m.AuditEvent.id)).scalars())
    words = load_context(session, rows)
    return [{"id": e.id, "at": e.at, "actor": e.actor, "in_words": sentence(e, words), "event": e.event,
             "subject": f"{e.subject_type} {e.subject_id}", "details": e.details, "prev_hash": e.prev_hash,
             "row_hash": e.row_hash} for e in rows]
