"""The quiet-account figures of a monthly summary: pile-ons, limits carried out,
pre-election warnings, and the pre-election period if it touched the month."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.quiet import election
from bot.report.months import Month
from bot.settings import Settings
from bot.storage import models as m
from bot.storage import quiet_models as q


def counts(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    pile_ons = session.execute(select(func.count(q.PileOn.id)).where(
        q.PileOn.detected_at >= start, q.PileOn.detected_at < end)).scalar_one()
    limits = session.execute(select(func.count(m.Action.id)).where(
        m.Action.kind == "limit_replies", m.Action.state == "done",
        m.Action.done_at >= start, m.Action.done_at < end)).scalar_one()
    warnings = session.execute(select(func.count(m.ReviewItem.id)).join(m.Item, m.Item.id == m.ReviewItem.item_id)
                               .where(m.Item.kind == "post", m.ReviewItem.created_at >= start,
                                      m.ReviewItem.created_at < end)).scalar_one()
    return {"pile_ons": int(pile_ons), "reply_limits": int(limits), "election_warnings": int(warnings)}


def period_in_month(session: Session, settings: Settings, month: Month) -> str:
    """The pre-election period(s) overlapping the month, in words ('' when none)."""
    first, last = month.start.astimezone(election.UK).date(), (month.end.astimezone(election.UK)).date()
    found = [p for p in election.periods(session, settings) if p.starts_on < last and p.ends_on >= first]
    return "; ".join(p.words() for p in found)
