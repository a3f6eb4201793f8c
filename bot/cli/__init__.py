"""The ``modbot`` command line: one module per group of subcommands.

Each module in ``COMMAND_MODULES`` has ``register(subparsers)``, adding its
subcommands with ``set_defaults(func=...)``; ``func(args) -> int`` returns the exit
status: 0 ok, 1 runtime failure, 2 bad config or usage.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from bot.errors import ConfigError, ModbotError

COMMAND_MODULES = (
    "bot.cli.rules",
    "bot.cli.core",
    "bot.cli.service",
    "bot.cli.users",
    "bot.cli.account",
    "bot.cli.evidence",
    "bot.cli.report",
    "bot.cli.ops",
    "bot.cli.election",
)

log = logging.getLogger("bot.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="modbot", description="Moderation bot for council social-media accounts.")
    parser.add_argument("--config", help="settings file (default: $MODBOT_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print("The settings have problems:", file=sys.stderr)
        for key, message in exc.problems:
            print(f"  {key}: {message}", file=sys.stderr)
        return 2
    except ModbotError as exc:
        log.debug("command failed", exc_info=True)
        print(f"error: {exc.title} {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
