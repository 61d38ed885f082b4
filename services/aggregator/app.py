"""The aggregator service: case events, court health, alerts and dead letters in,
ClickHouse rows out.

At-least-once delivery made effectively-once: records are inserted in batches with a
deduplication token built from their offsets, tables deduplicate by record id, and a
batch's offsets are committed only after its insert returned.

Every topic goes through one loop (``docketwatch.batch_consumer.BatchConsumer``: whole
fetches, consume → insert → commit) and one kind of sink (``TopicSink``): a topic's records
go to ClickHouse as a batch; the records the contract or the store refuses come back and are
dead-lettered; the rest are written. Two consumer groups read them: DW_AGGREGATOR_GROUP
the case events, the volume, with several inserts in flight; DW_AGGREGATOR_GROUP + "-ops"
the operational trickle, so that a backlog of events never delays an alert's row.

The faust-streaming worker hosts it all: the services' start and stop, the timers (lag,
stall watch) and the dead-letter producer; it consumes nothing itself (faust's per-record
stream path costs more than the rest of the work, see docketwatch.batch_consumer).

In embedded mode this process owns the chDB data directory, so it also serves ClickHouse's
HTTP interface, read-only (services/aggregator/query.py), that the CLI, the alerts, the
dashboard and people's own ClickHouse clients read the store through.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import faust
from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaError
from clickhouse_connect.driver.client import Client
from mode import Service

from docketwatch.batch_consumer import BatchConsumer, Records
from docketwatch.contract import (
    TOPIC_ALERTS,
    TOPIC_APPEAL_EVENTS,
    TOPIC_CASE_EVENTS,
    TOPIC_CASE_UIDS,
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    TOPIC_SOURCE_HEALTH,
    AlertEvent,
    AppealEvent,
    CaseUid,
    CourtHealth,
    DeadLetter,
)
from docketwatch.kafka import consumer_lag, groups_reading
from docketwatch.ops import OpsServer
from docketwatch.settings import ops_group
from docketwatch.store.appeal_sink import write_appeal_events, write_case_uids
from docketwatch.store.ops_sink import write_alerts, write_court_health, write_dead_letters
from docketwatch.store.sink import (
    RowWriter,
    WriteResult,
    dedup_token,
    write_event_records,
    write_model_records,
)
from docketwatch.streams import OpsService, Stall, make_app, raw_topic, until_done, watch_stalls
from services.aggregator import metrics
from services.aggregator.db import Connections
from services.aggregator.memory import AllocatorTrim
from services.aggregator.query import QueryInterface
from services.aggregator.settings import AggregatorSettings

log = logging.getLogger("docketwatch.aggregator")
VERSION = "aggregator/1"

Writer = Callable[[Client, Sequence[bytes], str | None], WriteResult]


@dataclass(frozen=True)
class TopicSink:
    """How one topic's records reach the store: ``write`` inserts a batch of them (their
    Kafka bytes) under a deduplication token and says which it refused."""

    topic: str
    write: Writer
    # A refused record of the dead-letter topic cannot be dead-lettered again (it would
    # loop): it is counted and logged, and stays readable on the topic.
    dead_letter_refused: bool = True


def _rows(decode: Callable[[bytes], Any], rows: RowWriter[Any]) -> Writer:
    def write(client: Client, values: Sequence[bytes], token: str | None) -> WriteResult:
        return write_model_records(client, values, decode, rows, token)
    return write


EVENT_SINKS = (TopicSink(TOPIC_CASE_EVENTS, write_event_records),)
OPS_SINKS = (
    TopicSink(TOPIC_SOURCE_HEALTH, _rows(CourtHealth.from_bytes, write_court_health)),
    TopicSink(TOPIC_ALERTS, _rows(AlertEvent.from_bytes, write_alerts)),
    TopicSink(TOPIC_DEAD_LETTERS, _rows(DeadLetter.from_bytes, write_dead_letters),
              dead_letter_refused=False),
    TopicSink(TOPIC_APPEAL_EVENTS, _rows(AppealEvent.from_bytes, write_appeal_events)),
    TopicSink(TOPIC_CASE_UIDS, _rows(CaseUid.from_bytes, write_case_uids)),
)


@dataclass
class Progress:
    """What this worker has done, for /health (the metrics count the same)."""

    events_written: int = 0
    ops_written: int = 0
    batches: int = 0
    dead_letters: int = 0
    last_insert: str | None = None
    lag: dict[str, int] = field(default_factory=dict)

    def inserted(self, sink: TopicSink, result: WriteResult, seconds: float) -> None:
        metrics.INSERT_SECONDS.observe(seconds)
        metrics.BATCHES.inc()
        metrics.LAST_INSERT.set(time.time())
        self.batches += 1
        self.last_insert = datetime.now(UTC).isoformat(timespec="seconds")
        if sink.topic == TOPIC_CASE_EVENTS:
            metrics.EVENTS_WRITTEN.inc(result.written)
            self.events_written += result.written
        else:
            metrics.OPS_WRITTEN.labels(sink.topic).inc(result.written)
            self.ops_written += result.written


class Aggregator:
    """One aggregator worker, wired from its settings. Built by ``__main__`` (which runs
    ``app`` with ``services()``) and by tests; building it starts nothing."""

    def __init__(self, settings: AggregatorSettings) -> None:
        self.settings = settings
        self.progress = Progress()
        # The worker's host: timers and the dead-letter producer; it consumes nothing.
        self.app: faust.App = make_app(f"{settings.aggregator_group}-worker", settings,
                                       partitions=settings.events_partitions)
        self.app.producer_only = True
        self._dead_topic = raw_topic(self.app, TOPIC_DEAD_LETTERS)
        # DW_INSERT_WORKERS writers and DW_CLICKHOUSE_HTTP_MAX_QUERIES readers (db.py).
        self.trim = AllocatorTrim(settings.rss_target())
        self.db = Connections(settings.dsn(), settings.insert_workers,
                              readers=settings.clickhouse_http_max_queries,
                              after_write=self.trim.after_write)
        self.queries = (QueryInterface(self.db, settings, settings.read_limits())
                        if settings.embedded() else None)
        self.events = self._consumer(settings.aggregator_group, EVENT_SINKS,
                                     concurrency=settings.insert_workers)
        self.ops_records = self._consumer(ops_group(settings.aggregator_group), OPS_SINKS,
                                          concurrency=1)
        # Each group has its stall rule (docketwatch.streams.Stall); progress = the
        # records its loop finished (dead letters included: they are progress too).
        self.events_stall: Stall = self._watch(self.events, TOPIC_CASE_EVENTS)
        self.ops_stall: Stall = self._watch(self.ops_records, TOPIC_DEAD_LETTERS)
        self.app.timer(15.0)(self._measure_lag)
        self.ops = OpsService(OpsServer("aggregator", settings.ops_host,
                                        settings.aggregator_ops_port, self.health,
                                        hostnames=settings.ops_hostname_list()),
                              warm_up=self.db.open)  # migrate before the first batch

    def services(self) -> list[Service]:
        """What runs beside the faust app in the worker."""
        return [self.events, self.ops_records, *([self.queries] if self.queries else [])]

    def health(self) -> dict[str, Any]:
        now = time.monotonic()
        p = self.progress
        return {"events_stall": self.events_stall.state(now),
                "ops_stall": self.ops_stall.state(now),
                "events_written": p.events_written, "ops_written": p.ops_written,
                "batches": p.batches, "dead_letters": p.dead_letters,
                "bytes_in_flight": self.events.bytes_in_flight,
                "last_insert": p.last_insert, **p.lag}

    def _consumer(self, group: str, sinks: Sequence[TopicSink], *,
                  concurrency: int) -> BatchConsumer:
        by_topic = {s.topic: s for s in sinks}

        async def work(records: Records) -> None:
            # One fetch may hold several topics: each goes to its sink, in fetch order.
            parts: dict[str, list[ConsumerRecord[bytes, bytes]]] = {}
            for r in records:
                parts.setdefault(r.topic, []).append(r)
            for topic, part in parts.items():
                await self._write(by_topic[topic], part)

        s = self.settings
        return BatchConsumer(bootstrap=s.kafka_bootstrap, group=group, topics=list(by_topic),
                             work=work, size=s.batch_size, within_s=s.batch_within_s,
                             session_timeout_s=s.kafka_session_timeout_s,
                             concurrency=concurrency, max_bytes=s.insert_max_bytes)

    async def _write(self, sink: TopicSink, records: Records) -> None:
        """One topic's part of a fetch into the store; it is not acknowledged until this
        returned (an outage is waited out, see until_done)."""
        values = [r.value or b"" for r in records]
        token = dedup_token(records)
        t0 = time.perf_counter()

        result = await until_done(
            lambda: self.db.write(lambda c: sink.write(c, values, token)),
            retry_on=Exception, what=f"insert into the store ({sink.topic})")
        self.progress.inserted(sink, result, time.perf_counter() - t0)
        for bad in result.rejected:
            if not sink.dead_letter_refused:
                metrics.DEAD.labels("unreadable_dead_letter").inc()
                log.error("dead letter %s:%d:%d refused (%s): %s", sink.topic,
                          records[bad.position].partition, records[bad.position].offset,
                          bad.error_type, bad.error[:500])
                continue
            await until_done(
                partial(self._dead_letter, values[bad.position], bad.error_type, bad.error,
                        records[bad.position]),
                retry_on=(KafkaError, OSError, asyncio.TimeoutError),
                what="dead-lettering a refused record")

    async def _dead_letter(self, value: bytes, error_type: str, error: str,
                           record: ConsumerRecord[bytes, bytes]) -> None:
        """Sent and acknowledged before the batch's offsets are."""
        metrics.DEAD.labels(error_type).inc()
        self.progress.dead_letters += 1
        letter = DeadLetter(
            stage="aggregator", error_type=error_type, error=error[:2000],
            stage_version=VERSION, source_topic=record.topic,
            source_partition=record.partition, source_offset=record.offset,
            created_at=datetime.now(UTC), payload=value,
        )
        await self.app.maybe_start_producer()
        await (await self._dead_topic.send(key=b"", value=letter.to_bytes()))

    def _watch(self, consumer: BatchConsumer, topic: str) -> Stall:
        return watch_stalls(self.app, self.settings, consumer.group, topic,
                            lambda: consumer.handled, phase=consumer.phase_of(topic))

    async def _measure_lag(self) -> None:
        """The pipeline's backlog in one place: the aggregator is the process every
        deployment has."""
        s = self.settings
        # Every group reading the raw topic, not one name: after `docketwatch replay
        # --group X` the replaying parser's lag is the one that matters.
        try:
            parsers = await groups_reading(s.kafka_bootstrap, TOPIC_RAW_PAGES)
        except Exception as exc:  # a metric must never take the sink down
            log.debug("consumer groups unavailable: %s", exc)
            parsers = []
        watched = [(g, TOPIC_RAW_PAGES) for g in sorted({s.parser_group, *parsers})]
        for group, topic in [*watched, (s.aggregator_group, TOPIC_CASE_EVENTS)]:
            try:
                lag = await consumer_lag(s.kafka_bootstrap, group, topic)
            except Exception as exc:  # a metric must never take the sink down
                log.debug("lag of %s on %s unavailable: %s", group, topic, exc)
                continue
            metrics.CONSUMER_LAG.labels(group, topic).set(lag)
            self.progress.lag[f"lag_{topic}" if group in (s.parser_group, s.aggregator_group)
                              else f"lag_{topic}_{group}"] = lag
