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
        "--provisional",
        action="store_true",
        help="the current (or a future) month: a preview marked provisional on every page, which does not stop "
             "the final summary being made on the 1st",
    )
    p.add_argument(
        "--confidential-annex",
        action="store_true",
        help="also write a confidential annex naming authors and quoting posts, for a closed session",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from bot.report import Month, build_summary
    from bot.report.build import MonthNotOver
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
            provisional=args.provisional,
        )
    except MonthNotOver as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"Moderation summary for {month.label}{' (PROVISIONAL: the month is not over)' if args.provisional else ''}:")
    print(f"  PDF:  {result.pdf_path}")
    print(f"  HTML: {result.html_path}")
    if result.annex_path:
        print(f"  Confidential annex (closed session only): {result.annex_path}", file=sys.stdout)
    if not result.pdf_path.is_relative_to(settings.data_dir.resolve()):
        print(f"  The clerk's page offers summaries kept under the data directory ({settings.data_dir}); "
              "this folder is outside it, so the page lists the summary but cannot offer these files.")
    return 0
