"""Counts that go to print, from faulty sites: VNKOD courts, false «no data» pages, every
other fault at 5 %, the WAF and cases taken down, through the real pipeline to ClickHouse.

After the first pass, every case the store misses or shows wrongly is one the fetcher
reported (a blocked or failed court, an incomplete window): none is lost silently. After
the passes the reports ask for (a person clears a captcha mark, as they would), every
published view equals the simulator's truth, and so do the refusal counts of every court.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from docketwatch.categories import case_category
from launcher.demo import drained
from launcher.stack import Stack, wait_until
from launcher.verify import Verification, verify
from tests.fetcher.helpers import write_roster

pytestmark = pytest.mark.integration

AS_OF = "2024-12-27"
VNKOD_COURTS = ["27GV0003", "63GV0001"]
COURTS = [*VNKOD_COURTS, "25GV0001", "31GV0007", "77GV0011", "54KV0000"]
FETCHER_ENV = {"DW_FETCH_END": AS_OF, "DW_FETCH_MODE": "once", "DW_HOST_RATE_PER_S": "0",
               "DW_REQUEST_TIMEOUT_S": "1.5", "DW_MAX_RETRIES": "8", "DW_BACKOFF_S": "0.1",
               "DW_BREAKER_COOLDOWN_S": "0"}


def one_pass(stack: Stack) -> dict[str, Any]:
    stack.start_service("fetcher", FETCHER_ENV)
    assert stack.wait_exit("fetcher", timeout=900) in (0, 1), \
        stack.log_path("fetcher").read_text()[-3000:]  # 1: a court failed, as reported
    wait_until(lambda: drained(stack), timeout=600, interval=1.0, what="pipeline drained")
    report: dict[str, Any] = json.loads(
        (stack.workdir / "data" / "fetcher" / "last_pass.json").read_text(encoding="utf-8"))
    return report


@pytest.fixture(scope="module")
def runs(stack: Stack) -> Iterator[list[tuple[dict[str, Any], Verification]]]:
    roster = write_roster(stack.workdir / "roster.csv", COURTS)
    stack.start_simulator(seed=3, as_of=AS_OF, scale=0.1, extra=[
        "--courts-csv", str(roster), "--fault-rate", "0.05", "--fault", "false_empty=0.2",
        "--waf", "--vnkod-interface", "--removal-rate", "0.01"])
    stack.start_service("parser")
    stack.start_service("aggregator")
    out: list[tuple[dict[str, Any], Verification]] = []
    for _ in range(6):
        report = one_pass(stack)
        out.append((report, verify(stack.sql, stack.truth(), [report])))
        if not (report["blocked"] or report["failed"] or report["incomplete"]):
            break
        # What a person does for a court waiting on a captcha: delete its mark.
        for mark in (stack.workdir / "data" / "fetcher" / "blocked").glob("*.txt"):
            mark.unlink()
    yield out


def test_no_loss_is_silent(runs: list[tuple[dict[str, Any], Verification]]) -> None:
    for report, v in runs:
        assert v.unreported == 0, (v.examples, v.lost, v.wrong, v.extra, v.views,
                                   v.published, report)
    first = runs[0][1]
    assert first.truth_cases > 500


def test_every_published_view_equals_the_truth(
        stack: Stack, runs: list[tuple[dict[str, Any], Verification]]) -> None:
    report, v = runs[-1]
    assert not (report["blocked"] or report["failed"] or report["incomplete"]), report
    assert v.exact, (v.lost, v.wrong, v.extra, v.views, v.published, v.examples)
    # National views, year summaries, provisional months and per-working-day rates too.
    assert {"monthly_measures", "verdicts_per_working_day", "publication_status",
            "year_summary 2024"} <= set(v.published)
    assert v.store_cases == v.truth_cases


def test_refusal_counts_per_court_equal_the_truth(
        stack: Stack, runs: list[tuple[dict[str, Any], Verification]]) -> None:
    want = Counter(c["court"] for c in stack.truth()["cases"]
                   if case_category(c["articles"]) == "refusal")
    got = Counter({c: int(n) for c, n in stack.sql(
        "SELECT court_code, count() FROM cases WHERE category = 'refusal' GROUP BY 1")})
    assert all(want[c] > 20 for c in VNKOD_COURTS), want
    assert got == want
    # VNKOD cases keep the articles their cards and rows show.
    assert stack.sql("SELECT count() FROM cases WHERE empty(articles)") == [[0]]
