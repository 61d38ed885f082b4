"""The durable outbox of notifications: what each receiver still has to be told.

* **What to deliver** is the alerts topic itself (``docketwatch.alerts.v1``): every state
  change is written there (acks=all) before anyone is told, kept forever, and replayed on
  start. Whether a change is notified follows from the change and the alert's previous one
  (:func:`services.alerts.state.notified`), so the log alone says what each receiver owes.
* **What was delivered** is each receiver's :class:`Position` on that log, written to the
  compacted topic ``docketwatch.alert-deliveries.v1`` (keyed by receiver) only after the
  receiver acknowledged a notification. On start, every notified change at or after the
  position that is not marked done is queued again, and retried until acknowledged.

One write makes a change durable and due: no second store has to agree with the first
(no dual write, no Kafka transaction). A position is a compacted record rather than a
committed consumer-group offset, because an idle group's offsets expire
(``offsets.retention.minutes``) and a receiver's position must not.

A receiver seen for the first time starts at the end of the log: it is not sent history.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from docketwatch.contract import TOPIC_ALERTS, AlertEvent
from services.alerts.deadletters import partitions

log = logging.getLogger("docketwatch.alerts")

TOPIC_DELIVERIES = "docketwatch.alert-deliveries.v1"
# The weekly digests, one record per week (services/alerts/digest.py): delivered through
# the same positions as the alerts.
TOPIC_DIGESTS = "docketwatch.digests.v1"


def alerts_topics(alerts_partitions: int) -> list[NewTopic]:
    """The alerts service's own topics: the alert log and the digest log (forever) and the
    receivers' positions (compacted: the last position of each receiver, forever)."""
    return [NewTopic(TOPIC_ALERTS, alerts_partitions, 1, topic_configs={"retention.ms": "-1"}),
            NewTopic(TOPIC_DELIVERIES, 1, 1, topic_configs={"cleanup.policy": "compact"}),
            NewTopic(TOPIC_DIGESTS, 1, 1, topic_configs={"retention.ms": "-1"})]


async def ensure_alerts_topics(bootstrap: str, alerts_partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in alerts_topics(alerts_partitions) if t.name not in existing]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


@dataclass(frozen=True)
class Outgoing:
    """One alert state change at its place in the alert log."""

    partition: int
    offset: int
    event: AlertEvent
    previous: AlertEvent | None = None  # the alert's change before this one
    notify: bool = True


@dataclass
class Position:
    """A receiver's progress on the alert log: per partition, every offset below ``next``
    is settled (acknowledged, rejected, or not a notification), and so are the offsets in
    ``done`` (acknowledged out of order: notifications group changes across the log)."""

    next: dict[int, int] = field(default_factory=dict)
    done: dict[int, set[int]] = field(default_factory=dict)

    def settled(self, partition: int, offset: int) -> bool:
        return (offset < self.next.get(partition, 0)
                or offset in self.done.get(partition, set()))

    def to_bytes(self, receiver: str) -> bytes:
        return json.dumps({
            "receiver": receiver,
            "next": {str(p): o for p, o in sorted(self.next.items())},
            "done": {str(p): sorted(d) for p, d in sorted(self.done.items()) if d},
        }).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Position:
        raw = json.loads(data)
        return cls(next={int(p): int(o) for p, o in raw["next"].items()},
                   done={int(p): {int(o) for o in d} for p, d in raw.get("done", {}).items()})


class PositionStore(Protocol):
    async def save(self, receiver: str, position: Position) -> None:
        """Durable once it returns."""


async def resume_position(receiver: str, position: Position | None, ends: dict[int, int],
                          save: Callable[[Position], Awaitable[None]], what: str) -> Position:
    """Where ``receiver`` resumes on a log (``what``) whose partitions end at ``ends``: its
    saved position, else the log's end, saved at once (before anything new is published),
    for a receiver seen for the first time or one whose position is past the end: the
    topic was deleted and created again, and its offsets mean nothing any more."""
    if position is not None and any(o > ends.get(p, 0) for p, o in position.next.items()):
        log.warning("%s: delivery position %s is past the end of the %s %s (the topic was "
                    "recreated?): starting at its end", receiver, position.next, what, ends)
        position = None
    if position is None:
        position = Position(next=dict(ends))
        await save(position)
    return position


class MemoryPositions:
    """For tests and for a service run without Kafka: positions live as long as the object."""

    def __init__(self) -> None:
        self.saved: dict[str, Position] = {}

    async def save(self, receiver: str, position: Position) -> None:
        self.saved[receiver] = Position(dict(position.next),
                                        {p: set(d) for p, d in position.done.items()})


class KafkaPositions:
    """Positions as records of the compacted deliveries topic, keyed by receiver."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def save(self, receiver: str, position: Position) -> None:
        await self.producer.send_and_wait(TOPIC_DELIVERIES, key=receiver.encode(),
                                          value=position.to_bytes(receiver))


async def read_log(bootstrap: str, topic: str) -> tuple[list[tuple[int, int, bytes, bytes]],
                                                         dict[int, int]]:
    """Every record of ``topic`` up to its current end: (partition, offset, key, value)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    out: list[tuple[int, int, bytes, bytes]] = []
    try:
        tps = await partitions(consumer, topic)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        # Compaction can leave the last offsets empty: read until the position reaches the
        # end, not until a record with the last offset arrived.
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(timeout_ms=1000)
            for tp, records in batch.items():
                out += [(tp.partition, r.offset, r.key or b"", r.value or b"")
                        for r in records if r.offset < ends[tp]]
        return out, {tp.partition: ends[tp] for tp in tps}
    finally:
        await consumer.stop()


async def read_alert_log(bootstrap: str) -> tuple[list[tuple[int, int, AlertEvent]],
                                                  dict[int, int]]:
    """The alert log in order per partition, and the end offset of each partition."""
    records, ends = await read_log(bootstrap, TOPIC_ALERTS)
    records.sort(key=lambda r: (r[0], r[1]))
    return [(p, o, AlertEvent.from_bytes(v)) for p, o, _, v in records], ends


async def load_positions(bootstrap: str) -> dict[str, Position]:
    """The last position of each receiver."""
    records, _ = await read_log(bootstrap, TOPIC_DELIVERIES)
    out: dict[str, Position] = {}
    for _, _, key, value in sorted(records, key=lambda r: (r[0], r[1])):
        if not value:
            continue  # a tombstone: the receiver was reset
        try:
            out[key.decode()] = Position.from_bytes(value)
        except (ValueError, KeyError, TypeError) as exc:
            log.error("unreadable delivery position of %r, ignored: %s", key, exc)
    return out


def due(position: Position, records: Iterable[Outgoing]) -> list[Outgoing]:
    """The notified changes a receiver at ``position`` has not settled."""
    return [r for r in records if r.notify and not position.settled(r.partition, r.offset)]
