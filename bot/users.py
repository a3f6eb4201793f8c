"""The people allowed to act on the council's accounts: clerk, deputy and delegates.

Passwords are hashed with Argon2id; every user must use two-factor sign-in with an
authenticator app (TOTP), and gets one-time recovery codes for when the phone is
lost. Repeated failures lock the user out for a growing time. Every change is
written to the audit log with who did it and why. There is no councillor role.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from bot import audit
from bot.errors import ModbotError
from bot.storage import models as m

ROLES = ("clerk", "deputy", "delegate")
ROLE_LABELS = {
    "clerk": "Clerk (everything, including users)",
    "deputy": "Deputy clerk (review and decide)",
    "delegate": "Delegate (review and decide, until withdrawn)",
}
ISSUER = "Council modbot"
MIN_PASSWORD_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's score: 3 is "safely unguessable" (about 10^8 guesses or more)
MAX_CHECKED_LENGTH = 100  # zxcvbn's work grows with length; a longer password is long enough anyway
RECOVERY_CODE_COUNT = 10
FREE_ATTEMPTS = 5  # failures allowed before the lockout starts
MAX_LOCK = timedelta(hours=1)
TOTP_STEP = 30
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)

_hasher = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile
_DUMMY_HASH: str | None = None  # made on first use (hashing takes a moment)


class UserError(ModbotError):
    """A user change that cannot be made; the message is shown to the clerk."""

    title = "That change to the users cannot be made."


@dataclass(frozen=True)
class NewUser:
    """What a new user needs once: shown to them (or printed) and never again."""

    password: str
    totp_secret: str
    otpauth_uri: str
    recovery_codes: tuple[str, ...]


# -- secrets ------------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def prepare_dummy_hash() -> None:
    """Make the hash checked for unknown users, with the real hash's cost. Done when the
    page starts, so even the first unknown name takes no longer than a known one."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the user exists (a dummy hash is checked then)."""
    prepare_dummy_hash()
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH or "", password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def generate_password(name: str = "") -> str:
    """Five random words' worth of entropy in an easy-to-type form (about 100 bits),
    never containing ``name`` (a short user name can turn up in random letters)."""
    while True:
        password = "-".join(secrets.token_urlsafe(6) for _ in range(4))
        if not name or name.lower() not in password.lower():
            return password


def check_password_strength(password: str, name: str = "", council: str = "") -> None:
    """Length, not the user name, and not easy to guess: zxcvbn's estimate (its offline
    lists of common passwords, words and names, keyboard patterns, dates and
    repeats, plus the user and council names) must be at least "safely unguessable"."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if name and name.lower() in password.lower():
        raise UserError("The password must not contain the user name.")
    context = [w for w in (name, *council.split(), "council", "moderation", "modbot") if w]
    estimate = zxcvbn(password[:MAX_CHECKED_LENGTH], user_inputs=context)
    if estimate["score"] < MIN_STRENGTH:
        why = estimate["feedback"].get("warning") or "It is too close to passwords that are often used."
        raise UserError(f"That password is too easy to guess. {why.rstrip('.')}. Choose another: three or four "
                        "unrelated words, or the password the bot suggests, work well.")


def generate_recovery_codes() -> tuple[str, ...]:
    def one() -> str:
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        return f"{raw[:5]}-{raw[5:]}"

    return tuple(one() for _ in range(RECOVERY_CODE_COUNT))


def hash_recovery_code(code: str) -> str:
    # Codes carry ~49 bits of randomness each, so a plain SHA-256 is enough to keep a
    # stolen database from revealing them; no slow hash is needed.
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def normalise_recovery_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.lower() if ch.isalnum())
    return f"{cleaned[:5]}-{cleaned[5:]}"


def otpauth_uri(user: m.User) -> str:
    assert user.totp_secret
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.name, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (no external image, no script)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff",
                                                      title="QR code for your authenticator app"))


# -- creating and changing users -------------------------------------------------
def find_user(session: Session, name: str) -> m.User | None:
    return session.execute(select(m.User).where(m.User.name == name)).scalar_one_or_none()


def create_user(session: Session, name: str, role: str, password: str | None = None,
                created_by: str = "cli", reason: str = "", now: datetime | None = None) -> NewUser:
    """Add a user with a password, a TOTP secret (confirmed at first sign-in) and recovery codes."""
    name = name.strip()
    if not name or len(name) > 80 or any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise UserError("A user name must be 1 to 80 characters with no spaces or invisible characters.")
    if role not in ROLES:
        raise UserError(f"The role must be one of: {', '.join(ROLES)}.")
    if find_user(session, name) is not None:
        raise UserError(f"There is already a user called {name}.")
    password = password or generate_password(name)
    check_password_strength(password, name)
    codes = generate_recovery_codes()
    now = now or m.utcnow()
    user = m.User(name=name, role=role, password_hash=hash_password(password), totp_secret=pyotp.random_base32(),
                  totp_confirmed=False, recovery_codes=[hash_recovery_code(c) for c in codes],
                  created_by=created_by, created_at=now, active=True)
    session.add(user)
    session.flush()
    audit.record(session, created_by, "user.created", "user", user.name,
                 {"role": role, "reason": reason}, at=now)
    return NewUser(password, user.totp_secret or "", otpauth_uri(user), codes)


def set_active(session: Session, name: str, active: bool, actor: str, reason: str = "",
               now: datetime | None = None) -> m.User:
    """Withdraw (or restore) a user's access; a disabled user's sessions end at once."""
    user = _existing(session, name)
    if not active and user.role == "clerk" and _active_clerks(session) <= 1 and user.active:
        raise UserError("The last active clerk cannot be disabled.")
    user.active = active
    audit.record(session, actor, "user.enabled" if active else "user.disabled", "user", name,
                 {"reason": reason, "role": user.role}, at=now)
    if not active:
        end_sessions(session, user, actor, "access withdrawn", now)
    return user


def reset_two_factor(session: Session, name: str, actor: str, reason: str = "",
                     now: datetime | None = None) -> NewUser:
    """A new TOTP secret and recovery codes (for a lost phone); enrolment happens again."""
    user = _existing(session, name)
    codes = generate_recovery_codes()
    user.totp_secret, user.totp_confirmed, user.totp_last_step = pyotp.random_base32(), False, 0
    user.recovery_codes = [hash_recovery_code(c) for c in codes]
    audit.record(session, actor, "user.two_factor_reset", "user", name, {"reason": reason}, at=now)
    end_sessions(session, user, actor, "two-factor sign-in reset", now)
    return NewUser("", user.totp_secret or "", otpauth_uri(user), codes)


def unlock(session: Session, name: str, actor: str, reason: str = "", now: datetime | None = None) -> None:
    user = _existing(session, name)
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, actor, "user.unlocked", "user", name, {"reason": reason}, at=now)


def change_password(session: Session, user: m.User, new_password: str, actor: str,
                    now: datetime | None = None, council: str = "") -> None:
    check_password_strength(new_password, user.name, council)
    user.password_hash = hash_password(new_password)
    audit.record(session, actor, "user.password_changed", "user", user.name, {}, at=now)
    end_sessions(session, user, actor, "password changed", now)


def end_sessions(session: Session, user: m.User, actor: str, reason: str, now: datetime | None = None,
                 *, audit_none: bool = False) -> int:
    """Sign the user out in every browser (their session rows go); returns how many ended.

    Audited when any ended, or always with ``audit_none`` (someone asked for it)."""
    result = session.execute(delete(m.WebSession).where(m.WebSession.user_id == user.id))
    ended = int(getattr(result, "rowcount", 0) or 0)
    if ended or audit_none:
        audit.record(session, actor, "user.sessions_ended", "user", user.name,
                     {"sessions": ended, "reason": reason}, at=now)
    return ended


def new_recovery_codes(session: Session, user: m.User, actor: str, now: datetime | None = None) -> tuple[str, ...]:
    codes = generate_recovery_codes()
    user.recovery_codes = [hash_recovery_code(c) for c in codes]
    audit.record(session, actor, "user.recovery_codes_renewed", "user", user.name, {}, at=now)
    return codes


def _existing(session: Session, name: str) -> m.User:
    user = find_user(session, name)
    if user is None:
        raise UserError(f"There is no user called {name}.")
    return user


def _active_clerks(session: Session) -> int:
    return len(session.execute(select(m.User.id).where(m.User.role == "clerk", m.User.active.is_(True))).all())


# -- signing in -----------------------------------------------------------------
def is_locked(user: m.User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def record_failure(session: Session, user: m.User, now: datetime, stage: str) -> None:
    """Count a failed attempt; from the sixth on, lock for 1, 2, 4... minutes (at most an hour)."""
    user.failed_logins += 1
    over = user.failed_logins - FREE_ATTEMPTS
    if over >= 0:
        user.locked_until = now + min(timedelta(minutes=2 ** min(over, 10)), MAX_LOCK)
    audit.record(session, user.name, "login.failed", "user", user.name,
                 {"stage": stage, "failures": user.failed_logins,
                  "locked_until": user.locked_until.isoformat() if over >= 0 and user.locked_until else None},
                 at=now)


def record_success(session: Session, user: m.User, now: datetime, method: str) -> None:
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    audit.record(session, user.name, "login.succeeded", "user", user.name, {"method": method}, at=now)


def verify_totp(user: m.User, code: str, now: datetime) -> bool:
    """Accept the current code or its neighbours (clock drift), each code only once."""
    code = "".join(ch for ch in code if ch.isdigit())
    if not user.totp_secret or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = int(now.timestamp()) // TOTP_STEP
    for step in (current - 1, current, current + 1):
        if step > (user.totp_last_step or 0) and hmac.compare_digest(totp.at(step * TOTP_STEP), code):
            user.totp_last_step = step
            return True
    return False


def use_recovery_code(user: m.User, code: str) -> bool:
    """Spend one recovery code; each works once."""
    wanted = hash_recovery_code(code)
    remaining = list(user.recovery_codes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, wanted):
            remaining.remove(stored)
            user.recovery_codes = remaining
            return True
    return False
