"""Writing CaseEvents and page provenance to ClickHouse, effectively once.

Kafka delivers at least once. Exactly-once *effect* comes from two layers:
1. ``insert_deduplication_token`` (``topic:partition:first-last`` offsets, see
   :func:`batch_token`): a batch re-sent after a crash between insert and offset commit is
   dropped by ClickHouse as a whole. case_events / page_provenance set
   ``non_replicated_deduplication_window``; without it a plain MergeTree ignores the token.
2. ReplacingMergeTree keyed by the deterministic event_id, read with FINAL by every view:
   events redelivered in another order or another batch split (different token) collapse.
The caller commits Kafka offsets only after :func:`write_events` returned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from clickhouse_connect.driver.client import Client
from pydantic import TypeAdapter

from docketwatch.contract import CardEvent, CaseEvent, Defendant, RawPage

EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "event_type", "case_key", "observed_at", "parser_version", "schema_version",
    "court_code", "case_number", "case_uid", "case_id", "receipt_date", "decision_date",
    "decision_class", "decision_text", "decision_ground", "entry_into_force_date", "judge",
    "has_act", "published_at", "modified_at", "n_defendants", "articles",
    "defendant_articles", "defendants_json", "card_events_json", "source_page_id",
    "source_url", "source_sha256", "source_fetched_at",
)
PROVENANCE_COLUMNS: tuple[str, ...] = (
    "page_id", "court_code", "url", "sha256", "fetched_at", "state", "kind", "http_status",
    "detail",
)

# detail ranks provenance rows of one page: a RawPage knows state/kind/status, a
# CaseEvent's SourceRef does not. page_provenance keeps the highest.
_DETAIL_FROM_EVENT = 1
_DETAIL_FROM_PAGE = 2

_DEFENDANTS = TypeAdapter(tuple[Defendant, ...])
_CARD_EVENTS = TypeAdapter(tuple[CardEvent, ...])


def batch_token(topic: str, partition: int, first_offset: int, last_offset: int) -> str:
    """The insert deduplication token of one consumed batch."""
    return f"{topic}:{partition}:{first_offset}-{last_offset}"


def _event_row(e: CaseEvent) -> list[Any]:
    s = e.snapshot
    src = e.source
    return [
        e.event_id, e.event_type.value, e.case_key, e.observed_at, e.parser_version,
        e.schema_version, s.court_code, s.case_number, s.case_uid, s.case_id, s.receipt_date,
        s.decision_date, None if s.decision_class is None else s.decision_class.value,
        s.decision_text, s.decision_ground, s.entry_into_force_date, s.judge, s.has_act,
        s.published_at, s.modified_at, len(s.defendants), list(s.articles),
        # distinct per defendant, in order: a defendant counts once under an article
        [list(dict.fromkeys(a.article for a in d.articles)) for d in s.defendants],
        _DEFENDANTS.dump_json(s.defendants).decode("utf-8"),
        _CARD_EVENTS.dump_json(s.events).decode("utf-8"),
        src.page_id, src.url, src.sha256, src.fetched_at,
    ]


def _insert(
    client: Client, table: str, columns: Sequence[str], rows: list[list[Any]], token: str | None
) -> None:
    settings = {"insert_deduplication_token": token} if token else None
    client.insert(table, rows, column_names=list(columns), settings=settings)


def write_events(
    client: Client, events: Sequence[CaseEvent], dedup_token: str | None = None
) -> int:
    """Insert one batch of events (plus the provenance of their pages); returns its size.

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
    _insert(client, "case_events", EVENT_COLUMNS, [_event_row(e) for e in events], dedup_token)
    pages: dict[str, list[Any]] = {}
    for e in events:
        src = e.source
        if src.page_id not in pages:
            pages[src.page_id] = [
                src.page_id, e.snapshot.court_code, src.url, src.sha256, src.fetched_at,
                "", "", 0, _DETAIL_FROM_EVENT,
            ]
    # Its own token: the provenance insert is a second, separately deduplicated block.
    token = f"{dedup_token}:provenance" if dedup_token else None
    _insert(client, "page_provenance", PROVENANCE_COLUMNS, list(pages.values()), token)
    return len(events)


def write_provenance(
    client: Client, pages: Sequence[RawPage], dedup_token: str | None = None
) -> int:
    """Record fetched pages (metadata only, not the body); returns the number written."""
    if not pages:
        return 0
    rows = [
        [p.page_id, p.court_code, p.url, p.sha256, p.fetched_at, p.state.value, p.kind.value,
         p.http_status, _DETAIL_FROM_PAGE]
        for p in pages
    ]
    _insert(client, "page_provenance", PROVENANCE_COLUMNS, rows, dedup_token)
    return len(rows)


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
