"""Writing CaseEvents and page provenance to ClickHouse, effectively once.

Kafka delivers at least once. Exactly-once *effect* comes from two layers:
1. ``insert_deduplication_token`` (``topic:partition:first-last`` offsets, see
   :func:`batch_token`, plus a digest of the batch's event ids): a batch re-sent after a
   crash between insert and offset commit is dropped by ClickHouse as a whole.
   case_events / page_provenance set ``non_replicated_deduplication_window``; without it
   a plain MergeTree silently ignores the token.
2. ReplacingMergeTree keyed by the deterministic event_id, read with FINAL by every view:
   events redelivered in another order or another batch split (different token) collapse.
The caller commits Kafka offsets only after :func:`write_events` returned.

Batches go in as Arrow tables: clickhouse-connect's pure-Python Native encoder was the
bottleneck (~30k events/s); pyarrow builds the columns in C.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa
from clickhouse_connect.driver.client import Client
from pydantic import TypeAdapter

from docketwatch.contract import CardEvent, CaseEvent, Defendant, DefendantSentence, RawPage

_TS = pa.timestamp("us", tz="UTC")
_DEFENDANTS = TypeAdapter(tuple[Defendant, ...])
_CARD_EVENTS = TypeAdapter(tuple[CardEvent, ...])
_SENTENCES = TypeAdapter(tuple[DefendantSentence, ...])

# page_provenance.detail: 2 = from a RawPage (state, kind, HTTP status known). Level 1
# (a CaseEvent's SourceRef, state unknown) is what the page_sources view derives from
# case_events; a RawPage row for the same page_id wins there.
_DETAIL_FROM_PAGE = 2


def batch_token(topic: str, partition: int, first_offset: int, last_offset: int) -> str:
    """The insert deduplication token of one consumed batch."""
    return f"{topic}:{partition}:{first_offset}-{last_offset}"


def _str(values: Sequence[str | None]) -> pa.Array:
    return pa.array(values, pa.string())


def events_table(events: Sequence[CaseEvent]) -> pa.Table:
    """The case_events columns the client supplies (the rest are ClickHouse defaults)."""
    snaps = [e.snapshot for e in events]
    srcs = [e.source for e in events]
    return pa.table({
        "event_id": _str([e.event_id for e in events]),
        "event_type": _str([e.event_type.value for e in events]),
        "case_key": _str([e.case_key for e in events]),
        "observed_at": pa.array([e.observed_at for e in events], _TS),
        "parser_version": _str([e.parser_version for e in events]),
        "schema_version": pa.array([e.schema_version for e in events], pa.uint16()),
        "court_code": _str([s.court_code for s in snaps]),
        "case_number": _str([s.case_number for s in snaps]),
        "case_uid": _str([s.case_uid for s in snaps]),
        "case_id": _str([s.case_id for s in snaps]),
        "receipt_date": pa.array([s.receipt_date for s in snaps], pa.date32()),
        "decision_date": pa.array([s.decision_date for s in snaps], pa.date32()),
        "decision_class": _str(
            [None if s.decision_class is None else s.decision_class.value for s in snaps]
        ),
        "decision_text": _str([s.decision_text for s in snaps]),
        "decision_ground": _str([s.decision_ground for s in snaps]),
        "entry_into_force_date": pa.array([s.entry_into_force_date for s in snaps], pa.date32()),
        "judge": _str([s.judge for s in snaps]),
        "has_act": pa.array([s.has_act for s in snaps], pa.bool_()),
        "published_at": pa.array([s.published_at for s in snaps], _TS),
        "modified_at": pa.array([s.modified_at for s in snaps], _TS),
        "defendants_json": _str([_DEFENDANTS.dump_json(s.defendants).decode() for s in snaps]),
        "card_events_json": _str(
            [_CARD_EVENTS.dump_json(s.events).decode() if s.events else "[]" for s in snaps]
        ),
        # The act's reading (migration 0014): NULL / '[]' until an act was read.
        "act_status": _str([None if s.act_status is None else s.act_status.value for s in snaps]),
        "sentences_json": _str(
            [_SENTENCES.dump_json(s.sentences).decode() if s.sentences else "[]" for s in snaps]
        ),
        "disappeared_at": pa.array([s.disappeared_at for s in snaps], _TS),
        "source_page_id": _str([x.page_id for x in srcs]),
        "source_url": _str([x.url for x in srcs]),
        "source_sha256": _str([x.sha256 for x in srcs]),
        "source_fetched_at": pa.array([x.fetched_at for x in srcs], _TS),
    })


def _provenance_table(
    page_ids: Sequence[str], courts: Sequence[str], urls: Sequence[str], shas: Sequence[str],
    fetched: Sequence[datetime], states: Sequence[str], kinds: Sequence[str],
    statuses: Sequence[int], detail: int,
) -> pa.Table:
    return pa.table({
        "page_id": _str(page_ids),
        "court_code": _str(courts),
        "url": _str(urls),
        "sha256": _str(shas),
        "fetched_at": pa.array(list(fetched), _TS),
        "state": _str(states),
        "kind": _str(kinds),
        "http_status": pa.array(list(statuses), pa.uint16()),
        "detail": pa.array([detail] * len(page_ids), pa.uint8()),
    })


def _insert(client: Client, table: str, data: pa.Table, token: str | None) -> None:
    settings = {"insert_deduplication_token": token} if token else None
    client.insert_arrow(table, data, settings=settings)


def write_events(
    client: Client, events: Sequence[CaseEvent], dedup_token: str | None = None
) -> int:
    """Insert one batch of events in one atomic insert; returns its size.

    Idempotent: the same batch, the same events reordered or split differently leave
    every view unchanged. ``dedup_token`` should be :func:`batch_token` of the batch.
    """
    if not events:
        return 0
    if dedup_token:
        # Offsets alone are not an identity: a re-created topic restarts at offset 0, and
        # its new records must not be dropped as "duplicates" of old ones. The digest of
        # the event ids makes the token name this exact batch.
        digest = hashlib.blake2b(digest_size=8)
        for e in events:
            digest.update(e.event_id.encode("ascii", "replace"))
        dedup_token = f"{dedup_token}#{digest.hexdigest()}"
    # One insert, so one atomic part: the case_state materialized view is filled by the
    # same insert, and each event's page (page_id, url, sha256, fetched_at) rides along in
    # its source_* columns, which the page_sources view exposes; no second write to fail.
    _insert(client, "case_events", events_table(events), dedup_token)
    return len(events)


def write_provenance(
    client: Client, pages: Sequence[RawPage], dedup_token: str | None = None
) -> int:
    """Record fetched pages (metadata only, not the body); returns the number written."""
    if not pages:
        return 0
    table = _provenance_table(
        [p.page_id for p in pages], [p.court_code for p in pages], [p.url for p in pages],
        [p.sha256 for p in pages], [p.fetched_at for p in pages],
        [p.state.value for p in pages], [p.kind.value for p in pages],
        [p.http_status for p in pages], _DETAIL_FROM_PAGE,
    )
    _insert(client, "page_provenance", table, dedup_token)
    return len(pages)


class Sink:
    """The aggregator's writer: a client plus running totals for metrics."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.events_written = 0
        self.batches_written = 0

    def write_events(self, events: Sequence[CaseEvent], dedup_token: str | None = None) -> int:
        n = write_events(self.client, events, dedup_token)
        self.events_written += n
        self.batches_written += 1 if n else 0
        return n

    def write_provenance(self, pages: Sequence[RawPage], dedup_token: str | None = None) -> int:
        return write_provenance(self.client, pages, dedup_token)
