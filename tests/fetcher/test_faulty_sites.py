"""Against the simulator with faults on (every kind at 2 %), a captcha-gated court and two
courts on the VNKOD interface: every case of the truth reaches the raw topic, or its court
is reported as waiting for a captcha; a person clears the mark and a solver gets through."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from docketwatch.contract import TOPIC_SOURCE_HEALTH, CourtHealth, CourtState, PageKind
from docketwatch.sudrf import card_ids
from launcher.stack import Stack
from tests.fetcher.helpers import (
    AS_OF,
    cases_in,
    pass_line,
    raw_pages,
    read_topic,
    truth_cases,
    write_roster,
)

pytestmark = pytest.mark.integration

CAPTCHA_COURT = "27GV0001"
VNKOD_COURTS = ("27GV0003", "27GV0005")
COURTS = ["25GV0001", "25GV0002", CAPTCHA_COURT, *VNKOD_COURTS]
SOLVER = Path(__file__).with_name("sim_solver.py")


def fetcher_env(stack: Stack, **extra: str) -> dict[str, str]:
    return {"DW_FETCH_END": AS_OF, "DW_FETCH_MODE": "once", "DW_HOST_RATE_PER_S": "0",
            "DW_REQUEST_TIMEOUT_S": "1.5", "DW_MAX_RETRIES": "8", "DW_BACKOFF_S": "0.1",
            "SIM_URL": f"http://127.0.0.1:{stack.simulator_port}", **extra}


@pytest.fixture(scope="module")
def crawled(stack: Stack) -> Iterator[Stack]:
    roster = write_roster(stack.workdir / "roster.csv", COURTS)
    # The simulator's own timeout fault holds a response for 60 s; 1.5 s is enough here.
    stack.start_simulator(seed=3, as_of=AS_OF, scale=0.1, extra=[
        "--courts-csv", str(roster), "--fault-rate", "0.02", "--captcha-gate",
        "--vnkod-interface"])
    stack.start_service("fetcher", fetcher_env(stack))
    assert stack.wait_exit("fetcher", timeout=600) == 0, stack.log_path("fetcher").read_text()
    yield stack


def mark_file(stack: Stack) -> Path:
    return stack.workdir / "data" / "fetcher" / "blocked" / f"{CAPTCHA_COURT}.txt"


def last_health(stack: Stack) -> dict[str, CourtHealth]:
    out: dict[str, CourtHealth] = {}
    for _, value in read_topic(stack.bootstrap, TOPIC_SOURCE_HEALTH):
        h = CourtHealth.from_bytes(value)
        out[h.court_code] = h
    return out


def test_every_case_is_in_the_raw_topic_or_its_court_is_reported(crawled: Stack) -> None:
    truth = truth_cases(crawled)
    pages = raw_pages(crawled.bootstrap)
    found = cases_in(pages)
    reachable = [c for c in COURTS if c != CAPTCHA_COURT]
    assert sum(len(truth[c]) for c in reachable) > 1000
    for court in reachable:
        assert {n for c, n in found if c == court} == truth[court], court
    # The gated court was never guessed at: no list page of it shows a single case...
    assert not {n for c, n in found if c == CAPTCHA_COURT}
    assert not any("captcha=" in p.url for p in pages)
    # ...and it is reported as waiting for a captcha.
    assert '"state": "captcha"' in mark_file(crawled).read_text(encoding="utf-8")
    health = last_health(crawled)
    assert set(health) == set(COURTS)
    assert health[CAPTCHA_COURT].state is CourtState.CAPTCHA
    for court in reachable:
        assert health[court].state is CourtState.OK, health[court]
        assert health[court].last_success is not None
        assert health[court].last_new_case is not None


def test_cards_of_every_row_from_the_courts_own_site(crawled: Stack) -> None:
    truth = {(c["court"], c["case_uid"].lower()) for c in crawled.truth()["cases"]
             if c["court"] != CAPTCHA_COURT}
    courts = {line.split(",")[0]: line.rstrip().split(",")[-1]
              for line in crawled.courts_file.read_text(encoding="utf-8").splitlines()[1:]}
    cards = [p for p in raw_pages(crawled.bootstrap) if p.kind is PageKind.CARD]
    ids = {p.page_id: card_ids(p.params) for p in cards}
    assert {(p.court_code, (ids[p.page_id][1] or "").lower()) for p in cards} == truth
    for p in cards:
        assert p.url.startswith(courts[p.court_code] + "/modules.php?"), p.url
        assert (ids[p.page_id][0] or "").isdigit()
        # VNKOD courts are asked in their own parameters.
        assert ("_uid" in p.params) == (p.court_code in VNKOD_COURTS)
    vnkod_lists = [p for p in raw_pages(crawled.bootstrap)
                   if p.kind is PageKind.LIST and p.court_code in VNKOD_COURTS]
    assert vnkod_lists and all(p.params.get("_deloId") == "1540006" for p in vnkod_lists)


def test_a_person_clears_the_mark_and_a_solver_gets_through(crawled: Stack) -> None:
    first = pass_line(crawled.log_path("fetcher"))
    mark_file(crawled).unlink()  # what a person does: no CLI, no restart of anything else
    crawled.start_service("fetcher", fetcher_env(
        crawled, DW_CAPTCHA_SOLVER_CMD=f"{sys.executable} {SOLVER}"))
    assert crawled.wait_exit("fetcher", timeout=600) == 0, \
        crawled.log_path("fetcher").read_text()
    second = pass_line(crawled.log_path("fetcher"))
    assert second["skipped"] > 0 and second["pages"] < first["pages"]  # resumed, not redone
    found = cases_in(raw_pages(crawled.bootstrap))
    assert {n for c, n in found if c == CAPTCHA_COURT} == truth_cases(crawled)[CAPTCHA_COURT]
    assert not mark_file(crawled).exists()
    assert last_health(crawled)[CAPTCHA_COURT].state is CourtState.OK
