"""A receiver's own task: groups changes, delivers each group until it is acknowledged.

* Changes come from the outbox (services/alerts/outbox.py): queued on start from the alert
  log where the receiver's position says they were not acknowledged, then as published.
* Changes are grouped (services/alerts/grouping.py) for ``group_wait_s``, then sent as one
  notification. A receiver that groups by itself (Alertmanager) gets them as they come.
* A notification is retried with exponential backoff and jitter (tenacity) for as long as
  it takes: until the receiver acknowledges it, or refuses it for good. Only then is it
  marked delivered in the receiver's position, so a crash at any point re-sends it on the
  next start instead of losing it (at least once; see :class:`RejectedError` for refusals).
* A slow or failing receiver delays only itself; the position is saved after every
  acknowledgement (a failed save is retried, and a later save carries it anyway).
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_never,
    wait_exponential,
    wait_random,
)

from docketwatch.contract import AlertEvent
from services.alerts import metrics
from services.alerts.config import ReceiverConfig
from services.alerts.grouping import GroupKey, Notification, group_labels, notification
from services.alerts.outbox import (
    MemoryPositions,
    Outgoing,
    Position,
    PositionStore,
    due,
    resume_position,
)

log = logging.getLogger("docketwatch.alerts")


class DeliveryError(RuntimeError):
    """A delivery failed and is retried: the receiver is down, overloaded, misconfigured
    (401, 403, 404) or answered something that is not an acknowledgement."""

    outcome = "failed"
    retry_after: float | None = None


class MalformedReply(DeliveryError):
    """A 2xx answer that is not the receiver's acknowledgement (unreadable, or not "ok"):
    not proof of delivery, so it is retried."""

    outcome = "malformed_reply"


class RejectedError(DeliveryError):
    """The receiver refused this notification for good (a 4xx other than 401, 403, 404,
    407, 408, 425 and 429: the request itself is wrong). Retrying cannot help: it is logged
    with the receiver's answer, counted, and marked settled so the next one is sent."""

    outcome = "rejected"


# 4xx answers that say "not now" or "not configured right" rather than "never": retried.
RETRIED_4XX = frozenset({401, 403, 404, 407, 408, 425, 429})


def error_for(status: int, detail: str, retry_after: float | None = None) -> DeliveryError:
    cls = RejectedError if 400 <= status < 500 and status not in RETRIED_4XX else DeliveryError
    err = cls(f"HTTP {status}: {detail}")
    err.retry_after = retry_after
    return err


async def check(resp: aiohttp.ClientResponse) -> None:
    """Raise the error class a non-2xx answer calls for."""
    if resp.status >= 300:
        body = (await resp.text(errors="replace")).strip()[:300]
        retry_after = resp.headers.get("Retry-After", "")
        raise error_for(resp.status, body or resp.reason or "",
                        float(retry_after) if retry_after.isdigit() else None)


class Receiver(ABC):
    name: str
    interval_s: float | None = None  # periodic() every interval_s if set
    groups = True  # False: every change is sent as it comes (the receiver groups)

    @abstractmethod
    async def send(self, session: aiohttp.ClientSession, note: Notification) -> None:
        """Deliver one notification; raise DeliveryError (or any error: retried) unless
        the receiver acknowledged it."""

    async def periodic(self, session: aiohttp.ClientSession,
                       active: Callable[[], list[AlertEvent]]) -> None:
        """Called every ``interval_s`` if set (Alertmanager re-sends active alerts)."""
        return None


@dataclass
class _Batch:
    key: GroupKey
    deadline: float
    items: list[Outgoing] = field(default_factory=list)


class _Backoff:
    """Exponential backoff with jitter, or the receiver's Retry-After if it is longer."""

    def __init__(self, cfg: ReceiverConfig) -> None:
        self._exp = (wait_exponential(multiplier=cfg.backoff_initial_s, max=cfg.backoff_max_s)
                     + wait_random(0, cfg.backoff_initial_s))
        self._max = cfg.backoff_max_s

    def __call__(self, state: RetryCallState) -> float:
        wait = float(self._exp(state))
        exc = state.outcome.exception() if state.outcome else None
        after = getattr(exc, "retry_after", None)
        return max(wait, min(float(after), 10 * self._max)) if after else wait


class ReceiverWorker:
    def __init__(self, receiver: Receiver, cfg: ReceiverConfig,
                 active: Callable[[], list[AlertEvent]],
                 positions: PositionStore | None = None) -> None:
        self.receiver = receiver
        self.name = receiver.name
        self.cfg = cfg
        self.active = active
        self.positions: PositionStore = positions or MemoryPositions()
        self._batches: dict[GroupKey, _Batch] = {}
        self._inflight: _Batch | None = None
        self._unsettled: dict[int, set[int]] = defaultdict(set)  # queued or in flight
        self._settled_above: dict[int, set[int]] = defaultdict(set)
        self._high: dict[int, int] = {}  # per partition, 1 + the last offset handed to us
        self._dirty = False  # a position save failed: retried while idle
        self._flush = False  # shutting down: no more waiting for a group to fill
        self._wake = asyncio.Event()
        self._what = ""  # the notification being delivered, for logs
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self.info: dict[str, Any] = {"pending": 0, "delivered": 0, "rejected": 0,
                                     "last_error": None}

    # ------------------------------------------------------------------ input

    async def load(self, position: Position | None, log_records: list[Outgoing],
                   ends: dict[int, int]) -> int:
        """Queue what this receiver has not settled; returns how many changes.

        Without a position (a receiver seen for the first time) it starts at ``ends`` and
        that position is saved at once, before anything new is published.
        """
        position = await resume_position(self.name, position, ends, self._save, "alert log")
        self._high = {p: max(e, position.next.get(p, 0)) for p, e in ends.items()}
        owed = due(position, log_records)
        for p, done in position.done.items():
            self._settled_above[p] |= done
        for it in owed:
            self._enqueue(it)
        if owed:
            log.info("%s: %d undelivered alert changes from before the restart, re-queued",
                     self.name, len(owed))
        return len(owed)

    def submit(self, item: Outgoing) -> None:
        """A change just written to the alert log (at item.partition/item.offset)."""
        self._high[item.partition] = max(self._high.get(item.partition, 0), item.offset + 1)
        if item.notify:
            self._enqueue(item)

    def _enqueue(self, item: Outgoing) -> None:
        key = (group_labels(item.event, self.cfg.group_by) if self.receiver.groups
               else (("receiver", self.name),))
        wait = self.cfg.group_wait_s if self.receiver.groups else 0.0
        batch = self._batches.get(key)
        if batch is None:
            batch = self._batches[key] = _Batch(key, time.monotonic() + wait)
        batch.items.append(item)
        self._unsettled[item.partition].add(item.offset)
        self._update_gauges()
        self._wake.set()

    def pending(self) -> int:
        return sum(len(s) for s in self._unsettled.values())

    def _update_gauges(self) -> None:
        self.info["pending"] = self.pending()
        metrics.RECEIVER_QUEUE.labels(self.name).set(self.info["pending"])

    # ------------------------------------------------------------------ position

    def position(self) -> Position:
        nxt = {}
        for p in set(self._high) | set(self._unsettled):
            unsettled = self._unsettled.get(p)
            nxt[p] = min(unsettled) if unsettled else self._high.get(p, 0)
        done = {p: {o for o in s if o >= nxt.get(p, 0)} for p, s in self._settled_above.items()}
        self._settled_above = defaultdict(set, done)
        return Position(nxt, {p: d for p, d in done.items() if d})

    async def _save(self, position: Position) -> None:
        try:
            await self.positions.save(self.name, position)
            self._dirty = False
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Delivered but not yet recorded: a crash now would send it again, nothing
            # worse. The next save (retried while idle) carries it.
            self._dirty = True
            log.warning("%s: could not record the delivery position (retried): %s",
                        self.name, exc)

    async def _settle(self, items: list[Outgoing]) -> None:
        for it in items:
            self._unsettled[it.partition].discard(it.offset)
            self._settled_above[it.partition].add(it.offset)
        self._update_gauges()
        await self._save(self.position())

    # ------------------------------------------------------------------ delivery

    async def start(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.cfg.timeout_s)
        self._session = aiohttp.ClientSession(timeout=timeout)
        self._tasks.append(asyncio.create_task(self._run(), name=self.name))
        if self.receiver.interval_s:
            self._tasks.append(asyncio.create_task(self._periodic()))

    async def _next_batch(self) -> _Batch:
        while True:
            delay: float | None = None
            if self._batches:
                batch = min(self._batches.values(), key=lambda b: b.deadline)
                delay = 0.0 if self._flush else batch.deadline - time.monotonic()
                if delay <= 0:
                    del self._batches[batch.key]
                    return batch
            if self._dirty:
                delay = min(delay or 5.0, 5.0)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), delay)
            except TimeoutError:
                if self._dirty:
                    await self._save(self.position())

    async def _run(self) -> None:
        while True:
            batch = await self._next_batch()
            self._inflight = batch
            try:
                await self._deliver(notification(batch.key, batch.items))
            finally:
                self._inflight = None

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        outcome = getattr(exc, "outcome", "failed")
        metrics.NOTIFICATIONS.labels(self.name, outcome).inc()
        self.info["last_error"] = f"{type(exc).__name__}: {exc}"[:300]
        sleep = state.next_action.sleep if state.next_action else 0.0
        log.warning("%s: notification %r not delivered (attempt %d, retrying in %.1f s): %s",
                    self.name, self._what, state.attempt_number, sleep,
                    self.info["last_error"], exc_info=not isinstance(exc, DeliveryError))

    async def _deliver(self, note: Notification) -> None:
        assert self._session is not None
        session = self._session
        self._what = f"{note.title} ({len(note.alerts)} alerts)"
        retrying = AsyncRetrying(
            # Exceptions only: tenacity would retry a CancelledError too, and a worker
            # told to stop mid-request would never stop.
            retry=retry_if_exception(lambda e: isinstance(e, Exception)
                                     and not isinstance(e, RejectedError)),
            wait=_Backoff(self.cfg), stop=stop_never, before_sleep=self._before_sleep,
            reraise=True)
        try:
            async for attempt in retrying:
                with attempt:
                    await self.receiver.send(session, note)
        except RejectedError as exc:
            metrics.NOTIFICATIONS.labels(self.name, "rejected").inc()
            self.info["rejected"] += 1
            self.info["last_error"] = f"RejectedError: {exc}"[:300]
            log.error("%s: notification %r REJECTED, not retried (the alerts stay in "
                      "`docketwatch alerts`): %s; alerts: %s", self.name, self._what, exc,
                      ", ".join(e.alert_id for e in note.alerts))
        else:
            metrics.NOTIFICATIONS.labels(self.name, "sent").inc()
            self.info["delivered"] += 1
        await self._settle(note.items)

    async def _periodic(self) -> None:
        assert self._session is not None and self.receiver.interval_s
        session = self._session
        while True:
            await asyncio.sleep(self.receiver.interval_s)
            try:
                await self.receiver.periodic(session, self.active)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the next round re-sends the same state
                metrics.NOTIFICATIONS.labels(self.name, "resend_failed").inc()
                log.warning("%s: re-sending the active alerts failed: %s", self.name, exc)

    def idle(self) -> bool:
        return not self._batches and self._inflight is None

    async def drain(self, timeout: float) -> None:
        """On shutdown: send what is queued now (no more group wait), for ``timeout``
        seconds. What is left stays in the outbox for the next start."""
        self._flush = True
        self._wake.set()
        deadline = time.monotonic() + timeout
        while not self.idle() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if not self.idle():
            log.warning("%s: %d alert changes not delivered at shutdown; they are sent on "
                        "the next start", self.name, self.pending())

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
