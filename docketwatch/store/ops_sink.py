"""Writers for the operational topics: court health, alert lifecycle, dead letters.

Rows go through clickhouse-connect's row insert (these topics are small); idempotence comes
from the tables' ReplacingMergeTree keys plus the batch's deduplication token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clickhouse_connect.driver.client import Client

from docketwatch.contract import AlertEvent, CourtHealth, DeadLetter, sha256_hex


def _insert(client: Client, table: str, columns: list[str], rows: list[list[Any]],
            token: str | None) -> int:
    if rows:
        settings = {"insert_deduplication_token": token} if token else None
        client.insert(table, rows, column_names=columns, settings=settings)
    return len(rows)


def write_court_health(client: Client, records: Sequence[CourtHealth],
                       dedup_token: str | None = None) -> int:
    cols = ["court_code", "state", "checked_at", "last_success", "last_new_case", "last_error",
            "pages_ok", "pages_failed"]
    rows = [[r.court_code, r.state.value, r.checked_at, r.last_success, r.last_new_case,
             r.last_error, r.pages_ok, r.pages_failed] for r in records]
    return _insert(client, "court_health_log", cols, rows, dedup_token)


def write_alerts(client: Client, events: Sequence[AlertEvent],
                 dedup_token: str | None = None) -> int:
    cols = ["alert_id", "rule", "labels", "status", "severity", "summary", "value", "baseline",
            "provisional", "at"]
    rows = [[e.alert_id, e.rule, dict(e.labels), e.status.value, e.severity, e.summary,
             e.value, e.baseline, e.provisional, e.at] for e in events]
    return _insert(client, "alert_history", cols, rows, dedup_token)


def write_dead_letters(client: Client, letters: Sequence[DeadLetter],
                       dedup_token: str | None = None) -> int:
    cols = ["letter_id", "stage", "error_type", "error", "stage_version", "source_topic",
            "source_partition", "source_offset", "court_code", "url", "created_at",
            "payload_bytes"]
    rows = [[sha256_hex(d.to_bytes()), d.stage, d.error_type, d.error, d.stage_version,
             d.source_topic, d.source_partition, d.source_offset, d.court_code, d.url,
             d.created_at, d.original_length] for d in letters]  # the whole record's size
    return _insert(client, "dead_letters", cols, rows, dedup_token)
