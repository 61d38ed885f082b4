"""kill -9 of the aggregator (the owner of the embedded ClickHouse) mid-ingest, restart.

The events topic is filled first (parser to the end, no aggregator); the aggregator then
ingests it in small batches and is killed once some batches are in ClickHouse while its
group still has uncommitted events. A batch inserted but not committed comes back on
restart and is dropped by its deduplication token, or collapses by event id under FINAL.
"""

from __future__ import annotations

import pytest

from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
from launcher.stack import Stack, wait_until
from launcher.trials import (
    AGGREGATOR_GROUP,
    CI_CORPUS,
    PARSER_GROUP,
    Baseline,
    KafkaProbe,
    assert_exact,
    kill9,
    start_aggregator,
    start_corpus,
    start_fetcher,
    start_parser,
    wait_drained,
    wait_fetcher_done,
)

pytestmark = pytest.mark.integration


def test_aggregator_kill9_mid_ingest(stack: Stack, baseline: Baseline) -> None:
    start_corpus(stack, CI_CORPUS)
    start_parser(stack)
    start_fetcher(stack)
    wait_fetcher_done(stack)
    probe = KafkaProbe(stack.bootstrap)
    probe.wait(lambda o: o.ends[TOPIC_RAW_PAGES] == baseline.raw_pages
               and o.lag(PARSER_GROUP, TOPIC_RAW_PAGES) == 0, timeout=180,
               what="raw topic parsed")
    assert probe.read().ends[TOPIC_CASE_EVENTS] >= baseline.events

    # Small batches: many inserts, so the kill lands between two of them.
    start_aggregator(stack, {"DW_BATCH_SIZE": "20"})

    def mid_ingest() -> bool:
        rows = int(stack.sql("SELECT count() FROM case_events")[0][0])
        return rows > 0 and probe.read().lag(AGGREGATOR_GROUP, TOPIC_CASE_EVENTS) > 0

    wait_until(mid_ingest, timeout=120, interval=0.05, what="aggregator mid-ingest")
    kill9(stack, "aggregator")
    assert probe.read().lag(AGGREGATOR_GROUP, TOPIC_CASE_EVENTS) > 0

    start_aggregator(stack)
    wait_drained(stack, timeout=480)
    snap = assert_exact(stack, baseline.event_ids)
    final = int(stack.sql("SELECT count() FROM case_events FINAL")[0][0])
    distinct = int(stack.sql("SELECT uniqExact(event_id) FROM case_events")[0][0])
    assert final == distinct == len(snap.event_ids) == len(baseline.event_ids)
