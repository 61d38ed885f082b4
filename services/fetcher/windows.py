"""Date windows of a court's docket: calendar months, so one window is rarely many pages.

Receipt-date windows (``receipt``) cover every case once; decision-date windows
(``decision``) over the recent months find decisions of cases whose receipt window is
long finished, and the acts of decided cases: an act link appearing changes the case's
list row, so its card is fetched again. A verdict whose decision month lies before
:func:`decision_horizon_start` (``DW_ACT_HORIZON_DAYS``) is no longer re-polled on every
pass, only when a re-sweep of its receipt window comes round: an act it still lacks then
counts as withheld (the store's ``act_states`` view applies the same rule).
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


def decision_horizon_start(end: date, days: int) -> date:
    """First decision date the decision windows of the last ``days`` days still cover: the
    first day of the month ``days`` before ``end`` (windows are whole months)."""
    return (end - timedelta(days=days)).replace(day=1)


def decision_windows(end: date, days: int) -> list[Window]:
    """Decision-date months covering the last ``days`` days up to ``end`` (none if 0)."""
    if days <= 0:
        return []
    return month_windows(decision_horizon_start(end, days), end, DECISION)
