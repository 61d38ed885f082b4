"""Completeness of a month on the reference date, from working days and publication delay.

sudrf.ru shows a case days to weeks after its receipt date, so on the reference date the
last weeks are undercounted. For each day d of a month, F(as_of − d) is the share of that
day's cases already visible (F = the publication-delay CDF); weighting days by whether they
are official working days (courts register cases on working days) gives the share of the
whole month's cases expected to be visible now. observed / share is the nowcast.
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from services.alerts.config import NowcastConfig


@dataclass(frozen=True)
class DelayModel:
    """Empirical CDF of the publication delay in whole days."""

    days: tuple[int, ...]  # sorted delays
    cum: tuple[float, ...]  # cumulative share at each delay
    learnt: bool

    def cdf(self, delay: int) -> float:
        if delay < 0:
            return 0.0
        i = bisect.bisect_right(self.days, delay) - 1
        return 0.0 if i < 0 else self.cum[i]

    @classmethod
    def from_samples(cls, samples: Mapping[int, int], cfg: NowcastConfig) -> DelayModel:
        kept = {d: n for d, n in samples.items() if 0 <= d <= cfg.max_delay_days and n > 0}
        total = sum(kept.values())
        if total < cfg.min_delay_samples:
            days, cum = zip(*sorted(cfg.prior_cdf), strict=True)
            return cls(tuple(days), tuple(cum), learnt=False)
        acc = 0
        out_days: list[int] = []
        out_cum: list[float] = []
        for d in sorted(kept):
            acc += kept[d]
            out_days.append(d)
            out_cum.append(acc / total)
        return cls(tuple(out_days), tuple(out_cum), learnt=True)


@lru_cache(maxsize=16)
def _ru_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("RU", years=year)


def is_working_day(day: date, table: Mapping[date, bool]) -> bool:
    """From the store's working_calendar when it has the day, else the same `holidays` rule."""
    known = table.get(day)
    if known is not None:
        return known
    return bool(_ru_holidays(day.year).is_working_day(day))


def month_days(month: date) -> list[date]:
    n = calendar.monthrange(month.year, month.month)[1]
    return [month + timedelta(days=i) for i in range(n)]


def expected_fraction(month: date, as_of: date, delays: DelayModel,
                      working: Mapping[date, bool], cfg: NowcastConfig) -> float:
    """Share of the month's cases expected to be visible on ``as_of`` (0 … 1)."""
    total = 0.0
    seen = 0.0
    for day in month_days(month):
        w = 1.0 if is_working_day(day, working) else cfg.non_working_day_weight
        total += w
        if day <= as_of:
            seen += w * delays.cdf((as_of - day).days)
    return seen / total if total else 0.0


def working_days_elapsed(month: date, as_of: date, working: Mapping[date, bool]) -> tuple[int, int]:
    """(working days up to as_of, working days in the month), for summaries."""
    days = [d for d in month_days(month) if is_working_day(d, working)]
    return sum(1 for d in days if d <= as_of), len(days)
