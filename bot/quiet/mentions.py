"""Information-only accounts on Mastodon, where replies cannot be restricted.

Mastodon has no way to stop people replying to a post, so for an account whose
``reply_policy`` is not ``open`` the bot offers the next best thing: a private
"we don't answer here, please contact the office" reply to mentions and replies, at
most once per sender per period, through the DM auto-reply's outbox (same lease,
idempotency key, retry and audit; one period shared with DM replies).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.domain import Item, ItemKind, ReplyControls, ReplyPolicy
from bot.settings import Settings
from bot.storage import models as m

if TYPE_CHECKING:
    from bot.ingest import IngestContext, IngestResult, StoredItem

ANSWERED_KINDS = (ItemKind.MENTION, ItemKind.REPLY)


def mention_reply_text(settings: Settings) -> str:
    c = settings.council
    return str(settings.get("quiet.mention_reply_text")).format(
        council=c.name, email=c.email, phone=c.phone, website=c.website, hours=c.office_hours,
        hours_sentence=f" ({c.office_hours})" if c.office_hours else "")


def answers_mentions(ctx: IngestContext) -> bool:
    """Only where replies cannot be limited, the policy is not open, and the council wants it."""
    if ctx.reply_controls != ReplyControls.NONE:
        return False
    try:
        account = ctx.settings.account(ctx.account.name)
    except KeyError:
        return False
    return account.reply_policy != ReplyPolicy.OPEN and account.mention_reply


def queue_mention_replies(session: Session, ctx: IngestContext, stored: list[tuple[Item, StoredItem]],
                          result: IngestResult) -> None:
    if not answers_mentions(ctx) or not ctx.settings.get("dm_reply.enabled"):
        return
    # Imported here: ingest imports this module, and the sender rules are ingest's own.
    from bot.ingest import TOO_OLD, dm_reply_refusal, recently_answered, too_old_to_answer

    targets = [(item, row) for item, row in stored if item.kind in ANSWERED_KINDS]
    if not targets:
        return
    text = mention_reply_text(ctx.settings)
    answered = recently_answered(session, ctx, {item.author.remote_id for item, _ in targets})
    rows = []
    for item, row in targets:
        old = too_old_to_answer(ctx, item)  # a backfilled mention gets no reply now, as a DM would not
        reason = old or dm_reply_refusal(ctx, item, answered) or (
            "looks like an automatic reply" if text[:60] in item.text else "")
        state = TOO_OLD if old else ("suppressed" if reason else ("pending" if ctx.settings.live else "observe"))
        if not reason:
            answered.add(item.author.remote_id)
            result.dm_replies += state == "pending"
        rows.append({"account_id": ctx.account.id, "item_id": row.id, "recipient_remote_id": item.author.remote_id,
                     "text": text, "state": state, "attempts": 0,
                     "idempotency_key": f"mention-{ctx.account.id}-{row.id}", "created_at": ctx.now,
                     "last_error": reason or None})
    session.execute(insert(m.OutboxMessage), rows)
