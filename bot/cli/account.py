"""``modbot account add PLATFORM ...`` and ``modbot account check``.

Each platform's setup helper lives in its own module, listed in ``ACCOUNT_PLATFORMS``
(platform name -> dotted module name). A platform module provides:

- ``register_add(platforms)``: add its ``account add <platform>`` parser to the given
  subparsers, with ``set_defaults(func=...)`` (the function returns the exit status);
- ``check_account(account, out, data_dir) -> bool``: verify one configured account's credentials
  and permissions, print plain sentences to ``out``, return True when all is well.

Adding a platform is one line in ``ACCOUNT_PLATFORMS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.backup import sqlite_path
from bot.cli.common import settings_from
from bot.errors import ModbotError
from bot.poll_health import restore_login
from bot.settings import Settings
from bot.storage import models as m
from bot.storage.db import make_engine, make_session_factory, transaction

ACCOUNT_PLATFORMS: dict[str, str] = {
    "mastodon": "bot.cli.account_mastodon",
    "bluesky": "bot.cli.account_bluesky",
}


def platform_module(platform: str) -> ModuleType | None:
    name = ACCOUNT_PLATFORMS.get(platform)
    return importlib.import_module(name) if name else None


def register(sub: Any) -> None:
    parser = sub.add_parser("account", help="set up and check the council's platform accounts")
    actions = parser.add_subparsers(dest="account_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: _usage(parser))
    add = actions.add_parser("add", help="create the credentials for a new account, step by step")
    add.set_defaults(func=lambda args: _usage(add))
    platforms = add.add_subparsers(dest="platform", metavar="PLATFORM")
    for platform in ACCOUNT_PLATFORMS:
        module = platform_module(platform)
        if module is not None:
            module.register_add(platforms)
    check = actions.add_parser("check", help="verify each configured account's token and permissions")
    check.add_argument("--account", help="check only the account with this name")
    check.set_defaults(func=cmd_check)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def cmd_check(args: argparse.Namespace) -> int:
    """Exit 0 when every checked account works, 1 when one does not, 2 for bad usage."""
    settings = settings_from(args)
    accounts = [a for a in settings.accounts if a.enabled and (not args.account or a.name == args.account)]
    if not accounts:
        print(f"No enabled account named {args.account!r} in the settings.", file=sys.stderr)
        return 2
    all_ok = True
    for account in accounts:
        module = platform_module(account.platform.value)
        print(f"{account.name} ({account.platform.value}, {account.handle}):")
        if module is None:
            print("  nothing to check for this platform")
            continue
        try:
            ok = bool(module.check_account(account, sys.stdout, settings.data_dir))
        except ModbotError as exc:
            print(f"  FAILED: {exc.title} {exc}")
            ok = False
        else:  # the login works: a recorded login failure is over
            _note_login_works(settings, account.name)
        all_ok = all_ok and ok
    return 0 if all_ok else 1


def _note_login_works(settings: Settings, name: str) -> None:
    """Clear the account's recorded login failure, if the database has one."""
    path = sqlite_path(settings.database_url)
    if path is not None and not path.exists():
        return  # no database yet: nothing recorded, and nothing to create here
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            row = s.execute(select(m.Account).where(m.Account.name == name)).scalar_one_or_none()
            if row is not None and row.auth_failed:
                restore_login(s, row, m.utcnow(), "modbot account check passed")
                print("  the login failure recorded earlier is cleared; polling resumes")
    except SQLAlchemyError as exc:
        print(f"  (could not record this in the database: {type(exc).__name__})")
    finally:
        engine.dispose()
