"""Calendar months in UK time.

A council's "October" runs from midnight on 1 October to midnight on 1 November
in Europe/London, whatever the clocks did in between (BST ends on the last Sunday
of October). The database stores UTC, so each month becomes a UTC half-open range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.uk_time import UK

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-10"`` -> ``Month(2026, 10)``; ValueError for anything else."""
        match = _MONTH.match(text.strip())
        if not match:
            raise ValueError(f"not a month in the form YYYY-MM: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, moment: datetime) -> Month:
        """The UK month a UTC (or any aware) moment falls in."""
        local = moment.astimezone(UK)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``"October 2026"``."""
        return date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def short_label(self) -> str:
        """``"Oct 26"``, for chart axes."""
        return date(self.year, self.month, 1).strftime("%b %y")

    def shift(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    @property
    def previous(self) -> Month:
        return self.shift(-1)

    @property
    def start(self) -> datetime:
        """Midnight UK time on the 1st, as UTC."""
        return datetime(self.year, self.month, 1, tzinfo=UK).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """Midnight UK time on the 1st of the next month, as UTC (exclusive)."""
        return self.shift(1).start

    def is_over(self, moment: datetime) -> bool:
        """Whether the month had ended at ``moment``. A summary made before then is provisional."""
        return moment >= self.end

    def last(self, count: int) -> list[Month]:
        """The ``count`` months ending with this one, oldest first."""
        return [self.shift(-i) for i in range(count - 1, -1, -1)]

