"""Date windows of a court's docket: calendar months, so one window is rarely many pages.

Receipt-date windows (``receipt``) cover every case once; decision-date windows
(``decision``) over the recent months find decisions of cases whose receipt window is
long finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

RECEIPT = "receipt"
DECISION = "decision"


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    kind: str = RECEIPT

    @property
    def key(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()

    def sudrf(self) -> tuple[str, str]:
        return self.start.strftime("%d.%m.%Y"), self.end.strftime("%d.%m.%Y")

    def label(self) -> str:
        return f"{self.kind} {self.key[0]}..{self.key[1]}"


def month_windows(start: date, end: date, kind: str = RECEIPT) -> list[Window]:
    """Calendar-month windows covering [start, end], newest first (fresh data first)."""
    out: list[Window] = []
    cur = start
    while cur <= end:
        nxt = (cur.replace(day=1) + timedelta(days=32)).replace(day=1)
        out.append(Window(cur, min(nxt - timedelta(days=1), end), kind))
        cur = nxt
    return out[::-1]


def decision_windows(end: date, days: int) -> list[Window]:
    """Decision-date months covering the last ``days`` days up to ``end`` (none if 0)."""
    if days <= 0:
        return []
    return month_windows((end - timedelta(days=days)).replace(day=1), end, DECISION)
