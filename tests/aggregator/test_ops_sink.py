"""Operational records (court health, alerts, dead letters) land once, whatever redelivers;
what the contract or the store refuses comes back to be dead-lettered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.contract import (
    AlertEvent,
    AlertStatus,
    CourtHealth,
    CourtState,
    DeadLetter,
)
from docketwatch.store.ops_sink import (
    write_alerts,
    write_court_health,
    write_dead_letters,
)
from docketwatch.store.sink import write_model_records

T0 = datetime(2024, 7, 31, 12, 0, tzinfo=UTC)
T1 = datetime(2024, 8, 1, 12, 0, tzinfo=UTC)


def test_latest_court_health_per_court(store: Client) -> None:
    client = store
    records = [
        CourtHealth(court_code="52GV0001", state=CourtState.OK, checked_at=T0, last_success=T0),
        CourtHealth(court_code="52GV0001", state=CourtState.CAPTCHA, checked_at=T1,
                    last_success=T0, last_error="captcha"),
        CourtHealth(court_code="25OV0000", state=CourtState.OK, checked_at=T0),
    ]
    assert write_court_health(client, records, dedup_token="t1") == 3
    write_court_health(client, records, dedup_token="t2")  # redelivered as another batch
    rows = client.query("SELECT court_code, state FROM court_health FINAL ORDER BY court_code")
    assert rows.result_rows == [("25OV0000", "ok"), ("52GV0001", "captcha")]
    log = client.query("SELECT count() FROM court_health_log FINAL").result_rows
    assert log == [(3,)]


def test_alert_history_and_dead_letters_deduplicate(store: Client) -> None:
    client = store
    firing = AlertEvent(alert_id="a1", rule="record", labels={"series": "refusal"},
                        status=AlertStatus.FIRING, severity="warning", summary="1076 > 1032",
                        value=1076, baseline=1032, at=T0)
    resolved = firing.model_copy(update={"status": AlertStatus.RESOLVED, "at": T1})
    write_alerts(client, [firing, resolved], dedup_token="a")
    write_alerts(client, [resolved, firing], dedup_token="b")
    rows = client.query("SELECT status, labels['series'] FROM alert_history FINAL ORDER BY at")
    assert rows.result_rows == [("firing", "refusal"), ("resolved", "refusal")]

    letter = DeadLetter(stage="parser", error_type="LayoutError", error="no table",
                        stage_version="sudrf-1", created_at=T0, payload=b"<html>")
    write_dead_letters(client, [letter, letter], dedup_token="d1")
    write_dead_letters(client, [letter], dedup_token="d2")
    got = client.query("SELECT stage, error_type, payload_bytes FROM dead_letters FINAL")
    assert got.result_rows == [("parser", "LayoutError", 6)]


def test_records_the_contract_or_the_store_refuses_come_back(store: Client) -> None:
    good = [CourtHealth(court_code=f"52GV000{i}", state=CourtState.OK, checked_at=T0,
                        pages_ok=i) for i in range(1, 6)]
    # The contract does not bound pages_ok; the table's UInt32 does.
    too_big = CourtHealth(court_code="52GV0009", state=CourtState.OK, checked_at=T0,
                          pages_ok=2**40)
    values = [g.to_bytes() for g in good]
    values[1:1] = [b'{"court_code": "52GV0008"}']        # position 1: not a CourtHealth
    values.insert(4, too_big.to_bytes())                   # position 4: the store refuses it

    result = write_model_records(store, values, CourtHealth.from_bytes, write_court_health,
                                 "court-health:0:0-6")
    assert result.written == 5
    assert [(r.position, r.error_type) for r in result.rejected] == [
        (1, "ValidationError"), (4, "RefusedByClickHouse")]
    assert "pages_ok" in result.rejected[1].error
    # The batch again (redelivered after a crash): nothing twice.
    again = write_model_records(store, values, CourtHealth.from_bytes, write_court_health,
                                "court-health:0:0-6")
    assert (again.written, len(again.rejected)) == (5, 2)
    rows = store.query("SELECT court_code, pages_ok FROM court_health_log FINAL "
                       "ORDER BY court_code").result_rows
    assert rows == [(g.court_code, g.pages_ok) for g in good]


def test_an_outage_is_not_a_refusal(store: Client) -> None:
    def away(client: Client, records: Sequence[CourtHealth], token: str | None) -> int:
        raise ConnectionError("the store is away")

    record = CourtHealth(court_code="52GV0001", state=CourtState.OK, checked_at=T0)
    with pytest.raises(ConnectionError):
        write_model_records(store, [record.to_bytes()], CourtHealth.from_bytes, away, "t")


def test_a_cut_dead_letter_is_stored_with_the_whole_record_size(store: Client) -> None:
    big = b"x" * (3 * 1024 * 1024)
    letter = DeadLetter(stage="parser", error_type="ParseTimeout", error="slow",
                        stage_version="sudrf-1", created_at=T1, payload=big)
    assert letter.truncated
    write_dead_letters(store, [letter], dedup_token="d3")
    got = store.query("SELECT payload_bytes FROM dead_letters FINAL "
                      "WHERE error_type = 'ParseTimeout'")
    assert got.result_rows == [(len(big),)]
