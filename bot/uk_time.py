"""Times as a council officer reads them: Europe/London, BST or GMT as the date has it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UK)


def at(value: datetime, now: datetime | None = None) -> str:
    """'10:32' today, '10:32 on 3 November' another day this year, with the year otherwise."""
    when, today = uk(value), uk(now or datetime.now(UTC))
    if when.date() == today.date():
        return f"{when:%H:%M}"
    if when.year == today.year:
        return f"{when:%H:%M} on {when.day} {when:%B}"
    return f"{when:%H:%M} on {when.day} {when:%B %Y}"


def on(value: datetime) -> str:
    """'3 November 2026 at 10:32' (for a record that is read much later)."""
    when = uk(value)
    return f"{when.day} {when:%B %Y} at {when:%H:%M}"
