"""Deciding what deserves an e-mail, and queueing it once.

Each alert has a ``dedupe_key`` (one per review item, one per account outage, one
digest per day), so running the scan every minute never sends the same alert twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts import messages
from bot.settings import Settings
from bot.storage import models as m
from bot.storage.db import transaction

log = logging.getLogger(__name__)

URGENT_GROUNDS = ("threat", "hate", "impersonation")
LOOKBACK = timedelta(days=2)  # older review items never trigger an "urgent" e-mail (e.g. on first start)


@dataclass(frozen=True)
class ScanResult:
    urgent: int = 0
    outages: int = 0


def email_configured(settings: Settings) -> bool:
    """Alerts are queued only when there is an SMTP server and someone to write to."""
    return bool(settings.get("smtp.host")) and bool(settings.get("alerts.recipients"))


def scan(settings: Settings, sessions: sessionmaker[Session], now: datetime) -> ScanResult:
    """Queue alerts for new urgent review items and for accounts that stopped polling."""
    if not email_configured(settings):
        return ScanResult()
    with transaction(sessions) as s:
        urgent = sum(_queue(s, settings, a, now) for a in _urgent_alerts(s, settings, now))
        outages = sum(_queue(s, settings, a, now) for a in _outage_alerts(s, settings, now))
    if urgent or outages:
        log.info("queued %d urgent and %d account alert(s)", urgent, outages)
    return ScanResult(urgent, outages)


def daily_digest(settings: Settings, sessions: sessionmaker[Session], now: datetime) -> bool:
    """Queue today's digest of the review queue, when anything is waiting. True if queued."""
    if not email_configured(settings):
        return False
    with transaction(sessions) as s:
        rows = s.execute(
            select(m.ReviewItem.severity, func.count(m.ReviewItem.id), func.min(m.ReviewItem.created_at))
            .where(m.ReviewItem.status == "pending")
            .group_by(m.ReviewItem.severity)
        ).all()
        if not rows:
            return False
        counts = {int(sev): int(n) for sev, n, _ in rows}
        oldest = min(at for _, _, at in rows)
        return _queue(s, settings, messages.digest(settings, counts, oldest, now), now)


def _urgent_alerts(s: Session, settings: Settings, now: datetime) -> list[messages.Draft]:
    urgent_finding = (
        select(m.Finding.id)
        .where(m.Finding.item_id == m.ReviewItem.item_id, m.Finding.ground.in_(URGENT_GROUNDS))
        .exists()
    )
    reviews = (
        s.execute(
            select(m.ReviewItem)
            .where(
                m.ReviewItem.status == "pending",
                m.ReviewItem.created_at >= now - LOOKBACK,
                or_(m.ReviewItem.severity >= 3, urgent_finding),
            )
            .order_by(m.ReviewItem.id)
        )
        .scalars()
        .all()
    )
    return [messages.urgent_item(settings, r) for r in reviews]


def _outage_alerts(s: Session, settings: Settings, now: datetime) -> list[messages.Draft]:
    limit = timedelta(minutes=int(settings.get("alerts.poll_failure_minutes")))
    watched = {a.name for a in settings.accounts if a.enabled}
    drafts = []
    for account in s.execute(select(m.Account).order_by(m.Account.id)).scalars():
        if account.name not in watched:
            continue
        last_ok = account.last_poll_ok_at or account.created_at
        if account.auth_failed or now - last_ok > limit:
            drafts.append(messages.outage(settings, account, last_ok, now))
    return drafts


def queue_alert(s: Session, settings: Settings, draft: messages.Draft, now: datetime) -> bool:
    """Queue one alert from elsewhere in the bot (sign-in abuse), in the caller's transaction."""
    return email_configured(settings) and _queue(s, settings, draft, now)


def _queue(s: Session, settings: Settings, draft: messages.Draft, now: datetime) -> bool:
    """Insert the alert unless its dedupe key was queued before. True if it is new."""
    if s.execute(select(m.Alert.id).where(m.Alert.dedupe_key == draft.dedupe_key)).first():
        return False
    try:
        with s.begin_nested():
            s.add(
                m.Alert(
                    kind=draft.kind,
                    dedupe_key=draft.dedupe_key,
                    subject=draft.subject,
                    body=draft.body,
                    recipients=list(settings.get("alerts.recipients")),
                    state="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    except IntegrityError:  # queued at the same moment by another process
        return False
    return True
