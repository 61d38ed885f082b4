"""Act states in the store (issue 10): published / pending / withheld per verdict, and per
month of verdict, on hand-built CaseEvents with exact expected values (real chDB)."""

from __future__ import annotations

from datetime import date, datetime

from clickhouse_connect.driver.client import Client

from docketwatch.contract import (
    ActStatus,
    Article,
    CaseEvent,
    DecisionClass,
    DefendantSentence,
    EventType,
    Punishment,
    PunishmentKind,
    event_id,
)
from docketwatch.store.settings import act_horizon_days, set_act_horizon_days
from docketwatch.store.sink import write_events

from .factories import COURT, make_event, ts

V = DecisionClass.VERDICT


def decided(number: str, day: date, observed: str,
            cls: DecisionClass = V) -> CaseEvent:
    return make_event(number, observed=observed, receipt=date(2023, 10, 2), decision=day,
                      decision_class=cls, event_type=EventType.DECIDED)


def with_act(event: CaseEvent, observed: str, status: ActStatus,
             event_type: EventType = EventType.SENTENCE_PUBLISHED) -> CaseEvent:
    sentences = () if status is ActStatus.NOT_VERDICT else (DefendantSentence(
        index=1, articles=(Article(article="337", part="5", raw="ч. 5 ст. 337"),),
        punishment=Punishment(kind=PunishmentKind.FINE, fine_rub=40_000, raw="штраф"),
    ),)
    snap = event.snapshot.model_copy(update={
        "act_status": status, "sentences": sentences, "has_act": True})
    return event.model_copy(update={
        "snapshot": snap, "event_type": event_type, "observed_at": ts(observed),
        "event_id": event_id(event.case_key, event_type, status, observed),
    })


def dataset() -> list[CaseEvent]:
    a = decided("1-1/2024", date(2024, 5, 31), "2024-06-03T08:00:00")
    b = decided("1-2/2024", date(2024, 6, 1), "2024-06-03T08:00:00")
    c = decided("1-3/2024", date(2024, 3, 5), "2024-03-06T08:00:00")
    d = decided("1-4/2024", date(2024, 12, 20), "2024-12-23T08:00:00")
    f = decided("1-6/2024", date(2024, 1, 15), "2024-01-16T08:00:00")
    g = decided("1-7/2024", date(2024, 2, 10), "2024-02-12T08:00:00")
    h = decided("1-8/2023", date(2023, 11, 30), "2023-12-01T08:00:00")
    # a verdict later changed into a termination: no longer a verdict, not in the view
    i = decided("1-9/2024", date(2024, 4, 1), "2024-04-02T08:00:00")
    i2 = make_event("1-9/2024", observed="2024-04-20T08:00:00", receipt=date(2023, 10, 2),
                    decision=date(2024, 4, 1), decision_class=DecisionClass.TERMINATED,
                    event_type=EventType.DECISION_CHANGED)
    return [
        a, b, c, d, f, g, h, i, i2,
        decided("1-5/2024", date(2024, 2, 1), "2024-02-02T08:00:00",
                cls=DecisionClass.TERMINATED),  # not a verdict: not in the view
        make_event("1-10/2024", observed="2024-12-24T08:00:00",
                   receipt=date(2024, 12, 2)),  # not decided: not in the view
        with_act(c, "2024-04-10T09:00:00", ActStatus.VERDICT),
        # seen again later: act_seen_at stays the first observation
        with_act(c, "2024-06-01T09:00:00", ActStatus.VERDICT, EventType.OBSERVED),
        with_act(f, "2024-09-30T10:00:00", ActStatus.UNREADABLE),
        with_act(g, "2024-03-01T10:00:00", ActStatus.NOT_VERDICT, EventType.OBSERVED),
    ]


def states(store: Client) -> list[tuple[object, ...]]:
    return [tuple(r) for r in store.query(
        "SELECT case_number, decision_date, act_status, act_seen_at, act_state "
        "FROM act_states ORDER BY case_number").result_rows]


def test_the_default_horizon_is_the_fetchers(store: Client) -> None:
    assert act_horizon_days(store) == 180
    assert store.command("SELECT count() FROM act_states") == 0
    assert store.command("SELECT count() FROM monthly_act_states") == 0


def test_act_state_of_every_verdict(store: Client) -> None:
    write_events(store, dataset())
    # the docket's date is the newest decision (2024-12-20); 180 days before it is
    # 2024-06-23, so verdicts from 2024-06-01 on are still re-polled
    assert store.query(
        "SELECT docket_date, horizon_days, horizon_start FROM publication_status "
        "CROSS JOIN (SELECT DISTINCT horizon_days, horizon_start FROM act_states) AS a"
    ).result_rows == [(date(2024, 12, 20), 180, date(2024, 6, 1))]
    seen = datetime.fromisoformat
    assert states(store) == [
        ("1-1/2024", date(2024, 5, 31), None, None, "withheld"),
        ("1-2/2024", date(2024, 6, 1), None, None, "pending"),
        ("1-3/2024", date(2024, 3, 5), "verdict", seen("2024-04-10 09:00:00"), "published"),
        ("1-4/2024", date(2024, 12, 20), None, None, "pending"),
        ("1-6/2024", date(2024, 1, 15), "unreadable", seen("2024-09-30 10:00:00"), "published"),
        ("1-7/2024", date(2024, 2, 10), "not_verdict", seen("2024-03-01 10:00:00"),
         "published"),
        ("1-8/2023", date(2023, 11, 30), None, None, "withheld"),
    ]
    assert store.query(
        "SELECT case_key, court_code FROM act_states WHERE case_number = '1-3/2024'"
    ).result_rows == [(f"{COURT}:no:1-3/2024", COURT)]


def test_the_horizon_setting_moves_verdicts_between_pending_and_withheld(
        store: Client) -> None:
    write_events(store, dataset())
    set_act_horizon_days(store, 300)  # 2024-12-20 - 300 days = 2024-02-24: from February
    got = {r[0]: r[4] for r in states(store)}
    assert got == {"1-1/2024": "pending", "1-2/2024": "pending", "1-3/2024": "published",
                   "1-4/2024": "pending", "1-6/2024": "published", "1-7/2024": "published",
                   "1-8/2023": "withheld"}
    set_act_horizon_days(store, 0)  # only the docket's own month is re-polled
    got = {r[0]: r[4] for r in states(store)}
    assert got == {"1-1/2024": "withheld", "1-2/2024": "withheld", "1-3/2024": "published",
                   "1-4/2024": "pending", "1-6/2024": "published", "1-7/2024": "published",
                   "1-8/2023": "withheld"}


def test_an_act_read_after_the_horizon_makes_it_published(store: Client) -> None:
    events = dataset()
    write_events(store, events)
    late = with_act(events[0], "2024-12-24T11:00:00", ActStatus.VERDICT)  # 1-1/2024
    write_events(store, [late])
    row = store.query("SELECT act_status, act_seen_at, act_state FROM act_states "
                      "WHERE case_number = '1-1/2024'").result_rows
    assert row == [("verdict", datetime(2024, 12, 24, 11), "published")]


def test_monthly_act_states(store: Client) -> None:
    write_events(store, dataset())
    rows = store.query(
        "SELECT month, verdicts, published, pending, withheld, status "
        "FROM monthly_act_states ORDER BY month").result_rows
    # complete through 2024-12-20 - 60 days = 2024-10-21
    assert rows == [
        (date(2023, 11, 1), 1, 0, 0, 1, "complete"),
        (date(2024, 1, 1), 1, 1, 0, 0, "complete"),
        (date(2024, 2, 1), 1, 1, 0, 0, "complete"),
        (date(2024, 3, 1), 1, 1, 0, 0, "complete"),
        (date(2024, 5, 1), 1, 0, 0, 1, "complete"),
        (date(2024, 6, 1), 1, 0, 1, 0, "complete"),
        (date(2024, 12, 1), 1, 0, 1, 0, "provisional"),
    ]
    # every verdict in exactly one state, and the same verdicts as act_publication_lag
    assert store.query(
        "SELECT sum(verdicts), sum(published + pending + withheld) FROM monthly_act_states"
    ).result_rows == [(7, 7)]
    assert store.command("SELECT sum(verdicts) FROM act_publication_lag") == 7
