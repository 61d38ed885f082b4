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
from dataclasses import dataclass
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from mode import Service

from docketwatch.streams import Phase, finish_batch, restart_in_place

log = logging.getLogger(__name__)

Record: TypeAlias = ConsumerRecord[bytes, bytes]
Records = Sequence[Record]


@dataclass
class _Batch:
    """One fetch handed to ``work``: its task, the offsets to commit once it (and every
    batch before it) finished, its record count and the bytes of its values."""

    task: asyncio.Future[None]
    offsets: dict[TopicPartition, int]
    records: int
    bytes: int


class BatchConsumer(Service):
    """Consume ``topics`` (created beforehand: see ``ensure_topics``) as group ``group``,
    in batches of at most ``size`` records, each handed to ``work`` as soon as fetched, with
    up to ``concurrency`` batches in flight (``work`` must be safe to run concurrently) and
    at most ``max_bytes`` of record values fetched and not yet committed (plus the fetch
    that went over it): memory is bounded by bytes, whatever the records' sizes.

    Called by the faust worker (start, stop); it affects the group's committed offsets of
    ``topics`` and nothing else. A batch may hold records of several topics."""

    def __init__(self, *, bootstrap: str, group: str, topics: Sequence[str],
                 work: Callable[[Records], Awaitable[None]], size: int, within_s: float,
                 session_timeout_s: float, concurrency: int = 1,
                 max_bytes: int = 256 << 20) -> None:
        super().__init__()
        self.bootstrap, self.group, self.topics = bootstrap, group, list(topics)
        self.what = ",".join(self.topics)  # for the log
        self.work, self.size, self.within_s = work, size, within_s
        self.concurrency = max(1, concurrency)
        self.max_bytes = max_bytes
        self.bytes_in_flight = 0
        # Mean size of a record's value, learnt from the fetches: how many records the
        # room left may take. None until the first record (which is fetched alone).
        self._record_bytes: float | None = None
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
            # aiokafka's read-ahead buffer is part of the bound too.
            fetch_max_bytes=max(1 << 20, min(64 << 20, self.max_bytes // 2)),
            max_partition_fetch_bytes=max(1 << 20, min(16 << 20, self.max_bytes // 8)),
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
        inflight: deque[_Batch] = deque()
        # Records fetched that did not fit under max_bytes: handed on, in order, before the
        # next fetch, once batches in flight have made room.
        carry: list[Record] = []
        try:
            while not self.should_stop:
                records = carry or await self._gather()
                records, carry, size = self._fit(records)
                if records:
                    self.bytes_in_flight += size
                    offsets = {TopicPartition(r.topic, r.partition): r.offset + 1
                               for r in records}  # the last record of each partition wins
                    inflight.append(_Batch(asyncio.ensure_future(self.work(records)),
                                           offsets, len(records), size))
                while inflight and (inflight[0].task.done() or bool(carry)
                                    or len(inflight) >= self.concurrency
                                    or self.bytes_in_flight >= self.max_bytes):
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

    async def _gather(self) -> list[Record]:
        """The next batch: ``_room()`` records, or what came within ``within_s``.

        ``getmany`` hands over whatever its buffer holds at once, so while records trickle
        in (a live pipeline, a replay the parser paces) every fetch would be an insert of a
        few records, and an insert's fixed cost in the store (tens of milliseconds of CPU)
        would take both cores: the 30-minute soak made 16,314 inserts of 7 events on average.
        """
        assert self.consumer is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.within_s
        want = self._room()
        records: list[Record] = []
        while len(records) < want and not self.should_stop:
            left = deadline - loop.time()
            if left <= 0:
                break
            fetched = await self.consumer.getmany(timeout_ms=max(1, int(left * 1000)),
                                                  max_records=want - len(records))
            records.extend(r for batch in fetched.values() for r in batch)
        self._learn(records)
        return records

    def _learn(self, records: Sequence[Record]) -> None:
        if records:
            mean = sum(len(r.value or b"") for r in records) / len(records)
            self._record_bytes = mean if self._record_bytes is None \
                else (self._record_bytes + mean) / 2

    def _fit(self, records: list[Record]) -> tuple[list[Record], list[Record], int]:
        """The records that fit in the room left (at least one when nothing is in flight,
        so a record bigger than max_bytes still passes), the rest, and the bytes taken."""
        room = self.max_bytes - self.bytes_in_flight
        taken = 0
        for i, r in enumerate(records):
            size = len(r.value or b"")
            if taken + size > room and (i > 0 or self.bytes_in_flight > 0):
                return records[:i], records[i:], taken
            taken += size
        return records, [], taken

    def _room(self) -> int:
        """Records the next fetch may take: ``size``, or fewer when their bytes would not
        fit under ``max_bytes`` (the broker's byte limits count compressed bytes, so they
        cannot bound this by themselves)."""
        if self._record_bytes is None:
            return 1
        room = self.max_bytes - self.bytes_in_flight
        return max(1, min(self.size, int(room // max(1.0, self._record_bytes))))

    async def _settle(self, batch: _Batch) -> None:
        try:
            await asyncio.shield(batch.task)
        except Exception as exc:
            # ``work`` retries what can pass (an outage); anything else would leave a silent
            # consumer. Nothing from this batch on was committed: start over.
            restart_in_place(f"{self.what}: a batch failed: {exc!r}")
        self.handled += batch.records
        self.bytes_in_flight -= batch.bytes
        await self._commit(batch.offsets)

    async def _settle_all(self, inflight: deque[_Batch]) -> None:
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
