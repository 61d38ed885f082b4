"""The Russian production calendar: courts register and decide cases on working days."""

from __future__ import annotations

import bisect
from datetime import date
from functools import lru_cache

from docketwatch.work_calendar import calendar_days


@lru_cache(maxsize=8)
def working_days(first_year: int, last_year: int) -> tuple[date, ...]:
    """The official working days of these years (docketwatch.work_calendar: the store's
    calendar, which reproduces the per-month counts FIGURES.md divides by)."""
    return tuple(d.day for d in calendar_days(date(first_year, 1, 1), date(last_year, 12, 31))
                 if d.is_working_day)


class Calendar:
    """Working-day arithmetic over a fixed span of years."""

    def __init__(self, first_year: int, last_year: int) -> None:
        self.days = working_days(first_year, last_year)
        self._ordinals = [d.toordinal() for d in self.days]

    def on_or_after(self, day: date) -> date:
        i = bisect.bisect_left(self._ordinals, day.toordinal())
        return self.days[min(i, len(self.days) - 1)]

    def on_or_before(self, day: date) -> date:
        i = bisect.bisect_right(self._ordinals, day.toordinal()) - 1
        return self.days[max(i, 0)]

    def between(self, first: date, last: date) -> tuple[date, ...]:
        lo = bisect.bisect_left(self._ordinals, first.toordinal())
        hi = bisect.bisect_right(self._ordinals, last.toordinal())
        return self.days[lo:hi]

    def add(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n=0: `day` itself, moved forward if a holiday)."""
        i = bisect.bisect_left(self._ordinals, day.toordinal()) + n
        return self.days[min(i, len(self.days) - 1)]
