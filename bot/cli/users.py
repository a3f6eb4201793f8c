"""``modbot user add|list|disable|sign-out``: the people who may act on the accounts.

The first clerk is created here; after that the clerk can manage users on the web
page. Secrets (password, TOTP secret, recovery codes) are printed once, never stored
in clear text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.cli.common import settings_from
from bot.storage import models as m
from bot.storage.db import make_engine, make_session_factory, transaction
from bot.uk_time import uk_datetime
from bot.users import ROLES, UserError, create_user, end_sessions, find_user, set_active


def register(sub: Any) -> None:
    user = sub.add_parser("user", help="manage the clerk, deputy and delegates")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_sub.add_parser("add", help="add a user; prints the password, TOTP secret and recovery codes once")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--password-file", help="read the password from this file (else one is generated)")
    add.add_argument("--reason", default="", help="why the user is added (kept in the audit log)")
    add.set_defaults(func=cmd_add)
    lst = user_sub.add_parser("list", help="list users")
    lst.set_defaults(func=cmd_list)
    dis = user_sub.add_parser("disable", help="withdraw a user's access")
    dis.add_argument("name")
    dis.add_argument("--reason", default="", help="why (kept in the audit log)")
    dis.set_defaults(func=cmd_disable)
    out = user_sub.add_parser("sign-out", help="sign a user out in every browser (for a lost or stolen device)")
    out.add_argument("name")
    out.add_argument("--reason", default="", help="why (kept in the audit log)")
    out.set_defaults(func=cmd_sign_out)


def _sessions(args: argparse.Namespace) -> Any:
    settings = settings_from(args)
    return make_session_factory(make_engine(settings.database_url))


def cmd_add(args: argparse.Namespace) -> int:
    password = None
    if args.password_file:
        try:
            password = Path(args.password_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            print(f"error: cannot read {args.password_file}: {exc.strerror}", file=sys.stderr)
            return 2
    try:
        with transaction(_sessions(args)) as s:
            new = create_user(s, args.name, args.role, password=password, created_by="cli", reason=args.reason)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"User {args.name} added as {args.role}.")
    if password is None:
        print(f"Password (shown once): {new.password}")
    print(f"Two-factor secret for the authenticator app: {new.totp_secret}")
    print(f"Or this otpauth URI: {new.otpauth_uri}")
    print("At the first sign-in the web page shows a QR code for the same secret and asks for a code.")
    print("Recovery codes (each works once; keep them somewhere safe, offline):")
    for code in new.recovery_codes:
        print(f"  {code}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _sessions(args)() as s:
        users = s.execute(select(m.User).order_by(m.User.name)).scalars().all()
    if not users:
        print("No users yet. Add the clerk with: modbot user add NAME --role clerk")
        return 0
    print(f"{'name':<24} {'role':<9} {'active':<7} {'2FA':<9} last sign-in")
    for u in users:
        last = uk_datetime(u.last_login_at)
        two_fa = "enrolled" if u.totp_confirmed else "pending"
        print(f"{u.name:<24} {u.role:<9} {'yes' if u.active else 'no':<7} {two_fa:<9} {last}")
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    try:
        with transaction(_sessions(args)) as s:
            set_active(s, args.name, False, actor="cli", reason=args.reason)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"User {args.name} disabled; they are signed out in every browser.")
    return 0


def cmd_sign_out(args: argparse.Namespace) -> int:
    """End every session of the user (the page's "sign out everywhere"), audited."""
    reason = args.reason.strip() or "signed out everywhere from the command line"
    with transaction(_sessions(args)) as s:
        user = find_user(s, args.name)
        if user is None:
            print(f"error: there is no user called {args.name}", file=sys.stderr)
            return 2
        ended = end_sessions(s, user, "cli", reason, audit_none=True)
    browsers = "browser" if ended == 1 else "browsers"
    print(f"User {args.name} signed out everywhere: {ended} {browsers} signed out. "
          "Their password and authenticator still work; change or reset them if they may be known to someone else.")
    return 0
