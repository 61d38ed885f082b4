"""Writing AppealEvents and CaseUids (schema version 2) to ``appeal_events`` and
``case_uid_events`` (migration 0026).

Appeals are few (a share of the verdicts), so they take the low-volume path of court
health and alerts: decoded by the contract, inserted as rows, a refused insert halved down
to the refused records (``sink.write_model_records``). Idempotent by the table's
ReplacingMergeTree on the deterministic event id plus the batch's deduplication token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clickhouse_connect.driver.client import Client

from docketwatch.contract import AppealEvent, CaseUid

COLUMNS = [
    "event_id", "event_type", "appeal_key", "observed_at", "parser_version", "schema_version",
    "court_code", "instance", "appeal_number", "case_uid", "case_id", "judicial_uid",
    "receipt_date", "judge", "lower_court_name", "lower_court_code", "lower_case_number",
    "lower_judge", "hearing_dates", "decision_date", "result_text", "result", "change",
    "change_text", "articles", "published_at", "modified_at", "source_page_id", "source_url",
    "source_sha256", "source_fetched_at",
]


def _row(e: AppealEvent) -> list[Any]:
    a, s = e.appeal, e.source
    return [
        e.event_id, e.event_type.value, e.appeal_key, e.observed_at, e.parser_version,
        e.schema_version, a.court_code, a.instance.value, a.appeal_number, a.case_uid,
        a.case_id, a.judicial_uid, a.receipt_date, a.judge, a.lower_court_name,
        a.lower_court_code, a.lower_case_number, a.lower_judge, list(a.hearing_dates),
        a.decision_date, a.result_text, a.result.value if a.result else None,
        a.change.value if a.change else None, a.change_text, list(a.articles),
        a.published_at, a.modified_at, s.page_id, s.url, s.sha256, s.fetched_at,
    ]


def write_appeal_events(client: Client, events: Sequence[AppealEvent],
                        dedup_token: str | None = None) -> int:
    rows = [_row(e) for e in events]
    if rows:
        settings = {"insert_deduplication_token": dedup_token} if dedup_token else None
        client.insert("appeal_events", rows, column_names=COLUMNS, settings=settings)
    return len(rows)


UID_COLUMNS = ["event_id", "case_key", "court_code", "case_number", "judicial_uid",
               "observed_at", "parser_version", "schema_version", "source_page_id",
               "source_url", "source_sha256", "source_fetched_at"]


def write_case_uids(client: Client, records: Sequence[CaseUid],
                    dedup_token: str | None = None) -> int:
    rows = [[r.event_id, r.case_key, r.court_code, r.case_number, r.judicial_uid,
             r.observed_at, r.parser_version, r.schema_version, r.source.page_id,
             r.source.url, r.source.sha256, r.source.fetched_at] for r in records]
    if rows:
        settings = {"insert_deduplication_token": dedup_token} if dedup_token else None
        client.insert("case_uid_events", rows, column_names=UID_COLUMNS, settings=settings)
    return len(rows)
