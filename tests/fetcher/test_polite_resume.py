"""Politeness measured where it matters (the simulator's access log) and a kill -9 in the
middle of a backfill: the restart resumes where the crawl stood and nothing is missing."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from launcher.stack import Stack, wait_until
from services.fetcher.windows import month_windows
from tests.fetcher.helpers import (
    AS_OF,
    access_log,
    cases_in,
    pass_line,
    raw_pages,
    windows_done,
    write_roster,
)

pytestmark = pytest.mark.integration

COURTS = ["25GV0001", "25GV0003"]
START = "2023-07-01"
RATE = 5.0
WINDOWS = len(month_windows(date.fromisoformat(START), date.fromisoformat(AS_OF))) * 2


def env(stack: Stack, state: str, rate: float) -> dict[str, str]:
    # Receipt windows only (no recent re-polls), so a full pass is a fixed set of windows.
    return {"DW_FETCH_END": AS_OF, "DW_FETCH_START": START, "DW_FETCH_MODE": "once",
            "DW_RECENT_DAYS": "0", "DW_DECISION_DAYS": "0", "DW_HOST_RATE_PER_S": str(rate),
            "DW_STATE_DIR": str(stack.workdir / state)}


@pytest.fixture(scope="module")
def sim(stack: Stack) -> Iterator[Stack]:
    roster = write_roster(stack.workdir / "roster.csv", COURTS)
    stack.start_simulator(seed=5, as_of=AS_OF, scale=0.01, extra=["--courts-csv", str(roster)])
    yield stack


@pytest.fixture(scope="module")
def full_pass(sim: Stack) -> dict[str, float]:
    t0 = time.time()
    sim.start_service("fetcher", env(sim, "full", RATE))
    assert sim.wait_exit("fetcher", timeout=300) == 0, sim.log_path("fetcher").read_text()
    return {**pass_line(sim.log_path("fetcher")), "t0": t0, "t1": time.time()}


def expected(stack: Stack) -> set[tuple[str, str]]:
    return {(c["court"], c["case_number"]) for c in stack.truth()["cases"]
            if c["receipt_date"] >= START}


def test_requests_to_a_host_are_spaced(sim: Stack, full_pass: dict[str, float]) -> None:
    # Both simulated courts live on one host (127.0.0.1:port), so one spacing covers both.
    records = sorted((r for c in COURTS for r in access_log(sim, c)
                      if full_pass["t0"] <= r["time"] <= full_pass["t1"]),
                     key=lambda r: r["monotonic"])
    assert len(records) == full_pass["pages"] > 2 * WINDOWS
    stamps = [r["monotonic"] for r in records]
    # Spacing is enforced at the request start; the log stamps the response, which moves
    # each stamp by its page's rendering time (milliseconds, more on a loaded machine). So
    # no two requests go out together (no burst: a gap well above zero), and any ten in a
    # row span nine intervals, less one rendering jitter that does not add up.
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert min(gaps) >= 0.5 / RATE, sorted(gaps)[:5]
    spans = [b - a for a, b in zip(stamps, stamps[9:], strict=False)]
    assert min(spans) >= 9 / RATE - 0.05, sorted(spans)[:5]
    assert all("Mozilla/5.0" in r["user_agent"] for r in records)


def test_kill_9_mid_backfill_then_resume(sim: Stack, full_pass: dict[str, float]) -> None:
    since = datetime.now().astimezone()
    state_db = sim.workdir / "resume" / "state.sqlite3"
    sim.start_service("fetcher", env(sim, "resume", 20.0))
    wait_until(lambda: windows_done(state_db) >= 10, timeout=120, interval=0.05,
               what="ten windows done")
    sim.stop("fetcher", kill=True)
    done = windows_done(state_db)
    assert 10 <= done < WINDOWS
    # The month that is still running is polled on every pass; finished ones are not.
    done_finished = windows_done(state_db, before=AS_OF)

    sim.start_service("fetcher", env(sim, "resume", 20.0))
    assert sim.wait_exit("fetcher", timeout=300) == 0, sim.log_path("fetcher").read_text()
    second = pass_line(sim.log_path("fetcher"))
    assert second["skipped"] == done_finished
    assert second["windows"] == WINDOWS - done_finished
    assert second["pages"] < full_pass["pages"]
    assert windows_done(state_db) == WINDOWS

    pages = [p for p in raw_pages(sim.bootstrap) if p.fetched_at >= since]
    assert cases_in(pages) == expected(sim)
