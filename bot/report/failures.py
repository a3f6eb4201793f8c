"""Why approved actions failed, in plain words for the council's papers.

The bot records a failure as the error's plain title followed by the platform's own
detail (``"The post or account no longer exists. post 123 was deleted"``). The public
summary gives only what it means, never the detail, a handle or a post: one line per
kind of action, platform and reason, with how many times it happened.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import AuthFailed, PermanentError, RateLimited, TargetGone, TransientError, Unsupported
from bot.storage import models as m

#: (the error title the bot records first, what it means for the council), most specific first.
REASONS: tuple[tuple[str, str], ...] = (
    (TargetGone.title, "the post or account no longer existed (its author had deleted it, or the platform had "
                       "removed it), so there was nothing left to act on"),
    (Unsupported.title, "the platform cannot do this, so the action could not be carried out"),
    (AuthFailed.title, "the platform no longer accepted the bot's login for the council's account, and the bot "
                       "gave up after trying again several times"),
    (RateLimited.title, "the platform kept asking the bot to slow down, and the bot gave up after trying again "
                        "several times"),
    (TransientError.title, "the platform could not be reached, and the bot gave up after trying again several "
                           "times"),
    (PermanentError.title, "the platform refused the request"),
)
UNKNOWN = "the platform refused the request"


@dataclass(frozen=True)
class FailedActions:
    kind: str
    platform: str
    reason: str
    count: int


def reason_for(last_error: str | None) -> str:
    """The plain meaning of a recorded failure (never the platform's own words)."""
    text = (last_error or "").strip()
    return next((meaning for title, meaning in REASONS if text.startswith(title)), UNKNOWN)


def failed_actions(session: Session, review_ids: list[int]) -> list[FailedActions]:
    """The cohort's failed actions, grouped by kind, platform and reason (most frequent first)."""
    tally: Counter[tuple[str, str, str]] = Counter()
    for start in range(0, len(review_ids), 500):
        rows = session.execute(
            select(m.Action.kind, m.Account.platform, m.Action.last_error)
            .join(m.Account, m.Account.id == m.Action.account_id)
            .where(m.Action.review_item_id.in_(review_ids[start:start + 500]), m.Action.state == "failed")
        ).all()
        tally.update((kind, platform, reason_for(error)) for kind, platform, error in rows)
    ordered = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
    return [FailedActions(kind, platform, reason, count) for (kind, platform, reason), count in ordered]
