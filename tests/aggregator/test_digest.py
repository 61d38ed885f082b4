"""The weekly digest's figures from the store (docketwatch.store.digest), on the real
embedded chDB engine, against counts worked out by hand from the definitions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.contract import AlertEvent, AlertStatus, CourtHealth, CourtState, DecisionClass
from docketwatch.store.digest import Digest, read_digest, week_of, week_start
from docketwatch.store.ops_sink import write_alerts, write_court_health
from docketwatch.store.sink import write_events
from tests.aggregator.factories import make_event

W30 = date(2024, 7, 22)  # Monday of 2024-W30
# Four courts of the registry, each with its own story.
BUSY, QUIET, DOWN, STEADY = "25OV0000", "27OV0000", "54KV0000", "50AV0000"


def query(client: Client) -> Any:
    def run(sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return client.query(sql, parameters=params).result_rows
    return run


def weeks_before(n: int) -> date:
    return W30 - timedelta(weeks=n)


def load(store: Client) -> None:
    events = []

    def case(court: str, monday: date, i: int, arts: tuple[str, ...] = ("337",),
             verdict: date | None = None) -> None:
        events.append(make_event(
            f"1-{len(events)}/2024", court=court, observed="2026-01-02T10:00:00",
            receipt=monday + timedelta(days=i % 7), arts=(arts,),
            decision=verdict, decision_class=DecisionClass.VERDICT if verdict else None))

    for n in range(1, 13):  # the 12 weeks before: BUSY 2 a week, QUIET 1, DOWN 3, STEADY 1
        for i in range(2):
            case(BUSY, weeks_before(n), i)
        case(QUIET, weeks_before(n), n)
        for i in range(3):
            case(DOWN, weeks_before(n), i)
        if n % 2:  # STEADY: 6 of 12 weeks with one case, median 0.5
            case(STEADY, weeks_before(n), 0)
    for i in range(7):  # the week: BUSY 7 (>= 5 and >= 2 x 2), QUIET 0, DOWN 0
        case(BUSY, W30, i)
    case(STEADY, W30, 6)  # Sunday 28 July: still the week
    case(STEADY, W30 + timedelta(days=7), 0)  # Monday 29 July: the next week
    case(BUSY, W30, 0, arts=("105",))  # not a refusal case
    case(BUSY, W30, 1, arts=("105", "338"))  # a refusal case all the same
    # Verdicts in the week: 2 refusal (one received long ago), 1 not refusal; 1 the week before
    case(BUSY, date(2023, 1, 9), 0, verdict=W30 + timedelta(days=2))
    case(QUIET, weeks_before(3), 0, verdict=W30 + timedelta(days=4))
    case(QUIET, weeks_before(3), 1, arts=("228",), verdict=W30)
    case(QUIET, weeks_before(4), 2, verdict=W30 - timedelta(days=1))
    write_events(store, events)
    at = datetime(2026, 1, 2, 12, tzinfo=UTC)
    write_court_health(store, [
        CourtHealth(court_code=BUSY, state=CourtState.OK, checked_at=at),
        CourtHealth(court_code=QUIET, state=CourtState.CAPTCHA, checked_at=at),
        CourtHealth(court_code=QUIET, state=CourtState.OK, checked_at=at + timedelta(hours=1)),
        CourtHealth(court_code=DOWN, state=CourtState.OK, checked_at=at),
        CourtHealth(court_code=DOWN, state=CourtState.BLOCKED,
                    checked_at=at + timedelta(hours=1))])

    def alert(aid: str, status: AlertStatus, when: datetime, severity: str = "warning",
              ) -> AlertEvent:
        return AlertEvent(alert_id=aid, rule="monthly_spike", labels={"scope": "all"},
                          status=status, severity=severity,  # type: ignore[arg-type]
                          summary=f"Spike {aid} <b>&", at=when)

    mon = datetime(2024, 7, 22, tzinfo=UTC)
    write_alerts(store, [
        alert("a-before", AlertStatus.FIRING, mon - timedelta(seconds=1)),  # fired before
        alert("b-in", AlertStatus.FIRING, mon + timedelta(days=1)),
        alert("b-in", AlertStatus.ESCALATED, mon + timedelta(days=2), "critical"),
        alert("b-in", AlertStatus.RESOLVED, mon + timedelta(days=9)),  # after the week
        alert("c-last-second", AlertStatus.FIRING, mon + timedelta(days=7, microseconds=-1)),
        alert("d-after", AlertStatus.FIRING, mon + timedelta(days=7)),
        alert("e-resolved", AlertStatus.FIRING, mon - timedelta(days=3)),
        alert("e-resolved", AlertStatus.RESOLVED, mon + timedelta(days=3)),  # not a firing
    ])


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
