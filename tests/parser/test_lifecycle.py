"""Lifecycle diffing: which events a new observation of a case produces, with stable ids."""

from __future__ import annotations

from datetime import UTC, date, datetime

from docketwatch.contract import (
    Article,
    CardEvent,
    CaseSnapshot,
    DecisionClass,
    Defendant,
    EventType,
    PageKind,
    SourceRef,
)
from services.parser import lifecycle

D337 = Defendant(hidden=True, articles=(Article(article="337", part="5", raw="ст.337 ч.5"),))
PENDING = CaseSnapshot(court_code="52GV0001", case_number="1-10/2024", case_uid="ABC",
                       receipt_date=date(2024, 7, 3), defendants=(D337,))
DECIDED = PENDING.model_copy(update={
    "decision_date": date(2024, 8, 1), "decision_text": "Вынесен ПРИГОВОР",
    "decision_class": DecisionClass.VERDICT})
SRC = SourceRef(page_id="p1", url="http://x/", sha256="0" * 64,
                fetched_at=datetime(2024, 8, 5, tzinfo=UTC))


def types(found: list[lifecycle.Change]) -> list[EventType]:
    return [c.event_type for c in found]


def test_first_sight_is_received_and_decided_when_already_decided() -> None:
    assert types(lifecycle.changes(None, PENDING)) == [EventType.RECEIVED]
    assert types(lifecycle.changes(None, DECIDED)) == [EventType.RECEIVED, EventType.DECIDED]


def test_unchanged_observation_emits_nothing() -> None:
    assert lifecycle.changes(PENDING, PENDING) == []


def test_decision_then_decision_change() -> None:
    assert types(lifecycle.changes(PENDING, DECIDED)) == [EventType.DECIDED]
    returned = DECIDED.model_copy(update={"decision_class": DecisionClass.RETURNED_TO_PROSECUTOR,
                                          "decision_text": "Дело ВОЗВРАЩЕНО прокурору"})
    assert types(lifecycle.changes(DECIDED, returned)) == [EventType.DECISION_CHANGED]


def test_other_changes_are_observed_events() -> None:
    rejudged = PENDING.model_copy(update={"judge": "Иванов И.И."})
    assert types(lifecycle.changes(PENDING, rejudged)) == [EventType.OBSERVED]


def test_list_row_keeps_card_only_fields() -> None:
    hearing = CardEvent(name="Судебное заседание", event_date=date(2024, 7, 20),
                        event_time="10:00")
    card = PENDING.model_copy(update={"events": (hearing,)})
    merged = lifecycle.merge(card, PENDING, PageKind.LIST)
    assert merged.events == (hearing,)
    assert types(lifecycle.changes(PENDING, card)) == [EventType.HEARING_SCHEDULED]


def test_event_ids_are_deterministic_and_distinct() -> None:
    a = lifecycle.to_events(PENDING.case_key, DECIDED, lifecycle.changes(None, DECIDED), SRC, "v")
    b = lifecycle.to_events(PENDING.case_key, DECIDED, lifecycle.changes(None, DECIDED), SRC, "v")
    assert [e.event_id for e in a] == [e.event_id for e in b]
    assert len({e.event_id for e in a}) == 2
    assert all(e.observed_at == SRC.fetched_at for e in a)
