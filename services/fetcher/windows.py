"""Receipt-date windows: calendar months, so one window rarely exceeds a few pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def key(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()

    def sudrf(self) -> tuple[str, str]:
        return self.start.strftime("%d.%m.%Y"), self.end.strftime("%d.%m.%Y")


def month_windows(start: date, end: date) -> list[Window]:
    """Calendar-month windows covering [start, end], newest first (fresh data first)."""
    out: list[Window] = []
    cur = start
    while cur <= end:
        nxt = (cur.replace(day=1) + timedelta(days=32)).replace(day=1)
        out.append(Window(cur, min(nxt - timedelta(days=1), end)))
        cur = nxt
    return out[::-1]
