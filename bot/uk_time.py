"""Times as a person in the UK reads them: Europe/London, in the GOV.UK style.

The database, the audit chain and the logs keep UTC; everything a clerk, a
councillor or a resident reads (the page, e-mails, CLI messages, the summary, the
evidence PDF) goes through this module, so a time is never an hour out in summer.

GOV.UK style: "1 December 2026", "Tuesday 1 December 2026", "9:05am", "9am",
"midday", "midnight"; a date and time as "1 December 2026 at 9:05am".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def to_uk(moment: datetime) -> datetime:
    """``moment`` on the UK clock; a naive value is taken to be UTC (how the database holds it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UK)


def clock_time(moment: datetime) -> str:
    """``"9:05am"``, ``"9am"``, ``"5:30pm"``, ``"midday"``, ``"midnight"`` in UK time."""
    local = to_uk(moment)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def day_text(day: date) -> str:
    """``"1 December 2026"`` for a calendar date."""
    return f"{day.day} {day:%B %Y}"


def uk_date(moment: datetime) -> str:
    """``"1 December 2026"``: the UK calendar date of ``moment``."""
    return day_text(to_uk(moment).date())


def uk_weekday_date(moment: datetime) -> str:
    """``"Tuesday 1 December 2026"``."""
    local = to_uk(moment)
    return f"{local:%A} {day_text(local.date())}"


def uk_datetime(moment: datetime | None, *, weekday: bool = False, missing: str = "never") -> str:
    """``"1 December 2026 at 9:05am"`` (``weekday=True``: ``"Tuesday 1 December 2026 at 9:05am"``)."""
    if moment is None:
        return missing
    day = uk_weekday_date(moment) if weekday else uk_date(moment)
    return f"{day} at {clock_time(moment)}"


def uk_time_today(moment: datetime, now: datetime) -> str:
    """``"9:05am"`` when ``moment`` is on the same UK day as ``now``, else the date and time.

    For short messages such as "signing in is paused until 9:20am".
    """
    if to_uk(moment).date() == to_uk(now).date():
        return clock_time(moment)
    return uk_datetime(moment)


def for_the_record(moment: datetime | None, *, missing: str = "unknown") -> str:
    """UK time for the reader with the exact UTC instant beside it, for evidence.

    ``"Tuesday 1 December 2026 at 9:05:31am GMT (2026-12-01T09:05:31Z)"``: seconds and
    the clock's name (GMT or BST) matter in a record that may be read in court.
    """
    if moment is None:
        return missing
    local = to_uk(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    exact = to_uk(moment).astimezone(UTC)
    return (f"{uk_weekday_date(moment)} at {hour}:{local.minute:02d}:{local.second:02d}{suffix} "
            f"{local.tzname()} ({exact:%Y-%m-%dT%H:%M:%SZ})")


def uk(value: datetime) -> datetime:
    """``value`` on the UK clock (short name used by the status and health messages)."""
    return to_uk(value)


def at(value: datetime, now: datetime | None = None) -> str:
    """``"10:32am"`` today, ``"10:32am on 3 November"`` another day this year, with the year otherwise."""
    when, today = to_uk(value), to_uk(now or datetime.now(UTC))
    if when.date() == today.date():
        return clock_time(value)
    if when.year == today.year:
        return f"{clock_time(value)} on {when.day} {when:%B}"
    return f"{clock_time(value)} on {day_text(when.date())}"


def on(value: datetime) -> str:
    """``"3 November 2026 at 10:32am"`` (for a record that is read much later)."""
    return uk_datetime(value)
