"""Sign-in state, roles, CSRF tokens and security headers for the clerk's page.

Flask's signed cookie (``HttpOnly``, ``SameSite=Lax``, ``Secure`` from the settings)
holds only a random session token and the CSRF token; the session itself is a row
in the database (``bot/web/sessions.py``), read with its user on every request, so
ending it anywhere ends it at once.
"""

from __future__ import annotations

import functools
import hmac
import os
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from bot.settings import Settings, read_secret
from bot.storage import models as m
from bot.storage.db import transaction
from bot.web import sessions, throttle

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
# Sent when cookies are Secure, i.e. the page is only used over HTTPS: browsers then
# refuse plain HTTP to it for a year, so a network attacker cannot strip the TLS.
HSTS = "max-age=31536000; includeSubDomains"
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
        PERMANENT_SESSION_LIFETIME=timedelta(hours=int(settings.get("web.session_max_hours"))),
        SESSION_REFRESH_EACH_REQUEST=True,
        MAX_CONTENT_LENGTH=256 * 1024,
    )


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
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
    session_id: int = 0


def now() -> datetime:
    clock: Callable[[], datetime] = current_app.config["MODBOT_CLOCK"]
    return clock()


def lifetimes() -> sessions.Lifetimes:
    return current_app.config["MODBOT_LIFETIMES"]  # type: ignore[no-any-return]


def client_address() -> str:
    return throttle.client_address(request.remote_addr, request.headers.get("X-Forwarded-For"),
                                   current_app.config["MODBOT_TRUSTED_PROXIES"])


def header_text(name: str) -> str:
    """A request header as the text the browser sent.

    WSGI (PEP 3333) hands headers over as ISO-8859-1-decoded strings, so a browser or
    app name sent in UTF-8 ("Navigateur é") would read as mojibake ("Navigateur Ã©"):
    the bytes are decoded again as UTF-8, and bytes that are not valid UTF-8 become
    the replacement character.
    """
    value = request.headers.get(name, "")
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:  # already text beyond latin-1: not from a WSGI server, keep it
        return value
    return raw.decode("utf-8", errors="replace")


def start_session(user: m.User) -> None:
    """A fresh server-side session after sign-in (nothing from before sign-in survives)."""
    with transaction(current_app.config["MODBOT_SESSIONS"]) as s:
        token = sessions.start(s, user.id, now(), client_address(), header_text("User-Agent"), lifetimes())
    session.clear()
    session.permanent = True
    session["sid"] = token
    csrf_token()


def end_session() -> None:
    """Sign this browser out: its session row goes, so a copy of the cookie is useless."""
    token = session.get("sid")
    if token:
        with transaction(current_app.config["MODBOT_SESSIONS"]) as s:
            sessions.end(s, str(token))
    session.clear()


def load_user() -> None:
    """Put the signed-in, active user in ``g.user`` (or None); apply both time limits."""
    g.user = None
    token = session.get("sid")
    if not token:
        return
    with current_app.config["MODBOT_READS"]() as s:
        row = sessions.lookup(s, str(token))
    if row is None or not row.active or not row.totp_confirmed:
        session.clear()  # ended elsewhere, or the user was disabled or reset
        return
    at = now()
    expired = lifetimes().expiry_reason(row.created_at, row.last_seen_at, at)
    if expired:
        end_session()
        session["expired"] = expired  # told on the sign-in page
        return
    g.user = SignedIn(row.id, row.name, row.role, list(row.recovery_codes or []), row.session_id)
    if at - row.last_seen_at >= sessions.TOUCH_EVERY:
        with transaction(current_app.config["MODBOT_SESSIONS"]) as s:
            sessions.touch(s, row.session_id, at)


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
    """Only a page of this site: a local path that the site has, with no control
    characters or spaces (a browser drops a tab or newline inside a URL, so a slash,
    a tab and a slash would become ``//evil``), no backslash and no second slash at the start, checked
    before and after percent-decoding."""
    if not target or len(target) > 2000:
        return default
    decoded = unquote(target)
    for text in (target, decoded):
        if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text) or "\\" in text:
            return default
        if not text.startswith("/") or text.startswith("//"):
            return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not _is_route(parts.path):
        return default
    return target


def _is_route(path: str) -> bool:
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except RequestRedirect:
        return True  # e.g. a missing trailing slash: still this site's page
    except HTTPException:
        return False
    return True
