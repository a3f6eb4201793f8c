"""The users page, for the clerk only: add people, withdraw or restore access
(delegation case by case), reset a lost authenticator, lift a lockout."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.storage import models as m
from bot.storage.db import transaction
from bot.users import ROLE_LABELS, ROLES, UserError, create_user, reset_two_factor, set_active, unlock
from bot.web.security import CLERK_ONLY, now, requires

bp = Blueprint("admin", __name__)


def _sessions() -> Any:
    return current_app.config["MODBOT_APP"].sessions


def _list(error: str = "", status: int = 200) -> Any:
    with current_app.config["MODBOT_READS"]() as s:
        users = list(s.execute(select(m.User).order_by(m.User.active.desc(), m.User.name)).scalars())
    return render_template("users.html", users=users, roles=ROLES, role_labels=ROLE_LABELS, error=error,
                           now=now()), status


@bp.route("/users")
@requires(CLERK_ONLY)
def users() -> Any:
    return _list()


@bp.route("/users/add", methods=["POST"])
@requires(CLERK_ONLY)
def add() -> Any:
    reason = request.form.get("reason", "").strip()[:500]
    if not reason:
        return _list("Say why the user is being added (for example, which delegation this is).", 400)
    name = request.form.get("name", "").strip()
    try:
        with transaction(_sessions()) as s:
            new = create_user(s, name, request.form.get("role", ""), created_by=g.user.name, reason=reason, now=now())
            _clear_codes(s, name)  # they get recovery codes when they set up their authenticator
            role = request.form.get("role", "")
    except UserError as exc:
        return _list(str(exc), 400)
    return render_template("user_added.html", name=name, role=role, password=new.password)


CHANGES = {"disable", "enable", "reset_two_factor", "unlock"}


@bp.route("/users/<name>/change", methods=["POST"])
@requires(CLERK_ONLY)
def change(name: str) -> Any:
    what = request.form.get("what", "")
    reason = request.form.get("reason", "").strip()[:500]
    if what not in CHANGES:
        return _list("Choose what to change.", 400)
    if not reason:
        return _list(f"Say why you are changing {name}'s access.", 400)
    if what == "disable" and name == g.user.name:
        return _list("You cannot disable yourself.", 400)
    try:
        with transaction(_sessions()) as s:
            if what in ("disable", "enable"):
                set_active(s, name, what == "enable", g.user.name, reason, now())
            elif what == "reset_two_factor":
                reset_two_factor(s, name, g.user.name, reason, now())
                _clear_codes(s, name)
            else:
                unlock(s, name, g.user.name, reason, now())
    except UserError as exc:
        return _list(str(exc), 400)
    flash(f"{name}: {_DONE[what]}")
    return redirect(url_for("admin.users"))


def _clear_codes(s: Any, name: str) -> None:
    """After a reset the user sets up again at sign-in and gets fresh recovery codes then."""
    s.execute(select(m.User).where(m.User.name == name)).scalar_one().recovery_codes = []


_DONE = {
    "disable": "access withdrawn.",
    "enable": "access restored.",
    "reset_two_factor": "two-factor sign-in reset; they will scan a new QR code at their next sign-in.",
    "unlock": "lockout lifted.",
}
