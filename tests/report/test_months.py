from datetime import UTC, datetime

import pytest

from bot.report.months import Month


@pytest.mark.parametrize(("month", "start", "end"), [
    # BST (UTC+1) at the start of October, GMT at the end (clocks went back on 25 October 2026).
    ("2026-10", datetime(2026, 9, 30, 23, tzinfo=UTC), datetime(2026, 11, 1, 0, tzinfo=UTC)),
    # Clocks go forward on 29 March 2026: March starts in GMT and ends in BST.
    ("2026-03", datetime(2026, 3, 1, 0, tzinfo=UTC), datetime(2026, 3, 31, 23, tzinfo=UTC)),
    ("2026-12", datetime(2026, 12, 1, 0, tzinfo=UTC), datetime(2027, 1, 1, 0, tzinfo=UTC)),
    ("2026-07", datetime(2026, 6, 30, 23, tzinfo=UTC), datetime(2026, 7, 31, 23, tzinfo=UTC)),
])
def test_month_boundaries_are_uk_midnights(month: str, start: datetime, end: datetime) -> None:
    mo = Month.parse(month)
    assert (mo.start, mo.end) == (start, end)


@pytest.mark.parametrize(("moment", "month"), [
    (datetime(2026, 9, 30, 22, 59, tzinfo=UTC), "2026-09"),
    (datetime(2026, 9, 30, 23, 0, tzinfo=UTC), "2026-10"),
    (datetime(2026, 10, 31, 23, 59, tzinfo=UTC), "2026-10"),
    (datetime(2026, 11, 1, 0, 0, tzinfo=UTC), "2026-11"),
])
def test_containing_uses_uk_time(moment: datetime, month: str) -> None:
    assert str(Month.containing(moment)) == month


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-10", "October", ""])
def test_parse_rejects_bad_months(bad: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse(bad)


def test_shift_labels_and_last_twelve() -> None:
    mo = Month.parse("2026-01")
    assert str(mo.previous) == "2025-12"
    assert mo.label == "January 2026"
    assert [str(x) for x in mo.last(3)] == ["2025-11", "2025-12", "2026-01"]
    assert len(mo.last(12)) == 12
