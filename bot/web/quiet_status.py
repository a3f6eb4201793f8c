"""What the accounts page says about quiet accounts: who may reply to new posts and how
the platform enforces it (plainly, for Mastodon: it cannot), gates set, and recent pile-ons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.quiet import election
from bot.quiet.pileon import limit_ends
from bot.settings import Settings
from bot.storage import models as m
from bot.storage import quiet_models as q

POLICY_WORDS = {
    "open": "Anyone can reply to the council's posts.",
    "followers": "Only the council's followers can reply to its new posts.",
    "mentioned": "Only people a post mentions can reply to the council's new posts.",
    "nobody": "Information only: nobody can reply to the council's new posts.",
}


@dataclass
class PileOnRow:
    item_id: int
    detected_at: datetime
    replies: int
    newcomers: int
    limit: str  # what happened to the proposed limit, in words
    until: datetime | None = None  # while a limit is on


@dataclass
class QuietStatus:
    policy: str
    how: str
    gates: dict[str, int] = field(default_factory=dict)
    pile_ons: list[PileOnRow] = field(default_factory=list)


def _how(policy: str, controls: str, mention_reply: bool, days: int) -> str:
    if policy == "open":
        return "" if controls != "none" else "Mastodon cannot restrict replies in any case."
    if controls == "per_post":
        return "The bot puts a reply limit (Bluesky threadgate) on every new post; replies you hid stay hidden."
    if controls == "new_posts":
        return ("The bot sets this as the account's interaction policy for new posts. Posts published before "
                "cannot be changed, and the server cannot limit replies to one post later.")
    answer = (f"Instead the bot answers mentions and replies privately with the 'please contact the office' "
              f"message, at most once per person every {days} days." if mention_reply else
              "The automatic 'please contact the office' answer to mentions is turned off (mention_reply).")
    return "Mastodon cannot stop people replying to the council's posts, so this cannot be enforced. " + answer


def quiet_status(settings: Settings, adapters: dict[str, Any], s: Session, now: datetime) -> dict[str, QuietStatus]:
    out: dict[str, QuietStatus] = {}
    days = int(settings.get("dm_reply.once_per_days"))
    for acc in settings.accounts:
        controls = str(getattr(adapters.get(acc.name), "reply_controls", "none"))
        out[acc.name] = QuietStatus(POLICY_WORDS.get(acc.reply_policy, acc.reply_policy),
                                    _how(acc.reply_policy, controls, acc.mention_reply, days))
    ids = {a.id: a.name for a in s.execute(select(m.Account)).scalars() if a.name in out}
    for account_id, state, count in s.execute(select(q.CouncilPost.account_id, q.CouncilPost.gate_state,
                                                     func.count(q.CouncilPost.id))
                                              .group_by(q.CouncilPost.account_id, q.CouncilPost.gate_state)):
        if account_id in ids and state != "none":
            out[ids[account_id]].gates[state] = count
    recent = s.execute(select(q.PileOn).where(q.PileOn.detected_at >= now - timedelta(days=30))
                       .order_by(q.PileOn.detected_at.desc())).scalars()
    for pile in recent:
        if pile.account_id in ids:
            out[ids[pile.account_id]].pile_ons.append(_row(s, pile, now))
    return out


def _row(s: Session, pile: q.PileOn, now: datetime) -> PileOnRow:
    actions = s.execute(select(m.Action).where(m.Action.review_item_id == pile.review_item_id)
                        .order_by(m.Action.id)).scalars().all()
    limit = next((a for a in actions if a.kind == "limit_replies"), None)
    restored = any(a.kind == "restore_replies" and a.state == "done" for a in actions)
    until = None
    if limit is None:
        words = "No limit possible on this platform."
    elif limit.state == "proposed":
        words = "Limit proposed: waiting for your decision."
    elif limit.state == "done" and not restored:
        ends = limit_ends(limit)
        until = ends if ends and ends > now else None
        words = "Replies limited" if until else "Limit ended; putting replies back."
    elif restored:
        words = "Limit ended; replies put back as they were."
    else:
        words = f"Limit {limit.state}."
    return PileOnRow(pile.item_id, pile.detected_at, pile.replies, pile.newcomers, words, until)


def election_words(settings: Settings, s: Session, now: datetime) -> str:
    period = election.active_period(s, settings, now)
    if period is None:
        return ""
    return (f"Pre-election period: {period.words()}. The council's new posts are checked for names of "
            "councillors and candidates, party names and campaign words.")
