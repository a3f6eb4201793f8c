"""``modbot account add bluesky`` and the Bluesky part of ``modbot account check``.

Adding an account logs in once with an app password, saves the session (owner-only
file in the data directory) and checks DM access. The app password itself is never
written anywhere: it lives in the environment variable named by ``app_password_env``,
which the bot needs only if the saved session ever stops working.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from bot.cli.common import settings_from
from bot.domain import AccountInfo, Platform
from bot.errors import ConfigError
from bot.settings import AccountSettings, load_settings, read_secret

PLATFORM = Platform.BLUESKY
DEFAULT_ENV = "MODBOT_BLUESKY_APP_PASSWORD"  # the name config/modbot.example.yaml uses

SETUP_GUIDE = """\
The bot signs in to Bluesky with an APP PASSWORD, never the account's main password.
  1. Sign in to Bluesky as the council's account (bsky.app).
  2. Settings > Privacy and security > App passwords > Add app password.
  3. Name it "modbot" and TICK "Allow access to your direct messages",
     otherwise the bot cannot read DMs or send the automatic reply.
  4. Copy the password (xxxx-xxxx-xxxx-xxxx): Bluesky shows it only once.
You can revoke it at any time on the same page; the bot then stops until given a new one.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``modbot account add bluesky``."""
    parser.add_argument("--handle", required=True, help="the council's handle, e.g. thornburytc.bsky.social")
    parser.add_argument("--name", default="bluesky", help="short name of the account in the settings")
    parser.add_argument("--server", default="https://bsky.social",
                        help="the account's PDS (default https://bsky.social)")
    parser.add_argument("--app-password-env", default=DEFAULT_ENV,
                        help=f"environment variable holding the app password (default {DEFAULT_ENV})")
    parser.add_argument("--data-dir", help="data directory, when there is no settings file yet")


def _data_dir(args: argparse.Namespace) -> Path:
    try:
        return settings_from(args).data_dir
    except ConfigError:
        if getattr(args, "data_dir", None):
            return Path(args.data_dir).resolve()
        raise


def _print_info(info: AccountInfo, out: TextIO | None = None, indent: str = "", read_dms: bool = True) -> None:
    out = out or sys.stdout
    print(f"{indent}Signed in to Bluesky as @{info.handle} ({info.remote_id}).", file=out)
    for warning in info.warnings:
        print(f"{indent}warning: {warning}", file=out)
    if not read_dms:
        print(f"{indent}Direct messages: not read (read_dms: false in the settings); "
              "no automatic reply is sent from this account.", file=out)
    elif not info.warnings:
        print(f"{indent}Direct messages: readable; the automatic reply can be sent.", file=out)


def register_add(platforms: Any) -> None:
    """``modbot account add bluesky`` (called by ``bot.cli.account``)."""
    parser = platforms.add_parser("bluesky", help="sign the bot in to Bluesky with an app password")
    add_arguments(parser)
    parser.set_defaults(func=add)


def add(args: argparse.Namespace) -> int:
    """Explain app passwords, log in once, save the session, show the settings to add."""
    from adapters.bluesky import BlueskyAdapter

    print(SETUP_GUIDE)
    password = read_secret(args.app_password_env)
    if not password:
        if not sys.stdin.isatty():
            print(f"error: set {args.app_password_env} (or {args.app_password_env}_FILE) "
                  "to the app password", file=sys.stderr)
            return 2
        password = getpass.getpass("App password: ").strip()
    data_dir = _data_dir(args)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    account = AccountSettings(name=args.name, platform=Platform.BLUESKY, handle=args.handle.lstrip("@"),
                              server_url=args.server, app_password_env=args.app_password_env)
    _print_info(BlueskyAdapter(account, session_dir=data_dir, app_password=password).check())
    print(f"The session is saved in {data_dir} (readable by this user only).")
    print("Add this to the accounts in the settings file:\n")
    print(f"  - name: {args.name}\n    platform: bluesky\n    handle: {account.handle}\n"
          f"    server_url: {args.server}\n    app_password_env: {args.app_password_env}")
    print(f"\nand keep the app password in {args.app_password_env} (or a file named by "
          f"{args.app_password_env}_FILE) for the service.")
    return 0


def _configured_data_dir() -> Path | None:
    path = os.environ.get("MODBOT_CONFIG")
    try:
        return load_settings(path).data_dir if path else None
    except ConfigError:
        return None


def check_account(account: AccountSettings, out: TextIO, data_dir: Path | None = None) -> bool:
    """Verify the login (re-using the saved session) and DM access.

    True when the account works and DMs are readable. Without the data directory
    (neither given nor found through ``MODBOT_CONFIG``) it signs in afresh with the app
    password in a throw-away directory.
    """
    from adapters.bluesky import build_adapter

    data_dir = data_dir or _configured_data_dir()
    if data_dir is None:
        with tempfile.TemporaryDirectory() as scratch:
            info = build_adapter(account, Path(scratch)).check()
    else:
        info = build_adapter(account, data_dir).check()
    _print_info(info, out, indent="  ", read_dms=account.read_dms)
    return not info.warnings
