"""Raw pages to Kafka: published first, remembered as published only after the ack."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError

from docketwatch.contract import (
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    DeadLetter,
    PageKind,
    RawPage,
    sha256_hex,
)
from docketwatch.kafka import RecordTooLarge, check_record
from docketwatch.sudrf import content_fingerprint
from services.fetcher import metrics
from services.fetcher.http import Fetched
from services.fetcher.state import CrawlState

VERSION = "fetcher/2"
# What a producer or the broker answers a record (or batch) over its size limit.
_REFUSED = (MessageSizeTooLargeError, RecordListTooLargeError)


@dataclass
class Sent:
    url: str
    fingerprint: str
    future: asyncio.Future[object] | None
    # Run after the ack (e.g. remember a row's card as fetched), never before.
    after: Callable[[], None] | None = None


@dataclass
class Pending:
    sent: list[Sent] = field(default_factory=list)


class Publisher:
    def __init__(self, producer: AIOKafkaProducer, state: CrawlState) -> None:
        self._producer = producer
        self._state = state
        self.published = 0

    async def send(self, court: str, f: Fetched, params: dict[str, str], kind: PageKind,
                   force: bool, pending: Pending) -> Sent:
        """Publish unless the same content was already published for this URL."""
        fingerprint = content_fingerprint(f.text)
        if not force and self._state.page_hash(f.url) == fingerprint:
            metrics.UNCHANGED.inc()
            sent = Sent(f.url, fingerprint, None)
        else:
            page = RawPage(
                page_id=sha256_hex(f"{court}|{f.url}|{f.fetched_at.isoformat()}".encode()),
                court_code=court, url=f.url, params=params, kind=kind,
                fetched_at=f.fetched_at, http_status=f.status, state=f.state,
                charset=f.charset, sha256=sha256_hex(f.body), body=f.body,
            )
            # Keyed by court: one court's pages stay in order on one partition.
            key, value = court.encode(), page.to_bytes()
            try:
                check_record(key, value, f"raw page {f.url}")
                fut = await self._producer.send(TOPIC_RAW_PAGES, value, key=key)
            except (RecordTooLarge, *_REFUSED) as exc:
                _abandon(pending.sent)
                raise _too_large(f.url, exc) from exc
            sent = Sent(f.url, fingerprint, fut)
        pending.sent.append(sent)
        return sent

    async def settle(self, pending: Pending) -> None:
        """Wait for Kafka's acks, then record the pages (and their follow-ups) as done."""
        sent, pending.sent = pending.sent, []
        for i, s in enumerate(sent):
            if s.future is not None:
                try:
                    await s.future
                except _REFUSED as exc:  # a broker or topic with a lower limit than ours
                    _abandon(sent[i + 1 :])
                    raise _too_large(s.url, exc) from exc
                self.published += 1
                metrics.PUBLISHED.inc()
        with self._state.batch():
            for s in sent:
                self._state.set_page_hash(s.url, s.fingerprint)
                if s.after is not None:
                    s.after()

    async def dead_letter(self, court: str, url: str, what: str, exc: BaseException) -> None:
        """Record a failed window (its error and where), without any page's bytes."""
        letter = DeadLetter(
            stage="fetcher", error_type=type(exc).__name__, error=f"{court} {what}: {exc}",
            stage_version=VERSION, court_code=court, url=url,
            created_at=datetime.now(UTC), payload=b"",
        )
        await self._producer.send_and_wait(TOPIC_DEAD_LETTERS, letter.to_bytes(),
                                           key=court.encode())


def _too_large(url: str, exc: Exception) -> RecordTooLarge:
    """A page that cannot be published: the window fails (and is retried on the next pass)
    like one whose request failed, with a dead letter and the court reported failing,
    rather than the fetcher failing on every pass at the same page."""
    metrics.OVERSIZED.labels("record").inc()
    return RecordTooLarge(f"{url}: {exc}") if not isinstance(exc, RecordTooLarge) else exc


def _abandon(sent: list[Sent]) -> None:
    """The window failed: nobody awaits these sends any more; take their outcomes when they
    come, so that a refused one is not logged as an exception never retrieved."""
    for s in sent:
        if s.future is not None:
            s.future.add_done_callback(lambda f: f.cancelled() or f.exception())
