"""Live mode's schedule and request budget (services/fetcher/schedule.py), as arithmetic:
no broker, no HTTP, a clock the test moves."""

from __future__ import annotations

import asyncio
import itertools
import math
import random

from services.fetcher.schedule import FULL, HOT, CourtSchedule, RequestBudget
from services.fetcher.settings import FetcherSettings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_without_a_budget_a_court_gets_a_full_pass_every_live_interval() -> None:
    # What live mode did before hot polls, when the live interval is below the hot minimum.
    s = CourtSchedule(interval_s=2.0, hot_min_s=60.0, hot_max_s=900.0, budget_per_hour=0)
    assert s.next(5.0) == (FULL, 5.0)  # nothing polled yet: the catch-up pass, at once
    s.record(FULL, 5.0, requests=40, new_rows=30, learn=False)
    assert s.next(5.0) == (FULL, 7.0)
    assert s.hot_interval() == 900.0  # never sooner than the next full pass: none


def test_a_court_is_polled_at_least_as_busy_as_its_docket_shows() -> None:
    s = CourtSchedule(interval_s=900.0, hot_min_s=60.0, hot_max_s=900.0, budget_per_hour=0)
    assert s.hot_interval() == 900.0  # before the catch-up pass: a quiet court's pace
    s.record(FULL, 0.0, requests=500, new_rows=400, learn=False)  # the catch-up pass
    s.set_docket(3.0)  # its recent months show 3 rows a day
    assert s.rows_per_day() == 3.0
    assert s.hot_interval() == 900.0 / 4  # a case waits 112 s on average, not 450
    polls = []
    while s.last_poll is not None and s.last_poll < 86400:
        kind, at = s.next(s.last_poll)
        s.record(kind, at, requests=3, new_rows=0)
        polls.append((kind, at))
    assert polls[0] == (HOT, 225.0)
    # A day of nothing: the polls' own rate is gone, the docket's pace stays.
    assert s.rate_per_s == 0.0 and s.rows_per_day() == 3.0
    assert s.hot_interval() == 900.0 / 4
    s.record(HOT, 86400.0, requests=3, new_rows=9)  # a burst: faster while it lasts
    assert s.rows_per_day() == 9.0 and s.hot_interval() == 90.0
    s.record(HOT, 10 * 86400.0, requests=3, new_rows=0)
    assert s.rows_per_day() == 3.0  # back to the docket's pace
    s.set_docket(0.0)  # the next full pass: the docket has gone quiet
    assert 899.0 < s.hot_interval() <= 900.0


def test_the_hot_interval_follows_the_courts_activity() -> None:
    s = CourtSchedule(interval_s=900.0, hot_min_s=60.0, hot_max_s=900.0, budget_per_hour=0)
    s.record(FULL, 0.0, requests=10, new_rows=0, learn=False)
    assert s.hot_interval() == 900.0  # nothing seen yet: a quiet court's pace
    s.record(HOT, 100.0, requests=3, new_rows=9)  # 9 rows: 9 a day while they last
    assert s.rows_per_day() == 9.0
    assert s.hot_interval() == 900.0 / (1 + 9)
    assert s.next(100.0) == (HOT, 190.0)
    s.record(HOT, 86500.0, requests=3, new_rows=0)  # one day later, nothing new
    assert math.isclose(s.rows_per_day(), 9 * math.exp(-1), rel_tol=1e-12)
    assert math.isclose(s.hot_interval(), 900.0 / (1 + 9 * math.exp(-1)), rel_tol=1e-12)
    s.record(HOT, 86600.0, requests=3, new_rows=90)  # a busy court: the minimum
    assert s.hot_interval() == 60.0
    for t in range(100_000, 2_000_000, 43_200):  # then silence: back to the quiet pace
        s.record(HOT, float(t), requests=3, new_rows=0)
    assert 899.0 < s.hot_interval() <= 900.0


def test_by_default_a_court_with_a_row_a_day_is_polled_every_five_minutes() -> None:
    d = FetcherSettings()
    s = CourtSchedule(d.live_interval_s, d.live_hot_min_s, d.live_hot_max_s,
                      d.live_budget_per_hour, d.live_activity_s, full_cost=14.0, hot_cost=2.0)
    assert s.hot_interval() == 600.0  # a quiet court
    s.set_docket(1.0)
    assert s.hot_interval() == 300.0  # the detection aim: a case waits 150 s on average
    # 3 rows a day would be every 150 s; the budget allows 2 requests every 160 s: full
    # passes of 14 every 3,360 s take 15 of the 60 an hour.
    s.set_docket(3.0)
    assert s.full_interval() == 3360.0 and s.hot_interval() == 160.0


def test_a_day_is_what_the_activity_is_counted_over() -> None:
    # The same docket in a compressed day (a benchmark's clock): the same pace in its time.
    fast = CourtSchedule(interval_s=900.0 / 144, hot_min_s=60.0 / 144,
                         hot_max_s=900.0 / 144, budget_per_hour=0,
                         activity_s=86400.0 / 144)
    fast.record(HOT, 0.0, requests=3, new_rows=3)
    assert math.isclose(fast.hot_interval(), 900.0 / 4 / 144, rel_tol=1e-12)


def test_under_a_budget_full_passes_take_a_quarter_and_hot_polls_the_rest() -> None:
    s = CourtSchedule(interval_s=900.0, hot_min_s=60.0, hot_max_s=900.0, budget_per_hour=60,
                      full_cost=10.0, hot_cost=3.0)
    # 10 requests per full pass within a quarter of 60 per hour: every 2400 s, not 900
    assert s.full_interval() == 2400.0
    s.record(FULL, 0.0, requests=10, new_rows=0, learn=False)
    assert s.next(0.0) == (HOT, 900.0)  # quiet
    s.rate_per_s = 1.0  # busy: 45 requests per hour left, 3 per poll: every 240 s
    assert s.hot_interval() == 240.0
    assert s.next(0.0) == (HOT, 240.0)
    s.record(HOT, 2300.0, requests=3, new_rows=50)
    assert s.next(2300.0) == (FULL, 2400.0)  # the full pass is due before the next hot poll


def test_the_jitter_never_shortens_a_full_pass_below_the_budgets_share() -> None:
    s = CourtSchedule(interval_s=900.0, hot_min_s=60.0, hot_max_s=900.0, budget_per_hour=60,
                      full_cost=10.0, hot_cost=3.0)
    s.record(FULL, 0.0, requests=10, new_rows=0, learn=False, jitter=0.9)
    assert s.next_full == 2400.0  # the share's 2400 s, not 2160
    s.record(FULL, 2400.0, requests=10, new_rows=0, learn=False, jitter=1.1)
    assert s.next_full == 2400.0 + 2640.0  # stretching is free
    free = CourtSchedule(interval_s=900.0, hot_min_s=60.0, hot_max_s=900.0,
                         budget_per_hour=0)
    free.record(FULL, 0.0, requests=10, new_rows=0, learn=False, jitter=0.9)
    assert free.next_full == 810.0  # without a budget the jitter shortens too
    cheap = CourtSchedule(interval_s=900.0, hot_min_s=60.0, hot_max_s=900.0,
                          budget_per_hour=60, full_cost=2.0)
    cheap.record(FULL, 0.0, requests=2, new_rows=0, learn=False, jitter=0.9)
    assert cheap.next_full == 810.0  # the share (480 s) is not what spaces it


def test_running_costs_learn_from_each_poll() -> None:
    s = CourtSchedule(interval_s=900.0, hot_min_s=60.0, hot_max_s=900.0, budget_per_hour=60,
                      full_cost=10.0, hot_cost=3.0)
    s.record(HOT, 0.0, requests=7, new_rows=4)
    assert s.hot_cost == 5.0
    s.record(FULL, 10.0, requests=30, new_rows=0)
    assert s.full_cost == 20.0
    assert s.full_interval() == 20.0 * 3600 / 15


def test_a_small_budget_stretches_hot_polls_beyond_the_quiet_pace() -> None:
    s = CourtSchedule(interval_s=900.0, hot_min_s=60.0, hot_max_s=900.0, budget_per_hour=20,
                      full_cost=10.0, hot_cost=3.0, rate_per_s=1.0)
    # full passes every 7,200 s use 5 of the 20 requests per hour, hot polls need 3 each
    assert s.full_interval() == 7200.0
    assert s.hot_interval() == 3 * 3600 / 15
    s.hot_cost = 6.0
    assert s.hot_interval() == 6 * 3600 / 15  # 1,440 s: slower than a quiet court's 900
    assert s.next(0.0) == (FULL, 0.0)  # (nothing polled yet)
    s.record(FULL, 0.0, requests=10, new_rows=0, learn=False)
    assert s.next(0.0) == (HOT, 1440.0)
    s.hot_cost = 40.0  # one would take longer to pay for than the full pass's interval:
    assert s.hot_interval() == 9600.0 and s.next(0.0) == (FULL, 7200.0)  # full passes only


def test_the_budget_is_a_rolling_hour_and_only_counts_once_enforced() -> None:
    clock = Clock()
    b = RequestBudget(3, clock)
    assert all(b.try_take("A") for _ in range(10))  # the catch-up pass: not counted
    assert b.used("A") == 0
    b.enforce("A")
    for t in (0.0, 10.0, 20.0):
        clock.now = t
        assert b.try_take("A")
    clock.now = 30.0
    assert not b.try_take("A")
    assert b.used("A") == 3
    assert b.free_at("A", 1) == 3600.0
    assert b.free_at("A", 2) == 3610.0
    assert b.free_at("A", 9) == 3620.0  # more than the budget: once the hour is empty
    clock.now = 3600.0
    assert b.used("A") == 2 and b.try_take("A") and not b.try_take("A")
    assert b.free_at("B", 100) == 3600.0  # another court: its own budget, not enforced yet


def test_take_waits_for_room() -> None:
    async def go() -> float:
        b = RequestBudget(2)
        b.enforce("A")
        await b.take("A")
        await b.take("A")
        b._sent["A"][0] -= 3600 - 0.2  # the first request is nearly an hour old
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        await b.take("A")
        return loop.time() - t0

    waited = asyncio.run(go())
    assert 0.1 < waited < 2.0


def test_a_busy_court_over_five_hours_never_exceeds_its_budget() -> None:
    """The scheduler driven as run_live drives it, with cards the estimate does not know in
    advance: every request goes through the budget, each poll waits for its estimate."""
    clock = Clock()
    budget = RequestBudget(60, clock)
    s = CourtSchedule(interval_s=900.0, hot_min_s=60.0, hot_max_s=900.0, budget_per_hour=60,
                      full_cost=8.0, hot_cost=3.0)
    rng = random.Random(7)
    sent: list[float] = []
    polls: list[tuple[str, float]] = []

    def request() -> None:
        while not budget.try_take("A"):
            clock.now = budget.free_at("A", 1)
        sent.append(clock.now)
        clock.now += 0.5

    s.record(FULL, 0.0, requests=200, new_rows=500, learn=False)
    budget.enforce("A")
    while clock.now < 5 * 3600:
        kind, at = s.next(clock.now)
        clock.now = max(clock.now, at, budget.free_at("A", s.cost(kind)))
        started = clock.now
        cards = rng.randint(0, 6)  # a busy court: new rows on most polls
        requests = (8 if kind == FULL else 3) + cards
        for _ in range(requests):
            request()
        s.record(kind, started, requests, cards)
        polls.append((kind, started))
    worst = max(sum(1 for u in sent if t <= u < t + 3600) for t in sent)
    assert 54 <= worst <= 60, worst  # spent (the pace leaves a little), never exceeded
    hot = [t for k, t in polls if k == HOT]
    gaps = sorted(b - a for a, b in itertools.pairwise(hot))
    # 6 requests per hot poll on average (3 pages, 3 cards), 45 per hour left by full
    # passes of about 11: a hot poll every 480 s or so, longer after a dear one
    assert 400 < gaps[len(gaps) // 2] < 640, gaps
    assert sum(k == FULL for k, _ in polls) >= 4  # full passes still come round
