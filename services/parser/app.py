"""The parser service: raw pages in, case events out (faust-streaming, at-least-once).

Per batch of pages: parse; for each case, merge with its known state (a faust Table backed
by a changelog topic), emit the lifecycle events, wait until Kafka acknowledged them all,
and only then update the table. A crash anywhere therefore re-emits at worst events with the same
deterministic ids, which the sink deduplicates; it never skips one.

Pages are parsed in child processes (docketwatch.parse_pool), handed over ahead of need,
never on this event loop: a page that takes long to parse cannot stop the Kafka heartbeats,
and one over DW_PARSER_PAGE_TIMEOUT_S of CPU is dead-lettered (ParseTimeout) while the
worker goes on. A page whose events would not fit a Kafka record is dead-lettered too
(RecordTooLarge): sending it would fail for ever.

The case table lives on disk by default (DW_PARSER_STORE=rocksdb://, faust's RocksDB store
through rocksdict): one database per partition, in a directory of this worker's own, with
the changelog offset it reflects beside the data, so a restart reads only the changelog
written since; memory stays bounded by DW_PARSER_ROCKSDB_MEMORY_MB and the parser's own
caches, however many cases the table holds. memory:// keeps it in memory (rebuilt from the
whole changelog at every start).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import faust
from aiokafka.errors import KafkaError
from faust.exceptions import FaustError
from faust.types import EventT

from docketwatch.contract import (
    RECORD_LIMIT_BYTES,
    TOPIC_CASE_EVENTS,
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    CaseSnapshot,
    DeadLetter,
    PageKind,
    PageState,
    RawPage,
    SourceRef,
    WindowManifest,
)
from docketwatch.kafka import RecordTooLarge, record_size
from docketwatch.ops import OpsServer
from docketwatch.parse_pool import (
    PARSE_TIMEOUT,
    ParseOutcome,
    ParsePool,
    ParsePoolClosed,
    ParseRequest,
    ParseStream,
)
from docketwatch.streams import (
    OpsService,
    batched_agent,
    make_app,
    stream_health,
    until_done,
    watch_stalls,
)
from docketwatch.streams import raw_topic as raw_topic_of
from docketwatch.sudrf import card_ids
from docketwatch.sudrf.parse import PARSER_VERSION
from docketwatch.workdir import claim_slot
from services.parser import lifecycle, metrics
from services.parser.appeals import v2_records
from services.parser.settings import ParserSettings
from services.parser.state import (
    Decoded,
    Identities,
    Identity,
    Position,
    already_applied,
    encode_state,
    identity,
)
from services.parser.table import CaseTable

log = logging.getLogger("docketwatch.parser")

# The case table's name (its changelog topic: "<DW_PARSER_GROUP>-case-state-changelog").
TABLE = "case-state"

# A batch is decoded and handed to the parse processes a part at a time, so that a batch of
# large pages is not all held decoded at once (a part ends after this many pages or bytes).
PART_PAGES = 100
PART_BYTES = 64 * 1024 * 1024


@dataclass
class Progress:
    """What this worker has done, for /health (the metrics count the same)."""

    pages: int = 0
    events: int = 0
    dead_letters: int = 0
    manifests: int = 0
    parse_timeouts: int = 0

    def records(self) -> int:
        """Raw records taken and handled: the stall watch's progress."""
        return self.pages + self.manifests + self.dead_letters


class Parser:
    """One parser worker, wired from its settings. Built by ``__main__`` (which runs
    ``app``) and by tests and benches; building it starts nothing but claims the worker's
    state directory (rocksdb://)."""

    def __init__(self, settings: ParserSettings) -> None:
        self.settings = settings
        self.progress = Progress()
        self.started = time.monotonic()
        overrides: dict[str, object] = {}
        if settings.table_on_disk():
            # One directory per live worker: two workers on one machine never share a
            # database, and a restarted one finds the table it left.
            overrides["datadir"] = str(claim_slot(settings.data_dir / settings.parser_group))
        self.app: faust.App = make_app(
            settings.parser_group, settings, partitions=settings.raw_partitions,
            store=settings.parser_store,
            # What a catch-up holds: aiokafka hands over every record it fetched (up to the
            # fetch size per partition, decompressed) unless told fewer. 16 MiB and no limit
            # held the parser at 328 MB through a 4,000-page backlog, this at 207 MB
            # (docs/performance.md). A record over the fetch size still comes, alone.
            consumer_max_fetch_size=2 * 1024 * 1024,
            broker_max_poll_records=2 * settings.parser_batch_pages,
            broker_commit_every=500,
            # A batch's events (~1 MB for 200 pages) go out in a few produce requests of
            # whole partitions' worth rather than in 16 kB pieces, each its own zstd frame
            # and socket write; the batch waits for its acks anyway.
            producer_max_batch_size=1024 * 1024,
            producer_linger=0.005,
            stream_buffer_maxsize=512,
            **overrides,
        )
        self.raw_topic = raw_topic_of(self.app, TOPIC_RAW_PAGES)
        # case_key → merged CaseSnapshot plus the raw-topic position of the page that last
        # changed it (services/parser/state.py). Partitioned like the raw topic (keyed by
        # court), so the changelog entry of a case lands on the partition of the pages that
        # describe it, and on disk in that partition's database.
        self.cases = self.app.Table(
            TABLE, default=None, partitions=settings.raw_partitions, key_type=str,
            value_type=str,
            options=settings.rocksdb_options() if settings.table_on_disk() else None)
        self.table = CaseTable(self.cases)
        # Decoding a stored state is most of a page's cost when it is done afresh each time.
        self.decoded = Decoded(settings.parser_state_cache)
        self.identities = Identities(settings.parser_index_cache)
        # Started with the first batch (its children die with this process).
        self.pool = ParsePool(
            settings.parser_processes, settings.parser_page_timeout_s,
            wall_limit_s=settings.parser_page_wall_s(),
            on_restart=lambda reason: metrics.PARSE_RESTARTS.labels(reason).inc())
        # The parse processes start beside faust's own start-up (their imports take a
        # moment).
        self.ops = OpsService(OpsServer("parser", settings.ops_host, settings.parser_ops_port,
                                        self.health, hostnames=settings.ops_hostname_list()),
                              warm_up=self.pool.start)
        self.stall = watch_stalls(self.app, settings, settings.parser_group, TOPIC_RAW_PAGES,
                                  self.progress.records)
        # Pages are taken in batches so that one wait for Kafka's acks covers many pages; a
        # batch's offsets are acknowledged only after its events (and table updates) are.
        batched_agent(self.app, self.raw_topic, self.process_until_done,
                      size=settings.parser_batch_pages, within=settings.parser_batch_seconds,
                      name="parse_raw_pages", bootstrap=settings.kafka_bootstrap)

    def health(self) -> dict[str, Any]:
        p = self.progress
        return {"uptime_s": round(time.monotonic() - self.started, 1),
                "parser_version": PARSER_VERSION, **stream_health(self.app, self.stall),
                "pages": p.pages, "events": p.events, "dead_letters": p.dead_letters,
                "manifests": p.manifests, "parse_timeouts": p.parse_timeouts,
                "store": self.settings.parser_store,
                # Bumped by every rebalance of the group (a member that missed its
                # heartbeats is one): unchanged while a page is parsed says the worker kept
                # its place.
                "consumer_generation": self.app.consumer_generation_id,
                "parse_processes": self.pool.pids(),
                "parse_process_restarts": self.pool.restarts}

    async def dead_letter(self, batch: Batch, payload: bytes,
                          exc: BaseException | tuple[str, str], *, partition: int, offset: int,
                          page: RawPage | None = None) -> None:
        """Dead-letter a raw record: ``exc`` is the exception, or (error type, message). The
        letter keeps at most the first MiB of the record (DeadLetter), so it always fits."""
        error_type, error = (exc if isinstance(exc, tuple) else (type(exc).__name__, str(exc)))
        metrics.DEAD.labels(error_type).inc()
        self.progress.dead_letters += 1
        letter = DeadLetter(
            stage="parser", error_type=error_type, error=error[:2000],
            stage_version=PARSER_VERSION, source_topic=TOPIC_RAW_PAGES,
            source_partition=partition, source_offset=offset,
            court_code=page.court_code if page else None, url=page.url if page else None,
            created_at=datetime.now(UTC), payload=payload,
        )
        await batch.send(TOPIC_DEAD_LETTERS, (page.court_code if page else "").encode(),
                         letter.to_bytes())

    def _request(self, page: RawPage) -> ParseRequest:
        case_id, case_uid = card_ids(page.params)
        return ParseRequest(page.body, page.kind, page.court_code, charset=page.charset,
                            keep_names=self.settings.keep_names, case_uid=case_uid,
                            case_id=case_id)

    async def handle_page(self, batch: Batch, value: bytes, partition: int, offset: int,
                          page: RawPage | ValueError, parsing: ParseStream | None,
                          index: int) -> None:
        """One raw record: ``page`` is what it decoded to, and for a page that is parsed its
        outcome is ``parsing``'s ``index``-th."""
        if isinstance(page, ValueError):
            await self.dead_letter(batch, value, page, partition=partition, offset=offset)
            return
        if page.kind is PageKind.WINDOW:
            await self.handle_manifest(batch, page, value, (partition, offset))
            return
        assert parsing is not None
        outcome: ParseOutcome = await parsing.outcome(index)
        parsed = outcome.parsed
        if parsed is None:
            assert outcome.error_type is not None
            timeout = outcome.error_type == PARSE_TIMEOUT
            metrics.PAGES.labels("timeout" if timeout else "unreadable").inc()
            if timeout:
                metrics.PARSE_TIMEOUTS.inc()
                self.progress.parse_timeouts += 1
            await self.dead_letter(batch, value, (outcome.error_type, outcome.error or ""),
                                   partition=partition, offset=offset, page=page)
            return
        metrics.PARSE_SECONDS.observe(outcome.seconds)
        metrics.PAGES.labels(parsed.state.value).inc()
        self.progress.pages += 1
        metrics.UNKNOWN_DECISIONS.inc(len(parsed.unknown_decisions))
        metrics.UNREADABLE_SENTENCES.inc(parsed.unreadable_sentences)
        if parsed.state not in (PageState.OK, PageState.EMPTY):
            # Captcha, block and outage pages say nothing about cases; they are counted, and
            # the fetcher's court health tracks them.
            return
        source = _source(page)
        position = (partition, offset)
        # Appeals and first-instance УИДs (contract v2, topics of their own; stateless).
        for topic, record_key, record in v2_records(parsed, page, source):
            await batch.send(topic, record_key, record)
        try:
            for obs in parsed.snapshots:
                key = obs.case_key
                prev, stored, touched = batch.state(key)
                if not touched and already_applied(stored, position):
                    continue  # the table already reflects this page (restored ahead of offsets)
                merged = lifecycle.merge(prev, obs, page.kind)
                found = lifecycle.changes(prev, merged)
                if found:
                    await batch.emit(key, merged, found, source, position,
                                     parsed.parser_version)
        except RecordTooLarge as exc:
            # The cases before this one went out (their events are whole and their ids
            # fixed, so a replay of this page after a fix re-sends them harmlessly); this
            # one cannot.
            metrics.RECORDS_TOO_LARGE.inc()
            await self.dead_letter(batch, value, exc, partition=partition, offset=offset,
                                   page=page)

    async def handle_manifest(self, batch: Batch, page: RawPage, value: bytes,
                              position: Position) -> None:
        """A complete receipt window: its court's known cases of that window it does not
        list have disappeared from the site."""
        try:
            manifest = WindowManifest.model_validate_json(page.body)
        except ValueError as exc:
            await self.dead_letter(batch, value, exc, partition=position[0],
                                   offset=position[1], page=page)
            return
        self.progress.manifests += 1
        metrics.PAGES.labels("window_manifest").inc()
        # A court's cases live on its partition, so this worker holds all of them. Keys
        # begin with the court code; each is checked through its Identity.
        prefix = f"{manifest.court_code}:"
        known: list[tuple[str, Identity]] = [
            (key, identity(snap, pos)) for key, (snap, pos) in batch.staged.items()
            if key.startswith(prefix)]
        known.extend(
            (key, ident) for key, ident in batch.court(position[0], prefix)
            if key not in batch.staged and not already_applied(ident.position, position))
        source = _source(page)
        for key in lifecycle.vanished(manifest, known):
            prev, _, _ = batch.state(key)
            assert prev is not None
            merged = lifecycle.disappear(prev, page.fetched_at)
            await batch.emit(key, merged, lifecycle.changes(prev, merged), source, position,
                             PARSER_VERSION)

    async def process(self, events: Sequence[EventT]) -> None:
        batch = Batch(self)
        for part in _parts(events):
            pages = [_read(event.value) for event in part]
            # The part's pages are handed to the parse processes ahead of their turn.
            requests = [self._request(p) for p in pages if isinstance(p, RawPage) and _parses(p)]
            parsing = self.pool.stream(requests) if requests else None
            index = 0
            for event, page in zip(part, pages, strict=True):
                batch.at(event)
                value = event.value
                partition, offset = event.message.partition, event.message.offset
                try:
                    await self.handle_page(batch, value, partition, offset, page, parsing,
                                           index)
                except (KafkaError, FaustError, ParsePoolClosed):
                    raise
                except Exception as exc:  # a bug must not stop the stream: dead-letter, go on
                    log.exception("unexpected error on raw page %s@%s", partition, offset)
                    await self.dead_letter(batch, value, exc, partition=partition,
                                           offset=offset)
                index += _parses(page)
        await batch.commit()

    async def process_until_done(self, events: Sequence[EventT]) -> None:
        # Our infrastructure failed, not the pages: dead-lettering good pages would lose
        # them, and raising would let faust acknowledge the batch on its way out. Retry the
        # whole batch; event ids are deterministic and the table is only updated after the
        # acks, so a retry re-sends the same events.
        await until_done(lambda: self.process(events), retry_on=(KafkaError, FaustError),
                         what="raw-page batch", on_retry=metrics.BATCH_RETRIES.inc)


class Batch:
    """The pages of one take from the stream: events sent, and the case states they lead
    to, which reach the table only once Kafka acknowledged every event (see module doc)."""

    def __init__(self, parser: Parser) -> None:
        self.parser = parser
        # key → the new state (snapshot, position): encoded once, at the commit
        self.staged: dict[str, tuple[CaseSnapshot, Position]] = {}
        self.courts: dict[str, list[tuple[str, Identity]]] = {}
        # The stream event behind each update: faust writes a table key's changelog entry to
        # the partition of the event "being processed", which is ours to name here.
        self.origin: dict[str, EventT] = {}
        self.futures: list[Any] = []
        self.event: EventT | None = None  # the page being handled

    def at(self, event: EventT) -> None:
        """The page being handled from now on: its partition is where its court's cases
        are (the batch's last page may come from another partition)."""
        self.event = event

    def court(self, partition: int, prefix: str) -> list[tuple[str, Identity]]:
        """The identities of the court's cases as the table holds them. Read once per batch
        and court: the table does not change until the batch commits, and a pass over a
        court brings one manifest per receipt window, many to a batch."""
        if prefix not in self.courts:
            identities = self.parser.identities
            self.courts[prefix] = [(key, identities.get(key, stored))
                                   for key, stored in self.parser.table.court(partition, prefix)]
        return self.courts[prefix]

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        # Straight to the producer: faust's Topic.send wraps every record in a pending
        # message, a promise and sensor calls, which cost more than the page's parsing.
        self.futures.append(await self.parser.app.producer.send(
            topic, key, value, partition=None, timestamp=None, headers=None))

    def state(self, key: str) -> tuple[CaseSnapshot | None, Position | None, bool]:
        """The case's latest state (this batch's own first), its position, and whether it
        was set in this batch."""
        if key in self.staged:
            return (*self.staged[key], True)
        assert self.event is not None
        stored = self.parser.table.get(self.event.message.partition, key)
        return (*self.parser.decoded.decode(key, stored), False)

    async def emit(self, key: str, merged: CaseSnapshot, found: list[lifecycle.Change],
                   source: SourceRef, position: Position, parser_version: str) -> None:
        """Send the case's events and stage its new state; all of them or, when one would
        not fit a record, none (RecordTooLarge). The state, the same snapshot with less
        around it than an event, then fits its changelog record too."""
        key_bytes = key.encode()
        events = lifecycle.to_events(key, merged, found, source, parser_version)
        values = [ev.to_bytes() for ev in events]
        for ev, value in zip(events, values, strict=True):
            if len(value) > RECORD_LIMIT_BYTES // 2 and (
                    size := record_size(key_bytes, value)) > RECORD_LIMIT_BYTES:
                raise RecordTooLarge(f"{ev.event_type.value} event of {key}: a record of "
                                     f"{size} bytes, over the limit of {RECORD_LIMIT_BYTES}")
        for ev, value in zip(events, values, strict=True):
            metrics.EVENTS.labels(ev.event_type.value).inc()
            await self.send(TOPIC_CASE_EVENTS, key_bytes, value)
        self.staged[key] = (merged, position)
        assert self.event is not None
        self.origin[key] = self.event

    async def commit(self) -> None:
        for fut in self.futures:
            await fut
        self.parser.progress.events += len(self.futures)
        parser = self.parser
        # The caches learn the new states only now: until the table holds them, a retry of
        # the batch must find the states it started from.
        for key, (snap, pos) in self.staged.items():
            stored = parser.table.put(key, encode_state(snap, pos), self.origin[key])
            parser.decoded.put(key, stored, (snap, pos))
            parser.identities.put(key, stored, identity(snap, pos))


def _read(value: bytes) -> RawPage | ValueError:
    try:
        page: RawPage = RawPage.from_bytes(value)
    except ValueError as exc:
        return exc
    return page


def _source(page: RawPage) -> SourceRef:
    return SourceRef(page_id=page.page_id, url=page.url, sha256=page.sha256,
                     fetched_at=page.fetched_at)


def _parses(page: RawPage | ValueError) -> bool:
    return isinstance(page, RawPage) and page.kind is not PageKind.WINDOW


def _parts(events: Sequence[EventT]) -> Iterator[Sequence[EventT]]:
    start = size = 0
    for i, event in enumerate(events):
        size += len(event.value)
        if i + 1 - start >= PART_PAGES or size >= PART_BYTES:
            yield events[start : i + 1]
            start, size = i + 1, 0
    if start < len(events):
        yield events[start:]
