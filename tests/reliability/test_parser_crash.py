"""kill -9 of the parser mid-stream, restart: 0 lost, 0 double-counted.

The raw topic is filled first (fetcher to the end), then the parser starts and is killed as
soon as some of its events are in the events topic while part of the raw topic is still
uncommitted by its group. On restart it rebuilds its case table from the changelog and
re-reads from the last committed offset: events of pages already handled are re-emitted
with the same ids (the sink deduplicates), none is skipped and none is new.
"""

from __future__ import annotations

import pytest

from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
from launcher.stack import Stack
from launcher.trials import (
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


def test_parser_kill9_mid_stream(stack: Stack, baseline: Baseline) -> None:
    start_corpus(stack, CI_CORPUS)
    start_aggregator(stack, wait=False)
    start_fetcher(stack)
    wait_fetcher_done(stack)
    probe = KafkaProbe(stack.bootstrap)
    assert probe.read().ends[TOPIC_RAW_PAGES] == baseline.raw_pages

    start_parser(stack)
    at_kill = probe.wait(
        lambda o: o.ends[TOPIC_CASE_EVENTS] >= 0.3 * baseline.events
        and o.lag(PARSER_GROUP, TOPIC_RAW_PAGES) > 0,
        timeout=120, what="parser mid-stream")
    kill9(stack, "parser")
    assert at_kill.lag(PARSER_GROUP, TOPIC_RAW_PAGES) > 0  # really mid-stream

    start_parser(stack)
    wait_drained(stack, timeout=480)
    after = probe.read()
    # The restart re-read what was not committed, so some events were re-emitted ...
    assert after.ends[TOPIC_CASE_EVENTS] >= baseline.events
    # ... and yet ClickHouse equals the truth and holds every event id of the clean run.
    # No event id a clean run does not produce: the case table remembers the position of
    # the page it reflects, so re-read pages invent nothing (test_parser_reprocessing.py).
    assert_exact(stack, baseline.event_ids)
