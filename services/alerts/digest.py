"""The weekly digest: produced once per ISO week, delivered at least once to each receiver.

* **When.** Week W is due from the Monday after it, plus ``digest_weekday - 1`` days and
  ``digest_hour`` hours (UTC): by default Monday 06:00 UTC for the week before. The timer
  looks at every poll of the service; after a downtime it produces the latest due week.
  It waits, like the alerts, until the pipeline has caught up.
* **Once per week.** The week is the digest's idempotency key. A digest is read from the
  store (docketwatch.store.digest) and written to its log, ``docketwatch.digests.v1``
  (keyed by week, kept forever, acks=all), before anyone is told; on start the log is read
  back, so a week already in it is never produced again (a restart does not send twice).
  A crash before the write loses nothing: the week is still due, and produced on start.
* **Delivered at least once**, as the alerts are (outbox.py): each digest receiver's
  position on the digest log is a record of the compacted deliveries topic
  (``digest-<receiver>``), saved only after the receiver accepted a digest; on start what
  it was owed is queued again. Sending is retried with the alerts' backoff until accepted
  or refused for good. A receiver seen for the first time starts at the end of the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiokafka import AIOKafkaProducer
from pydantic import ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_never

from docketwatch.store.digest import Digest, week_of
from services.alerts import metrics
from services.alerts.config import ReceiverConfig
from services.alerts.outbox import (
    TOPIC_DIGESTS,
    MemoryPositions,
    Position,
    PositionStore,
    read_log,
    resume_position,
)
from services.alerts.receivers.base import RejectedError, _Backoff
from services.alerts.receivers.digest import DigestReceiver

log = logging.getLogger("docketwatch.alerts")


def due_week(now: datetime, weekday: int = 1, hour: int = 6) -> str:
    """The latest ISO week whose digest is due at ``now`` (UTC): week W from the Monday
    after it + ``weekday - 1`` days + ``hour`` hours."""
    shifted = now - timedelta(days=weekday - 1, hours=hour)
    this_monday = shifted.date() - timedelta(days=shifted.weekday())
    return week_of(this_monday - timedelta(weeks=1))


def position_name(receiver: DigestReceiver) -> str:
    """A digest receiver's key in the deliveries topic, apart from the alert receivers'."""
    return f"digest-{receiver.name}"


@dataclass(frozen=True)
class LoggedDigest:
    """One digest at its place in the digest log (one partition)."""

    offset: int
    digest: Digest


class DigestWorker:
    """Sends the digests one receiver is owed, in log order, each until it is accepted."""

    def __init__(self, receiver: DigestReceiver, cfg: ReceiverConfig,
                 positions: PositionStore | None = None) -> None:
        self.receiver = receiver
        self.name = position_name(receiver)
        self.cfg = cfg
        self.positions: PositionStore = positions or MemoryPositions()
        self._queue: asyncio.Queue[LoggedDigest] = asyncio.Queue()
        self._inflight: LoggedDigest | None = None
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self.info: dict[str, Any] = {"pending": 0, "delivered": 0, "rejected": 0,
                                     "last_error": None, "last_week": None}

    async def load(self, position: Position | None, logged: list[LoggedDigest],
                   end: int) -> int:
        """Queue what this receiver has not settled; a new receiver starts at ``end``."""
        position = await resume_position(
            self.name, position, {0: end},
            lambda p: self.positions.save(self.name, p), "digest log")
        owed = [d for d in logged if d.offset >= position.next.get(0, 0)]
        for d in owed:
            self.submit(d)
        if owed:
            log.info("%s: %d undelivered digests from before the restart, re-queued",
                     self.name, len(owed))
        return len(owed)

    def submit(self, item: LoggedDigest) -> None:
        self._queue.put_nowait(item)
        self.info["pending"] = self.pending()

    def pending(self) -> int:
        return self._queue.qsize() + (self._inflight is not None)

    async def start(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.cfg.timeout_s)
        self._session = aiohttp.ClientSession(timeout=timeout)
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            self._inflight = item
            try:
                await self._deliver(item)
            finally:
                self._inflight = None
                self.info["pending"] = self.pending()

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        metrics.NOTIFICATIONS.labels(self.name, getattr(exc, "outcome", "failed")).inc()
        self.info["last_error"] = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("%s: digest not delivered (attempt %d), retrying: %s", self.name,
                    state.attempt_number, self.info["last_error"])

    async def _deliver(self, item: LoggedDigest) -> None:
        assert self._session is not None
        session = self._session
        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda e: isinstance(e, Exception)
                                     and not isinstance(e, RejectedError)),
            wait=_Backoff(self.cfg), stop=stop_never, before_sleep=self._before_sleep,
            reraise=True)
        try:
            async for attempt in retrying:
                with attempt:
                    await self.receiver.send(session, item.digest)
        except RejectedError as exc:
            metrics.NOTIFICATIONS.labels(self.name, "rejected").inc()
            self.info["rejected"] += 1
            self.info["last_error"] = f"RejectedError: {exc}"[:300]
            log.error("%s: digest %s REJECTED, not retried: %s", self.name,
                      item.digest.week, exc)
        else:
            metrics.NOTIFICATIONS.labels(self.name, "sent").inc()
            self.info["delivered"] += 1
            self.info["last_week"] = item.digest.week
            log.info("%s: digest %s delivered", self.name, item.digest.week)
        try:
            await self.positions.save(self.name, Position(next={0: item.offset + 1}))
        except Exception as exc:  # the next digest's save carries it; a crash re-sends it
            log.warning("%s: saving the digest position failed: %s", self.name, exc)

    def idle(self) -> bool:
        return self._queue.empty() and self._inflight is None

    async def drain(self, timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not self.idle() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()


async def read_digest_log(bootstrap: str) -> tuple[list[LoggedDigest], int]:
    """The digest log, first of each week only (a second one is a duplicate), and its end."""
    records, ends = await read_log(bootstrap, TOPIC_DIGESTS)
    out, weeks = [], set()
    for _, offset, _, value in records:
        try:
            d = Digest.model_validate_json(value)
        except ValidationError as exc:
            log.error("unreadable digest at offset %d, skipped: %s", offset, exc)
            continue
        if d.week not in weeks:
            weeks.add(d.week)
            out.append(LoggedDigest(offset, d))
    return out, ends.get(0, 0)


class DigestTimer:
    """Produces the due week's digest into the log once, and hands it to the workers."""

    def __init__(self, read: Callable[[str], Digest], now: Callable[[], datetime],
                 weekday: int, hour: int, workers: list[DigestWorker]) -> None:
        self.read = read
        self.now = now
        self.weekday, self.hour = weekday, hour
        self.workers = workers
        self.weeks: set[str] = set()
        self.producer: AIOKafkaProducer | None = None

    async def start(self, bootstrap: str, producer: AIOKafkaProducer,
                    positions: dict[str, Position]) -> None:
        self.producer = producer
        logged, end = await read_digest_log(bootstrap)
        self.weeks = {d.digest.week for d in logged}
        for w in self.workers:
            await w.load(positions.get(w.name), logged, end)
            await w.start()

    async def tick(self, ready: Callable[[], Awaitable[bool]]) -> Digest | None:
        """Produce the due week's digest if it is not in the log yet (and the pipeline has
        caught up); returns it."""
        week = due_week(self.now(), self.weekday, self.hour)
        if week in self.weeks or not await ready():
            return None
        assert self.producer is not None
        digest = await asyncio.to_thread(self.read, week)
        placed = await self.producer.send_and_wait(
            TOPIC_DIGESTS, key=week.encode(), value=digest.model_dump_json().encode())
        self.weeks.add(week)
        log.info("digest %s produced: %d received, %d verdicts", week, digest.received,
                 digest.verdicts)
        for w in self.workers:
            w.submit(LoggedDigest(placed.offset, digest))
        return digest

    async def stop(self) -> None:
        for w in self.workers:
            await w.drain(timeout=5)
            await w.stop()
