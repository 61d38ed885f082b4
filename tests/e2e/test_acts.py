"""Acts published after the verdict reach ClickHouse through the live fetcher (issue 10).

Real broker, the simulator over HTTP, the fetcher in live mode, parser, aggregator and chDB,
each its own process. The simulator's clock first stands at D1, when many verdicts have no
act yet; once the pipeline has drained, ClickHouse holds exactly the acts published by D1.
Then the clock moves to D2 (the simulator's control API, as an operator would): the
fetcher's next live passes re-poll the decision windows, the act links that appeared change
the list rows, the cards are fetched again, and ClickHouse holds exactly the acts published
by D2, read from pages fetched after the clock moved; acts never published stay absent.

The fetcher's "today" (DW_FETCH_END) is D2 throughout: the windows after D1 are simply empty
until the clock moves. The act horizon is set wider than the default decision windows
(DW_ACT_HORIZON_DAYS=300): some of the acts that appear between D1 and D2 belong to verdicts
older than DW_DECISION_DAYS' 180 days, and only the horizon keeps those rows re-polled.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from docketwatch.contract import case_key
from launcher.stack import Stack, wait_until
from launcher.trials import wait_drained
from services.fetcher.windows import decision_horizon_start
from tests.fetcher.helpers import write_roster

pytestmark = pytest.mark.integration

D1 = "2024-09-30"
D2 = "2024-12-27"
SEED, SCALE = 7, 0.02
COURTS = ["25GV0003", "27GV0001", "61GV0001"]  # garrison courts: ~400 cases between them
HORIZON_DAYS = 300
DEFAULT_DECISION_DAYS = 180
STORE_HORIZON_DAYS = 180  # the store's default act_horizon_days (migration 0018)
FIELDS = ("kind", "term_months", "probation_months", "colony_regime", "fine_rub",
          "deduction_percent", "base_kind", "replaced", "combined_with_previous")
_PASS = re.compile(r" (\S+) live pass: \d+ pages, \d+ windows, \d+ cards(.*)$")


# ----------------------------------------------------------------------------- helpers


def passes(stack: Stack) -> Counter[str]:
    """Completed live passes per court, from the fetcher's log; a failed one is an error."""
    done: Counter[str] = Counter()
    for line in stack.log_path("fetcher").read_text(encoding="utf-8").splitlines():
        m = _PASS.search(line)
        if m:
            assert not m.group(2), f"live pass with failures: {line}"
            done[m.group(1)] += 1
    return done


def wait_passes(stack: Stack, courts: list[str], since: Counter[str], n: int,
                timeout: float) -> None:
    """Until every court has logged ``n`` more passes than ``since``: with n=2 at least one
    whole pass started after ``since`` was taken."""
    def ok() -> bool:
        if stack.procs["fetcher"].poll() is not None:
            raise ChildProcessError(stack.log_path("fetcher").read_text()[-3000:])
        got = passes(stack)
        return all(got[c] >= since[c] + n for c in courts)

    wait_until(ok, timeout=timeout, interval=0.5, what=f"{n} more live passes of every court")


def key_of(case: dict[str, Any]) -> str:
    return case_key(case["court"], case["case_uid"], case["case_number"])


def verdicts_by_state(truth: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {"published": {}, "pending": {}, "withheld": {}}
    for c in truth["cases"]:
        if c["decision_class"] == "verdict":
            out[c["act_state"]][key_of(c)] = c
    return out


def expected_sentences(published: dict[str, dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(k, i, *(p[f] for f in FIELDS))
            for k, c in published.items()
            for i, p in enumerate(c["punishments"], start=1)}


def check_store(stack: Stack, truth: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """ClickHouse against the truth at its date: acts, events, sentences, act states."""
    want = verdicts_by_state(truth)
    published = want["published"]
    n_acts = truth["summary"]["acts_by_state"]["published"]
    n_sentences = sum(len(c["punishments"]) for c in published.values())
    assert len(published) == n_acts
    # the numbers first: sentence_published events and defendant sentences
    assert stack.sql("SELECT count() FROM case_events FINAL "
                     "WHERE event_type = 'sentence_published'") == [[n_acts]]
    assert stack.sql("SELECT count() FROM case_sentences") == [[n_sentences]]
    # the pipeline saw every case, and every verdict as a verdict
    assert {k for (k,) in stack.sql("SELECT case_key FROM cases")} == {
        key_of(c) for c in truth["cases"]}
    verdicts = dict(stack.sql(
        "SELECT case_key, act_status FROM cases WHERE decision_class = 'verdict'"))
    assert set(verdicts) == set(published) | set(want["pending"]) | set(want["withheld"])
    # an act was read for exactly the published ones, each a verdict's text
    read = {k: s for k, s in verdicts.items() if s is not None}
    assert read == dict.fromkeys(published, "verdict")
    # acts not out (pending) or never to be out (withheld) have no reading
    for state in ("pending", "withheld"):
        assert all(verdicts[k] is None for k in want[state]), state
    # one sentence_published event per published act, none for any other case
    events = dict(stack.sql(
        "SELECT case_key, count() FROM case_events FINAL "
        "WHERE event_type = 'sentence_published' GROUP BY case_key"))
    assert events == dict.fromkeys(published, 1)
    # every defendant's punishment exactly as the act states it
    rows = stack.sql("SELECT case_key, defendant_index, " + ", ".join(FIELDS)
                     + " FROM case_sentences")
    got = {tuple(r) for r in rows}
    assert len(got) == n_sentences
    assert got == expected_sentences(published)
    # act_states: published as above; a verdict without an act is 'withheld' once its
    # decision month is before the store horizon's month, counted from the docket's date
    docket = max(date.fromisoformat(d) for c in truth["cases"]
                 for d in (c["receipt_date"], c["decision_date"]) if d)
    assert stack.sql("SELECT docket_date FROM publication_status") == [[docket]]
    first = decision_horizon_start(docket, STORE_HORIZON_DAYS)
    expected_states = {k: "published" for k in published}
    for k, c in {**want["pending"], **want["withheld"]}.items():
        old = date.fromisoformat(c["decision_date"]) < first
        expected_states[k] = "withheld" if old else "pending"
    assert dict(stack.sql("SELECT case_key, act_state FROM act_states")) == expected_states
    return want


# ----------------------------------------------------------------------------- the test


@pytest.fixture(scope="module")
def live(stack: Stack) -> Stack:
    (stack.workdir / "data").mkdir(parents=True, exist_ok=True)
    roster = write_roster(stack.workdir / "roster.csv", COURTS)
    stack.start_simulator(seed=SEED, as_of=D1, scale=SCALE,
                          extra=["--courts-csv", str(roster)])
    stack.start_service("parser")
    stack.start_service("aggregator")
    stack.start_service("fetcher", {
        "DW_FETCH_MODE": "live", "DW_FETCH_END": D2, "DW_ACT_HORIZON_DAYS": str(HORIZON_DAYS),
        "DW_LIVE_INTERVAL_S": "3", "DW_HOST_RATE_PER_S": "1000",
        "DW_LIVE_BUDGET_PER_HOUR": "0"})
    return stack


def test_live_fetcher_picks_up_acts_published_after_the_verdict(live: Stack) -> None:
    stack = live
    courts = stack.truth()["courts"]
    assert sorted(courts) == COURTS

    # -- D1: the first live pass of every court, drained
    wait_passes(stack, courts, Counter(), 1, timeout=240)
    wait_drained(stack, timeout=180)
    truth1 = stack.sim(f"/_sim/truth?as_of={D1}")
    assert truth1 == stack.truth()  # what the simulator wrote at start-up, as of D1
    at_d1 = check_store(stack, truth1)
    assert len(at_d1["published"]) > 100 and len(at_d1["pending"]) > 20
    assert len(at_d1["withheld"]) > 20

    # -- D2: move the site's clock; the live passes that follow pick the new acts up
    truth2 = stack.sim(f"/_sim/truth?as_of={D2}")
    at_d2 = verdicts_by_state(truth2)
    new = set(at_d2["published"]) - set(at_d1["published"])
    assert set(at_d1["published"]) <= set(at_d2["published"])
    # verdicts already decided (and in ClickHouse without an act) at D1
    waited = new & set(at_d1["pending"])
    assert len(waited) > 20
    # some of them are older than the default decision windows: the horizon keeps them
    default_first = decision_horizon_start(date.fromisoformat(D2), DEFAULT_DECISION_DAYS)
    old = {k for k in waited
           if date.fromisoformat(at_d2["published"][k]["decision_date"]) < default_first}
    assert old, "no act of a verdict older than the default decision windows: pick D1/D2 anew"
    horizon_first = decision_horizon_start(date.fromisoformat(D2), HORIZON_DAYS)
    assert all(date.fromisoformat(at_d2["published"][k]["decision_date"]) >= horizon_first
               for k in new)

    before = passes(stack)
    moved_at = datetime.now(UTC) - timedelta(seconds=1)
    assert stack.sim("/_sim/clock", {"as_of": D2}, timeout=10)["as_of"] == D2
    wait_passes(stack, courts, before, 2, timeout=180)
    wait_drained(stack, timeout=180)
    final = check_store(stack, truth2)
    assert set(final["published"]) == set(at_d1["published"]) | new
    # acts never to be published (withheld in the truth; check_store found none read): those
    # of D1 are still among them, joined by verdicts given since
    assert set(at_d1["withheld"]) < set(final["withheld"])

    # the new acts were read from cards fetched after the clock moved
    seen = dict(stack.sql(
        "SELECT case_key, min(observed_at) FROM case_events FINAL "
        "WHERE event_type = 'sentence_published' AND case_key IN {keys:Array(String)} "
        "GROUP BY case_key", {"keys": sorted(new)}))
    assert set(seen) == new
    assert all(t.astimezone(UTC) >= moved_at for t in seen.values()), seen
    assert stack.sql("SELECT count() FROM dead_letters FINAL") == [[0]]
