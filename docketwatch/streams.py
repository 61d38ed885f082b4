"""What every faust-streaming service of docketwatch shares: the app settings and raw topics.

At-least-once processing (faust's exactly_once has open bug reports), acks from every
replica, reading from the earliest offset, no faust web server (each service runs its own
OpsServer), table stores in memory unless the service names another (the parser's case
table is on disk: services/parser/app.py), restored from their changelog topics.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import faust
from aiokafka.errors import KafkaError
from faust.types import EventT
from mode import Service
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_random_exponential

from docketwatch.contract import RECORD_LIMIT_BYTES
from docketwatch.kafka import group_position
from docketwatch.ops import OpsServer
from docketwatch.settings import CommonSettings

if TYPE_CHECKING:
    from faust.worker import Worker

log = logging.getLogger(__name__)

T = TypeVar("T")
# How long a stopping worker may take to finish the batch in hand.
FINISH_BATCH_TIMEOUT_S = 60.0
# How long a failed worker waits before it starts over.
RESTART_PAUSE_S = 5.0


def make_app(app_id: str, settings: CommonSettings, *, partitions: int,
             **overrides: Any) -> faust.App:
    # faust creates its datadir without parents; a fresh DW_DATA_DIR must not crash start-up.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "broker": f"kafka://{settings.kafka_bootstrap}",
        "store": "memory://",
        "processing_guarantee": "at_least_once",
        "web_enabled": False,
        "topic_partitions": partitions,
        "topic_replication_factor": 1,
        "consumer_auto_offset_reset": "earliest",
        "producer_acks": -1,
        "producer_compression_type": "zstd",
        "producer_max_request_size": RECORD_LIMIT_BYTES,  # the one record limit
        "broker_commit_interval": 1.0,
        # faust's 60 s default means a killed worker holds its partitions for a minute before
        # the group moves them to the survivors; heartbeats run on the event loop, which no
        # handler blocks for long (ClickHouse work runs in a thread).
        "broker_session_timeout": settings.kafka_session_timeout_s,
        "broker_heartbeat_interval": max(1.0, settings.kafka_session_timeout_s / 5),
        "datadir": str(settings.data_dir / app_id),
        **overrides,
    }
    return faust.App(app_id, **options)


def raw_topic(app: faust.App, name: str) -> Any:
    """A topic of our own JSON records: bytes in, bytes out, decoded by the contract."""
    return app.topic(name, key_type=bytes, value_type=bytes,
                     key_serializer="raw", value_serializer="raw")


class OpsService(Service):
    """Runs a service's OpsServer from the worker's first moment.

    faust starts ``app.task``s only after table recovery, which after a crash can take as
    long as the group's rebalance; /health must answer (and say so) meanwhile, or a
    supervisor cannot tell a recovering worker from a dead one. ``warm_up`` (e.g. opening
    and migrating the store) runs beside faust's own start-up, not before it: delaying
    the Kafka clients' start would only widen the window in which a broker outage fails it.
    """

    def __init__(self, ops: OpsServer,
                 warm_up: Callable[[], Awaitable[None]] | None = None) -> None:
        super().__init__()
        self.ops = ops
        self.warm_up = warm_up

    async def on_start(self) -> None:
        await self.ops.start()
        if self.warm_up is not None:
            self.add_future(self.warm_up())

    async def on_stop(self) -> None:
        await self.ops.stop()


def stream_health(app: faust.App, stall: Stall | None = None) -> dict[str, Any]:
    """What a faust worker is doing, for /health: recovering tables, rebalancing or
    running, and what its stall watch last saw."""
    phase = ("recovering" if app.in_recovery else "rebalancing" if app.rebalancing
             else "running")
    return {"phase": phase, **({"stall": stall.state(time.monotonic())} if stall else {})}


def make_worker(app: faust.App, settings: CommonSettings, *services: Service) -> Worker:
    """faust's Worker for ``app``, without its terminal spinner.

    At WARNING and above, faust turns the root logger to DEBUG so that every library
    debug message turns a progress spinner: every debug record of aiokafka (one per record
    produced, with the record's value) and faust was built and then dropped, 5 % of the
    parser's CPU in a replay, and the spinner's characters went into the service logs.
    """
    from faust.worker import Worker

    worker = Worker(app, *services, loglevel=settings.log_level.lower())
    worker.spinner = None
    return worker


def run_worker(app: faust.App, ops: OpsService, settings: CommonSettings,
               *services: Service) -> None:
    """Run the faust worker (and ``services`` beside it) until it is told to stop
    (SIGTERM, SIGINT: exit 0).

    A worker that fails instead starts over after a pause. Seen in the fault trials: the
    broker killed while a worker was starting, faust's start-up (declaring the changelog
    topic) raised NodeNotReadyError and the worker exited for good, the rest of the stack
    waiting on it.
    """
    try:
        make_worker(app, settings, ops, *services).execute_from_commandline()
    except SystemExit as exc:
        if exc.code not in (None, 0):
            time.sleep(RESTART_PAUSE_S)
            restart_in_place(f"the worker failed (exit {exc.code})")
        raise


async def finish_batch(work: Awaitable[T]) -> T:
    """Run one taken batch to its end even if the worker is told to stop meanwhile.

    faust's ``take_events`` acknowledges a batch when its generator is closed, and a
    stopping worker closes it and commits: a batch cut short by SIGTERM would count as
    done. Here a stop waits for the batch (faust awaits its agents); one that cannot finish
    in time (the broker is gone) ends the process without acknowledging anything, as a
    kill -9 would, so the batch is read again after the restart.
    """
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        log.info("stopping: finishing the batch in hand first")
        try:
            await asyncio.wait_for(task, FINISH_BATCH_TIMEOUT_S)
        except BaseException:
            log.error("the batch in hand could not finish; exiting unacknowledged")
            os._exit(75)
        raise


class OffsetGap(Exception):
    """A batch skips records of a partition: the consumer lost them on their way to us."""


class Continuity:
    """Per partition of one topic, the offset this worker must handle next.

    Seen with faust-streaming 0.15 after a restart with tables to recover: the consumer
    hands the agent a partition's records with two missing, and acknowledging what follows
    would commit past them, so they would never be read. Each batch is therefore checked
    before it is handled: a record below the next offset is a re-delivery of one already
    handled (skipped), one above it is a gap (the worker starts over from its committed
    offsets). After each rebalance (a new generation) the next offsets are the group's
    committed ones, asked of the broker when a partition is first seen. Pure but for that
    question, so the rule is tested on its own.
    """

    def __init__(self) -> None:
        self.generation: int | None = None
        self.next: dict[int, int] = {}

    def unknown(self, generation: int, partitions: Iterable[int]) -> set[int]:
        """Partitions whose next offset must be asked for (all of them after a rebalance)."""
        if generation != self.generation:
            self.generation, self.next = generation, {}
        return {p for p in partitions if p not in self.next}

    def start(self, committed: Mapping[int, int]) -> None:
        for p, offset in committed.items():
            self.next.setdefault(p, offset)

    def admit(self, records: Sequence[tuple[int, int]]) -> list[int]:
        """Indexes of the (partition, offset) records to handle; raises OffsetGap."""
        nxt = dict(self.next)
        keep = []
        for i, (p, offset) in enumerate(records):
            if offset < nxt[p]:
                continue
            if offset > nxt[p]:
                raise OffsetGap(f"partition {p}: offset {offset} delivered, {nxt[p]} expected")
            nxt[p] = offset + 1
            keep.append(i)
        self.next = nxt  # only once the whole batch is known to be whole
        return keep


def batched_agent(app: faust.App, topic: Any, work: Callable[[Sequence[EventT]], Awaitable[None]],
                  *, size: int, within: float, name: str, bootstrap: str) -> None:
    """An at-least-once agent over batches of ``topic``'s records.

    One batch at a time, so that one wait (for Kafka's acks, for an insert) covers many
    records; faust acknowledges a batch's offsets only once ``work`` returned, including
    when the worker is told to stop meanwhile (``finish_batch``); a batch is handed to
    ``work`` only if it continues each partition where the last one ended (``Continuity``).
    """
    topic_name = topic.get_topic_name()
    guard = Continuity()

    async def admit(events: Sequence[EventT]) -> list[EventT]:
        records = [(e.message.partition, e.message.offset) for e in events]
        missing = guard.unknown(app.consumer_generation_id, {p for p, _ in records})
        if missing:
            pos = await group_position(bootstrap, app.conf.id, topic_name)
            guard.start({p: pos.committed[p] for p in missing})
        try:
            keep = guard.admit(records)
        except OffsetGap as exc:
            restart_in_place(f"{topic_name}: {exc}")
        if len(keep) < len(events):
            log.info("%s: %d re-delivered records skipped", topic_name,
                     len(events) - len(keep))
        return [events[i] for i in keep]

    async def handle(events: Sequence[EventT]) -> None:
        admitted = await until_done(lambda: admit(events),
                                    retry_on=(KafkaError, asyncio.TimeoutError, OSError),
                                    what=f"reading the committed offsets of {topic_name}")
        if admitted:
            await work(admitted)

    async def agent(stream: faust.StreamT[bytes]) -> None:
        # take_events is faust-streaming API missing from its StreamT protocol.
        batches = stream.take_events(size, within=within)  # type: ignore[attr-defined]
        async for events in batches:
            await finish_batch(handle(events))

    app.agent(topic, name=name)(agent)


def restart_in_place(reason: str) -> NoReturn:
    """Start this worker over: same command line, same pid, sockets and locks released.

    Always safe under at-least-once (nothing unhandled was acknowledged), and needs no
    supervisor.
    """
    log.error("restarting: %s", reason)
    logging.shutdown()
    # Our own command line again (python -m services.…), not outside input.
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])  # noqa: S606


class Phase(StrEnum):
    """What a stream worker is doing, as far as its stall watch is concerned."""

    WORKING = "working"  # holds partitions of the topic and may read them
    UNASSIGNED = "unassigned"  # holds none (the group gave them to others, or to nobody)
    REBALANCING = "rebalancing"
    RECOVERING = "recovering"  # restoring tables from their changelogs


class Stall:
    """The stall rule of one worker, pure so that it is tested on its own.

    Stalled = records waiting and no progress for the phase's limit: ``timeout`` while
    working; three times that while unassigned, rebalancing or recovering, which are
    normally short but have been seen to last forever (after a broker restart a worker
    was handed an empty assignment and never asked again). A changed phase, progress
    or an empty backlog restarts the clock; an unknown backlog (the broker cannot be asked)
    is not a stall: restarting would not bring the broker back.
    """

    SLOW_PHASE_FACTOR = 3

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.phase: Phase | None = None
        self.progress: Hashable = None
        self.backlog: int | None = None
        self.since = 0.0  # when phase or progress last changed, or there was nothing to do

    def limit(self) -> float:
        return self.timeout * (1 if self.phase is Phase.WORKING else self.SLOW_PHASE_FACTOR)

    def observe(self, now: float, phase: Phase, progress: Hashable,
                backlog: int | None) -> bool:
        moved = phase is not self.phase or progress != self.progress
        self.phase, self.progress, self.backlog = phase, progress, backlog
        if moved or not backlog:
            self.since = now
            return False
        return self.timeout > 0 and now - self.since >= self.limit()

    def state(self, now: float) -> dict[str, Any]:
        """For /health."""
        return {"phase": self.phase.value if self.phase else None, "backlog": self.backlog,
                "unchanged_s": round(now - self.since, 1)}


def faust_phase(app: faust.App, topic: str) -> Callable[[], tuple[Phase, set[int]]]:
    """A faust worker's phase and its partitions of ``topic``."""
    def phase() -> tuple[Phase, set[int]]:
        mine = {tp.partition for tp in app.consumer.assignment() if tp.topic == topic}
        return (Phase.RECOVERING if app.in_recovery else Phase.REBALANCING if app.rebalancing
                else Phase.WORKING if mine else Phase.UNASSIGNED), mine
    return phase


def watch_stalls(app: faust.App, settings: CommonSettings, group: str, topic: str,
                 progress: Callable[[], int], *, interval: float = 10.0,
                 phase: Callable[[], tuple[Phase, set[int]]] | None = None) -> Stall:
    """A faust timer that restarts the worker in place when it stalls (see ``Stall``).

    Progress while working is the worker's own count of handled records and the group's
    commits on its partitions (another worker's progress must not hide its own stall);
    otherwise it is the group's commits on the whole topic. Starting over is always safe
    (at-least-once: nothing unprocessed was acknowledged) and a fresh process rejoins the
    group, which ends a stuck rebalance or an empty assignment. The restart replaces this
    process (exec: same pid, sockets and locks released), so it needs no supervisor.
    ``phase`` says what the reader of ``topic`` is doing (default: the faust worker's own).
    """
    stall = Stall(settings.stall_timeout_s)
    phase_of = phase or faust_phase(app, topic)

    @app.timer(interval)
    async def _check_stall() -> None:
        now = time.monotonic()
        phase, mine = phase_of()
        if stall.timeout <= 0:
            return
        try:
            pos = await group_position(settings.kafka_bootstrap, group, topic,
                                       timeout_s=interval)
        except Exception as exc:  # the broker may be away: that is not a stall of ours
            log.debug("stall watch: group position unavailable: %s", exc)
            stall.observe(now, phase, stall.progress, None)
            return
        if phase is Phase.WORKING:
            moved: Hashable = (progress(), tuple(pos.committed.get(p) for p in sorted(mine)))
            backlog = pos.backlog(mine)
        else:
            moved, backlog = sum(pos.committed.values()), pos.backlog()
        before = stall.phase
        if stall.observe(now, phase, moved, backlog):
            restart_in_place(f"stall watch: no progress for {now - stall.since:.0f} s while "
                             f"{phase.value}, with {backlog} records waiting on {topic}")
        if phase is not before and backlog:
            log.info("stall watch: %s, %d records waiting on %s", phase.value, backlog, topic)

    return stall


async def until_done(work: Callable[[], Awaitable[T]], *,
                     retry_on: type[BaseException] | tuple[type[BaseException], ...],
                     what: str, on_retry: Callable[[], None] | None = None) -> T:
    """Run ``work`` again (jittered backoff, at most 30 s apart) until it succeeds.

    For a batch that must not be acknowledged before it is done: an outage stalls the
    stream (consumer lag grows, which is alerted on) instead of losing records.
    """
    def log_retry(state: RetryCallState) -> None:
        if on_retry is not None:
            on_retry()
        log.warning("%s failed, retrying: %s", what,
                    state.outcome.exception() if state.outcome else None)

    async for attempt in AsyncRetrying(retry=retry_if_exception_type(retry_on),
                                       wait=wait_random_exponential(multiplier=0.5, max=30),
                                       before_sleep=log_retry):
        with attempt:
            return await work()
    raise AssertionError("unreachable: AsyncRetrying retries until success")
