"""Simulated date: fixed, or advancing at a chosen speed while the pipeline runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta


class SimClock:
    """The date the sites show their dockets as of.

    With ``seconds_per_day`` set, one simulated day passes every that many real seconds
    from the moment the clock is (re)set, so new cases and decisions keep appearing.
    """

    def __init__(
        self,
        as_of: date,
        seconds_per_day: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if seconds_per_day is not None and seconds_per_day <= 0:
            raise ValueError("seconds_per_day must be positive")
        self._monotonic = monotonic
        self._base = as_of
        self._since = monotonic()
        self.seconds_per_day = seconds_per_day

    @property
    def live(self) -> bool:
        return self.seconds_per_day is not None

    def today(self) -> date:
        if self.seconds_per_day is None:
            return self._base
        elapsed = self._monotonic() - self._since
        return self._base + timedelta(days=int(elapsed // self.seconds_per_day))

    def set(
        self, as_of: date, seconds_per_day: float | None = None, *, keep_speed: bool = True
    ) -> None:
        self._base = as_of
        self._since = self._monotonic()
        if not keep_speed:
            self.seconds_per_day = seconds_per_day
        elif seconds_per_day is not None:
            self.seconds_per_day = seconds_per_day
