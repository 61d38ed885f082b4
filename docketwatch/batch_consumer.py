"""Whole fetches of Kafka topics, at least once, inside a faust worker.

faust-streaming hands an agent one record at a time through its stream machinery: with an
agent that does nothing it delivers ~12k records/s on the development machine, while an
aiokafka consumer's ``getmany`` delivers ~180k/s (``bench/bench_pipeline.py`` part a,
docs/performance.md). A sink whose work per record is small (the aggregator's
case events: ClickHouse parses them) is bound by that path, so it reads with aiokafka
directly, as a service of the same faust worker (started and stopped with it, its health
in the same /health). The aggregator reads every topic it stores this one way.

At least once: a batch's offsets are committed only after ``work`` returned for it and for
every batch fetched before it; a stop waits for the batches in hand (``finish_batch``).
After a rebalance aiokafka resumes each partition at the group's committed offset, so a
batch handed to another worker is read again, which an idempotent sink absorbs.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from mode import Service

from docketwatch.streams import Phase, finish_batch, restart_in_place

log = logging.getLogger(__name__)

Records = Sequence[ConsumerRecord[bytes, bytes]]


class BatchConsumer(Service):
    """Consume ``topics`` (created beforehand: see ``ensure_topics``) as group ``group``,
    in batches of at most ``size`` records, each handed to ``work`` as soon as fetched, with
    up to ``concurrency`` batches in flight (``work`` must be safe to run concurrently).

    Called by the faust worker (start, stop); it affects the group's committed offsets of
    ``topics`` and nothing else. A batch may hold records of several topics."""

    def __init__(self, *, bootstrap: str, group: str, topics: Sequence[str],
                 work: Callable[[Records], Awaitable[None]], size: int, within_s: float,
                 session_timeout_s: float, concurrency: int = 1) -> None:
        super().__init__()
        self.bootstrap, self.group, self.topics = bootstrap, group, list(topics)
        self.what = ",".join(self.topics)  # for the log
        self.work, self.size, self.within_s = work, size, within_s
        self.concurrency = max(1, concurrency)
        self.session_timeout_s = session_timeout_s
        self.consumer: AIOKafkaConsumer | None = None
        self._reading: asyncio.Future[None] | None = None
        self.handled = 0  # records handed to ``work`` that it finished

    def phase_of(self, topic: str) -> Callable[[], tuple[Phase, set[int]]]:
        """For the stall watch of ``topic``: the partitions of it this worker holds."""
        def phase() -> tuple[Phase, set[int]]:
            held = self.consumer.assignment() if self.consumer else set()
            mine = {tp.partition for tp in held if tp.topic == topic}
            return (Phase.WORKING if mine else Phase.UNASSIGNED), mine
        return phase


    async def on_start(self) -> None:
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=self.group,
            client_id=f"{self.group}-batches", enable_auto_commit=False,
            auto_offset_reset="earliest", max_poll_records=self.size,
            fetch_max_bytes=64 * 1024 * 1024, max_partition_fetch_bytes=16 * 1024 * 1024,
            session_timeout_ms=int(self.session_timeout_s * 1000),
            heartbeat_interval_ms=int(max(1.0, self.session_timeout_s / 5) * 1000))
        await self.consumer.start()
        self.consumer.subscribe(self.topics)
        self._reading = asyncio.ensure_future(self._consume())

    async def on_stop(self) -> None:
        # The loop first (it finishes and commits the batches in hand), then the consumer,
        # which leaves the group: the others take over at once.
        if self._reading is not None:
            self._reading.cancel()
            await asyncio.gather(self._reading, return_exceptions=True)
        if self.consumer is not None:
            await self.consumer.stop()

    async def _consume(self) -> None:
        assert self.consumer is not None
        # Batches in flight, oldest first; their offsets are committed in this order, each
        # once it and every batch before it finished, so a commit never covers a record
        # whose batch is still being written.
        inflight: deque[tuple[asyncio.Future[None], dict[TopicPartition, int], int]] = deque()
        try:
            while not self.should_stop:
                fetched = await self.consumer.getmany(timeout_ms=int(self.within_s * 1000),
                                                      max_records=self.size)
                records = [r for batch in fetched.values() for r in batch]
                if records:
                    offsets = {tp: batch[-1].offset + 1 for tp, batch in fetched.items()}
                    inflight.append((asyncio.ensure_future(self.work(records)), offsets,
                                     len(records)))
                while inflight and (inflight[0][0].done() or len(inflight) >= self.concurrency):
                    await self._settle(inflight.popleft())
        except asyncio.CancelledError:
            # Told to stop: the batches in hand finish (or the process ends unacknowledged,
            # as a kill -9 would), and what finished is committed.
            if inflight:
                log.info("stopping: finishing %d batches in hand first", len(inflight))
                await finish_batch(self._settle_all(inflight))
            raise
        except Exception as exc:  # a consumer that stops reading must not stay up silent
            restart_in_place(f"{self.what}: the consumer failed: {exc!r}")

    async def _settle(self, item: tuple[asyncio.Future[None], dict[TopicPartition, int], int],
                      ) -> None:
        task, offsets, n = item
        try:
            await asyncio.shield(task)
        except Exception as exc:
            # ``work`` retries what can pass (an outage); anything else would leave a silent
            # consumer. Nothing from this batch on was committed: start over.
            restart_in_place(f"{self.what}: a batch failed: {exc!r}")
        self.handled += n
        await self._commit(offsets)

    async def _settle_all(self, inflight: deque[tuple[asyncio.Future[None],
                                                      dict[TopicPartition, int], int]]) -> None:
        while inflight:
            await self._settle(inflight.popleft())

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        assert self.consumer is not None
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError, KafkaError) as exc:
            # The group moved the partitions meanwhile (or the broker is away): their new
            # owner reads the batch again from the last commit; the sink is idempotent.
            log.warning("%s: commit of a written batch failed, it will be read again: %s",
                        self.what, exc)
