"""Pile-on protection: a sudden burst of replies to one council post, mostly from
accounts that are new or writing to the council for the first time.

Detection runs inside the poll's transaction, right after the batch is stored, so a
pile-on is queued exactly once with the replies that made it. It becomes one review
item (severity high, so the clerk gets the urgent e-mail with a link) proposing one
action, "limit replies on this post for N hours", where the platform can do that.
The clerk approves it like any other action; ``expire_limits`` queues the undo when
the hours are up, and the executor carries it out (putting back the previous gate,
keeping hidden replies).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import ActionKind, ActionState, Finding, Ground, Item, ItemKind, Severity
from bot.quiet.records import council_item, queue_council_item
from bot.storage import models as m
from bot.storage import quiet_models as q
from bot.storage.db import transaction
from bot.undo import outcome_facts, undo_key

if TYPE_CHECKING:
    from bot.ingest import IngestContext
    from bot.moderator import Moderator

log = logging.getLogger(__name__)
RULE_ID = "pile_on"
WHO = {"followers_and_mentioned": "followers of the council and people the post mentions",
       "followers": "followers of the council", "mentioned": "people the post mentions", "nobody": "nobody"}


def detect(s: Session, ctx: IngestContext, items: tuple[Item, ...]) -> int:
    """Queue a pile-on for each council post this batch pushed over the thresholds."""
    settings = ctx.settings
    if not settings.get("pile_on.enabled"):
        return 0
    roots = sorted(_council_roots(s, ctx, items))
    raised = 0
    for root in roots:
        if _recently_raised(s, ctx, root):
            continue
        replies, newcomers, ids = _count(s, ctx, root)
        if replies < int(settings.get("pile_on.min_replies")):
            continue
        if newcomers / replies < float(settings.get("pile_on.newcomer_share")):
            continue
        _raise(s, ctx, root, replies, newcomers, ids)
        raised += 1
    return raised


def _council_roots(s: Session, ctx: IngestContext, items: tuple[Item, ...]) -> set[str]:
    """Threads of this batch's replies that the council started (as the adapter says, or as
    the bot saw the council publish them)."""
    replies = [i for i in items if i.kind is ItemKind.REPLY and i.thread_root_id]
    flagged = {i.thread_root_id for i in replies if i.meta.get("root_is_council")}
    others = {i.thread_root_id for i in replies} - flagged
    if others:
        flagged |= set(s.execute(select(q.CouncilPost.remote_id).where(
            q.CouncilPost.account_id == ctx.account.id, q.CouncilPost.remote_id.in_(list(others)))).scalars())
    return {root for root in flagged if root}


def _recently_raised(s: Session, ctx: IngestContext, root: str) -> bool:
    """One pile-on per post per limit period: the clerk has it already."""
    since = ctx.now - timedelta(hours=int(ctx.settings.get("pile_on.limit_hours")))
    return s.execute(select(q.PileOn.id).where(q.PileOn.account_id == ctx.account.id,
                                               q.PileOn.post_remote_id == root,
                                               q.PileOn.detected_at >= since)).first() is not None


def _count(s: Session, ctx: IngestContext, root: str) -> tuple[int, int, list[str]]:
    """Replies to ``root`` in the window, how many from new or first-time accounts, and their ids."""
    window = timedelta(minutes=int(ctx.settings.get("pile_on.window_minutes")))
    young = timedelta(days=int(ctx.settings.get("pile_on.new_account_days")))
    since = ctx.now - window
    rows = s.execute(
        select(m.Item.remote_id, m.Item.created_at, m.Author.account_created_at, m.Author.first_seen_at)
        .join(m.Author, m.Author.id == m.Item.author_id)
        .where(m.Item.account_id == ctx.account.id, m.Item.thread_root_id == root,
               m.Item.kind == ItemKind.REPLY.value, m.Item.created_at >= since)).all()
    newcomers = sum(1 for _, created, born, first in rows
                    if (born is not None and created - born < young) or first >= since)
    return len(rows), newcomers, [r[0] for r in rows]


def _raise(s: Session, ctx: IngestContext, root: str, replies: int, newcomers: int, ids: list[str]) -> None:
    settings, minutes = ctx.settings, int(ctx.settings.get("pile_on.window_minutes"))
    hours, limit_to = int(settings.get("pile_on.limit_hours")), str(settings.get("pile_on.limit_to"))
    post = s.execute(select(q.CouncilPost).where(q.CouncilPost.account_id == ctx.account.id,
                                                 q.CouncilPost.remote_id == root)).scalar_one_or_none()
    can_limit = ActionKind.LIMIT_REPLIES in ctx.capabilities
    share = round(100 * newcomers / replies)
    text = (f"{replies} replies to one of the council's posts in {minutes} minutes; {newcomers} of them ({share}%) "
            f"from accounts less than {settings.get('pile_on.new_account_days')} days old or writing to the "
            "council for the first time.")
    explanation = text + (f" Proposed: let only {WHO[limit_to]} reply to this post for the next {hours} hours; the "
                          "bot puts the previous setting back when the time is up." if can_limit else
                          " This platform cannot limit who replies to a post, so there is nothing the bot can "
                          "do on it: decide the replies one by one, or report the worst.")
    finding = Finding(rule_id=RULE_ID, ground=Ground.PILE_ON, severity=Severity.HIGH,
                      clauses=settings.policy.clauses(Ground.PILE_ON),
                      explanation=explanation, proposed_actions=(ActionKind.LIMIT_REPLIES,) if can_limit else ())
    ci = council_item(ctx.account, kind=ItemKind.PILE_ON,
                      remote_id=f"pile-on:{root}:{ctx.now.isoformat(timespec='seconds')}", text=text,
                      created_at=ctx.now, url=post.url if post else "",
                      context_text=post.text if post else "", thread_root_id=root,
                      meta={"pile_on": True, "root_uri": root, "root_is_council": True},
                      raw={"post": root, "window_minutes": minutes, "replies": replies, "newcomers": newcomers,
                           "limit_hours": hours, "limit_to": limit_to, "reply_ids": ids})
    actions = [(ActionKind.LIMIT_REPLIES, {"hours": hours, "limit_to": limit_to})] if can_limit else []
    review = queue_council_item(s, ctx.account, ctx.now, ci, [finding], actions)
    s.add(q.PileOn(account_id=ctx.account.id, post_remote_id=root, detected_at=ctx.now, window_minutes=minutes,
                   replies=replies, newcomers=newcomers, item_id=review.item_id, review_item_id=review.id))
    log.warning("account %s: pile-on on %s (%d replies, %d new or first-time)", ctx.account.name, root,
                replies, newcomers)


# -- limits that run out ------------------------------------------------------------
def expire_limits(mod: Moderator) -> int:
    """Queue the undo of every carried-out limit whose hours are up (once: its key is unique)."""
    now, queued = mod.clock(), 0
    with transaction(mod.sessions) as s:
        limits = s.execute(select(m.Action).where(m.Action.kind == ActionKind.LIMIT_REPLIES.value,
                                                  m.Action.state == ActionState.DONE.value)).scalars().all()
        keys = {undo_key(a.id) for a in limits}
        undone = set(s.execute(select(m.Action.idempotency_key).where(m.Action.idempotency_key.in_(keys))).scalars())
        for action in limits:
            ends = limit_ends(action)
            if undo_key(action.id) in undone or ends is None or ends > now:
                continue
            queued += _queue_restore(s, action, now)
    return queued


def limit_ends(action: m.Action) -> datetime | None:
    if action.done_at is None:
        return None
    return action.done_at + timedelta(hours=int((action.params or {}).get("hours") or 0))


def _queue_restore(s: Session, limit: m.Action, now: datetime) -> bool:
    outcome = outcome_facts(limit)
    try:
        with s.begin_nested():
            restore = m.Action(review_item_id=limit.review_item_id, account_id=limit.account_id,
                               kind=ActionKind.RESTORE_REPLIES.value, state=ActionState.APPROVED.value,
                               idempotency_key=undo_key(limit.id), attempts=0, next_attempt_at=now,
                               params={"undoes": limit.id, "undoes_kind": limit.kind, "done": outcome},
                               approved_by=limit.approved_by, created_at=now, updated_at=now)
            s.add(restore)
            s.flush()
    except IntegrityError:  # the clerk undid it, or another process queued it, at the same moment
        return False
    audit.record(s, "bot", "action.approved", "action", restore.id,
                 {"kind": restore.kind, "from": None, "to": "approved", "undoes": limit.id,
                  "reason": f"the {limit.params.get('hours')}-hour limit approved by {limit.approved_by} ended"},
                 at=now)
    return True
