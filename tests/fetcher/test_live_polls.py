"""Live mode between full passes (issue 18, item 4): the simulator's clock moves on after a
court's first pass, and the cases it publishes are fetched, by full passes and polls of the
newest windows between them, at the pace the hourly request budget allows, as the
simulator's access log shows. Time is compressed: a docket day passes in SECONDS_PER_DAY,
and live mode's day (DW_LIVE_ACTIVITY_S) and interval with it."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import datetime

import pytest

from launcher.stack import Stack, wait_until
from tests.fetcher.helpers import access_log, cases_in, raw_pages, write_roster

pytestmark = pytest.mark.integration

COURTS = ["61GV0001", "25GV0001"]
START, D1, D2 = "2024-11-01", "2024-12-02", "2024-12-12"
BUDGET = 3600  # requests per court per hour: a poll every few seconds at most
SECONDS_PER_DAY = 4.0
# Two docket days: a quiet court's pace (DW_LIVE_HOT_MAX_S), and the shortest wait between
# full passes (which the budget stretches: they may take a quarter of it).
LIVE_INTERVAL_S = 2 * SECONDS_PER_DAY
_POLL = re.compile(r"^(\S+ \S+) .* (\S+) (live pass|hot poll): (\d+) pages", re.M)


def poll_lines(stack: Stack) -> list[tuple[float, str, str, int]]:
    """(time the line was logged, court, "live pass" or "hot poll", requests)."""
    text = stack.log_path("fetcher").read_text(encoding="utf-8", errors="replace")
    return [(datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp(), m.group(2),
             m.group(3), int(m.group(4))) for m in _POLL.finditer(text)]


def polls(stack: Stack) -> Counter[tuple[str, str]]:
    return Counter((court, kind) for _, court, kind, _ in poll_lines(stack))


def test_new_cases_reach_the_raw_topic_through_hot_polls_within_the_budget(
        stack: Stack) -> None:
    roster = write_roster(stack.workdir / "roster.csv", COURTS)
    stack.start_simulator(seed=3, as_of=D1, scale=0.06, extra=["--courts-csv", str(roster)])
    stack.start_service("fetcher", {
        "DW_FETCH_MODE": "live", "DW_FETCH_START": START, "DW_FETCH_END": "2024-12-31",
        "DW_SITE_CLOCK_URL": f"http://127.0.0.1:{stack.simulator_port}/_sim/clock",
        "DW_RECENT_DAYS": "400", "DW_DECISION_DAYS": "30",
        "DW_LIVE_INTERVAL_S": str(LIVE_INTERVAL_S), "DW_LIVE_ACTIVITY_S": str(SECONDS_PER_DAY),
        "DW_LIVE_HOT_MIN_S": "1", "DW_LIVE_HOT_MAX_S": str(LIVE_INTERVAL_S),
        "DW_LIVE_HOT_DAYS": "14",
        "DW_LIVE_BUDGET_PER_HOUR": str(BUDGET), "DW_HOST_RATE_PER_S": "1000",
        "DW_STATE_DIR": str(stack.workdir / "state")})
    # -- the first pass of each court, with the sites' clock standing at D1
    wait_until(lambda: all(polls(stack)[(c, "live pass")] == 1 for c in COURTS),
               timeout=180, interval=0.5, what="the first pass of every court")
    first_done = time.time()
    # -- the clock runs from D1 to D2, then stands there
    assert stack.sim("/_sim/clock", {"as_of": D1, "seconds_per_day": SECONDS_PER_DAY})[
        "live"] is True
    wait_until(lambda: stack.sim("/_sim/clock")["as_of"] >= D2, timeout=120,
               interval=0.2, what="the sites' clock at D2")
    stack.sim("/_sim/clock", {"as_of": D2, "live": False})
    held = time.time()

    def cases(as_of: str) -> set[tuple[str, str]]:
        return {(c["court"], c["case_number"])
                for c in stack.sim(f"/_sim/truth?as_of={as_of}")["cases"]
                if c["receipt_date"] >= START}

    want = cases(D2)
    new = want - cases(D1)
    assert len(new) >= 10 and {c for c, _ in new} == set(COURTS)
    wait_until(lambda: want <= cases_in(raw_pages(stack.bootstrap)), timeout=120, interval=1,
               what="every case of D2 in the raw topic")
    found = time.time()
    lines = poll_lines(stack)
    got = polls(stack)
    # Between full passes the newest windows were polled too (how often, against a court's
    # activity and budget: tests/fetcher/test_schedule.py).
    assert all(got[(c, "hot poll")] >= 1 for c in COURTS), got
    # Within the budget, at its pace: the wait after a hot poll pays for what it cost at
    # the budget's hourly rate, so over the run (under an hour) no court had more requests
    # than that rate allows for the time, but for its last poll, not yet paid for.
    for court in COURTS:
        at, _, _, last = [line for line in lines if line[1:3] == (court, "hot poll")][-1]
        # up to the end of the last logged poll (its line follows its last response)
        sent = [r for r in access_log(stack, court) if first_done < r["time"] <= at + 0.01]
        allowed = BUDGET * (at - first_done + 1) / 3600 + last
        assert 0 < len(sent) <= allowed, (court, len(sent), allowed)
    print(f"{len(new)} new cases in the raw topic {found - held:.1f} s after the clock "
          f"stopped; polls {dict(got)}")
