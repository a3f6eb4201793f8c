"""Building a database with known contents for the report tests (and the docs' demo month)."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage import models as m

_ids = itertools.count(1)


@dataclass(frozen=True)
class Flag:
    rule_id: str
    ground: str
    severity: int
    police: bool = False


@dataclass
class Decision:
    status: str  # approved, rejected
    after_hours: float
    police_referral: bool = False
    actions: list[tuple[str, str]] = field(default_factory=list)  # (kind, state)


class Seeder:
    """Inserts accounts, authors, items, findings, review items, actions and DM replies directly."""

    def __init__(self, session: Session):
        self.s = session
        self.accounts: dict[str, m.Account] = {}
        self.authors: dict[tuple[str, str], m.Author] = {}

    def account(self, platform: str) -> m.Account:
        if platform not in self.accounts:
            found = self.s.execute(select(m.Account).where(m.Account.name == platform)).scalar_one_or_none()
            if found is not None:
                self.accounts[platform] = found
                return found
            row = m.Account(name=platform, platform=platform, handle=f"@council@{platform}.example", warnings=[])
            self.s.add(row)
            self.s.flush()
            self.accounts[platform] = row
        return self.accounts[platform]

    def author(self, platform: str, handle: str) -> m.Author:
        key = (platform, handle)
        if key not in self.authors:
            found = self.s.execute(select(m.Author).where(m.Author.platform == platform,
                                                          m.Author.handle == handle)).scalar_one_or_none()
            if found is not None:
                self.authors[key] = found
                return found
            row = m.Author(platform=platform, remote_id=f"id-{handle}", handle=handle, display_name=handle.title())
            self.s.add(row)
            self.s.flush()
            self.authors[key] = row
        return self.authors[key]

    def item(
        self,
        at: datetime,
        text: str,
        *,
        platform: str = "mastodon",
        kind: str = "reply",
        author: str = "resident_ann",
        flags: tuple[Flag, ...] = (),
        decision: Decision | None = None,
        dm_reply: str | None = None,
    ) -> m.Item:
        account, who = self.account(platform), self.author(platform, author)
        n = next(_ids)
        row = m.Item(
            account_id=account.id,
            remote_id=f"r-{n}",
            kind=kind,
            author_id=who.id,
            author_snapshot={"handle": author},
            text=text,
            html="",
            url="",
            created_at=at,
            captured_at=at,
            raw="{}",
            raw_sha256=hashlib.sha256(b"{}").hexdigest(),
            flagged=bool(flags),
            meta={},
        )
        self.s.add(row)
        self.s.flush()
        if flags:
            self._review(row, flags, decision, at)
        if dm_reply:
            self.s.add(
                m.OutboxMessage(
                    account_id=account.id,
                    item_id=row.id,
                    recipient_remote_id=who.remote_id,
                    text="auto",
                    state=dm_reply,
                    idempotency_key=f"dm-{n}",
                    created_at=at,
                )
            )
        return row

    def _review(self, row: m.Item, flags: tuple[Flag, ...], decision: Decision | None, at: datetime) -> None:
        upheld = None if decision is None else decision.status == "approved"
        for f in flags:
            self.s.add(
                m.Finding(
                    item_id=row.id,
                    rule_id=f.rule_id,
                    ground=f.ground,
                    severity=f.severity,
                    explanation="x",
                    police_referral=f.police,
                    created_at=at,
                    upheld=upheld,
                )
            )
        review = m.ReviewItem(
            item_id=row.id,
            status=decision.status if decision else "pending",
            severity=max(f.severity for f in flags),
            created_at=at,
            police_referral_suggested=any(f.police for f in flags),
            police_referral=bool(decision and decision.police_referral),
            decided_at=at + timedelta(hours=decision.after_hours) if decision else None,
        )
        self.s.add(review)
        self.s.flush()
        for kind, state in decision.actions if decision else []:
            self.s.add(
                m.Action(
                    review_item_id=review.id,
                    account_id=row.account_id,
                    kind=kind,
                    state=state,
                    idempotency_key=f"act-{review.id}-{kind}",
                    created_at=at,
                    updated_at=at,
                )
            )
        self.s.flush()
