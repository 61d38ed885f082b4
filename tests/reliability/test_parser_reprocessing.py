"""The parser's crash window, made deterministic: pages processed again after a crash.

At-least-once: the parser updates its case table (and the table's changelog) page by page,
but commits its raw-topic offsets only every 500 messages or 1 s. A kill -9 in between
leaves a changelog that is *ahead* of the committed offsets; on restart the table is
restored from the changelog and the uncommitted pages are processed again, against case
states that already include them and the pages after them. This test produces exactly
that state for the whole topic (clean run, graceful stop, committed offsets reset to 0,
restart with the same group, i.e. the same changelog) and checks the module docstring's
promise: "a crash anywhere re-emits at worst events with the same deterministic ids".
"""

from __future__ import annotations

import asyncio

import pytest

from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
from docketwatch.kafka import topic_partitions
from launcher.stack import Stack
from launcher.trials import (
    CI_CORPUS,
    PARSER_GROUP,
    Baseline,
    KafkaProbe,
    clean_run,
    snapshot,
    start_parser,
    verdict,
    wait_drained,
)

pytestmark = pytest.mark.integration


async def _commit_zero(bootstrap: str, group: str, topic: str) -> None:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        tps = await topic_partitions(consumer, topic)
        consumer.assign(tps)
        await consumer.commit({tp: 0 for tp in tps})
    finally:
        await consumer.stop()


def test_reprocessing_pages_the_table_already_saw_emits_no_new_ids(
        stack: Stack, baseline: Baseline) -> None:
    before = clean_run(stack, CI_CORPUS)
    assert before.event_ids == baseline.event_ids
    stack.stop("parser")  # graceful: its table and changelog are complete
    asyncio.run(_commit_zero(stack.bootstrap, PARSER_GROUP, TOPIC_RAW_PAGES))
    probe = KafkaProbe(stack.bootstrap)
    assert probe.read().lag(PARSER_GROUP, TOPIC_RAW_PAGES) == baseline.raw_pages
    events_before = probe.read().ends[TOPIC_CASE_EVENTS]

    start_parser(stack)  # same group: same changelog, table restored ahead of offsets
    wait_drained(stack, timeout=480)
    after = snapshot(stack)
    v = verdict(stack, baseline.event_ids)
    assert v.lost == 0 and v.double_counted == 0, v.problems  # counts stay exact ...
    assert after.monthly == before.monthly
    assert probe.read().ends[TOPIC_CASE_EVENTS] >= events_before
    assert v.new_ids == 0, v.problems  # ... but new ids appear
