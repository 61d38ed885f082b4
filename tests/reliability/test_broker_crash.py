"""kill -9 of the Kafka broker mid-run, restart on the same ports and data directory.

Every service keeps running through the outage (their clients reconnect); the fetcher's
pass may fail windows whose pages could not be acknowledged, so it is run again (it
resumes), as an operator or the live mode would.
"""

from __future__ import annotations

import pytest

from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
from launcher.stack import Stack
from launcher.trials import (
    CI_CORPUS,
    Baseline,
    KafkaProbe,
    assert_exact,
    kill9_broker,
    start_aggregator,
    start_corpus,
    start_fetcher,
    start_parser,
    wait_drained,
    wait_sql,
)

pytestmark = pytest.mark.integration


def test_broker_kill9_mid_run(stack: Stack, baseline: Baseline) -> None:
    start_corpus(stack, CI_CORPUS)
    start_parser(stack)
    start_aggregator(stack, wait=False)
    start_fetcher(stack)
    probe = KafkaProbe(stack.bootstrap)
    probe.wait(lambda o: o.ends[TOPIC_RAW_PAGES] >= 0.3 * baseline.raw_pages
               and o.ends[TOPIC_CASE_EVENTS] > 0, timeout=180, what="pipeline mid-run")
    kill9_broker(stack)
    stack.start_broker()
    # The parser and the aggregator ride the outage out on their own: no restart.
    first = stack.wait_exit("fetcher", timeout=600)
    start_fetcher(stack)  # resume whatever the outage made fail
    second = stack.wait_exit("fetcher", timeout=600)
    assert second == 0, f"fetcher exited {first} then {second}"
    wait_drained(stack, timeout=480)
    wait_sql(stack)
    assert_exact(stack, baseline.event_ids, tolerate_new_observed=True)
