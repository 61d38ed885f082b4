"""Cases taken off the site: crawl on one date, move the simulator's clock on, crawl again;
every case the site showed then and hides now gets exactly one 'disappeared' event, and it
keeps counting (it was received)."""

from __future__ import annotations

import pytest

from launcher.stack import Stack
from tests.e2e.conftest import crawl

pytestmark = pytest.mark.integration

D1, D2 = "2024-06-30", "2024-12-27"
FETCH = {"DW_MAX_CONCURRENCY": "32"}


def test_cases_taken_off_the_site_disappear_once_and_still_count(stack: Stack) -> None:
    stack.start_simulator(seed=7, as_of=D1, scale=0.02, courts_limit=3,
                          extra=["--removal-rate", "0.1"])
    stack.start_service("parser")
    stack.start_service("aggregator")
    crawl(stack, D1, FETCH)
    before = {(c, n) for c, n in stack.sql("SELECT court_code, case_number FROM cases")}
    assert before == {(c["court"], c["case_number"]) for c in stack.truth()["cases"]}
    assert stack.sql("SELECT count() FROM disappeared_cases") == [[0]]

    stack.sim("/_sim/clock", {"as_of": D2, "live": False})
    # Every finished window is due again at once (a resweep age of ~0.1 s).
    crawl(stack, D2, {**FETCH, "DW_RESWEEP_DAYS": "0.000001"})

    truth = stack.sim(f"/_sim/truth?as_of={D2}")
    gone = {(r["court"], r["case_number"]) for r in truth["removed"]
            if r["published_at"] <= D1 < r["removed_at"]}
    assert len(gone) >= 3  # the corpus does take some cases down between the two dates
    rows = stack.sql("SELECT court_code, case_number, disappeared_at, manifest_url, "
                     "last_seen_url FROM disappeared_cases")
    assert {(c, n) for c, n, *_ in rows} == gone
    for _, _, at, manifest_url, last_seen_url in rows:
        assert at is not None
        assert manifest_url.endswith("#window")  # cites the window that lacks it
        assert "name_op=" in last_seen_url  # and the page that last showed it
    events = stack.sql("SELECT event_type, count() FROM case_events FINAL "
                       "WHERE event_type IN ('disappeared', 'reappeared') GROUP BY 1")
    assert events == [["disappeared", len(gone)]]
    # Still counted: the store holds what the site shows now plus what it took down.
    now = {(c["court"], c["case_number"]) for c in truth["cases"]}
    assert not now & gone
    stored = {(c, n) for c, n in stack.sql("SELECT court_code, case_number FROM cases")}
    assert stored == now | gone
