"""The official Russian working-day calendar, from the ``holidays`` package.

``holidays.country_holidays('RU')`` knows the government's day transfers, and its
``is_working_day`` treats a transferred working Saturday as a working day and a
transferred day off as a holiday. FIGURES.md's monthly counts (what Mediazona divides by)
are reproduced exactly; tests/aggregator/test_calendar.py checks 2022-2026.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

CALENDAR_START = date(2022, 1, 1)
CALENDAR_END = date(2027, 12, 31)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    is_working_day: bool
    holiday_name: str


def calendar_days(start: date = CALENDAR_START, end: date = CALENDAR_END) -> Iterator[CalendarDay]:
    """Every day from start to end inclusive."""
    ru = holidays.country_holidays("RU", years=range(start.year, end.year + 1))
    day = start
    while day <= end:
        yield CalendarDay(day, bool(ru.is_working_day(day)), ru.get(day) or "")
        day += timedelta(days=1)


def monthly_working_days(
    start: date = CALENDAR_START, end: date = CALENDAR_END
) -> dict[tuple[int, int], int]:
    """(year, month) → number of official working days."""
    counts: Counter[tuple[int, int]] = Counter()
    for d in calendar_days(start, end):
        counts[(d.day.year, d.day.month)] += int(d.is_working_day)
    return dict(counts)
