"""Core subcommands: check-config (more are added by the foundation)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.common import config_path
from bot.errors import ConfigError
from bot.settings import load_settings


def register(sub: Any) -> None:
    p = sub.add_parser("check-config", help="validate a settings file and list every problem")
    p.add_argument("file", nargs="?", help="settings file (default: --config or $MODBOT_CONFIG)")
    p.set_defaults(func=cmd_check_config)


def cmd_check_config(args: argparse.Namespace) -> int:
    path = args.file or config_path(args)
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        print(f"{path}: {len(exc.problems)} problem(s)", file=sys.stderr)
        for key, message in exc.problems:
            print(f"  {key}: {message}", file=sys.stderr)
        return 2
    print(f"{path}: OK ({len(settings.accounts)} account(s), mode {settings.mode})")
    return 0
