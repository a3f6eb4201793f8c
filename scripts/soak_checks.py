"""The invariants a soak run must keep, checked on the database and on the simulated
platform's own record of what it was asked to do.

Each check returns a list of violations (plain sentences); an empty list is a pass.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.audit import verify_chain
from bot.domain import ItemKind
from bot.execution import NOT_NEEDED
from bot.storage import models as m

MALFORMED_EVERY = 53  # the simulated script's post n is malformed when n % 53 == 52


def expected_remote_ids(cursor: int) -> set[str]:
    """Every post the platform released below the cursor, except its malformed ones."""
    return {f"sim-{n}" for n in range(cursor) if n % MALFORMED_EVERY != MALFORMED_EVERY - 1}


def no_item_lost(s: Session) -> list[str]:
    cursor = int(s.execute(select(m.Cursor.value).where(m.Cursor.stream == "main")).scalar() or 0)
    # the bot's own records (a pile-on it observed, a council post it warned about) are not platform traffic
    stored = set(s.execute(select(m.Item.remote_id).where(
        m.Item.kind.notin_((ItemKind.PILE_ON.value, ItemKind.POST.value)))).scalars())
    missing = expected_remote_ids(cursor) - stored
    extra = stored - expected_remote_ids(cursor)
    out = [f"item {r} released before the cursor ({cursor}) was never stored" for r in sorted(missing)]
    out += [f"item {r} stored but beyond the cursor or malformed" for r in sorted(extra)]
    return out


def none_processed_twice(s: Session) -> list[str]:
    out: list[str] = []
    ids = Counter(s.execute(select(m.Item.remote_id)).scalars())
    out += [f"item {r} stored {n} times" for r, n in ids.items() if n > 1]
    reviews = Counter(s.execute(select(m.ReviewItem.item_id)).scalars())
    out += [f"item #{i} has {n} review items" for i, n in reviews.items() if n > 1]
    flagged = set(s.execute(select(m.Item.id).where(m.Item.flagged.is_(True))).scalars())
    out += [f"flagged item #{i} has no review item" for i in sorted(flagged - set(reviews))]
    findings = Counter(s.execute(select(m.Finding.item_id, m.Finding.rule_id)).all())
    out += [f"item #{i} has rule {r} recorded {n} times" for (i, r), n in findings.items() if n > 1]
    return out


def no_dm_answered_twice(s: Session, platform: dict[str, Any], period_covers_run: bool) -> list[str]:
    """Each DM answered at most once; each sender at most once per period (the whole run,
    when the run is shorter than ``dm_reply.once_per_days``)."""
    replies = platform.get("dm_replies", {})
    out: list[str] = []
    per_item = Counter(r["in_reply_to"] for r in replies.values())
    out += [f"DM {i} answered {n} times" for i, n in per_item.items() if n > 1]
    if period_covers_run:
        per_sender = Counter(r["to"] for r in replies.values())
        out += [f"sender {a} answered {n} times in one period" for a, n in per_sender.items() if n > 1]
    sent = {k for k, st in s.execute(select(m.OutboxMessage.idempotency_key, m.OutboxMessage.state)) if st == "sent"}
    out += [f"DM reply {k} marked sent but the platform never got it" for k in sorted(sent - set(replies))]
    out += [f"DM reply {k} reached the platform but is not marked sent" for k in sorted(set(replies) - sent)]
    return out


def actions_exactly_once(s: Session, platform: dict[str, Any]) -> list[str]:
    """No approved action carried out twice, none lost: done or failed with a reason."""
    effects = Counter(platform.get("effects", []))
    out = [f"action {k} carried out {n} times" for k, n in effects.items() if n > 1]
    rows = s.execute(select(m.Action)).scalars().all()
    by_key = {a.idempotency_key: a for a in rows}
    for key in effects:
        action = by_key.get(key)
        if action is None or action.state != "done":
            out.append(f"action {key} was carried out but is {action.state if action else 'unknown'} in the database")
    for a in rows:
        if a.approved_by is None:
            continue
        if a.state not in ("done", "failed"):
            out.append(f"approved action {a.idempotency_key} is still {a.state}")
        elif a.state == "failed" and not (a.last_error or "").strip():
            out.append(f"action {a.idempotency_key} failed without a reason")
        elif a.state == "done" and a.idempotency_key not in effects and not (a.outcome or "").startswith(NOT_NEEDED):
            out.append(f"action {a.idempotency_key} is done but the platform never carried it out")
    return out


def audit_chain_intact(s: Session) -> list[str]:
    report = verify_chain(s)
    return [] if report.ok else [f"audit log row {report.first_broken_id} {report.problem}"]


def check_all(sessions: sessionmaker[Session], platform_state: Path, period_covers_run: bool) -> list[str]:
    platform = json.loads(platform_state.read_text(encoding="utf-8"))
    with sessions() as s:
        return (no_item_lost(s) + none_processed_twice(s) + no_dm_answered_twice(s, platform, period_covers_run)
                + actions_exactly_once(s, platform) + audit_chain_intact(s))


def memory_flat(rss_start: int, rss_end: int, allowance: int) -> list[str]:
    growth = rss_end - rss_start
    if growth > allowance:
        return [f"memory grew by {growth / 2**20:.1f} MiB (allowed {allowance / 2**20:.0f} MiB)"]
    return []
