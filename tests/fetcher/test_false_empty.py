"""A site that falsely answers «Данных по запросу не обнаружено» (30 % of list requests):
no window is empty on the page's word alone. After each pass every case of the truth is in
the raw topic or its window is reported incomplete; passes repeated as the report says
find every case; a court with no first-instance docket is confirmed empty by law."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from launcher.stack import Stack
from services.fetcher.windows import month_windows
from tests.fetcher.helpers import AS_OF, cases_in, raw_pages, write_roster

pytestmark = pytest.mark.integration

COURTS = ["25GV0001", "25GV0002", "31GV0007", "54KV0000"]
START = "2023-01-01"


def env(stack: Stack) -> dict[str, str]:
    return {"DW_FETCH_END": AS_OF, "DW_FETCH_START": START, "DW_FETCH_MODE": "once",
            "DW_HOST_RATE_PER_S": "0", "DW_RECENT_DAYS": "0"}


def last_pass(stack: Stack) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (stack.workdir / "data" / "fetcher" / "last_pass.json").read_text(encoding="utf-8"))
    return data


def truth(stack: Stack) -> dict[tuple[str, str], str]:
    """(court, case number) → receipt date of every case received since START."""
    return {(c["court"], c["case_number"]): c["receipt_date"] for c in stack.truth()["cases"]
            if c["receipt_date"] >= START}


def reported(report: dict[str, Any], court: str, receipt: str) -> bool:
    return any(i["court"] == court and i["kind"] == "receipt"
               and i["date_from"] <= receipt <= i["date_to"] for i in report["incomplete"])


@pytest.fixture(scope="module")
def passes(stack: Stack) -> Iterator[list[tuple[dict[str, Any], set[tuple[str, str]]]]]:
    roster = write_roster(stack.workdir / "roster.csv", COURTS)
    stack.start_simulator(seed=4, as_of=AS_OF, scale=0.05, extra=[
        "--courts-csv", str(roster), "--fault", "false_empty=0.3"])
    out: list[tuple[dict[str, Any], set[tuple[str, str]]]] = []
    for _ in range(6):  # a person (or live mode) runs the next pass while any is left
        stack.start_service("fetcher", env(stack))
        assert stack.wait_exit("fetcher", timeout=600) == 0, \
            stack.log_path("fetcher").read_text()[-3000:]
        out.append((last_pass(stack), cases_in(raw_pages(stack.bootstrap))))
        if not out[-1][0]["incomplete"]:
            break
    yield out


def test_every_case_is_found_or_its_window_reported(
        stack: Stack, passes: list[tuple[dict[str, Any], set[tuple[str, str]]]]) -> None:
    want = truth(stack)
    assert len(want) > 200
    first, found = passes[0]
    assert first["controls"] >= 2 * len(COURTS)  # the check ran for every court and kind
    # The fault did bite: without the check some cases would have gone silently missing.
    assert "checking each year" in stack.log_path("fetcher").read_text()
    for report, found in passes:
        unreported = [k for k, receipt in want.items()
                      if k not in found and not reported(report, k[0], receipt)]
        assert unreported == [], unreported[:10]
        assert not report["blocked"] and not report["failed"]


def test_passes_repeated_as_reported_find_every_case(
        stack: Stack, passes: list[tuple[dict[str, Any], set[tuple[str, str]]]]) -> None:
    report, found = passes[-1]
    assert report["incomplete"] == [], report["incomplete"]
    assert set(truth(stack)) <= found
    db = sqlite3.connect(stack.workdir / "data" / "fetcher" / "state.sqlite3")
    done = {(c, f, t) for c, f, t in db.execute(
        "SELECT court, date_from, date_to FROM windows WHERE kind = 'receipt'")}
    months = month_windows(date.fromisoformat(START), date.fromisoformat(AS_OF))
    assert done == {(c, *w.key) for c in COURTS for w in months}
    health = {c: s for c, s in db.execute("SELECT court, state FROM court_health")}
    assert health == dict.fromkeys(COURTS, "ok")


def test_a_court_without_a_first_instance_docket_is_empty_by_law(
        passes: list[tuple[dict[str, Any], set[tuple[str, str]]]]) -> None:
    for report, found in passes:
        assert not [i for i in report["incomplete"] if i["court"] == "54KV0000"]
        assert not [k for k in found if k[0] == "54KV0000"]
