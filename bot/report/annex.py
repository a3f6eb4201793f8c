"""The confidential annex: the month's flagged posts in detail, for a closed session.

It names authors and quotes the posts, so it is written to its own files, marked
confidential on every page, and never linked from the public summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.report import labels as lbl
from bot.report.months import Month
from bot.storage import models as m
from bot.uk_time import uk_datetime

_STATES = {"approved": "waiting", "executing": "in progress", "rejected": "not chosen"}


@dataclass(frozen=True)
class AnnexRow:
    when: str
    platform: str
    author: str
    grounds: str
    severity: str
    rules: str
    decision: str
    actions: str
    police: str
    excerpt: str
    link: str


def annex_rows(session: Session, month: Month, public_url: str) -> list[AnnexRow]:
    reviews = session.execute(
        select(m.ReviewItem)
        .join(m.Item, m.Item.id == m.ReviewItem.item_id)
        .where(m.Item.captured_at >= month.start, m.Item.captured_at < month.end)
        .options(
            selectinload(m.ReviewItem.item).selectinload(m.Item.findings),
            selectinload(m.ReviewItem.item).selectinload(m.Item.author),
            selectinload(m.ReviewItem.item).selectinload(m.Item.account),
            selectinload(m.ReviewItem.actions),
        )
        .order_by(m.Item.captured_at, m.Item.id)
    ).scalars()
    return [_row(r, public_url) for r in reviews]


def _row(review: m.ReviewItem, public_url: str) -> AnnexRow:
    item = review.item
    findings = item.findings
    actions = [f"{lbl.action_label(a.kind)} ({_STATES.get(a.state, a.state)})" for a in review.actions
               if a.state != "proposed"]
    text = " ".join(item.text.split()) if item.minimised_at is None else "(text removed under the retention policy)"
    return AnnexRow(
        when=uk_datetime(item.captured_at),
        platform=lbl.platform_label(item.account.platform),
        author=item.author.handle,
        grounds=", ".join(sorted({lbl.ground_label(f.ground) for f in findings})),
        severity=lbl.SEVERITIES.get(review.severity, str(review.severity)),
        rules=", ".join(sorted({f.rule_id for f in findings})),
        decision=review.status,
        actions=", ".join(actions) or "none",
        police="referred" if review.police_referral else ("suggested" if review.police_referral_suggested else ""),
        excerpt=text[:300] + ("…" if len(text) > 300 else ""),
        link=f"{public_url.rstrip('/')}/items/{item.id}",
    )


def repeat_offender_rows(rows: list[AnnexRow]) -> list[tuple[str, int]]:
    """Authors with two or more upheld posts this month, most first."""
    counts = Counter(r.author for r in rows if r.decision == "approved")
    return sorted(((a, n) for a, n in counts.items() if n >= 2), key=lambda an: (-an[1], an[0]))


def annex_context(council: str, month: Month, rows: list[AnnexRow], generated: str) -> dict[str, Any]:
    return {
        "council": council,
        "month_label": month.label,
        "generated": generated,
        "rows": rows,
        "repeat": repeat_offender_rows(rows),
    }
