"""Replaying the raw topic is idempotent: a second parser under a new consumer group reads
every page from offset 0 and re-emits every event with the same id; ClickHouse's counts and
its set of event ids do not change.

Replay procedure (e.g. after a parser fix, or to audit a published figure):

1. Keep the broker, the aggregator and the running parser as they are. Raw pages are kept
   forever (``retention.ms=-1``), so the raw topic is the complete evidence.
2. Start one more parser under a new consumer group, which is also its faust app id and
   therefore the name of a fresh case-table changelog::

       DW_PARSER_GROUP=docketwatch-parser-replay DW_PARSER_OPS_PORT=<free port> \\
           python -m services.parser

   A group without committed offsets starts at the beginning (``auto_offset_reset =
   earliest``) and its empty case table rebuilds every case's history page by page. It
   writes to the same events topic; event ids are deterministic, so ClickHouse keeps one
   row per id (``insert_deduplication_token`` per batch, ReplacingMergeTree by event_id).
3. Wait until its lag on ``docketwatch.raw-pages.v1`` is 0 and the aggregator's lag on
   ``docketwatch.case-events.v1`` is 0 (``launcher.demo.drained`` measures the two
   default groups; use ``consumer_lag`` from ``docketwatch.kafka`` for the replay group).
4. Stop the replay parser (SIGTERM). Its group and changelog topic can be deleted with
   Kafka's tools; a later replay must use yet another group name (or delete them first).

Counts are unchanged when the parser's code is unchanged: same pages, same ids. With a
changed parser, new or different events appear under new ids next to the old ones; that
is a re-derivation, not an idempotent replay, and is outside this test.
"""

from __future__ import annotations

import urllib.request

import pytest

from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
from launcher.stack import Stack, wait_until
from launcher.trials import (
    CI_CORPUS,
    PARSER_GROUP,
    Baseline,
    KafkaProbe,
    assert_exact,
    clean_run,
    snapshot,
    start_parser,
    wait_drained,
)

pytestmark = pytest.mark.integration

REPLAY_GROUP = "docketwatch-parser-replay"


def test_replay_from_offset_zero_under_a_new_group_changes_nothing(
        stack: Stack, baseline: Baseline) -> None:
    before = clean_run(stack, CI_CORPUS)
    assert before.event_ids == baseline.event_ids
    events_before = KafkaProbe(stack.bootstrap).read().ends[TOPIC_CASE_EVENTS]

    start_parser(stack, "parser-replay", {"DW_PARSER_GROUP": REPLAY_GROUP})
    wait_drained(stack, timeout=480, parser_groups=(PARSER_GROUP, REPLAY_GROUP))

    # The replay really ran: it re-emitted (at least) every event of the clean run ...
    events_after = KafkaProbe(stack.bootstrap).read().ends[TOPIC_CASE_EVENTS]
    assert events_after - events_before >= len(baseline.event_ids)
    # ... and nothing changed downstream.
    after = snapshot(stack)
    assert after.event_ids == before.event_ids
    assert after.events_final == before.events_final == len(before.event_ids)
    assert after.cases == before.cases
    assert after.monthly == before.monthly
    assert_exact(stack, baseline.event_ids)
    # The aggregator's lag gauge watches the replaying group too, by itself (no restart,
    # no setting): it reads every group on the raw topic.
    port = stack.ops_ports["aggregator"]

    def watched() -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            text = resp.read().decode()
        return (f'docketwatch_consumer_lag{{group="{REPLAY_GROUP}",topic="{TOPIC_RAW_PAGES}"}} '
                '0.0' in text)

    wait_until(watched, timeout=60, interval=1.0, what="the replay group's lag gauge")
