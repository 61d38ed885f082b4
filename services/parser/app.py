"""The parser service: raw pages in, case events out (faust-streaming, at-least-once).

Per page: parse; for each case, merge with its known state (a faust Table backed by a
changelog topic), emit the lifecycle events, wait until Kafka acknowledged them, and only
then update the table. A crash anywhere therefore re-emits at worst events with the same
deterministic ids, which the sink deduplicates; it never skips one.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import faust
from aiokafka.errors import KafkaError
from faust.exceptions import FaustError

from docketwatch.contract import (
    TOPIC_CASE_EVENTS,
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    DeadLetter,
    PageState,
    RawPage,
    SourceRef,
)
from docketwatch.ops import OpsServer
from docketwatch.streams import make_app
from docketwatch.streams import raw_topic as raw_topic_of
from services.parser import lifecycle, metrics
from services.parser.settings import ParserSettings
from services.parser.state import already_applied, decode_state, encode_state
from services.parser.sudrf import PARSER_VERSION, ParseError, parse_page

log = logging.getLogger("docketwatch.parser")

settings = ParserSettings()

app = make_app(
    settings.parser_group, settings, partitions=settings.raw_partitions,
    consumer_max_fetch_size=16 * 1024 * 1024,
    broker_commit_every=500,
    stream_buffer_maxsize=512,
)

raw_topic = raw_topic_of(app, TOPIC_RAW_PAGES)
events_topic = raw_topic_of(app, TOPIC_CASE_EVENTS)
dead_topic = raw_topic_of(app, TOPIC_DEAD_LETTERS)

# case_key → merged CaseSnapshot plus the raw-topic position of the page that last changed it
# (services/parser/state.py). Partitioned like the raw topic (keyed by court), so the
# changelog entry of a case lands on the partition of the pages that describe it.
cases = app.Table("case-state", default=None, partitions=settings.raw_partitions,
                  key_type=str, value_type=str)

_started = time.monotonic()
_counts: dict[str, int] = {"pages": 0, "events": 0, "dead_letters": 0}


def _health() -> dict[str, Any]:
    return {"uptime_s": round(time.monotonic() - _started, 1), "parser_version": PARSER_VERSION,
            **_counts}


ops = OpsServer("parser", settings.ops_host, settings.parser_ops_port, _health)


@app.task
async def _start_ops() -> None:
    await ops.start()


async def _dead_letter(payload: bytes, exc: BaseException, *, partition: int, offset: int,
                       page: RawPage | None = None) -> None:
    metrics.DEAD.labels(type(exc).__name__).inc()
    _counts["dead_letters"] += 1
    letter = DeadLetter(
        stage="parser", error_type=type(exc).__name__, error=str(exc)[:2000],
        stage_version=PARSER_VERSION, source_topic=TOPIC_RAW_PAGES,
        source_partition=partition, source_offset=offset,
        court_code=page.court_code if page else None, url=page.url if page else None,
        created_at=datetime.now(UTC), payload=payload,
    )
    fut = await dead_topic.send(key=(page.court_code if page else "").encode(),
                                value=letter.to_bytes())
    await fut


async def handle_page(value: bytes, partition: int, offset: int) -> None:
    try:
        page = RawPage.from_bytes(value)
    except ValueError as exc:
        await _dead_letter(value, exc, partition=partition, offset=offset)
        return
    t0 = time.perf_counter()
    try:
        parsed = parse_page(page.body, page.kind, page.court_code, charset=page.charset,
                            keep_names=settings.keep_names,
                            case_uid=page.params.get("case_uid"))
    except ParseError as exc:
        metrics.PAGES.labels("unreadable").inc()
        await _dead_letter(value, exc, partition=partition, offset=offset, page=page)
        return
    metrics.PARSE_SECONDS.observe(time.perf_counter() - t0)
    metrics.PAGES.labels(parsed.state.value).inc()
    _counts["pages"] += 1
    metrics.UNKNOWN_DECISIONS.inc(len(parsed.unknown_decisions))
    metrics.UNREADABLE_SENTENCES.inc(parsed.unreadable_sentences)
    if parsed.state not in (PageState.OK, PageState.EMPTY):
        # Captcha, block and outage pages say nothing about cases; they are counted, and
        # the fetcher's court health tracks them.
        return
    source = SourceRef(page_id=page.page_id, url=page.url, sha256=page.sha256,
                       fetched_at=page.fetched_at)
    updates: dict[str, str] = {}
    futures = []
    position = (partition, offset)
    for obs in parsed.snapshots:
        key = obs.case_key
        prev, stored = decode_state(updates.get(key) or cases.get(key))
        if key not in updates and already_applied(stored, position):
            continue  # the table already reflects this page (restored ahead of offsets)
        merged = lifecycle.merge(prev, obs, page.kind)
        found = lifecycle.changes(prev, merged)
        if not found:
            continue
        for ev in lifecycle.to_events(key, merged, found, source, parsed.parser_version):
            metrics.EVENTS.labels(ev.event_type.value).inc()
            futures.append(await events_topic.send(key=key.encode(), value=ev.to_bytes()))
        updates[key] = encode_state(merged, position)
    for fut in futures:
        await fut
    _counts["events"] += len(futures)
    for key, raw in updates.items():
        cases[key] = raw


@app.agent(raw_topic)
async def parse_raw_pages(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        msg = event.message
        try:
            await handle_page(event.value, msg.partition, msg.offset)
        except (KafkaError, FaustError):
            # Our infrastructure failed, not the page: dead-lettering a good page would lose
            # it. Crash instead; after a restart the page is read again from its offset.
            raise
        except Exception as exc:  # a bug must not stop the stream: dead-letter and go on
            log.exception("unexpected error on %s[%s]@%s", msg.topic, msg.partition, msg.offset)
            await _dead_letter(event.value, exc, partition=msg.partition, offset=msg.offset)
