"""The numbers of one month, gathered from the database.

Every figure is defined so a clerk can check it by hand:

* *received*: items (replies, mentions, quotes, DMs) the bot captured in the month;
* *flagged*: items captured in the month that at least one rule flagged; their review
  items form the month's *cohort*, and decisions, actions, time to decision and police
  referrals are counted over that cohort (so approved + rejected + pending = flagged);
* *findings*: rule verdicts made in the month, by ground and severity;
* *repeat offenders*: people with two or more posts in the month that the clerk upheld;
* *overturned*: findings the clerk rejected, per rule (the rule's false alarms).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.quiet import summary as quiet_summary
from bot.report.failures import FailedActions, failed_actions
from bot.report.months import Month
from bot.storage import models as m

KINDS = ("reply", "mention", "quote", "dm")
OUTCOMES = ("approved", "rejected", "pending")
ACTION_OUTCOMES = ("done", "failed", "waiting")


@dataclass
class RuleRecord:
    rule_id: str
    ground: str
    findings: int
    upheld: int
    overturned: int
    pending: int

    @property
    def overturn_rate(self) -> float | None:
        decided = self.upheld + self.overturned
        return self.overturned / decided if decided else None


@dataclass
class MonthFigures:
    month: str
    items: dict[str, dict[str, int]] = field(default_factory=dict)  # platform -> kind -> count
    flagged: int = 0
    dms: int = 0
    dm_replies: dict[str, int] = field(default_factory=dict)  # outbox state -> count
    findings: dict[str, dict[int, int]] = field(default_factory=dict)  # ground -> severity -> count
    decisions: dict[str, int] = field(default_factory=dict)
    actions: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> done/failed/waiting
    decision_hours: list[float] = field(default_factory=list)
    repeat_offenders: int = 0
    police_referrals: int = 0
    police_suggested: int = 0
    rules: list[RuleRecord] = field(default_factory=list)
    #: Quiet accounts: pile-ons seen, reply limits carried out, pre-election warnings, the period.
    pile_ons: int = 0
    reply_limits: int = 0
    election_warnings: int = 0
    election_period: str = ""
    #: Upheld breaches with no action on the platform, by the clerk's reason (record only, police...).
    no_action: dict[str, int] = field(default_factory=dict)
    failures: list[FailedActions] = field(default_factory=list)

    @property
    def received(self) -> int:
        return sum(sum(kinds.values()) for kinds in self.items.values())

    @property
    def findings_total(self) -> int:
        return sum(sum(sev.values()) for sev in self.findings.values())

    @property
    def dm_answered(self) -> int:
        return self.dm_replies.get("sent", 0)

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.decision_hours) if self.decision_hours else None

    @property
    def p90_hours(self) -> float | None:
        """Nearest-rank 90th percentile: 9 in 10 decisions took at most this long."""
        if not self.decision_hours:
            return None
        ordered = sorted(self.decision_hours)
        return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]

    def kind_total(self, kind: str) -> int:
        return sum(kinds.get(kind, 0) for kinds in self.items.values())

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["findings"] = {g: {str(s): n for s, n in sev.items()} for g, sev in self.findings.items()}
        data.update(
            received=self.received,
            findings_total=self.findings_total,
            dm_answered=self.dm_answered,
            median_hours=self.median_hours,
            p90_hours=self.p90_hours,
        )
        return data


def gather(session: Session, month: Month) -> MonthFigures:
    """Every figure of ``month`` (UK time) from the database."""
    start, end = month.start, month.end
    fig = MonthFigures(month=str(month))
    fig.items = _items(session, start, end)
    fig.dms = fig.kind_total("dm")
    fig.dm_replies = _dm_replies(session, start, end)
    fig.findings = _findings(session, start, end)
    fig.rules = _rules(session, start, end)
    cohort = _cohort(session, start, end)
    fig.flagged = len(cohort)
    fig.decisions = _decisions(cohort)
    fig.decision_hours = [
        (r.decided_at - r.created_at).total_seconds() / 3600 for r in cohort if r.decided_at is not None
    ]
    fig.police_referrals = sum(1 for r in cohort if r.police_referral)
    fig.police_suggested = sum(1 for r in cohort if r.police_referral_suggested)
    fig.actions = _actions(session, [r.id for r in cohort])
    fig.failures = failed_actions(session, [r.id for r in cohort])
    fig.no_action = dict(Counter(r.no_action_reason for r in cohort if r.status == "approved" and r.no_action_reason))
    fig.repeat_offenders = _repeat_offenders(session, start, end)
    quiet = quiet_summary.counts(session, start, end)
    fig.pile_ons, fig.reply_limits, fig.election_warnings = (
        quiet["pile_ons"], quiet["reply_limits"], quiet["election_warnings"])
    return fig


def _items(session: Session, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    rows = session.execute(
        select(m.Account.platform, m.Item.kind, func.count(m.Item.id))
        .join(m.Account, m.Account.id == m.Item.account_id)
        .where(m.Item.captured_at >= start, m.Item.captured_at < end, m.Item.kind.in_(KINDS))
        .group_by(m.Account.platform, m.Item.kind)
    ).all()
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for platform, kind, count in rows:
        out[platform][kind] = count
    return dict(out)


def _dm_replies(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    rows = session.execute(
        select(m.OutboxMessage.state, func.count(m.OutboxMessage.id))
        .join(m.Item, m.Item.id == m.OutboxMessage.item_id)
        .where(m.Item.captured_at >= start, m.Item.captured_at < end)
        .group_by(m.OutboxMessage.state)
    ).all()
    return {state: count for state, count in rows}


def _findings(session: Session, start: datetime, end: datetime) -> dict[str, dict[int, int]]:
    rows = session.execute(
        select(m.Finding.ground, m.Finding.severity, func.count(m.Finding.id))
        .where(m.Finding.created_at >= start, m.Finding.created_at < end)
        .group_by(m.Finding.ground, m.Finding.severity)
    ).all()
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for ground, severity, count in rows:
        out[ground][int(severity)] = count
    return dict(out)


def _rules(session: Session, start: datetime, end: datetime) -> list[RuleRecord]:
    rows = session.execute(
        select(m.Finding.rule_id, m.Finding.ground, m.Finding.upheld).where(
            m.Finding.created_at >= start, m.Finding.created_at < end
        )
    ).all()
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    grounds: dict[str, str] = {}
    for rule_id, ground, upheld in rows:
        grounds[rule_id] = ground
        tally[rule_id][{True: "upheld", False: "overturned", None: "pending"}[upheld]] += 1
    records = [
        RuleRecord(rule_id, grounds[rule_id], sum(c.values()), c["upheld"], c["overturned"], c["pending"])
        for rule_id, c in tally.items()
    ]
    return sorted(records, key=lambda r: (-r.findings, r.rule_id))


def _cohort(session: Session, start: datetime, end: datetime) -> list[m.ReviewItem]:
    return list(
        session.execute(
            select(m.ReviewItem)
            .join(m.Item, m.Item.id == m.ReviewItem.item_id)
            .where(m.Item.captured_at >= start, m.Item.captured_at < end)
        ).scalars()
    )


def _decisions(cohort: list[m.ReviewItem]) -> dict[str, int]:
    counts = Counter(r.status for r in cohort)
    return {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}


def _actions(session: Session, review_ids: list[int]) -> dict[str, dict[str, int]]:
    """Approved actions of the cohort: carried out, failed, or still waiting to run."""
    if not review_ids:
        return {}
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ACTION_OUTCOMES, 0))
    for start in range(0, len(review_ids), 500):
        rows = session.execute(
            select(m.Action.kind, m.Action.state, func.count(m.Action.id))
            .where(
                m.Action.review_item_id.in_(review_ids[start : start + 500]),
                m.Action.state.in_(("approved", "executing", "done", "failed")),
            )
            .group_by(m.Action.kind, m.Action.state)
        ).all()
        for kind, state, count in rows:
            bucket = state if state in ("done", "failed") else "waiting"
            out[kind][bucket] += count
    return {k: dict(v) for k, v in out.items()}


def _repeat_offenders(session: Session, start: datetime, end: datetime) -> int:
    upheld_posts = (
        select(m.Item.author_id, func.count(func.distinct(m.Item.id)).label("posts"))
        .join(m.ReviewItem, m.ReviewItem.item_id == m.Item.id)
        .where(m.Item.captured_at >= start, m.Item.captured_at < end, m.ReviewItem.status == "approved")
        .group_by(m.Item.author_id)
        .subquery()
    )
    count = session.execute(select(func.count()).select_from(upheld_posts).where(upheld_posts.c.posts >= 2))
    return int(count.scalar_one())


@dataclass(frozen=True)
class TrendPoint:
    month: str
    label: str
    received: int
    flagged: int
    by_ground: dict[str, int]


def trend(session: Session, month: Month, months: int = 12) -> list[TrendPoint]:
    """Received, flagged and findings by ground for the ``months`` months ending with ``month``."""
    points = []
    for mo in month.last(months):
        received = session.execute(
            select(func.count(m.Item.id)).where(m.Item.captured_at >= mo.start, m.Item.captured_at < mo.end,
                                                m.Item.kind.in_(KINDS))
        ).scalar_one()
        flagged = session.execute(
            select(func.count(m.Item.id)).where(
                m.Item.captured_at >= mo.start, m.Item.captured_at < mo.end, m.Item.flagged.is_(True),
                m.Item.kind.in_(KINDS),
            )
        ).scalar_one()
        grounds = session.execute(
            select(m.Finding.ground, func.count(m.Finding.id))
            .where(m.Finding.created_at >= mo.start, m.Finding.created_at < mo.end)
            .group_by(m.Finding.ground)
        ).all()
        points.append(TrendPoint(str(mo), mo.short_label, int(received), int(flagged), dict(grounds)))
    return points
