"""The contract's JSON: fields added after v1 shipped stay out of a record while unset, so
that every record a v1 consumer (extra="forbid") could read is still byte for byte v1."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from docketwatch.contract import (
    ActStatus,
    CaseEvent,
    CaseSnapshot,
    EventType,
    SourceRef,
)

V1_SNAPSHOT_FIELDS = [
    "court_code", "case_number", "case_uid", "case_id", "receipt_date", "judge",
    "decision_date", "decision_text", "decision_class", "decision_ground",
    "entry_into_force_date", "defendants", "has_act", "events", "published_at", "modified_at"]

SNAP = CaseSnapshot(court_code="52GV0001", case_number="1-1/2024", case_uid="u1",
                    receipt_date=date(2024, 7, 1))
AT = datetime(2024, 7, 2, 9, 30, tzinfo=UTC)


def test_a_snapshot_without_an_act_or_disappearance_is_v1() -> None:
    assert list(json.loads(SNAP.model_dump_json())) == V1_SNAPSHOT_FIELDS
    assert list(SNAP.model_dump()) == V1_SNAPSHOT_FIELDS
    event = CaseEvent(event_id="e", event_type=EventType.RECEIVED, case_key="k",
                      observed_at=AT, parser_version="p", snapshot=SNAP,
                      source=SourceRef(page_id="p", url="u", sha256="s", fetched_at=AT))
    assert list(json.loads(event.to_bytes())["snapshot"]) == V1_SNAPSHOT_FIELDS
    assert CaseEvent.from_bytes(event.to_bytes()) == event


def test_the_later_fields_appear_once_set() -> None:
    later = SNAP.model_copy(update={"act_status": ActStatus.UNREADABLE, "disappeared_at": AT})
    data = json.loads(later.model_dump_json())
    assert list(data) == [*V1_SNAPSHOT_FIELDS, "act_status", "disappeared_at"]
    assert (data["act_status"], data["disappeared_at"]) == ("unreadable", "2024-07-02T09:30:00Z")
    assert CaseSnapshot.model_validate_json(later.model_dump_json()) == later
