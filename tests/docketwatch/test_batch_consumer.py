"""The one consume → work → commit loop, on a real broker: several topics in one group,
offsets committed in order only after the work, and the bytes in flight bounded."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from docketwatch.batch_consumer import BatchConsumer, Records
from docketwatch.kafka import consumer_lag, make_producer
from launcher.stack import Stack

pytestmark = pytest.mark.integration

RECORD = 256 * 1024


async def _create(bootstrap: str, topics: list[str]) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, num_partitions=2, replication_factor=1)
                                   for t in topics])
    finally:
        await admin.close()


async def _produce(bootstrap: str, topic: str, n: int, size: int) -> None:
    producer = make_producer(bootstrap, client_id="test-batch-consumer")
    await producer.start()
    try:
        sent = [await producer.send(topic, key=str(i).encode(), value=bytes([i % 251]) * size)
                for i in range(n)]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def test_bytes_in_flight_stay_bounded_and_every_topic_is_committed(stack: Stack) -> None:
    topics = ["bc-big", "bc-small"]
    seen: Counter[str] = Counter()
    peak = [0]
    limit = 2 * 1024 * 1024

    async def main() -> BatchConsumer:
        await _create(stack.bootstrap, topics)
        await _produce(stack.bootstrap, "bc-big", 40, RECORD)   # 10 MiB in all
        await _produce(stack.bootstrap, "bc-small", 25, 100)
        consumer: BatchConsumer

        async def work(records: Records) -> None:
            # Slow work: without the bound, fetches would pile up behind it.
            peak[0] = max(peak[0], consumer.bytes_in_flight)
            await asyncio.sleep(0.05)
            seen.update(r.topic for r in records)

        consumer = BatchConsumer(bootstrap=stack.bootstrap, group="bc-group", topics=topics,
                                 work=work, size=500, within_s=0.2, session_timeout_s=10,
                                 concurrency=50, max_bytes=limit)
        await consumer.start()
        try:
            deadline = asyncio.get_running_loop().time() + 60
            while consumer.handled < 65:
                assert asyncio.get_running_loop().time() < deadline, dict(seen)
                await asyncio.sleep(0.05)
        finally:
            await consumer.stop()
        return consumer

    consumer = asyncio.run(main())
    assert seen == {"bc-big": 40, "bc-small": 25}
    assert consumer.handled == 65 and consumer.bytes_in_flight == 0
    # The limit, plus the one fetch that went over it: the first record is fetched alone to
    # learn the records' size, then each fetch takes what the room left holds (a mixed
    # topic's sizes make that an estimate).
    assert 0 < peak[0] <= limit + 1024 * 1024 + RECORD
    for topic in topics:
        assert asyncio.run(consumer_lag(stack.bootstrap, "bc-group", topic)) == 0


def test_records_that_trickle_in_are_gathered_into_one_batch(stack: Stack) -> None:
    """One record every 0.1 s: each fetch would hold one; a batch is what came within
    ``within_s`` (an insert's fixed cost in the store made trickles take the cores)."""
    batches: list[int] = []

    async def work(records: Records) -> None:
        batches.append(len(records))

    async def main() -> None:
        await _create(stack.bootstrap, ["bc-trickle"])
        # within_s well over the ~1 s the records take to arrive, however busy the machine
        consumer = BatchConsumer(
            bootstrap=stack.bootstrap, group="bc-trickle-group", topics=["bc-trickle"],
            work=work, size=500, within_s=8.0, session_timeout_s=10)
        await consumer.start()
        producer = make_producer(stack.bootstrap, client_id="test-trickle")
        await producer.start()
        try:
            for i in range(11):  # the first is fetched alone, to learn the records' size
                await (await producer.send("bc-trickle", key=b"k", value=bytes([i]) * 100))
                await asyncio.sleep(0.1)
            deadline = asyncio.get_running_loop().time() + 90
            while consumer.handled < 11:
                assert asyncio.get_running_loop().time() < deadline, batches
                await asyncio.sleep(0.05)
        finally:
            await producer.stop()
            await consumer.stop()

    asyncio.run(main())
    assert batches == [1, 10]
