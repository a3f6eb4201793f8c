"""``modbot election set|show|clear``: the pre-election period, from the command line.

The settings can give the period too (``election.from``/``election.to``); a period set
here is kept in the database, so it takes effect without a restart. Every change is
in the audit log.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from typing import Any

from sqlalchemy import select

from bot import audit
from bot.cli.common import settings_from
from bot.quiet import election
from bot.storage import quiet_models as q
from bot.storage.db import make_engine, make_session_factory, transaction
from bot.storage.models import utcnow


def register(sub: Any) -> None:
    p = sub.add_parser("election", help="the pre-election period: council posts naming people or parties are flagged")
    esub = p.add_subparsers(dest="election_command", metavar="ACTION")
    s = esub.add_parser("set", help="set the period's first day and polling day")
    s.add_argument("--from", dest="starts", required=True, help="first day, YYYY-MM-DD")
    s.add_argument("--to", dest="ends", required=True, help="polling day, YYYY-MM-DD")
    s.set_defaults(func=cmd_set)
    esub.add_parser("show", help="list the periods in force").set_defaults(func=cmd_show)
    esub.add_parser("clear", help="end the periods set with 'election set' (not those in the settings)"
                    ).set_defaults(func=cmd_clear)
    p.set_defaults(func=lambda a: p.print_help() or 2)


def _day(text: str, flag: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        print(f"error: {flag} must be a date written YYYY-MM-DD, got {text!r}", file=sys.stderr)
        return None


def cmd_set(args: argparse.Namespace) -> int:
    starts, ends = _day(args.starts, "--from"), _day(args.ends, "--to")
    if starts is None or ends is None:
        return 2
    if ends < starts:
        print(f"error: --to ({ends}) is before --from ({starts})", file=sys.stderr)
        return 2
    settings = settings_from(args)
    who = f"cli:{getpass.getuser()}"
    with transaction(make_session_factory(make_engine(settings.database_url))) as s:
        row = q.ElectionPeriod(starts_on=starts, ends_on=ends, set_by=who, set_at=utcnow())
        s.add(row)
        s.flush()
        audit.record(s, who, "election.set", "election_period", row.id,
                     {"from": starts.isoformat(), "to": ends.isoformat()})
    period = election.Period(starts, ends, "command line")
    print(f"Pre-election period set: {period.words()}. The council's new posts in that time are checked "
          "for names of councillors and candidates, party names and campaign words.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with make_session_factory(make_engine(settings.database_url))() as s:
        found = election.periods(s, settings)
    if not found:
        print("No pre-election period is set.")
    for p in found:
        print(f"{p.words()} (from the {p.source})")
    return 0


def cmd_clear(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    who = f"cli:{getpass.getuser()}"
    with transaction(make_session_factory(make_engine(settings.database_url))) as s:
        rows = s.execute(select(q.ElectionPeriod).where(q.ElectionPeriod.cleared_at.is_(None))).scalars().all()
        for row in rows:
            row.cleared_at = utcnow()
            audit.record(s, who, "election.cleared", "election_period", row.id,
                         {"from": row.starts_on.isoformat(), "to": row.ends_on.isoformat()})
    print(f"{len(rows)} period(s) set with 'modbot election set' ended."
          + (" The period in the settings file stays until it is removed there."
             if settings.get("election.from") else ""))
    return 0
