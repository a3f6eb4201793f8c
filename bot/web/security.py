"""Sign-in state, roles, CSRF tokens and security headers for the clerk's page.

The session is Flask's signed cookie (``HttpOnly``, ``SameSite=Lax``, ``Secure``
from the settings). It holds only the user's id, the time of the last request
(for the idle timeout) and the CSRF token. The user row is read again on every
request, so disabling a user ends their session at once.
"""

from __future__ import annotations

import functools
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import bindparam, select
from werkzeug.wrappers import Response

from bot.settings import Settings, read_secret
from bot.storage import models as m

F = TypeVar("F", bound=Callable[..., Any])

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
REVIEW_ROLES = frozenset({"clerk", "deputy", "delegate"})
OVERSIGHT_ROLES = frozenset({"clerk", "deputy"})
CLERK_ONLY = frozenset({"clerk"})


def load_secret_key(settings: Settings) -> bytes:
    """From the environment variable named in the settings, else a key generated once
    into the data directory (owner-only), so sessions survive a restart."""
    from_env = read_secret(str(settings.get("web.secret_key_env") or ""))
    if from_env:
        return from_env.encode()
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def configure_cookies(flask_app: Flask, settings: Settings) -> None:
    secure = bool(settings.get("web.secure_cookies"))
    flask_app.config.update(
        SESSION_COOKIE_NAME="__Host-modbot" if secure else "modbot_session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        SESSION_REFRESH_EACH_REQUEST=True,
        MAX_CONTENT_LENGTH=256 * 1024,
    )


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


# -- CSRF -------------------------------------------------------------------------
def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def check_csrf() -> None:
    """Every POST must carry the session's token (forms include it as a hidden field)."""
    if request.method != "POST":
        return
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not sent or not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(400, description="The form had expired or did not come from this site. Please try again.")


# -- who is signed in ----------------------------------------------------------------
@dataclass(frozen=True)
class SignedIn:
    """The signed-in user as read at the start of this request (a plain value, not a row)."""

    id: int
    name: str
    role: str
    recovery_codes: list[str]


_U = m.User.__table__.c  # type: ignore[attr-defined]
# Read on every request: a plain statement, compiled once.
_USER = select(_U.id, _U.name, _U.role, _U.active, _U.totp_confirmed, _U.recovery_codes).where(
    _U.id == bindparam("uid"))


def now() -> datetime:
    clock: Callable[[], datetime] = current_app.config["MODBOT_CLOCK"]
    return clock()


def start_session(user: m.User) -> None:
    """A fresh session after sign-in (nothing from before sign-in survives)."""
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["seen"] = now().timestamp()
    csrf_token()


def load_user() -> None:
    """Put the signed-in, active user in ``g.user`` (or None); apply the idle timeout."""
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    idle = timedelta(minutes=int(current_app.config["MODBOT_IDLE_MINUTES"]))
    seen = float(session.get("seen", 0))
    if now().timestamp() - seen > idle.total_seconds():
        session.clear()
        session["expired"] = True  # told on the sign-in page
        return
    with current_app.config["MODBOT_READS"]() as s:
        row = s.connection().execute(_USER, {"uid": uid}).first()
    if row is None or not row.active or not row.totp_confirmed:
        session.clear()
        return
    g.user = SignedIn(row.id, row.name, row.role, list(row.recovery_codes or []))
    session["seen"] = now().timestamp()


def requires(roles: frozenset[str]) -> Callable[[F], F]:
    """The view needs a signed-in user with one of ``roles`` (else sign-in or 403)."""

    def wrap(view: F) -> F:
        @functools.wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if g.get("user") is None:
                target = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("auth.sign_in", next=target))
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, inner)

    return wrap


def safe_next(target: str | None, default: str) -> str:
    """Only local paths, never another site (``//evil`` or ``https://evil``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
