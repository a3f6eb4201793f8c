"""``modbot report``: the monthly moderation summary as HTML and PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import settings_from
from bot.errors import ConfigError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="write the monthly moderation summary (HTML and PDF)",
        description="Write the moderation summary of one month (UK time) for the council's papers.",
    )
    p.add_argument("--month", required=True, help="the month, as YYYY-MM (e.g. 2026-10)")
    p.add_argument("--out", help="directory for the files (default: <data_dir>/reports)")
    p.add_argument(
        "--confidential-annex",
        action="store_true",
        help="also write a confidential annex naming authors and quoting posts, for a closed session",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from bot.report import Month, build_summary
    from bot.storage.db import make_engine, make_session_factory

    try:
        month = Month.parse(args.month)
    except ValueError as exc:
        raise ConfigError([("--month", str(exc))]) from exc
    settings = settings_from(args)
    engine = make_engine(settings.database_url)
    try:
        result = build_summary(
            settings,
            make_session_factory(engine),
            month,
            Path(args.out) if args.out else None,
            confidential_annex=args.confidential_annex,
        )
    finally:
        engine.dispose()
    print(f"Moderation summary for {month.label}:")
    print(f"  PDF:  {result.pdf_path}")
    print(f"  HTML: {result.html_path}")
    if result.annex_path:
        print(f"  Confidential annex (closed session only): {result.annex_path}", file=sys.stdout)
    return 0
