"""Scale-out: two parser workers in one consumer group on the 6-partition raw topic; each is
killed with -9 mid-stream and restarted, one at a time; counts stay exact."""

from __future__ import annotations

import pytest

from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
from launcher.stack import Stack, free_port, wait_until
from launcher.trials import (
    CI_CORPUS,
    PARSER_GROUP,
    Baseline,
    KafkaProbe,
    assert_exact,
    health,
    kill9,
    stable_members,
    start_aggregator,
    start_corpus,
    start_fetcher,
    start_parser,
    wait_drained,
    wait_fetcher_done,
)

pytestmark = pytest.mark.integration


def test_two_parser_workers_killed_one_at_a_time(stack: Stack, baseline: Baseline) -> None:
    start_corpus(stack, CI_CORPUS)
    start_aggregator(stack, wait=False)
    # Both workers in the group before the first page: on a topic filled beforehand, the
    # first to join could drain it before the other's join (1,078 pages in under 2 s).
    ports = {"parser-a": free_port(), "parser-b": free_port()}
    for name, port in ports.items():
        start_parser(stack, name, {"DW_PARSER_OPS_PORT": str(port)})
    wait_until(lambda: stable_members(stack.bootstrap, PARSER_GROUP) == 2, timeout=300,
               interval=0.2, what="both parser workers in the group")
    # A paced pass (about 30 s: 40 requests/s to the simulator, one host), so that both
    # kills come while pages still arrive.
    start_fetcher(stack, {"DW_HOST_RATE_PER_S": "40"})
    probe = KafkaProbe(stack.bootstrap)

    def both_working() -> bool:
        return all(health(stack, p).get("pages", 0) > 0 for p in ports.values())

    wait_until(both_working, timeout=300, interval=0.05, what="both workers parsing")
    assert stack.procs["fetcher"].poll() is None, "the pass ended before the kill"
    kill9(stack, "parser-a")
    start_parser(stack, "parser-a", {"DW_PARSER_OPS_PORT": str(ports["parser-a"])})
    # /health answers while the group rebalances and the table recovers, not only after.
    first = wait_until(lambda: health(stack, ports["parser-a"]), timeout=120,
                       what="restarted parser-a answering /health")
    assert first["phase"] in {"recovering", "rebalancing", "running"}

    # The second kill only once the first restart has taken work again (or the stream
    # has been drained meanwhile: then it is a kill at rest, still a valid check).
    def a_back_at_work() -> bool:
        return (probe.read().lag(PARSER_GROUP, TOPIC_RAW_PAGES) == 0
                or health(stack, ports["parser-a"]).get("pages", 0) > 0)

    wait_until(a_back_at_work, timeout=300, interval=0.1, what="parser-a back at work")
    kill9(stack, "parser-b")
    start_parser(stack, "parser-b", {"DW_PARSER_OPS_PORT": str(ports["parser-b"])})

    wait_fetcher_done(stack)
    assert probe.read().ends[TOPIC_RAW_PAGES] == baseline.raw_pages
    wait_drained(stack, timeout=480)
    after = probe.read()
    assert after.ends[TOPIC_CASE_EVENTS] >= baseline.events
    assert_exact(stack, baseline.event_ids, tolerate_new_observed=True)
