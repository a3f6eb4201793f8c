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
from bot.users import (
    UserError,
    change_password,
    find_user,
    is_locked,
    new_recovery_codes,
    otpauth_uri,
    password_matches,
    qr_svg,
    record_failure,
    record_success,
    use_recovery_code,
    verify_totp,
)
from bot.web.security import REVIEW_ROLES, now, requires, safe_next, start_session

bp = Blueprint("auth", __name__)
PENDING_SECONDS = 300
NOT_RIGHT = "The name, password or code was not right. Check them and try again."


def _sessions() -> Any:
    return current_app.config["MODBOT_SESSIONS"]


def _locked_message(user: m.User) -> str:
    until = user.locked_until.strftime("%H:%M UTC") if user.locked_until else "later"
    return f"Too many failed attempts: signing in as {user.name} is paused until {until}."


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    if g.get("user") is not None:
        return redirect(url_for("review.queue"))
    if request.method == "GET":
        expired = session.pop("expired", False)
        return render_template("sign_in.html", next=request.args.get("next", ""), expired=expired)
    name = request.form.get("name", "").strip()[:80]
    password = request.form.get("password", "")[:1024]
    with transaction(_sessions()) as s:
        user = find_user(s, name) if name else None
        ok = password_matches(user.password_hash if user else None, password)
        error = _password_outcome(s, user, ok)
        if error is None and user is not None:
            session.clear()
            session["pending_uid"], session["pending_at"] = user.id, now().timestamp()
            session["next"] = safe_next(request.form.get("next"), "")
            enrolled = user.totp_confirmed
    if error is not None:
        return render_template("sign_in.html", error=error, name=name, next=request.form.get("next", "")), 401
    return redirect(url_for("auth.code" if enrolled else "auth.enrol"))


def _password_outcome(s: Any, user: m.User | None, ok: bool) -> str | None:
    """None when the password step passed, else the message to show."""
    if user is None or not user.active:
        return NOT_RIGHT
    if is_locked(user, now()):
        if not ok:
            record_failure(s, user, now(), "password")
            return NOT_RIGHT
        audit.record(s, user.name, "login.refused", "user", user.name, {"reason": "locked after failed attempts"},
                     at=now())
        return _locked_message(user)
    if not ok:
        record_failure(s, user, now(), "password")
        return _locked_message(user) if is_locked(user, now()) else NOT_RIGHT
    return None


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
        if is_locked(user, now()):
            return render_template("code.html", error=_locked_message(user)), 401
        recovery = request.form.get("recovery_code", "").strip()
        entered = request.form.get("code", "").strip()
        method = "recovery_code" if recovery else "totp"
        ok = use_recovery_code(user, recovery) if recovery else verify_totp(user, entered, now())
        if not ok:
            record_failure(s, user, now(), method)
            error = _locked_message(user) if is_locked(user, now()) else NOT_RIGHT
            return render_template("code.html", error=error), 401
        record_success(s, user, now(), method)
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
            record_failure(s, user, now(), "enrolment")
            return render_template("enrol.html", error=NOT_RIGHT, **page), 401
        user.totp_confirmed = True
        audit.record(s, user.name, "user.two_factor_enrolled", "user", user.name, {}, at=now())
        codes = () if user.recovery_codes else new_recovery_codes(s, user, user.name, now())
        record_success(s, user, now(), "enrolment")
    start_session(user)
    return render_template("recovery_codes.html", codes=codes, enrolled=True)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Any:
    if g.get("user") is not None:
        with transaction(_sessions()) as s:
            audit.record(s, g.user.name, "logout", "user", g.user.name, {}, at=now())
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))


@bp.route("/my-sign-in", methods=["GET", "POST"])
@requires(REVIEW_ROLES)
def my_account() -> Any:
    if request.method == "GET":
        return render_template("my_account.html", remaining=len(g.user.recovery_codes or []))
    with transaction(_sessions()) as s:
        user = s.get(m.User, g.user.id)
        if user is None:  # removed since this request began
            return redirect(url_for("auth.sign_in"))
        if request.form.get("what") == "recovery_codes":
            codes = new_recovery_codes(s, user, user.name, now())
            return render_template("recovery_codes.html", codes=codes, enrolled=False)
        if not password_matches(user.password_hash, request.form.get("current_password", "")):
            record_failure(s, user, now(), "password_change")
            error = "Your current password was not right."
        elif request.form.get("new_password") != request.form.get("confirm_password"):
            error = "The two new passwords are different."
        else:
            try:
                change_password(s, user, request.form.get("new_password", ""), user.name, now())
                error = ""
            except UserError as exc:
                error = str(exc)
    if error:
        return render_template("my_account.html", error=error, remaining=len(g.user.recovery_codes or [])), 400
    flash("Your password has been changed.")
    return redirect(url_for("auth.my_account"))
