"""The aggregator service: case events in, ClickHouse rows out (a faust-streaming worker).

At-least-once delivery made effectively-once: records are inserted in batches with a
deduplication token built from their offsets, tables deduplicate by event id, and a
batch's offsets are committed only after its insert returned.

Case events, the volume, are read in whole fetches by a BatchConsumer (aiokafka, group
DW_AGGREGATOR_GROUP) and go to ClickHouse as their own JSON, which ClickHouse parses:
faust's per-record stream path and building Python objects per record each cost more than
the rest of the work (see docketwatch.batch_consumer, store.sink). Court health, alerts and
dead letters, a trickle, are faust agents (group DW_AGGREGATOR_GROUP + "-ops").

In embedded mode this process owns the chDB data directory, so it also serves ClickHouse's
HTTP interface, read-only (services/aggregator/query.py), that the CLI, the alerts, the
dashboard and people's own ClickHouse clients read the store through.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from aiokafka.errors import KafkaError

from docketwatch.batch_consumer import BatchConsumer, Records
from docketwatch.contract import (
    TOPIC_ALERTS,
    TOPIC_CASE_EVENTS,
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    TOPIC_SOURCE_HEALTH,
    AlertEvent,
    CourtHealth,
    DeadLetter,
)
from docketwatch.kafka import consumer_lag, groups_reading
from docketwatch.ops import OpsServer
from docketwatch.store.ops_sink import (
    write_alerts,
    write_court_health,
    write_dead_letters,
)
from docketwatch.store.sink import dedup_token, write_event_records
from docketwatch.streams import (
    OpsService,
    Stall,
    batched_agent,
    make_app,
    raw_topic,
    stream_health,
    until_done,
    watch_stalls,
)
from services.aggregator import metrics
from services.aggregator.db import Connections
from services.aggregator.query import QueryInterface
from services.aggregator.settings import AggregatorSettings

log = logging.getLogger("docketwatch.aggregator")
VERSION = "aggregator/1"
T = TypeVar("T")
Writer = Callable[..., int]

settings = AggregatorSettings()

OPS_GROUP = f"{settings.aggregator_group}-ops"
app = make_app(
    OPS_GROUP, settings, partitions=settings.events_partitions,
    broker_commit_every=settings.batch_size,
    stream_buffer_maxsize=max(4096, settings.batch_size),
)
dead_topic = raw_topic(app, TOPIC_DEAD_LETTERS)

# One reader and DW_INSERT_WORKERS writers, a thread and a connection each (see db.py).
db = Connections(settings.dsn(), settings.insert_workers,
                 readers=settings.clickhouse_http_max_queries)
queries = (QueryInterface(db, settings, settings.read_limits()) if settings.embedded()
           else None)
_counts: dict[str, Any] = {"events_written": 0, "batches": 0, "dead_letters": 0,
                           "last_insert": None}


async def _open_store() -> None:
    await db.open()  # open and migrate before the first batch arrives


# The store opens (and migrates) at once; a query or insert that comes first waits for it.
def _health() -> dict[str, Any]:
    now = time.monotonic()
    return {**stream_health(app, _ops_stall), "events_stall": _events_stall.state(now),
            **_counts}


ops = OpsService(OpsServer("aggregator", settings.ops_host, settings.aggregator_ops_port,
                           _health), warm_up=_open_store)

# The pipeline's backlog in one place: the aggregator is the process every deployment has.
@app.timer(15.0)
async def _measure_lag() -> None:
    # Every group reading the raw topic, not one name: after `docketwatch replay --group X`
    # the replaying parser's lag is the one that matters.
    try:
        parsers = await groups_reading(settings.kafka_bootstrap, TOPIC_RAW_PAGES)
    except Exception as exc:  # a metric must never take the sink down
        log.debug("consumer groups unavailable: %s", exc)
        parsers = []
    watched = [(g, TOPIC_RAW_PAGES) for g in sorted({settings.parser_group, *parsers})]
    for group, topic in [*watched, (settings.aggregator_group, TOPIC_CASE_EVENTS)]:
        try:
            lag = await consumer_lag(settings.kafka_bootstrap, group, topic)
        except Exception as exc:  # a metric must never take the sink down
            log.debug("lag of %s on %s unavailable: %s", group, topic, exc)
            continue
        metrics.CONSUMER_LAG.labels(group, topic).set(lag)
        _counts[f"lag_{topic}" if group in (settings.parser_group, settings.aggregator_group)
                else f"lag_{topic}_{group}"] = lag


async def _dead_letter(value: bytes, error_type: str, error: str, msg: Any) -> None:
    """Sent and acknowledged before the batch's offsets are."""
    metrics.DEAD.labels(error_type).inc()
    _counts["dead_letters"] += 1
    letter = DeadLetter(
        stage="aggregator", error_type=error_type, error=error[:2000],
        stage_version=VERSION, source_topic=msg.topic, source_partition=msg.partition,
        source_offset=msg.offset, created_at=datetime.now(UTC), payload=value,
    )
    await app.maybe_start_producer()
    await (await dead_topic.send(key=b"", value=letter.to_bytes()))


async def _insert_until_done(writer: Callable[..., T], records: Sequence[Any],
                             token: str) -> T:
    """The batch is not acknowledged until this returns (see until_done)."""
    return await until_done(lambda: db.write(lambda c: writer(c, records, dedup_token=token)),
                            retry_on=Exception, what="insert")


def _inserted(seconds: float) -> None:
    metrics.INSERT_SECONDS.observe(seconds)
    metrics.BATCHES.inc()
    metrics.LAST_INSERT.set(time.time())
    _counts["batches"] += 1
    _counts["last_insert"] = datetime.now(UTC).isoformat(timespec="seconds")


# Batches the faust agents wrote: the progress of their stall watch (the case events'
# batches, counted in _counts["batches"] too, must not hide a stuck ops group).
_ops_batches = [0]


def sink(topic_name: str, model: type[Any], writer: Writer, *,
         dead_letter_bad: bool = True) -> None:
    """A batched, at-least-once agent that writes one topic's records into ClickHouse.

    Offsets of a batch are acknowledged only after its insert returned; records that do not
    parse are dead-lettered (except on the dead-letter topic itself, where that would loop).
    """
    topic = raw_topic(app, topic_name)

    async def write_batch(batch: Sequence[Any]) -> None:
        good: list[Any] = []
        for event in batch:
            try:
                good.append(model.from_bytes(event.value))
            except ValueError as exc:
                if dead_letter_bad:
                    await _dead_letter(event.value, type(exc).__name__, str(exc), event.message)
                else:
                    metrics.DEAD.labels("unreadable_dead_letter").inc()
                    log.error("unreadable record on %s: %s", topic_name, exc)
        token = dedup_token([e.message for e in batch])
        t0 = time.perf_counter()
        await _insert_until_done(writer, good, token)
        _inserted(time.perf_counter() - t0)
        _ops_batches[0] += 1

    batched_agent(app, topic, write_batch, size=settings.batch_size,
                  within=settings.batch_within_s, name=f"sink-{topic_name}",
                  bootstrap=settings.kafka_bootstrap)


sink(TOPIC_SOURCE_HEALTH, CourtHealth, write_court_health)
sink(TOPIC_ALERTS, AlertEvent, write_alerts)
sink(TOPIC_DEAD_LETTERS, DeadLetter, write_dead_letters, dead_letter_bad=False)


async def _write_events(records: Records) -> None:
    """One fetch of case events into ClickHouse; records it refuses are dead-lettered."""
    values = [r.value or b"" for r in records]
    t0 = time.perf_counter()
    result = await _insert_until_done(write_event_records, values, dedup_token(records))
    _inserted(time.perf_counter() - t0)
    for bad in result.rejected:
        await until_done(partial(_dead_letter, values[bad.position], bad.error_type,
                                 bad.error, records[bad.position]),
                         retry_on=(KafkaError, OSError, asyncio.TimeoutError),
                         what="dead-lettering a refused event")
    metrics.EVENTS_WRITTEN.inc(result.written)
    _counts["events_written"] += result.written


events = BatchConsumer(bootstrap=settings.kafka_bootstrap, group=settings.aggregator_group,
                       topic=TOPIC_CASE_EVENTS, work=_write_events, size=settings.batch_size,
                       within_s=settings.batch_within_s,
                       session_timeout_s=settings.kafka_session_timeout_s,
                       concurrency=settings.insert_workers)

# Each group has its stall rule (see docketwatch.streams.Stall): the case events' reader,
# progress = the batches it finished; faust's agents, watched on the dead letters.
_events_stall: Stall = watch_stalls(
    app, settings, settings.aggregator_group, TOPIC_CASE_EVENTS,
    lambda: events.handled + int(_counts["dead_letters"]), phase=events.phase)
_ops_stall: Stall = watch_stalls(app, settings, OPS_GROUP, TOPIC_DEAD_LETTERS,
                                 lambda: _ops_batches[0])
