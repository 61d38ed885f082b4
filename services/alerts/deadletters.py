"""Parser dead letters per raw page over a trailing window, counted from Kafka directly.

No ClickHouse view of dead letters exists, so this reads docketwatch.dead-letters.v1 from
the beginning (the topic is small: bad input only) and keeps the broker timestamps of
parser letters. Pages in the same window come from offsets_for_times on the raw-pages
topic: exact and cheap, no page bodies are read.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time

from aiokafka import AIOKafkaConsumer, TopicPartition

from docketwatch.contract import TOPIC_DEAD_LETTERS, TOPIC_RAW_PAGES, DeadLetter
from docketwatch.kafka import topic_partitions
from services.alerts.model import DeadLetterStats

log = logging.getLogger("docketwatch.alerts")


async def partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    tps = await topic_partitions(consumer, topic)
    if not tps:
        raise RuntimeError(f"topic {topic} does not exist (yet)")
    return tps


class DeadLetterCounter:
    def __init__(self, bootstrap: str, window_s: float, refresh_s: float = 2.0) -> None:
        self.bootstrap = bootstrap
        self.window_s = window_s
        self.refresh_s = refresh_s
        self._times: list[int] = []  # broker timestamps (ms) of parser dead letters, sorted
        self._stats: DeadLetterStats | None = None
        self._task: asyncio.Task[None] | None = None

    def stats(self) -> DeadLetterStats | None:
        """None until the first count succeeded: the rule is then skipped, not resolved."""
        return self._stats

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("dead-letter counting failed, retrying: %s", exc)
                self._stats = None
                await asyncio.sleep(5)

    async def _consume(self) -> None:
        dl = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        pages = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await dl.start()
        await pages.start()
        try:
            dl_tps = await partitions(dl, TOPIC_DEAD_LETTERS)
            page_tps = await partitions(pages, TOPIC_RAW_PAGES)
            dl.assign(dl_tps)
            await dl.seek_to_beginning(*dl_tps)
            self._times = []
            while True:
                batch = await dl.getmany(timeout_ms=int(self.refresh_s * 1000))
                for records in batch.values():
                    for r in records:
                        try:
                            if DeadLetter.from_bytes(r.value or b"").stage == "parser":
                                bisect.insort(self._times, r.timestamp)
                        except ValueError:
                            continue  # not ours to judge
                await self._refresh(pages, page_tps)
        finally:
            await dl.stop()
            await pages.stop()

    async def _refresh(self, pages: AIOKafkaConsumer, tps: list[TopicPartition]) -> None:
        start_ms = int((time.time() - self.window_s) * 1000)
        del self._times[:bisect.bisect_left(self._times, start_ms)]
        ends = await pages.end_offsets(tps)
        starts = await pages.offsets_for_times({tp: start_ms for tp in tps})
        n_pages = sum(ends[tp] - (starts[tp].offset if starts.get(tp) else ends[tp])
                      for tp in tps)
        self._stats = DeadLetterStats(len(self._times), n_pages, self.window_s)
