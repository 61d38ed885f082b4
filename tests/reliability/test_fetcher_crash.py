"""kill -9 of the fetcher mid-backfill, restart: the whole pipeline still counts exactly.

(tests/fetcher has the fetcher-level resume test; this one checks what reaches ClickHouse.)
Pages published before the kill but not yet recorded in the fetcher's state are fetched
and published again after the restart: the parser finds nothing new in them.
"""

from __future__ import annotations

import pytest

from docketwatch.contract import TOPIC_RAW_PAGES
from launcher.stack import Stack
from launcher.trials import (
    CI_CORPUS,
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
    wait_sql,
)

pytestmark = pytest.mark.integration


def test_fetcher_kill9_mid_backfill(stack: Stack, baseline: Baseline) -> None:
    start_corpus(stack, CI_CORPUS)
    start_parser(stack)
    start_aggregator(stack, wait=False)
    start_fetcher(stack)
    probe = KafkaProbe(stack.bootstrap)
    probe.wait(lambda o: o.ends[TOPIC_RAW_PAGES] >= 0.4 * baseline.raw_pages, timeout=180,
               what="fetcher mid-backfill")
    kill9(stack, "fetcher")
    assert probe.read().ends[TOPIC_RAW_PAGES] < baseline.raw_pages  # really mid-backfill

    start_fetcher(stack)
    wait_fetcher_done(stack)
    wait_drained(stack, timeout=480)
    wait_sql(stack)
    assert_exact(stack, baseline.event_ids, tolerate_new_observed=True)
