"""Server-side sessions for the clerk's page.

The browser's signed cookie carries only a random token; the ``web_sessions`` table
holds its SHA-256 with the user, when the session started, when it was last used,
the address and the browser. Ending a session deletes its row, so a copied cookie
stops working at once (sign-out, "end" on the 'Your sign-in' page, and, through
``bot.users``, a password change, a two-factor reset or disabling the user).

A session ends after ``web.session_idle_minutes`` without use and, however busy,
``web.session_max_hours`` after sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.storage import models as m

# last_seen_at is written at most this often, so reading a page is not a database
# write each time; the idle timeout is therefore exact to within this much.
TOUCH_EVERY = timedelta(seconds=60)

_S = m.WebSession.__table__.c  # type: ignore[attr-defined]
_U = m.User.__table__.c  # type: ignore[attr-defined]
# Read on every request: one plain statement (session and user together), compiled once.
_LOOKUP = (
    select(_S.id.label("session_id"), _S.created_at, _S.last_seen_at, _U.id, _U.name, _U.role, _U.active,
           _U.totp_confirmed, _U.recovery_codes)
    .join_from(m.WebSession.__table__, m.User.__table__, _S.user_id == _U.id)  # type: ignore[arg-type]
    .where(_S.token_hash == bindparam("token_hash"))
)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta

    def expiry_reason(self, created_at: datetime, last_seen_at: datetime, now: datetime) -> str | None:
        """'idle' or 'absolute' when a session has run out, else None."""
        if now - created_at > self.absolute:
            return "absolute"
        if now - last_seen_at > self.idle:
            return "idle"
        return None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(s: Session, user_id: int, now: datetime, address: str, user_agent: str, lifetimes: Lifetimes) -> str:
    """A new session for ``user_id``; returns the token for the cookie. Sessions that
    have run out (anyone's) are deleted here, so the table stays small without a job."""
    s.execute(delete(m.WebSession).where(or_(m.WebSession.created_at < now - lifetimes.absolute,
                                              m.WebSession.last_seen_at < now - lifetimes.idle)))
    token = secrets.token_urlsafe(32)
    s.add(m.WebSession(token_hash=token_hash(token), user_id=user_id, created_at=now, last_seen_at=now,
                       address=address[:64], user_agent=user_agent[:300]))
    return token


def lookup(s: Session, token: str) -> Any:
    """The session's row joined with its user, or None if the session was ended."""
    return s.connection().execute(_LOOKUP, {"token_hash": token_hash(token)}).first()


def touch(s: Session, session_id: int, now: datetime) -> None:
    s.execute(update(m.WebSession).where(m.WebSession.id == session_id).values(last_seen_at=now))


def end(s: Session, token: str) -> None:
    s.execute(delete(m.WebSession).where(m.WebSession.token_hash == token_hash(token)))


def end_one(s: Session, user_id: int, session_id: int) -> bool:
    """End one of the user's own sessions (never someone else's). True if it existed."""
    result = s.execute(delete(m.WebSession).where(m.WebSession.id == session_id, m.WebSession.user_id == user_id))
    return bool(getattr(result, "rowcount", 0))


def of_user(s: Session, user_id: int) -> list[m.WebSession]:
    return list(s.execute(select(m.WebSession).where(m.WebSession.user_id == user_id)
                          .order_by(m.WebSession.last_seen_at.desc())).scalars())
