"""Tables of the quiet-account features: the council's own posts (and the reply gate
each one needs), pile-ons seen, and pre-election periods set from the command line.

Same ``Base`` as ``bot.storage.models``, so one metadata and one migration chain.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, UTCDateTime, utcnow


class CouncilPost(Base):
    """A post the council published, as the bot saw it, and the reply gate it needs.

    ``gate_state``: ``none`` (nothing to do), ``pending`` (to be set; a lease like the
    DM outbox's), ``done``, ``failed`` or ``observe`` (would be set in live mode).
    """

    __tablename__ = "council_posts"
    __table_args__ = (UniqueConstraint("account_id", "remote_id"),
                      Index("ix_council_posts_gate_due", "gate_state", "gate_next_attempt_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    remote_id: Mapped[str] = mapped_column(String(512))
    url: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_root: Mapped[bool] = mapped_column(Boolean, default=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    gate_policy: Mapped[str | None] = mapped_column(String(12))
    gate_state: Mapped[str] = mapped_column(String(12), default="none")
    gate_attempts: Mapped[int] = mapped_column(Integer, default=0)
    gate_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gate_error: Mapped[str | None] = mapped_column(Text)
    gate_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The review item of a pre-election warning about this post, if one was queued.
    election_review_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id", ondelete="SET NULL"))


class PileOn(Base):
    """A burst of replies to one council post, as counted when it was detected."""

    __tablename__ = "pile_ons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    post_remote_id: Mapped[str] = mapped_column(String(512), index=True)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    window_minutes: Mapped[int] = mapped_column(Integer)
    replies: Mapped[int] = mapped_column(Integer)
    newcomers: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), unique=True)


class ElectionPeriod(Base):
    """A pre-election period set with ``modbot election set`` (the settings may give one too)."""

    __tablename__ = "election_periods"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(80), default="")
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
