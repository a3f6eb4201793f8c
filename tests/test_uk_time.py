"""UK time as people read it, across both clock changes of 2026.

BST starts at 01:00 UTC on Sunday 29 March 2026 (clocks go forward to 02:00) and
ends at 01:00 UTC on Sunday 25 October 2026 (clocks go back to 01:00).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.uk_time import (
    clock_time,
    day_text,
    for_the_record,
    uk_date,
    uk_datetime,
    uk_time_today,
    uk_weekday_date,
)
from tests.support import utc


@pytest.mark.parametrize(("moment", "expected"), [
    (utc(2026, 12, 1, 9, 5), "1 December 2026 at 9:05am"),          # GMT: same as UTC
    (utc(2026, 7, 1, 8, 5), "1 July 2026 at 9:05am"),                # BST: an hour ahead
    (utc(2026, 3, 29, 0, 59), "29 March 2026 at 12:59am"),           # last minute of GMT
    (utc(2026, 3, 29, 1, 0), "29 March 2026 at 2am"),                # clocks went forward
    (utc(2026, 10, 25, 0, 30), "25 October 2026 at 1:30am"),         # first 1:30am (BST)
    (utc(2026, 10, 25, 1, 30), "25 October 2026 at 1:30am"),         # second 1:30am (GMT)
    (utc(2026, 10, 25, 2, 0), "25 October 2026 at 2am"),
    (utc(2026, 6, 30, 23, 30), "1 July 2026 at 12:30am"),            # UTC's 30 June is the UK's 1 July
    (utc(2026, 12, 31, 12, 0), "31 December 2026 at midday"),
    (utc(2026, 6, 1, 23, 0), "2 June 2026 at midnight"),
    (utc(2026, 1, 5, 17, 30), "5 January 2026 at 5:30pm"),
])
def test_date_and_time_in_the_govuk_style(moment: datetime, expected: str) -> None:
    assert uk_datetime(moment) == expected


def test_weekday_form_and_missing_value() -> None:
    assert uk_datetime(utc(2026, 12, 1, 9, 5), weekday=True) == "Tuesday 1 December 2026 at 9:05am"
    assert uk_weekday_date(utc(2026, 10, 24, 23, 30)) == "Sunday 25 October 2026"  # BST: past midnight
    assert uk_weekday_date(utc(2026, 10, 25, 23, 30)) == "Sunday 25 October 2026"  # GMT again
    assert uk_datetime(None) == "never"
    assert uk_datetime(None, missing="not yet") == "not yet"


def test_dates_have_no_leading_zero() -> None:
    assert uk_date(utc(2026, 3, 5, 12)) == "5 March 2026"
    assert day_text(date(2026, 11, 9)) == "9 November 2026"


def test_naive_values_are_taken_as_utc() -> None:
    assert uk_datetime(datetime(2026, 7, 1, 8, 5)) == "1 July 2026 at 9:05am"  # noqa: DTZ001


@pytest.mark.parametrize(("hour", "minute", "expected"), [
    (0, 0, "midnight"), (0, 1, "12:01am"), (9, 0, "9am"), (11, 59, "11:59am"),
    (12, 0, "midday"), (12, 15, "12:15pm"), (13, 0, "1pm"), (23, 45, "11:45pm"),
])
def test_clock_time(hour: int, minute: int, expected: str) -> None:
    assert clock_time(utc(2026, 1, 15, hour, minute)) == expected  # January: GMT, so UTC is the UK clock


def test_short_form_only_on_the_same_uk_day() -> None:
    now = utc(2026, 7, 1, 8, 0)  # 9am BST
    assert uk_time_today(utc(2026, 7, 1, 8, 20), now) == "9:20am"
    assert uk_time_today(utc(2026, 7, 1, 23, 10), now) == "2 July 2026 at 12:10am"  # the UK day has turned


@pytest.mark.parametrize(("moment", "expected"), [
    (utc(2026, 12, 1, 9, 5, 31), "Tuesday 1 December 2026 at 9:05:31am GMT (2026-12-01T09:05:31Z)"),
    (utc(2026, 10, 25, 0, 30, 0), "Sunday 25 October 2026 at 1:30:00am BST (2026-10-25T00:30:00Z)"),
    (utc(2026, 10, 25, 1, 30, 0), "Sunday 25 October 2026 at 1:30:00am GMT (2026-10-25T01:30:00Z)"),
    (utc(2026, 3, 29, 1, 0, 0), "Sunday 29 March 2026 at 2:00:00am BST (2026-03-29T01:00:00Z)"),
])
def test_the_record_keeps_the_exact_utc_instant(moment: datetime, expected: str) -> None:
    """The two 1:30am's of the October change are told apart by GMT/BST and the UTC instant."""
    assert for_the_record(moment) == expected
    assert for_the_record(None) == "unknown"


def test_short_status_times_and_record_dates() -> None:
    from bot.uk_time import at, on

    now = utc(2026, 7, 1, 8, 0)
    assert at(utc(2026, 7, 1, 9, 15), now) == "10:15am"                      # BST, today
    assert at(utc(2026, 3, 3, 9, 15), now) == "9:15am on 3 March"            # GMT, this year
    assert at(utc(2025, 12, 24, 12, 0), now) == "midday on 24 December 2025"
    assert on(utc(2026, 11, 2, 10, 0)) == "2 November 2026 at 10am"
