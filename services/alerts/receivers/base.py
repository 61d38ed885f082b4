"""A receiver's own task and queue: a slow or failing receiver delays only itself.

Each notification is retried with exponential backoff (tenacity) up to ``attempts`` times,
then dropped with an error log and a metric, so one dead endpoint cannot grow memory or
hold up the next notification forever.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable

import aiohttp
from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential

from docketwatch.contract import AlertEvent
from services.alerts import metrics
from services.alerts.config import ReceiverConfig

log = logging.getLogger("docketwatch.alerts")


class DeliveryError(RuntimeError):
    pass


class Receiver(ABC):
    name: str

    @abstractmethod
    async def send(self, session: aiohttp.ClientSession, event: AlertEvent) -> None:
        """Deliver one event; raise on any failure (it is retried)."""

    async def periodic(self, session: aiohttp.ClientSession,
                       active: Callable[[], list[AlertEvent]]) -> None:
        """Called every ``interval_s`` if set (Alertmanager re-sends active alerts)."""
        return None

    interval_s: float | None = None


async def check(resp: aiohttp.ClientResponse) -> None:
    if resp.status >= 300:
        body = (await resp.text())[:300]
        raise DeliveryError(f"HTTP {resp.status}: {body}")


class ReceiverWorker:
    def __init__(self, receiver: Receiver, cfg: ReceiverConfig,
                 active: Callable[[], list[AlertEvent]]) -> None:
        self.receiver = receiver
        self.cfg = cfg
        self.active = active
        self.queue: asyncio.Queue[AlertEvent] = asyncio.Queue(maxsize=10_000)
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None

    def submit(self, event: AlertEvent) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            metrics.NOTIFICATIONS.labels(self.receiver.name, "dropped_queue_full").inc()
            log.error("%s: queue full, dropping %s", self.receiver.name, event.alert_id)
        metrics.RECEIVER_QUEUE.labels(self.receiver.name).set(self.queue.qsize())

    async def start(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.cfg.timeout_s)
        self._session = aiohttp.ClientSession(timeout=timeout)
        self._tasks.append(asyncio.create_task(self._run(), name=self.receiver.name))
        if self.receiver.interval_s:
            self._tasks.append(asyncio.create_task(self._periodic()))

    async def _retrying(self, what: str, fn: Callable[[], object]) -> bool:
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self.cfg.attempts),
                wait=wait_exponential(multiplier=self.cfg.backoff_initial_s,
                                      max=self.cfg.backoff_max_s),
                reraise=True,
            ):
                with attempt:
                    await fn()  # type: ignore[misc]
            return True
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("%s: giving up on %s after %d attempts: %s", self.receiver.name, what,
                      self.cfg.attempts, exc)
            return False

    async def _run(self) -> None:
        assert self._session is not None
        session = self._session
        while True:
            event = await self.queue.get()
            ok = await self._retrying(
                event.alert_id, lambda e=event: self.receiver.send(session, e))  # type: ignore[misc]
            metrics.NOTIFICATIONS.labels(self.receiver.name, "sent" if ok else "failed").inc()
            metrics.RECEIVER_QUEUE.labels(self.receiver.name).set(self.queue.qsize())
            self.queue.task_done()

    async def _periodic(self) -> None:
        assert self._session is not None and self.receiver.interval_s
        session = self._session
        while True:
            await asyncio.sleep(self.receiver.interval_s)
            await self._retrying("re-send", lambda: self.receiver.periodic(session, self.active))

    async def drain(self, timeout: float) -> None:
        """Give queued notifications a chance on shutdown."""
        try:
            await asyncio.wait_for(self.queue.join(), timeout)
        except TimeoutError:
            log.warning("%s: %d notifications not delivered at shutdown", self.receiver.name,
                        self.queue.qsize())

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
