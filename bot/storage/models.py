"""SQLAlchemy 2 models. Alembic migrations in ``migrations/`` must match these
(``alembic check`` runs in the tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    """A council account the bot watches, with its poll health."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    handle: Mapped[str] = mapped_column(String(255))
    remote_id: Mapped[str | None] = mapped_column(String(255))
    server_url: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_poll_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    auth_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_poll_requests: Mapped[int] = mapped_column(Integer, default=0)


class Cursor(Base):
    """Where polling of one stream of one account got to."""

    __tablename__ = "cursors"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    stream: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Author(Base):
    """A person or account that wrote to the council, as last seen."""

    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("platform", "remote_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    remote_id: Mapped[str] = mapped_column(String(255))
    handle: Mapped[str] = mapped_column(String(255), index=True)
    display_name: Mapped[str] = mapped_column(Text, default="")
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    account_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthorAlias(Base):
    """Every handle and display name an author was seen with (for subject access)."""

    __tablename__ = "author_aliases"
    __table_args__ = (UniqueConstraint("author_id", "handle", "display_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id", ondelete="CASCADE"), index=True)
    handle: Mapped[str] = mapped_column(String(255), index=True)
    display_name: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Item(Base):
    """A reply, mention, quote or DM, with its evidence as captured."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("account_id", "remote_id"),
        Index("ix_items_captured_at", "captured_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    remote_id: Mapped[str] = mapped_column(String(512))
    kind: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)
    author_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    in_reply_to_id: Mapped[str | None] = mapped_column(String(512))
    thread_root_id: Mapped[str | None] = mapped_column(String(512))
    context_text: Mapped[str] = mapped_column(Text, default="")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    raw: Mapped[str] = mapped_column(Text)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    minimised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[Author] = relationship()
    account: Mapped[Account] = relationship()
    findings: Mapped[list[Finding]] = relationship(back_populates="item", cascade="all, delete-orphan")


class Media(Base):
    """An attachment fetched as evidence (size-capped) with its hash."""

    __tablename__ = "media"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    # Retry state for a download that failed for a reason that may pass (server error, timeout).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Finding(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[str] = mapped_column(String(80), index=True)
    ground: Mapped[str] = mapped_column(String(30), index=True)
    severity: Mapped[int] = mapped_column(Integer)
    clauses: Mapped[list[str]] = mapped_column(JSON, default=list)
    spans: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text)
    proposed_actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    police_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column()
    # The model file (SHA-256) a second-opinion rule consulted: which model decided.
    model_sha256: Mapped[str | None] = mapped_column(String(200))  # one SHA-256, or two with a space
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None until the clerk decides: True upheld (approved), False overturned (rejected).
    upheld: Mapped[bool | None] = mapped_column(Boolean)

    item: Mapped[Item] = relationship(back_populates="findings")


class ReviewItem(Base):
    """One flagged item waiting for (or given) the clerk's decision."""

    __tablename__ = "review_items"
    __table_args__ = (Index("ix_review_items_queue", "status", "severity", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    severity: Mapped[int] = mapped_column(Integer)
    police_referral_suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    police_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    # An upheld breach with no action on the platform says why (``NoActionReason``).
    no_action_reason: Mapped[str | None] = mapped_column(String(30))

    item: Mapped[Item] = relationship()
    actions: Mapped[list[Action]] = relationship(back_populates="review_item", order_by="Action.id")


class Action(Base):
    """A proposed or approved action and where it is in its lifecycle."""

    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="proposed")
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    executing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who is carrying it out now and until when (``bot.leases``); renewed while in flight.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(80))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    review_item: Mapped[ReviewItem] = relationship(back_populates="actions")
    account: Mapped[Account] = relationship()


class AuditEvent(Base):
    """Append-only, hash-chained record of every transition and decision."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    event: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(30), default="")
    subject_id: Mapped[str] = mapped_column(String(80), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)


class OutboxMessage(Base):
    """An automatic reply to a DM, sent at most once (idempotency key per item)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_sender", "account_id", "recipient_remote_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    recipient_remote_id: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The process sending it now and until when (``bot.leases``).
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class User(Base):
    """Someone allowed to act on the accounts: clerk, deputy or delegate. No councillors."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    email: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(Text)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int] = mapped_column(BigInteger, default=0)
    recovery_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored,
    so a copy of the database cannot be replayed as a cookie."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class SignInThrottle(Base):
    """Failed sign-in attempts from one network address, for the growing delay."""

    __tablename__ = "sign_in_throttle"
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Alert(Base):
    """An e-mail to the clerk (urgent finding, digest, poll failure) with retry state."""

    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Summary(Base):
    """A monthly moderation summary produced for the council."""

    __tablename__ = "summaries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    html_path: Mapped[str] = mapped_column(Text)
    pdf_path: Mapped[str] = mapped_column(Text)
    annex_path: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ServiceLease(Base):
    """A running ``modbot run`` service as it reports itself, renewed every half minute.

    A restore (from any host) refuses while an unexpired lease exists; a service that
    died leaves a lease that simply expires. Not to be confused with the per-action
    executor leases: this one says "a service uses this database"."""

    __tablename__ = "service_leases"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid:start time
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Installation(Base):
    """The one row naming this installation; it travels in every backup, so a restore can
    tell a backup of this database from one of another council's or another server's."""

    __tablename__ = "installation"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The quiet-account tables live in their own module but on the same metadata, so every
# user of the models (migrations, backups, ``create_all``) sees them.
from bot.storage import quiet_models as _quiet_models  # noqa: E402,F401
