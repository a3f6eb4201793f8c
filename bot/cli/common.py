"""Helpers shared by the subcommand modules: config lookup and wiring."""

from __future__ import annotations

import argparse
import os

from bot.errors import ConfigError
from bot.settings import Settings, load_settings


def config_path(args: argparse.Namespace) -> str:
    path = getattr(args, "config", None) or os.environ.get("MODBOT_CONFIG")
    if not path:
        raise ConfigError([("--config", "give --config FILE or set MODBOT_CONFIG")])
    return str(path)


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(config_path(args))
