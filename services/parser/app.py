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
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka.errors import KafkaError
from faust.exceptions import FaustError
from faust.streams import _current_event
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
)

log = logging.getLogger("docketwatch.parser")

settings = ParserSettings()

app = make_app(
    settings.parser_group, settings, partitions=settings.raw_partitions,
    consumer_max_fetch_size=16 * 1024 * 1024,
    broker_commit_every=500,
    stream_buffer_maxsize=512,
)

raw_topic = raw_topic_of(app, TOPIC_RAW_PAGES)

# case_key → merged CaseSnapshot plus the raw-topic position of the page that last changed it
# (services/parser/state.py). Partitioned like the raw topic (keyed by court), so the
# changelog entry of a case lands on the partition of the pages that describe it.
cases = app.Table("case-state", default=None, partitions=settings.raw_partitions,
                  key_type=str, value_type=str)

# Decoding a stored state is most of a page's cost when it is done afresh each time.
_decoded = Decoded(settings.parser_state_cache)
_identities = Identities(_decoded)

_started = time.monotonic()
_counts: dict[str, int] = {"pages": 0, "events": 0, "dead_letters": 0, "manifests": 0,
                           "parse_timeouts": 0}

# Started with the first batch (its children die with this process).
pool = ParsePool(settings.parser_processes, settings.parser_page_timeout_s,
                 wall_limit_s=settings.parser_page_wall_s(),
                 on_restart=lambda reason: metrics.PARSE_RESTARTS.labels(reason).inc())


def _health() -> dict[str, Any]:
    return {"uptime_s": round(time.monotonic() - _started, 1), "parser_version": PARSER_VERSION,
            **stream_health(app, _stall), **_counts,
            # Bumped by every rebalance of the group (a member that missed its heartbeats
            # is one): unchanged while a page is parsed says the worker kept its place.
            "consumer_generation": app.consumer_generation_id,
            "parse_processes": pool.pids(), "parse_process_restarts": pool.restarts}


# The parse processes start beside faust's own start-up (their imports take a moment).
ops = OpsService(OpsServer("parser", settings.ops_host, settings.parser_ops_port, _health,
                           hostnames=settings.ops_hostname_list()),
                 warm_up=pool.start)
# Progress = raw records taken and handled (pages, manifests, dead letters).
_stall = watch_stalls(app, settings, settings.parser_group, TOPIC_RAW_PAGES,
                      lambda: _counts["pages"] + _counts["manifests"] + _counts["dead_letters"])


async def _dead_letter(batch: Batch, payload: bytes, exc: BaseException | tuple[str, str], *,
                       partition: int, offset: int, page: RawPage | None = None) -> None:
    """Dead-letter a raw record: ``exc`` is the exception, or (error type, message). The
    letter keeps at most the first MiB of the record (DeadLetter), so it always fits."""
    error_type, error = (exc if isinstance(exc, tuple) else (type(exc).__name__, str(exc)))
    metrics.DEAD.labels(error_type).inc()
    _counts["dead_letters"] += 1
    letter = DeadLetter(
        stage="parser", error_type=error_type, error=error[:2000],
        stage_version=PARSER_VERSION, source_topic=TOPIC_RAW_PAGES,
        source_partition=partition, source_offset=offset,
        court_code=page.court_code if page else None, url=page.url if page else None,
        created_at=datetime.now(UTC), payload=payload,
    )
    await batch.send(TOPIC_DEAD_LETTERS, (page.court_code if page else "").encode(),
                     letter.to_bytes())


class Batch:
    """The pages of one take from the stream: events sent, and the case states they lead
    to, which reach the table only once Kafka acknowledged every event (see module doc)."""

    def __init__(self) -> None:
        self.updates: dict[str, str] = {}
        # The stream event behind each update: faust writes a table key's changelog entry to
        # the partition of the event "being processed", which is ours to name here.
        self.origin: dict[str, EventT] = {}
        self.futures: list[Any] = []
        self.event: EventT | None = None  # the page being handled

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        # Straight to the producer: faust's Topic.send wraps every record in a pending
        # message, a promise and sensor calls, which cost more than the page's parsing.
        self.futures.append(await app.producer.send(topic, key, value, partition=None,
                                                    timestamp=None, headers=None))

    def state(self, key: str) -> tuple[CaseSnapshot | None, Position | None, bool]:
        """The case's latest state (this batch's own first), its position, and whether it
        was set in this batch."""
        if key in self.updates:
            return (*_decoded.decode(key, self.updates[key]), True)
        return (*_decoded.decode(key, cases.get(key)), False)

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
        raw = encode_state(merged, position)
        self.updates[key] = raw
        _decoded.put(key, raw, merged, position)
        assert self.event is not None
        self.origin[key] = self.event

    async def commit(self) -> None:
        for fut in self.futures:
            await fut
        _counts["events"] += len(self.futures)
        for key, raw in self.updates.items():
            _current_event.set(weakref.ref(self.origin[key]))
            cases[key] = raw
        _current_event.set(None)


def _read(value: bytes) -> RawPage | ValueError:
    try:
        page: RawPage = RawPage.from_bytes(value)
    except ValueError as exc:
        return exc
    return page


def _request(page: RawPage) -> ParseRequest:
    case_id, case_uid = card_ids(page.params)
    return ParseRequest(page.body, page.kind, page.court_code, charset=page.charset,
                        keep_names=settings.keep_names, case_uid=case_uid, case_id=case_id)


async def handle_page(batch: Batch, value: bytes, partition: int, offset: int,
                      page: RawPage | ValueError, parsing: ParseStream | None,
                      index: int) -> None:
    """One raw record: ``page`` is what it decoded to, and for a page that is parsed its
    outcome is ``parsing``'s ``index``-th."""
    if isinstance(page, ValueError):
        await _dead_letter(batch, value, page, partition=partition, offset=offset)
        return
    if page.kind is PageKind.WINDOW:
        await handle_manifest(batch, page, value, (partition, offset))
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
            _counts["parse_timeouts"] += 1
        await _dead_letter(batch, value, (outcome.error_type, outcome.error or ""),
                           partition=partition, offset=offset, page=page)
        return
    metrics.PARSE_SECONDS.observe(outcome.seconds)
    metrics.PAGES.labels(parsed.state.value).inc()
    _counts["pages"] += 1
    metrics.UNKNOWN_DECISIONS.inc(len(parsed.unknown_decisions))
    metrics.UNREADABLE_SENTENCES.inc(parsed.unreadable_sentences)
    if parsed.state not in (PageState.OK, PageState.EMPTY):
        # Captcha, block and outage pages say nothing about cases; they are counted, and
        # the fetcher's court health tracks them.
        return
    source = _source(page)
    position = (partition, offset)
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
                await batch.emit(key, merged, found, source, position, parsed.parser_version)
    except RecordTooLarge as exc:
        # The cases before this one went out (their events are whole and their ids fixed, so
        # a replay of this page after a fix re-sends them harmlessly); this one cannot.
        metrics.RECORDS_TOO_LARGE.inc()
        await _dead_letter(batch, value, exc, partition=partition, offset=offset, page=page)


async def handle_manifest(batch: Batch, page: RawPage, value: bytes,
                          position: Position) -> None:
    """A complete receipt window: its court's known cases of that window it does not list
    have disappeared from the site."""
    try:
        manifest = WindowManifest.model_validate_json(page.body)
    except ValueError as exc:
        await _dead_letter(batch, value, exc, partition=position[0], offset=position[1],
                           page=page)
        return
    _counts["manifests"] += 1
    metrics.PAGES.labels("window_manifest").inc()
    # A court's cases live on its partition, so this worker holds all of them. Keys begin
    # with the court code; each is checked through its Identity, decoded once per state.
    prefix = f"{manifest.court_code}:"
    keys = {k for k in cases.keys() if k.startswith(prefix)}
    keys.update(k for k in batch.updates if k.startswith(prefix))
    known: list[tuple[str, Identity]] = []
    for key in keys:
        touched = key in batch.updates
        raw = batch.updates[key] if touched else cases.get(key)
        ident = _identities.get(key, raw) if raw else None
        if ident is not None and (touched or not already_applied(ident.position, position)):
            known.append((key, ident))
    source = _source(page)
    for key in lifecycle.vanished(manifest, known):
        prev, _, _ = batch.state(key)
        assert prev is not None
        merged = lifecycle.disappear(prev, page.fetched_at)
        await batch.emit(key, merged, lifecycle.changes(prev, merged), source, position,
                         PARSER_VERSION)


def _source(page: RawPage) -> SourceRef:
    return SourceRef(page_id=page.page_id, url=page.url, sha256=page.sha256,
                     fetched_at=page.fetched_at)


def _parses(page: RawPage | ValueError) -> bool:
    return isinstance(page, RawPage) and page.kind is not PageKind.WINDOW


# A batch is decoded and handed to the parse processes a part at a time, so that a batch of
# large pages is not all held decoded at once (a part ends after this many pages or bytes).
PART_PAGES = 100
PART_BYTES = 64 * 1024 * 1024


def _parts(events: Sequence[EventT]) -> Iterator[Sequence[EventT]]:
    start = size = 0
    for i, event in enumerate(events):
        size += len(event.value)
        if i + 1 - start >= PART_PAGES or size >= PART_BYTES:
            yield events[start : i + 1]
            start, size = i + 1, 0
    if start < len(events):
        yield events[start:]


async def _process(events: Sequence[EventT]) -> None:
    batch = Batch()
    for part in _parts(events):
        pages = [_read(event.value) for event in part]
        # The part's pages are handed to the parse processes ahead of their turn.
        requests = [_request(p) for p in pages if isinstance(p, RawPage) and _parses(p)]
        parsing = pool.stream(requests) if requests else None
        index = 0
        for event, page in zip(part, pages, strict=True):
            batch.event = event
            value, partition, offset = event.value, event.message.partition, event.message.offset
            try:
                await handle_page(batch, value, partition, offset, page, parsing, index)
            except (KafkaError, FaustError, ParsePoolClosed):
                raise
            except Exception as exc:  # a bug must not stop the stream: dead-letter and go on
                log.exception("unexpected error on raw page %s@%s", partition, offset)
                await _dead_letter(batch, value, exc, partition=partition, offset=offset)
            index += _parses(page)
    await batch.commit()


async def _process_until_done(events: Sequence[EventT]) -> None:
    # Our infrastructure failed, not the pages: dead-lettering good pages would lose them,
    # and raising would let faust acknowledge the batch on its way out. Retry the whole
    # batch; event ids are deterministic and the table is only updated after the acks, so
    # a retry re-sends the same events.
    await until_done(lambda: _process(events), retry_on=(KafkaError, FaustError),
                     what="raw-page batch", on_retry=metrics.BATCH_RETRIES.inc)


# Pages are taken in batches so that one wait for Kafka's acks covers many pages; a batch's
# offsets are acknowledged only after its events (and table updates) are.
batched_agent(app, raw_topic, _process_until_done, size=settings.parser_batch_pages,
              within=settings.parser_batch_seconds, name="parse_raw_pages",
              bootstrap=settings.kafka_bootstrap)
