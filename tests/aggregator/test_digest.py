"""The weekly digest's figures from the store (docketwatch.store.digest), on the real
embedded chDB engine, against counts worked out by hand from the definitions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.store.digest import Digest, read_digest, week_of, week_start
from docketwatch.store.ops_sink import write_alerts, write_court_health
from docketwatch.store.sink import write_events
from tests.aggregator.digest_data import BUSY, DOWN, QUIET, W30, week30


def query(client: Client) -> Any:
    def run(sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return client.query(sql, parameters=params).result_rows
    return run


def load(store: Client) -> None:
    events, health, alerts = week30()
    write_events(store, events)
    write_court_health(store, health)
    write_alerts(store, alerts)


def test_weeks_are_iso_weeks() -> None:
    assert week_start("2024-W30") == W30
    assert week_start("2020-W53") == date(2020, 12, 28)
    assert week_of(date(2024, 7, 28)) == "2024-W30" and week_of(date(2025, 12, 29)) == "2026-W01"
    for bad in ("2024-30", "2024-W60", "2023-W53", "2024-W3", "x2024-W30"):
        with pytest.raises(ValueError):
            week_start(bad)


def test_the_digest_of_a_week_counts_by_the_definitions(store: Client) -> None:
    load(store)
    d = read_digest(query(store), "2024-W30")
    assert isinstance(d, Digest)
    assert (d.week, d.start, d.end) == ("2024-W30", W30, date(2024, 7, 28))
    # 7 + 1 (337+105) at BUSY, 1 at STEADY on Sunday; the 105-only case is not refusal
    assert d.received == 9
    # 12 weeks of 2 + 1 + 3 + (1 in odd weeks): 7 in odd weeks, 6 in even ones, plus the
    # refusal cases behind the verdicts at QUIET in weeks 3 and 4: 6 x5, 7 x6, 8 x1
    assert d.received_usual == 7.0
    assert d.verdicts == 2
    # one verdict the week before, eleven weeks with none
    assert d.verdicts_usual == 0.0
    assert [(c.court_code, c.received, c.usual, c.health) for c in d.stood_out] == [
        (BUSY, 8, 2.0, "ok")]
    assert d.stood_out[0].court_name == "Тихоокеанский флотский военный суд"
    assert d.stood_out[0].region == "Приморский край"
    # QUIET: no case, usual 1, last fetched fine (ok after a captcha) -> silent;
    # DOWN: no case, usual 3, but last blocked -> unreachable, not silent;
    # STEADY: one case; its usual week 0.5 is below 1 anyway.
    assert [(c.court_code, c.received, c.usual, c.health) for c in d.silent] == [
        (QUIET, 0, 1.0, "ok")]
    assert [(c.court_code, c.usual, c.health) for c in d.unreachable] == [
        (DOWN, 3.0, "blocked")]
    assert [(a.alert_id, a.status, a.severity, a.at) for a in d.alerts] == [
        ("b-in", "escalated", "critical", datetime(2024, 7, 23, tzinfo=UTC)),
        ("c-last-second", "firing", "warning",
         datetime(2024, 7, 28, 23, 59, 59, 999999, tzinfo=UTC))]
    assert d.alerts[0].summary == "Spike b-in <b>&"
    assert d.docket_date == date(2024, 7, 29)


def test_the_next_week_and_an_empty_store(store: Client) -> None:
    assert read_digest(query(store), "2024-W30").model_dump() == {
        "week": "2024-W30", "start": W30, "end": date(2024, 7, 28), "received": 0,
        "received_usual": 0.0, "verdicts": 0, "verdicts_usual": 0.0, "stood_out": [],
        "silent": [], "unreachable": [], "alerts": [], "docket_date": None}
    load(store)
    d = read_digest(query(store), "2024-W31")
    assert (d.received, d.verdicts) == (1, 0)
    # BUSY's 8 are now in its usual weeks: 11 weeks of 2 and one of 8, median 2, and 0 now;
    # QUIET still usually has 1 (its silent week 30 is one of twelve)
    assert [(c.court_code, c.usual) for c in d.silent] == [(BUSY, 2.0), (QUIET, 1.0)]
    assert [(c.court_code, c.usual) for c in d.unreachable] == [(DOWN, 3.0)]
    assert [c.court_code for c in d.stood_out] == []
