"""Appeals end to end: the simulator's review courts (the district and fleet courts'
appeal modules, 50AV0000, 54KV0000) → fetcher → parser → aggregator → ClickHouse; every
appeal view must equal the simulator's truth exactly (issue 16)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from docketwatch.contract import TOPIC_APPEAL_EVENTS, TOPIC_CASE_UIDS
from docketwatch.kafka import consumer_lag
from docketwatch.settings import AGGREGATOR_GROUP, ops_group
from launcher.stack import Stack, wait_until
from tests.e2e.conftest import Corpus

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    # The first 13 courts of the roster: the review courts, the district and fleet courts
    # and the Pacific Fleet's garrison courts (whose appeals go to 25OV0000).
    return Corpus(courts_limit=13)


@pytest.fixture(scope="module")
def truth(pipeline: Stack) -> dict[str, Any]:
    t: dict[str, Any] = pipeline.truth()["appeals"]
    # The appeal events reach the store through the aggregator's low-volume loop, after
    # the case events the pipeline fixture waits for.
    def appeals_in() -> bool:
        lags = [asyncio.run(consumer_lag(pipeline.bootstrap, ops_group(AGGREGATOR_GROUP),
                                         topic))
                for topic in (TOPIC_APPEAL_EVENTS, TOPIC_CASE_UIDS)]
        return lags == [0, 0] and pipeline.sql("SELECT count() FROM appeals")[0][0] == len(
            t["appeals"])
    wait_until(appeals_in, timeout=120, interval=0.5, what="appeal events in ClickHouse")
    return t


def _month(m: Any) -> str:
    return f"{m.year:04d}-{m.month:02d}"


def test_every_appeal_is_there_and_linked_as_the_truth_says(pipeline: Stack,
                                                            truth: dict[str, Any]) -> None:
    want = {(a["court"], a["instance"], a["appeal_number"], a["result"])
            for a in truth["appeals"]}
    got = {(c, i, n, r) for c, i, n, r in pipeline.sql(
        "SELECT court_code, instance, appeal_number, result FROM appeals")}
    assert len(want) > 30 and {i for _, i, _, _ in want} == {"appeal", "cassation"}
    assert got == want
    links = Counter({(m or "unlinked"): int(n) for m, n in pipeline.sql(
        "SELECT link_method, count() FROM appeal_links GROUP BY link_method")})
    assert links == Counter(truth["links"])
    assert links["uid"] > 0 and links["court_number"] > 0
    # Each linked appeal is linked to the right first-instance case.
    want_cases = {(a["court"], a["appeal_number"]):
                  (a["first_instance_court"], a["first_instance_number"])
                  for a in truth["appeals"]}
    for court, number, case_court, case_number in pipeline.sql(
            "SELECT court_code, appeal_number, case_court_code, case_number "
            "FROM appeal_cases WHERE case_key IS NOT NULL"):
        assert want_cases[(court, number)] == (case_court, case_number)


def test_monthly_appeals_equal_truth(pipeline: Stack, truth: dict[str, Any]) -> None:
    want = Counter({(r["month"], r["instance"], r["result"], r["article"]): r["appeals"]
                    for r in truth["monthly_appeals"]})
    got = Counter({(_month(m), i, r, a): int(n) for m, i, r, a, n in pipeline.sql(
        "SELECT month, instance, result, article, appeals FROM monthly_appeals")})
    assert sum(want.values()) > 30
    assert got == want


def test_share_appealed_equals_truth(pipeline: Stack, truth: dict[str, Any]) -> None:
    want = [(r["month"], r["verdicts"], r["appealed"], r["share_appealed"])
            for r in truth["refusal_appeal_share"]]
    got = [(_month(m), int(v), int(a), float(s)) for m, v, a, s in pipeline.sql(
        "SELECT month, verdicts, appealed, share_appealed FROM refusal_appeal_share "
        "ORDER BY month")]
    assert sum(r[2] for r in want) > 5
    assert got == want


def test_changes_and_delays_equal_truth(pipeline: Stack, truth: dict[str, Any]) -> None:
    want = sorted((r["month"], r["instance"], r["category"], r["change"], r["appeals"])
                  for r in truth["appeal_changes"])
    got = sorted((_month(m), i, c, ch, int(n)) for m, i, c, ch, n in pipeline.sql(
        "SELECT month, instance, category, change, appeals FROM appeal_changes"))
    assert len(want) > 3
    assert got == want
    keys = ("appeals", "total_days", "min_days", "max_days", "median_days")
    want_d = sorted((r["month"], r["instance"], r["category"], *(r[k] for k in keys))
                    for r in truth["appeal_delays"])
    got_d = sorted((_month(row[0]), row[1], row[2], *(int(x) for x in row[3:]))
                   for row in pipeline.sql(
                       "SELECT month, instance, category, appeals, total_days, min_days, "
                       "max_days, median_days FROM appeal_delays"))
    assert len(want_d) > 3
    assert got_d == want_d


def test_the_chain_carries_provenance(pipeline: Stack) -> None:
    rows = pipeline.sql(
        "SELECT case_key, groupArray(instance), groupArray(source_url), "
        "groupArray(source_sha256) FROM (SELECT * FROM appeal_chain ORDER BY instance) "
        "GROUP BY case_key HAVING has(groupArray(instance), 'cassation')")
    assert rows
    for _, instances, urls, hashes in rows:
        assert instances[0] == "appeal" and "cassation" in instances
        assert all("name_op=case" in u for u in urls)
        assert all(len(h) == 64 for h in hashes)
