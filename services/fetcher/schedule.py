"""When to poll a court in live mode, and how many requests it may get per hour.

Two kinds of poll share one budget of requests per court per rolling hour:

- a *full pass*: every due window and the counter checks (crawler.plan, reconcile.py), at
  most every ``DW_LIVE_INTERVAL_S`` and, under a budget, no more often than lets full passes
  take :data:`FULL_SHARE` of it;
- a *hot poll*: only the newest receipt and decision windows, where new rows appear (two
  months of receipts, as sudrf publishes cases weeks late: crawler.hot_windows; each
  kind's range is asked in one request first, so an idle poll costs two). Its interval
  follows the court's activity: ``Q / (1 + n)``, ``Q`` a quiet court's pace
  (``DW_LIVE_HOT_MAX_S``) and ``n`` the court's new or changed rows per day: those its
  polls find, exponentially weighted over a day (``DW_LIVE_ACTIVITY_S``), and never fewer
  than its docket's last months show (cases received and decided a day, read again after
  every full pass). A quiet court is polled about every ``Q``; one with a row a day every
  ``Q/2`` (300 s at the default 600, the detection aim), one with 3 every ``Q/4``; never
  more often than ``DW_LIVE_HOT_MIN_S`` nor than the budget left by full passes allows at
  the hot polls' measured cost (the running mean, or the last poll's if dearer). A day,
  not minutes, because at a real court's pace (a few cases a day at the busiest) no
  interval of minutes ever sees enough rows to tell busy from quiet; and polling a court
  faster than once per expected row is what detection latency needs: a case waits, on
  average, half the interval, however rarely cases come.

The schedule plans from estimates; :class:`RequestBudget` enforces the budget on every
request, so a poll dearer than estimated (many new cards) waits rather than overspends.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

FULL = "full"
HOT = "hot"
HOUR_S = 3600.0
# Full passes get at most this share of the budget, the newest windows the rest: they are
# where new cases appear, while a full pass mostly re-confirms windows that did not change.
FULL_SHARE = 0.25
# Weight of the newest poll in the running cost of a poll (requests per poll, cards included).
COST_WEIGHT = 0.5


@dataclass
class CourtSchedule:
    """One court's live schedule: pure arithmetic on monotonic seconds, no I/O."""

    interval_s: float  # DW_LIVE_INTERVAL_S: the shortest wait between full passes
    hot_min_s: float  # DW_LIVE_HOT_MIN_S
    hot_max_s: float  # DW_LIVE_HOT_MAX_S: a quiet court's hot pace (inf: no hot polls)
    budget_per_hour: int  # DW_LIVE_BUDGET_PER_HOUR; 0: no budget
    activity_s: float = 86400.0  # DW_LIVE_ACTIVITY_S: the span activity is counted over
    full_cost: float = 1.0  # requests per full pass (running estimate)
    hot_cost: float = 1.0  # requests per hot poll (running estimate)
    # The last hot poll's requests: the wait after a poll pays for what it cost, so over
    # any run the hot polls stay within the budget's pace but for the last one.
    last_hot: int = 0
    # New or changed rows per second the polls found, exponentially weighted over
    # activity_s.
    rate_per_s: float = 0.0
    # Rows a day the court's docket shows over its recent months (set_docket, from every
    # full pass): the floor under the polls' rate. A day without a row says little of a
    # court with one or two a day, and whenever its next case comes, it waits for the
    # next poll; the docket's months say how busy the court is, the last day only how
    # lucky. Until the catch-up pass sets it, a court counts as quiet.
    docket_per_day: float = 0.0
    last_poll: float | None = None
    next_full: float | None = None
    _rate_at: float | None = None

    def set_docket(self, rows_per_day: float) -> None:
        """The activity the court's docket shows (rows of its recent months per day)."""
        self.docket_per_day = max(0.0, rows_per_day)

    def rows_per_day(self) -> float:
        return max(self.rate_per_s * self.activity_s, self.docket_per_day)

    def full_interval(self) -> float:
        return max(self.interval_s, self._full_share_s())

    def _full_share_s(self) -> float:
        """The shortest wait between full passes that keeps them within their share of
        the budget (0: no budget)."""
        if self.budget_per_hour <= 0:
            return 0.0
        return self.full_cost * HOUR_S / (FULL_SHARE * self.budget_per_hour)

    def hot_interval(self) -> float:
        """Seconds between two polls of the newest windows (infinite: none fit the budget)."""
        ceiling = self.hot_max_s
        wanted = ceiling / (1.0 + self.rows_per_day())
        wanted = max(wanted, min(self.hot_min_s, ceiling))
        if self.budget_per_hour <= 0:
            return wanted
        spare = self.budget_per_hour - self.full_cost * HOUR_S / self.full_interval()
        if spare <= 0:
            return math.inf
        # The budget outranks the quiet pace: a court whose polls are dear waits longer.
        return max(wanted, max(self.hot_cost, self.last_hot) * HOUR_S / spare)

    def next(self, now: float) -> tuple[str, float]:
        """The next poll's kind and when it is due (monotonic seconds)."""
        if self.last_poll is None or self.next_full is None:
            return FULL, now
        hot = self.hot_interval()
        if hot >= self.full_interval():
            return FULL, self.next_full  # nothing to gain between full passes
        hot_at = self.last_poll + hot
        return (FULL, self.next_full) if self.next_full <= hot_at else (HOT, hot_at)

    def cost(self, kind: str) -> float:
        return self.full_cost if kind == FULL else self.hot_cost

    def record(self, kind: str, at: float, requests: int, new_rows: int, *,
               jitter: float = 1.0, learn: bool = True) -> None:
        """A poll started at ``at`` made ``requests`` requests and found ``new_rows`` new or
        changed rows. ``learn=False`` for the catch-up pass of a run (a backfill is neither
        the cost nor the activity of a live pass); ``jitter`` stretches the next full
        pass's wait, so that courts started together drift apart."""
        if not learn:
            self._rate_at = at  # the warm start decays from here
        else:
            self._learn_rate(at, new_rows)
            if kind == FULL:
                self.full_cost = _blend(self.full_cost, requests)
            else:
                self.hot_cost = _blend(self.hot_cost, requests)
                self.last_hot = requests
        self.last_poll = at
        if kind == FULL:
            # The jitter may shorten the wait (courts drift apart either way), but never
            # below the budget's share: shortened there, full passes took 18 requests an
            # hour of a 15-request share, and a few courts averaged 61-62 of their 60.
            self.next_full = at + max(self.full_interval() * jitter, self._full_share_s())

    def _learn_rate(self, at: float, new_rows: int) -> None:
        tau = max(self.activity_s, 1e-9)
        rate = self.rate_per_s
        if self._rate_at is not None:
            rate *= math.exp(-max(0.0, at - self._rate_at) / tau)
        self.rate_per_s = rate + new_rows / tau
        self._rate_at = at


def _blend(old: float, new: int) -> float:
    return (1.0 - COST_WEIGHT) * old + COST_WEIGHT * new


class RequestBudget:
    """At most ``per_hour`` requests per court in any rolling hour, once it is enforced.

    A sliding log rather than a token bucket (aiolimiter): a bucket of capacity B refilled
    at B per hour lets 2B through in some rolling hour, and the budget is what a court's
    access log shows over any hour.
    """

    def __init__(self, per_hour: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_hour = per_hour
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}
        self._enforced: set[str] = set()

    def enforce(self, court: str) -> None:
        """Count from now on (the catch-up pass before is not a live poll)."""
        self._sent[court] = deque()
        self._enforced.add(court)

    def used(self, court: str) -> int:
        q = self._sent.get(court)
        if q is None:
            return 0
        cutoff = self._clock() - HOUR_S
        while q and q[0] <= cutoff:
            q.popleft()
        return len(q)

    def free_at(self, court: str, n: float) -> float:
        """The earliest time (the clock's) at which ``n`` more requests fit."""
        now = self._clock()
        if self.per_hour <= 0 or court not in self._enforced:
            return now
        used = self.used(court)
        q = self._sent[court]
        over = used + math.ceil(min(n, self.per_hour)) - self.per_hour
        return now if over <= 0 else q[over - 1] + HOUR_S

    def try_take(self, court: str) -> bool:
        """Count one request if it fits now."""
        if self.free_at(court, 1) > self._clock():
            return False
        if self.per_hour > 0 and court in self._enforced:
            self._sent[court].append(self._clock())
        return True

    async def take(self, court: str) -> None:
        """Wait for room for one request, and count it."""
        while not self.try_take(court):
            await asyncio.sleep(max(0.0, self.free_at(court, 1) - self._clock()))
