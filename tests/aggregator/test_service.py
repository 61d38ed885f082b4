"""The aggregator process on a real broker: case events and the operational topics in
whole fetches, records the contract or the store refuses dead-lettered with their offsets,
the rest written once, redelivery absorbed."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from datetime import UTC, date, datetime
from typing import Any

import pytest

from docketwatch.contract import (
    TOPIC_ALERTS,
    TOPIC_CASE_EVENTS,
    TOPIC_DEAD_LETTERS,
    TOPIC_SOURCE_HEALTH,
    AlertEvent,
    AlertStatus,
    CaseEvent,
    CourtHealth,
    CourtState,
)
from docketwatch.kafka import consumer_lag, ensure_topics, make_producer
from docketwatch.settings import ops_group
from launcher.stack import Stack, wait_until
from launcher.trials import AGGREGATOR_GROUP, health, start_aggregator

from .factories import make_event

pytestmark = pytest.mark.integration


def events(n: int) -> list[CaseEvent]:
    return [make_event(f"1-{i}/2024", observed="2024-03-02T08:00:00",
                       receipt=date(2024, 3, 1 + i % 28)) for i in range(n)]


async def send(bootstrap: str, records: list[tuple[bytes, bytes]],
               topic: str = TOPIC_CASE_EVENTS) -> list[tuple[int, int]]:
    """(partition, offset) of each record, in order."""
    await ensure_topics(bootstrap)
    producer = make_producer(bootstrap, client_id="test-aggregator")
    await producer.start()
    try:
        futures = [await producer.send(topic, key=k, value=v) for k, v in records]
        return [(m.partition, m.offset) for m in await asyncio.gather(*futures)]
    finally:
        await producer.stop()


def count(stack: Stack, sql: str) -> int:
    return int(stack.sql(sql)[0][0])


def test_events_written_once_and_bad_records_dead_lettered(stack: Stack) -> None:
    good = events(300)
    bad = {
        120: good[0].to_bytes()[:100],                                     # truncated
        240: json.dumps({**json.loads(good[1].to_bytes()),                  # unknown type
                         "event_type": "no_such_type"}).encode(),
    }
    records = [(e.case_key.encode(), e.to_bytes()) for e in good]
    for at, value in sorted(bad.items()):
        records.insert(at, (b"bad", value))
    placed = asyncio.run(send(stack.bootstrap, records))
    start_aggregator(stack)

    def letters() -> list[Any]:
        return stack.sql("SELECT source_partition, source_offset, error_type FROM dead_letters "
                         "WHERE stage = 'aggregator' ORDER BY source_partition, source_offset")

    wait_until(lambda: count(stack, "SELECT count() FROM case_events FINAL") == 300
               and len(letters()) == 2, timeout=120, what="events written, letters stored")
    assert {r[0] for r in stack.sql("SELECT event_id FROM case_events")} \
        == {e.event_id for e in good}
    assert [tuple(r[:2]) for r in letters()] == sorted(placed[at] for at in bad)
    # ClickHouse refused the batch; the contract then named the two culprits.
    assert [r[2] for r in letters()] == ["ValidationError", "ValidationError"]
    wait_until(lambda: asyncio.run(consumer_lag(stack.bootstrap, AGGREGATOR_GROUP,
                                                TOPIC_CASE_EVENTS)) == 0,
               timeout=60, what="offsets committed")
    assert health(stack, stack.ops_ports["aggregator"])["events_written"] == 300
    # the stall watch's first look (every 10 s) finds the reader holding all partitions
    wait_until(lambda: health(stack, stack.ops_ports["aggregator"])["events_stall"]
               == {"phase": "working", "backlog": 0, "unchanged_s": pytest.approx(0, abs=30)},
               timeout=30, what="stall watch sees the events reader working")

    # The producer sends everything again (a retried batch upstream): nothing counts twice.
    asyncio.run(send(stack.bootstrap, records))
    wait_until(lambda: health(stack, stack.ops_ports["aggregator"])["events_written"] == 600,
               timeout=120, what="redelivered events handled")
    assert count(stack, "SELECT count() FROM case_events FINAL") == 300
    assert count(stack, "SELECT count() FROM cases") == 300
    wait_until(lambda: len(letters()) == 4, timeout=60, what="second letters")

    # SIGTERM: the batches in hand finish, their offsets are committed, exit 0.
    proc = stack.procs["aggregator"]
    stack.stop("aggregator", timeout=60)
    assert proc.returncode == 0
    assert asyncio.run(consumer_lag(stack.bootstrap, AGGREGATOR_GROUP, TOPIC_CASE_EVENTS)) == 0


def test_operational_records_refused_are_dead_lettered_not_retried(stack: Stack) -> None:
    """Court health, alerts and dead letters take the case events' loop: a record the
    contract or the store refuses is dead-lettered and the group moves on (it used to retry
    such a batch for ever)."""
    t0 = datetime(2024, 7, 31, 12, 0, tzinfo=UTC)
    healths = [CourtHealth(court_code=f"52GV000{i}", state=CourtState.OK, checked_at=t0,
                           pages_ok=i) for i in range(1, 4)]
    too_big = healths[0].model_copy(update={"court_code": "52GV0009", "pages_ok": 2**40})
    health_records = [(h.court_code.encode(), h.to_bytes()) for h in healths]
    health_records[1:1] = [(b"x", b"{not json"), (b"y", too_big.to_bytes())]
    alert = AlertEvent(alert_id="a1", rule="record", labels={"series": "refusal"},
                       status=AlertStatus.FIRING, severity="warning", summary="spike",
                       at=t0)
    placed_h = asyncio.run(send(stack.bootstrap, health_records, TOPIC_SOURCE_HEALTH))
    placed_a = asyncio.run(send(stack.bootstrap, [(b"a1", alert.to_bytes()),
                                                  (b"a2", b'{"alert_id": 3}')], TOPIC_ALERTS))
    # A dead letter that is itself unreadable: counted, never dead-lettered again (a loop).
    asyncio.run(send(stack.bootstrap, [(b"", b"\xff\xfe")], TOPIC_DEAD_LETTERS))
    start_aggregator(stack)

    def letters() -> list[Any]:
        # (the module's stack is shared: the case events' letters are another test's)
        return stack.sql("SELECT source_topic, source_partition, source_offset, error_type "
                         "FROM dead_letters FINAL WHERE stage = 'aggregator' "
                         "AND source_topic != {events:String} "
                         "ORDER BY source_topic, source_offset", {"events": TOPIC_CASE_EVENTS})


    def drained() -> bool:
        return all(asyncio.run(consumer_lag(stack.bootstrap, ops_group(AGGREGATOR_GROUP), t)) == 0
                   for t in (TOPIC_SOURCE_HEALTH, TOPIC_ALERTS, TOPIC_DEAD_LETTERS))

    wait_until(lambda: len(letters()) == 3 and drained(), timeout=120,
               what="refused records dead-lettered, the ops group drained")
    assert letters() == [
        [TOPIC_ALERTS, *placed_a[1], "ValidationError"],
        [TOPIC_SOURCE_HEALTH, *placed_h[1], "ValidationError"],
        [TOPIC_SOURCE_HEALTH, *placed_h[2], "RefusedByClickHouse"],
    ]
    assert stack.sql("SELECT court_code, pages_ok FROM court_health_log FINAL "
                     "ORDER BY court_code") == [[h.court_code, h.pages_ok] for h in healths]
    assert stack.sql("SELECT alert_id, status FROM alert_history FINAL") == [["a1", "firing"]]
    state = health(stack, stack.ops_ports["aggregator"])
    assert (state["ops_written"], state["dead_letters"]) == (3 + 1 + 3, 3)
    metrics = urllib.request.urlopen(
        f"http://127.0.0.1:{stack.ops_ports['aggregator']}/metrics", timeout=10).read().decode()
    assert 'docketwatch_aggregator_dead_letters_total{error="unreadable_dead_letter"} 1.0' \
        in metrics
