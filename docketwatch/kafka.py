"""Kafka plumbing shared by the services: topic creation and a safe producer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError
from aiokafka.record.default_records import DefaultRecordBatchBuilder

from docketwatch.contract import (
    RECORD_LIMIT_BYTES,
    TOPIC_ALERTS,
    TOPIC_APPEAL_EVENTS,
    TOPIC_CASE_EVENTS,
    TOPIC_CASE_UIDS,
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    TOPIC_SOURCE_HEALTH,
)

log = logging.getLogger(__name__)

# Raw pages are the evidence behind every published number: keep them forever.
_FOREVER = {"retention.ms": "-1", "max.message.bytes": str(RECORD_LIMIT_BYTES)}


class RecordTooLarge(ValueError):
    """A record over :data:`~docketwatch.contract.RECORD_LIMIT_BYTES`: not sent (a producer
    would refuse it with MessageSizeTooLargeError, and retrying cannot help)."""


def record_size(key: bytes | None, value: bytes | None) -> int:
    """The size aiokafka's producer checks against ``max_request_size`` (its estimate of
    the record in a batch of its own, before compression)."""
    return int(DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, []))


def check_record(key: bytes | None, value: bytes, what: str) -> None:
    """Raise :class:`RecordTooLarge` unless the record fits the record limit."""
    size = record_size(key, value)
    if size > RECORD_LIMIT_BYTES:
        raise RecordTooLarge(f"{what}: a record of {size} bytes, over the limit of "
                             f"{RECORD_LIMIT_BYTES}")


def topic_specs(raw_partitions: int, events_partitions: int) -> list[NewTopic]:
    return [
        NewTopic(TOPIC_RAW_PAGES, raw_partitions, 1, topic_configs=dict(_FOREVER)),
        NewTopic(TOPIC_CASE_EVENTS, events_partitions, 1, topic_configs=dict(_FOREVER)),
        NewTopic(TOPIC_DEAD_LETTERS, 1, 1, topic_configs=dict(_FOREVER)),
        NewTopic(TOPIC_SOURCE_HEALTH, 1, 1, topic_configs=dict(_FOREVER)),
        # The alert topic is the durable record of every alert's lifecycle.
        NewTopic(TOPIC_ALERTS, 1, 1, topic_configs=dict(_FOREVER)),
        # Appeals are few (a share of the verdicts): one partition, keyed by appeal.
        NewTopic(TOPIC_APPEAL_EVENTS, 1, 1, topic_configs=dict(_FOREVER)),
        # The УИД of first-instance cards (one record per card's case and УИД).
        NewTopic(TOPIC_CASE_UIDS, 1, 1, topic_configs=dict(_FOREVER)),
    ]


def changelog_spec(name: str, partitions: int) -> NewTopic:
    """A faust table's changelog: compacted, partitioned exactly like its source topic."""
    return NewTopic(name, partitions, 1, topic_configs={"cleanup.policy": "compact"})


async def ensure_topics(
    bootstrap: str, raw_partitions: int = 6, events_partitions: int = 6, timeout_s: float = 60,
    extra: Sequence[NewTopic] = (),
) -> None:
    """Create the project's topics with explicit partition counts (idempotent).

    Retries while the broker is still starting, so services can start in any order.
    ``extra`` adds a service's own topics (its faust changelogs), created here rather than
    by faust, whose creation races the consumer's first metadata and can leave the table
    believing its changelog has no partitions.
    """
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in [*topic_specs(raw_partitions, events_partitions), *extra]
                       if t.name not in existing]
            if missing:
                try:
                    await admin.create_topics(missing)
                except TopicAlreadyExistsError:
                    pass  # another service won the race
                log.info("created topics %s", [t.name for t in missing])
            return
        except KafkaConnectionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)
        finally:
            await admin.close()


def make_producer(bootstrap: str, *, client_id: str) -> AIOKafkaProducer:
    """acks=all plus idempotence: a retried send never duplicates, a lost ack never loses."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        compression_type="zstd",
        max_request_size=RECORD_LIMIT_BYTES,
        linger_ms=5,
    )


@dataclass(frozen=True)
class GroupPosition:
    """Where a consumer group stands on a topic: per partition, the offset it reads next
    (its committed offset, or the log's start if it has none) and the end of the log."""

    committed: dict[int, int]
    ends: dict[int, int]

    def backlog(self, partitions: Iterable[int] | None = None) -> int:
        """Records written but not yet committed (on all partitions, or these)."""
        parts = self.ends if partitions is None else partitions
        return sum(max(0, self.ends.get(p, 0) - self.committed.get(p, 0)) for p in parts)


async def topic_partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    """The partitions of ``topic`` (sorted; empty if it does not exist), asking the broker
    when the started consumer's metadata does not know the topic yet."""
    parts = consumer.partitions_for_topic(topic)
    if not parts:
        # aiokafka has no public way to refresh metadata for a topic not subscribed to.
        await consumer._client.force_metadata_update()
        parts = consumer.partitions_for_topic(topic) or set()
    return [TopicPartition(topic, p) for p in sorted(parts)]


async def group_position(bootstrap: str, group: str, topic: str, *,
                         timeout_s: float = 30.0) -> GroupPosition:
    """Read with fresh clients, bounded by ``timeout_s``: a caller that polls (a watchdog,
    a gauge) must never hang on a broker that is restarting."""
    from aiokafka import AIOKafkaConsumer

    async def read() -> GroupPosition:
        async with AsyncExitStack() as stack:
            admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
            stack.push_async_callback(admin.close)
            await admin.start()
            consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
            stack.push_async_callback(consumer.stop)
            await consumer.start()
            tps = await topic_partitions(consumer, topic)
            starts = await consumer.beginning_offsets(tps)
            ends = await consumer.end_offsets(tps)
            listed = await admin.list_consumer_group_offsets(group, partitions=tps)
            # No commit yet (or one older than the log): the group starts at the log's start.
            return GroupPosition(
                committed={tp.partition: max(starts[tp], listed[tp].offset if tp in listed
                                             else 0) for tp in tps},
                ends={tp.partition: ends[tp] for tp in tps})

    return await asyncio.wait_for(read(), timeout_s)


async def consumer_lag(bootstrap: str, group: str, topic: str,
                       partitions: set[int] | None = None) -> int:
    """Messages in ``topic`` not yet committed by ``group`` (all partitions, or these)."""
    return (await group_position(bootstrap, group, topic)).backlog(partitions)


async def groups_reading(bootstrap: str, topic: str, *, timeout_s: float = 30.0) -> list[str]:
    """Consumer groups with offsets committed on ``topic`` (e.g. a parser replaying the raw
    topic under a new group as well as the one it replaces)."""

    async def read() -> list[str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            found = []
            for listed in await admin.list_consumer_groups():
                group = str(listed[0])
                offsets = await admin.list_consumer_group_offsets(group)
                if any(tp.topic == topic for tp in offsets):
                    found.append(group)
            return sorted(found)
        finally:
            await admin.close()

    return await asyncio.wait_for(read(), timeout_s)
