"""Shadow mode: re-run the current rules on stored posts and say what would change.

Nothing is written: a council can try a new or retuned rule on last month's
posts before switching it on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.domain import Author, Item, ItemKind, Platform
from bot.policy.engine import EvalContext, PolicyEngine
from bot.settings import Settings
from bot.storage import models
from bot.storage.db import make_engine


@dataclass(frozen=True)
class Change:
    item_id: int
    url: str
    before: frozenset[str]
    after: frozenset[str]

    @property
    def kind(self) -> str:
        if self.before == self.after:
            return "unchanged"
        if not self.before:
            return "newly flagged"
        if not self.after:
            return "no longer flagged"
        return "different rules"

    def describe(self) -> str:
        added = ", ".join(sorted(self.after - self.before))
        removed = ", ".join(sorted(self.before - self.after))
        parts = [f"item {self.item_id} ({self.kind})"]
        if added:
            parts.append(f"+ {added}")
        if removed:
            parts.append(f"- {removed}")
        return "  ".join(parts) + (f"  {self.url}" if self.url else "")


def _author(snapshot: dict[str, Any]) -> Author:
    created = snapshot.get("created_at")
    return Author(
        remote_id=str(snapshot.get("remote_id", "")), handle=str(snapshot.get("handle", "")),
        display_name=str(snapshot.get("display_name") or ""), is_bot=bool(snapshot.get("is_bot")),
        created_at=datetime.fromisoformat(created) if created else None,
        domain=str(snapshot.get("domain") or ""),
        verified_links=tuple(snapshot.get("verified_links") or ()),
    )


def domain_item(row: models.Item) -> Item:
    """A stored item as the engine sees it."""
    return Item(
        remote_id=row.remote_id, kind=ItemKind(row.kind), author=_author(row.author_snapshot or {}),
        text=row.text or "", created_at=row.created_at, raw={}, html=row.html or "",
        url=row.url or "", in_reply_to_id=row.in_reply_to_id, thread_root_id=row.thread_root_id,
        context_text=row.context_text or "", meta=dict(row.meta or {}),
    )


def _upheld_counts(session: Session, since: datetime) -> dict[int, int]:
    query = (
        select(models.Item.author_id, func.count(models.Finding.id))
        .join(models.Finding, models.Finding.item_id == models.Item.id)
        .where(models.Finding.upheld.is_(True), models.Finding.created_at >= since)
        .group_by(models.Item.author_id)
    )
    return {author_id: count for author_id, count in session.execute(query)}


SAME_TEXT_MIN_CHARS = 20  # as the core (bot/ingest.py): shorter texts repeat innocently
SAME_TEXT_WINDOW = timedelta(days=1)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SameText:
    """Who posted each exact text, and when: ``same_text_authors`` as the core computes it.

    At ingest the core counts the *other* authors whose items with exactly the same
    text (20 characters or more) were captured in the day before, the item's own
    batch included. Replay asks the same question of each stored item at the time
    it was captured.
    """

    def __init__(self, session: Session, texts: Iterable[str], since: datetime):
        self._posts: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
        wanted = sorted({t for t in texts if t and len(t) >= SAME_TEXT_MIN_CHARS})
        for i in range(0, len(wanted), 500):
            rows = session.execute(
                select(models.Item.text, models.Item.captured_at, models.Author.remote_id)
                .join(models.Author, models.Author.id == models.Item.author_id)
                .where(models.Item.captured_at >= since - SAME_TEXT_WINDOW,
                       models.Item.text.in_(wanted[i:i + 500]))
            )
            for text, captured_at, author in rows:
                self._posts[text].append((_aware(captured_at), author))

    def others(self, text: str, author: str, captured_at: datetime) -> int:
        """How many other authors posted ``text`` in the day up to ``captured_at``."""
        posts = self._posts.get(text) if len(text or "") >= SAME_TEXT_MIN_CHARS else None
        if not posts:
            return 0
        end = _aware(captured_at)
        start = end - SAME_TEXT_WINDOW
        return len({who for when, who in posts if start <= when <= end and who != author})


def replay_stored(settings: Settings, engine: PolicyEngine, since: datetime) -> list[Change]:
    """Evaluate every stored item captured since ``since``; compare with stored findings."""
    db = make_engine(settings.database_url)
    window = datetime.now(UTC) - timedelta(days=engine.repeat_window_days)
    changes: list[Change] = []
    with Session(db) as session:
        upheld = _upheld_counts(session, window)
        rows = session.scalars(
            select(models.Item).where(models.Item.captured_at >= since)
            .options(selectinload(models.Item.findings), selectinload(models.Item.account),
                     selectinload(models.Item.author))
            .order_by(models.Item.id)
        ).all()
        same_text = SameText(session, (row.text for row in rows), since)
        for row in rows:
            ctx = EvalContext(
                council=settings.council, platform=Platform(row.account.platform),
                account_handle=row.account.handle,
                author_upheld_recent=upheld.get(row.author_id, 0),
                same_text_authors=same_text.others(row.text, row.author.remote_id,
                                                   row.captured_at),
            )
            after = frozenset(f.rule_id for f in engine.evaluate(domain_item(row), ctx))
            before = frozenset(f.rule_id for f in row.findings)
            changes.append(Change(row.id, row.url or "", before, after))
    db.dispose()
    return changes
