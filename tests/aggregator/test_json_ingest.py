"""Event records in as JSON (ClickHouse parses them): what goes in, what is refused, and
that a refused batch is taken apart instead of lost or retried forever."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.contract import ActStatus, CaseEvent, DecisionClass, EventType
from docketwatch.store.sink import (
    RejectedEvents,
    is_data_error,
    write_event_records,
    write_events,
)

from .dataset import hand_dataset
from .factories import make_event

MIGRATION_ENUMS = {
    "event_type": EventType,
    "snapshot.decision_class": DecisionClass,
    "snapshot.act_status": ActStatus,
}


def good(n: int) -> CaseEvent:
    return make_event(f"1-{n}/2024", observed="2024-03-02T08:00:00", receipt=date(2024, 3, 1))


def edited(event: CaseEvent, **changes: Any) -> bytes:
    """The record's JSON with top-level or snapshot keys changed (None deletes a key)."""
    data = json.loads(event.to_bytes())
    for key, value in changes.items():
        where, _, name = key.rpartition("__")
        target = data[where] if where else data
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return json.dumps(data, ensure_ascii=False).encode()


def stored_ids(client: Client) -> set[str]:
    return {r[0] for r in client.query("SELECT event_id FROM case_events").result_rows}


def test_stored_rows_are_the_records(store: Client) -> None:
    events = hand_dataset()
    assert write_event_records(store, [e.to_bytes() for e in events], "t:0:0-9").written \
        == len(events)
    rows = store.query(
        "SELECT event_id, event_type, observed_at, receipt_date, decision_date, "
        "decision_class, defendants_json, card_events_json, sentences_json, act_status, "
        "source_fetched_at FROM case_events"
    ).result_rows
    by_id = {r[0]: r[1:] for r in rows}
    assert set(by_id) == {e.event_id for e in events}
    for e in events:
        s = e.snapshot
        data = json.loads(e.to_bytes())["snapshot"]
        assert by_id[e.event_id] == (
            # clickhouse-connect reads UTC columns back as naive datetimes
            e.event_type.value, e.observed_at.replace(tzinfo=None), s.receipt_date, s.decision_date,
            None if s.decision_class is None else s.decision_class.value,
            json.dumps(data["defendants"], ensure_ascii=False, separators=(",", ":")),
            json.dumps(data["events"], ensure_ascii=False, separators=(",", ":")),
            "[]", None, e.source.fetched_at.replace(tzinfo=None))


def test_bad_records_are_returned_and_the_rest_written(store: Client) -> None:
    ok = [good(i) for i in range(6)]
    pretty = json.dumps(json.loads(ok[5].to_bytes()), indent=2).encode()
    batch = [
        ok[0].to_bytes(),
        ok[1].to_bytes()[:150],                                  # 1 truncated
        edited(ok[2], event_type="bogus"),                       # 2 not an event type
        ok[2].to_bytes(),
        edited(ok[3], snapshot__receipt_date="2024-13-45"),      # 4 no such date
        edited(ok[3], extra="x"),                                # 5 unknown key
        edited(ok[3], snapshot__zzz=1),                          # 6 unknown nested key
        edited(ok[3], schema_version=2),                         # 7 a future schema
        edited(ok[3], event_id=None),                            # 8 no event id
        ok[3].to_bytes() + b"\n" + good(99).to_bytes(),          # 9 two records in one
        b"\xff\xfe not text",                                    # 10 not UTF-8
        edited(ok[3], snapshot__defendants=[1, 2]),              # 11 not objects
        ok[4].to_bytes(),
        pretty,                     # 13: valid, not one line: written re-encoded
    ]
    result = write_event_records(store, batch, "t:0:0-13")
    assert [r.position for r in result.rejected] == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11]
    assert result.written == 4
    assert stored_ids(store) == {ok[i].event_id for i in (0, 2, 4, 5)}
    reasons = {r.position: f"{r.error_type}: {r.error}" for r in result.rejected}
    assert "schema_version 2 is not supported" in reasons[7]
    assert "event_type" in reasons[2]
    # the same batch again (redelivery): same outcome, nothing written twice
    again = write_event_records(store, batch, "t:0:0-13")
    assert again.rejected == result.rejected
    assert store.command("SELECT count() FROM case_events") == 4


def test_a_record_only_clickhouse_refuses_is_found_alone(store: Client) -> None:
    # Valid for the contract, not for the store: an empty court code.
    events = [good(i) for i in range(5)]
    odd = events[3].model_copy(update={"snapshot": events[3].snapshot.model_copy(
        update={"court_code": ""})})
    batch = [e.to_bytes() for e in events[:3]] + [odd.to_bytes(), events[4].to_bytes()]
    result = write_event_records(store, batch, "t:0:0-4")
    assert [r.position for r in result.rejected] == [3]
    assert result.rejected[0].error_type == "RefusedByClickHouse"
    assert "identity_present" in result.rejected[0].error
    assert result.written == 4
    with pytest.raises(RejectedEvents, match=r"#0: RefusedByClickHouse: .*identity_present"):
        write_events(store, [odd])


def test_an_error_of_the_store_is_raised_not_blamed_on_records(store: Client) -> None:
    store.command("DROP VIEW case_events_in_mv")
    store.command("DROP TABLE case_events_in")
    with pytest.raises(Exception) as caught:
        write_event_records(store, [good(1).to_bytes()], "t:0:0-0")
    assert not is_data_error(caught.value)


def test_migration_enums_are_the_contract_enums(store: Client) -> None:
    types: dict[str, str] = {name: kind for name, kind in store.query(
        "SELECT name, type FROM system.columns WHERE database = currentDatabase() "
        "AND table = 'case_events_in'").result_rows}
    snapshot = types["snapshot"]
    for column, enum in MIGRATION_ENUMS.items():
        if column.startswith("snapshot."):
            name = column.split(".", 1)[1]
            declared = re.search(rf"\b{name} Nullable\(Enum8\(([^)]*)\)\)", snapshot)
        else:
            declared = re.search(r"Enum8\(([^)]*)\)", types[column])
        assert declared, column
        assert re.findall(r"'([a-z_]+)' = \d+", declared.group(1)) == [m.value for m in enum]
