"""Signing in: password, then a code from the authenticator app (or a recovery code).

A user whose two-factor sign-in is not set up yet is shown a QR code to scan and
must enter a code from it before getting in. Failures count towards a lockout.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for

from bot import audit
from bot.storage import models as m
from bot.storage.db import transaction
from bot.uk_time import uk_time_today
from bot.users import (
    UserError,
    change_password,
    end_sessions,
    find_user,
    is_locked,
    new_recovery_codes,
    otpauth_uri,
    password_matches,
    qr_svg,
    record_success,
    use_recovery_code,
    verify_totp,
)
from bot.web import sessions as web_sessions
from bot.web import sign_in_guard as guard
from bot.web import throttle
from bot.web.security import REVIEW_ROLES, client_address, end_session, now, requires, safe_next, start_session

bp = Blueprint("auth", __name__)
PENDING_SECONDS = 300
EXPIRED = {
    "idle": "You were signed out because the page was not used for a while.",
    "absolute": "You were signed out because you signed in a long time ago. Please sign in again.",
}


def _sessions() -> Any:
    return current_app.config["MODBOT_SESSIONS"]


def _settings() -> Any:
    return current_app.config["MODBOT_APP"].settings


def _locked_message(user: m.User) -> str:
    until = uk_time_today(user.locked_until, now()) if user.locked_until else "later"
    return f"Too many failed attempts: signing in as {user.name} is paused until {until}."


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    if g.get("user") is not None:
        return redirect(url_for("review.queue"))
    if request.method == "GET":
        expired = EXPIRED.get(str(session.pop("expired", "")), "")
        return render_template("sign_in.html", next=request.args.get("next", ""), expired=expired)
    name = request.form.get("name", "").strip()[:80]
    password = request.form.get("password", "")[:1024]
    address = client_address()
    with transaction(_sessions()) as s:
        wait = throttle.wait_left(s, address, now())
        if wait is not None:  # refused before any password work
            return _refused(throttle.wait_message(wait), name, 429)
        user = find_user(s, name) if name else None
        ok = password_matches(user.password_hash if user else None, password)
        if user is None or not guard.password_passed(s, _settings(), user, ok, address, now()):
            if user is None:
                guard.address_failed(s, _settings(), address, now())
            return _refused(guard.NOT_RIGHT, name, 401)
        session.clear()
        session["pending_uid"], session["pending_at"] = user.id, now().timestamp()
        session["next"] = safe_next(request.form.get("next"), "")
        enrolled = user.totp_confirmed
    return redirect(url_for("auth.code" if enrolled else "auth.enrol"))


def _refused(error: str, name: str, status: int) -> Any:
    return render_template("sign_in.html", error=error, name=name, next=request.form.get("next", "")), status


def _pending_user(s: Any) -> m.User | None:
    uid, at = session.get("pending_uid"), float(session.get("pending_at", 0))
    if uid is None or now().timestamp() - at > PENDING_SECONDS:
        return None
    user = s.get(m.User, uid)
    return user if user is not None and user.active else None


def _finish(user: m.User) -> Any:
    target = safe_next(session.get("next"), url_for("review.queue"))
    start_session(user)
    return redirect(target)


@bp.route("/sign-in/code", methods=["GET", "POST"])
def code() -> Any:
    with transaction(_sessions()) as s:
        user = _pending_user(s)
        if user is None or not user.totp_confirmed:
            flash("Please sign in again.")
            return redirect(url_for("auth.sign_in"))
        if request.method == "GET":
            return render_template("code.html")
        address = client_address()
        wait = throttle.wait_left(s, address, now())
        if wait is not None:
            return render_template("code.html", error=throttle.wait_message(wait)), 429
        if is_locked(user, now()):  # the password was right, so saying so reveals nothing new
            return render_template("code.html", error=_locked_message(user)), 401
        recovery = request.form.get("recovery_code", "").strip()
        entered = request.form.get("code", "").strip()
        method = "recovery_code" if recovery else "totp"
        ok = use_recovery_code(user, recovery) if recovery else verify_totp(user, entered, now())
        if not ok:
            guard.user_failed(s, _settings(), user, address, now(), method)
            error = _locked_message(user) if is_locked(user, now()) else guard.NOT_RIGHT
            return render_template("code.html", error=error), 401
        record_success(s, user, now(), method)
        guard.succeeded(s, address)
        if recovery:
            flash(f"You used a recovery code; {len(user.recovery_codes)} are left. "
                  "Make new ones from 'Your sign-in' if you are running low.")
    return _finish(user)


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
def enrol() -> Any:
    with transaction(_sessions()) as s:
        user = _pending_user(s)
        if user is None or user.totp_confirmed:
            return redirect(url_for("auth.sign_in"))
        uri = otpauth_uri(user)
        page = {"qr": qr_svg(uri), "secret": user.totp_secret, "uri": uri}
        if request.method == "GET":
            return render_template("enrol.html", **page)
        if not verify_totp(user, request.form.get("code", ""), now()):
            guard.user_failed(s, _settings(), user, client_address(), now(), "enrolment")
            return render_template("enrol.html", error=guard.NOT_RIGHT, **page), 401
        user.totp_confirmed = True
        audit.record(s, user.name, "user.two_factor_enrolled", "user", user.name, {}, at=now())
        codes = () if user.recovery_codes else new_recovery_codes(s, user, user.name, now())
        record_success(s, user, now(), "enrolment")
        guard.succeeded(s, client_address())
    start_session(user)
    return render_template("recovery_codes.html", codes=codes, enrolled=True)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Any:
    if g.get("user") is not None:
        with transaction(_sessions()) as s:
            audit.record(s, g.user.name, "logout", "user", g.user.name, {}, at=now())
    end_session()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))


@bp.route("/my-sign-in", methods=["GET", "POST"])
@requires(REVIEW_ROLES)
def my_account() -> Any:
    if request.method == "GET":
        return _my_account_page()
    what = request.form.get("what")
    if what in ("end_session", "sign_out_everywhere"):
        return _end_sessions(what)
    with transaction(_sessions()) as s:
        user = s.get(m.User, g.user.id)
        if user is None:  # removed since this request began
            return redirect(url_for("auth.sign_in"))
        if what == "recovery_codes":
            codes = new_recovery_codes(s, user, user.name, now())
            return render_template("recovery_codes.html", codes=codes, enrolled=False)
        error = _change_password(s, user)
    if error:
        return _my_account_page(error, 400)
    start_session(user)  # every other browser was signed out; this one gets a new session
    flash("Your password has been changed. You have been signed out everywhere else.")
    return redirect(url_for("auth.my_account"))


def _change_password(s: Any, user: m.User) -> str:
    """'' when changed (and every session of the user ended), else what was wrong."""
    if not password_matches(user.password_hash, request.form.get("current_password", "")):
        guard.user_failed(s, _settings(), user, client_address(), now(), "password_change")
        return "Your current password was not right."
    if request.form.get("new_password") != request.form.get("confirm_password"):
        return "The two new passwords are different."
    try:
        change_password(s, user, request.form.get("new_password", ""), user.name, now(), _settings().council.name)
    except UserError as exc:
        return str(exc)
    return ""


def _my_account_page(error: str = "", status: int = 200) -> Any:
    with current_app.config["MODBOT_READS"]() as s:
        browsers = web_sessions.of_user(s, g.user.id)
    return render_template("my_account.html", error=error, remaining=len(g.user.recovery_codes or []),
                           browsers=browsers, this_session=g.user.session_id), status


def _end_sessions(what: str) -> Any:
    with transaction(_sessions()) as s:
        if what == "sign_out_everywhere":
            user = s.get(m.User, g.user.id)
            if user is not None:
                end_sessions(s, user, user.name, "signed out everywhere", now())
        else:
            ended = web_sessions.end_one(s, g.user.id, request.form.get("session_id", type=int) or 0)
            if ended:
                audit.record(s, g.user.name, "logout.other_browser", "user", g.user.name, {}, at=now())
    if what == "sign_out_everywhere":
        session.clear()
        flash("You have been signed out everywhere, including here.")
        return redirect(url_for("auth.sign_in"))
    flash("That browser has been signed out." if ended else "That browser was already signed out.")
    return redirect(url_for("auth.my_account"))
