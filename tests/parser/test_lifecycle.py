"""Lifecycle diffing: which events a new observation of a case produces, with stable ids."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from docketwatch.contract import (
    ActStatus,
    Article,
    CardEvent,
    CaseSnapshot,
    ColonyRegime,
    DecisionClass,
    Defendant,
    DefendantSentence,
    EventType,
    ManifestRow,
    PageKind,
    Punishment,
    PunishmentKind,
    SourceRef,
    WindowManifest,
    event_id,
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


# --------------------------------------------------------------------------- sentences

SUSPENDED = DefendantSentence(
    index=1,
    articles=(Article(article="337", part="5", raw="ч. 5 ст. 337"),),
    punishment=Punishment(
        kind=PunishmentKind.SUSPENDED, term_months=24, probation_months=18,
        base_kind=PunishmentKind.IMPRISONMENT,
        raw="назначить наказание в виде лишения свободы на срок 2 (два) года. …",
    ),
)
WITH_ACT = DECIDED.model_copy(update={"has_act": True, "act_status": ActStatus.VERDICT,
                                      "sentences": (SUSPENDED,)})
# The digest's input, written out: status, then each sentence without its raw texts.
WITH_ACT_CANONICAL = (
    '["verdict",[{"articles":[{"article":"337","inchoate":null,"part":"5","points":[]}],'
    '"index":1,"punishment":{"base_kind":"imprisonment","colony_regime":null,'
    '"combined_with_previous":false,"deduction_percent":null,"fine_rub":null,'
    '"kind":"suspended","probation_months":18,"reason":null,"replaced":false,'
    '"term_months":24}}]]'
)
WITH_ACT_DIGEST = hashlib.sha256(WITH_ACT_CANONICAL.encode()).hexdigest()


def test_sentences_digest_is_the_sha256_of_the_canonical_reading() -> None:
    assert lifecycle.sentences_digest(WITH_ACT) == WITH_ACT_DIGEST
    # raw texts are not part of it
    reworded = SUSPENDED.model_copy(update={"punishment": SUSPENDED.punishment.model_copy(
        update={"raw": "другой текст"})})
    assert lifecycle.sentences_digest(
        WITH_ACT.model_copy(update={"sentences": (reworded,)})) == WITH_ACT_DIGEST


def test_act_appearing_on_a_decided_card_is_a_sentence_published() -> None:
    found = lifecycle.changes(DECIDED, WITH_ACT)
    assert found == [lifecycle.Change(EventType.SENTENCE_PUBLISHED, (WITH_ACT_DIGEST,))]
    [ev] = lifecycle.to_events(WITH_ACT.case_key, WITH_ACT, found, SRC, "v")
    assert ev.event_id == event_id("52GV0001:uid:abc", EventType.SENTENCE_PUBLISHED,
                                   WITH_ACT_DIGEST)
    assert ev.snapshot.sentences == (SUSPENDED,)
    assert ev.snapshot.act_status is ActStatus.VERDICT


def test_first_sight_with_an_act() -> None:
    assert lifecycle.changes(None, WITH_ACT) == [
        lifecycle.Change(EventType.RECEIVED, (date(2024, 7, 3),)),
        lifecycle.Change(EventType.DECIDED, (date(2024, 8, 1), DecisionClass.VERDICT)),
        lifecycle.Change(EventType.SENTENCE_PUBLISHED, (WITH_ACT_DIGEST,)),
    ]


def test_same_act_again_emits_nothing_and_a_reworded_raw_is_observed() -> None:
    assert lifecycle.changes(WITH_ACT, WITH_ACT) == []
    reworded = SUSPENDED.model_copy(update={"punishment": SUSPENDED.punishment.model_copy(
        update={"raw": "другой текст"})})
    new = WITH_ACT.model_copy(update={"sentences": (reworded,)})
    assert types(lifecycle.changes(WITH_ACT, new)) == [EventType.OBSERVED]


def test_a_different_reading_is_a_new_sentence_published() -> None:
    real = SUSPENDED.model_copy(update={"punishment": Punishment(
        kind=PunishmentKind.IMPRISONMENT, term_months=24,
        colony_regime=ColonyRegime.SETTLEMENT, raw="…")})
    new = WITH_ACT.model_copy(update={"sentences": (real,)})
    [change] = lifecycle.changes(WITH_ACT, new)
    assert change.event_type is EventType.SENTENCE_PUBLISHED
    assert change.defining == (lifecycle.sentences_digest(new),)
    assert change.defining != (WITH_ACT_DIGEST,)


def test_unreadable_act_is_published_for_review_and_a_ruling_is_only_observed() -> None:
    unreadable = DefendantSentence(index=1, punishment=Punishment(
        kind=PunishmentKind.UNREADABLE, raw="текст", reason="no punishment found"))
    bad = DECIDED.model_copy(update={"act_status": ActStatus.UNREADABLE,
                                     "sentences": (unreadable,)})
    assert types(lifecycle.changes(DECIDED, bad)) == [EventType.SENTENCE_PUBLISHED]
    ruling = DECIDED.model_copy(update={"act_status": ActStatus.NOT_VERDICT})
    assert types(lifecycle.changes(DECIDED, ruling)) == [EventType.OBSERVED]


def test_list_row_keeps_the_act_and_a_card_is_authoritative() -> None:
    row = DECIDED.model_copy(update={"has_act": True})
    merged = lifecycle.merge(WITH_ACT, row, PageKind.LIST)
    assert merged.sentences == (SUSPENDED,)
    assert merged.act_status is ActStatus.VERDICT
    assert merged == WITH_ACT
    assert lifecycle.changes(WITH_ACT, merged) == []
    # a card without the act (taken down) is what the site shows now
    card = lifecycle.merge(WITH_ACT, DECIDED, PageKind.CARD)
    assert (card.act_status, card.sentences) == (None, ())
    assert types(lifecycle.changes(WITH_ACT, card)) == [EventType.OBSERVED]


def test_a_card_without_the_entry_into_force_column_does_not_erase_it() -> None:
    row = DECIDED.model_copy(update={"entry_into_force_date": date(2024, 8, 20)})
    card = DECIDED  # the card does not show the date
    after_card = lifecycle.merge(row, card, PageKind.CARD)
    assert after_card.entry_into_force_date == date(2024, 8, 20)
    # the row and the card now agree, so revisiting either changes nothing
    assert lifecycle.changes(after_card, lifecycle.merge(after_card, row, PageKind.LIST)) == []
    assert lifecycle.changes(after_card, lifecycle.merge(after_card, card, PageKind.CARD)) == []


# --------------------------------------------------------------------------- disappeared

GONE_AT = datetime(2024, 9, 1, 10, 0, tzinfo=UTC)


def manifest(*rows: tuple[str, str], court: str = "52GV0001") -> WindowManifest:
    return WindowManifest(
        court_code=court, date_from=date(2024, 7, 1), date_to=date(2024, 7, 31),
        total=len(rows),
        rows=tuple(ManifestRow(case_uid=u, case_id="1", case_number=n) for u, n in rows))


def test_vanished_are_the_window_cases_a_manifest_does_not_list() -> None:
    other_month = PENDING.model_copy(update={"case_uid": "X", "case_number": "1-2/2024",
                                             "receipt_date": date(2024, 6, 30)})
    no_uid = PENDING.model_copy(update={"case_uid": None, "case_number": "1-3/2024"})
    by_number = PENDING.model_copy(update={"case_uid": None, "case_number": "1-4/2024"})
    undated = PENDING.model_copy(update={"case_uid": "U", "receipt_date": None})
    gone = lifecycle.disappear(PENDING.model_copy(update={"case_uid": "G"}), GONE_AT)
    known = [("a", PENDING), ("b", other_month), ("c", no_uid), ("d", by_number),
             ("e", undated), ("f", gone)]
    # PENDING is listed by uid (case-insensitively), 1-4/2024 by number; 1-3/2024 is not.
    listed = manifest(("abc", "1-10/2024"), ("zzz", "1-4/2024"))
    assert lifecycle.vanished(listed, known) == ["c"]
    assert lifecycle.vanished(manifest(), known) == ["a", "c", "d"]
    assert lifecycle.vanished(manifest(court="52GV0002"), known) == []


def test_disappearance_and_return_are_events_with_stable_ids() -> None:
    gone = lifecycle.disappear(DECIDED, GONE_AT)
    found = lifecycle.changes(DECIDED, gone)
    assert types(found) == [EventType.DISAPPEARED]
    [ev] = lifecycle.to_events("k", gone, found, SRC, "v1")
    assert ev.event_id == event_id("k", EventType.DISAPPEARED, GONE_AT.isoformat())
    assert ev.snapshot.disappeared_at == GONE_AT
    # Seen again on a list page: the row carries no disappearance, so it reappears.
    back = lifecycle.merge(gone, DECIDED, PageKind.LIST)
    assert back.disappeared_at is None
    assert types(lifecycle.changes(gone, back)) == [EventType.REAPPEARED]
    assert lifecycle.changes(gone, back)[0].defining == (GONE_AT.isoformat(),)
    # Back with a decision: both.
    assert types(lifecycle.changes(lifecycle.disappear(PENDING, GONE_AT), DECIDED)) == [
        EventType.REAPPEARED, EventType.DECIDED]


def test_a_snapshot_that_never_disappeared_serialises_as_before() -> None:
    assert "disappeared_at" not in PENDING.model_dump_json()
    gone = lifecycle.disappear(PENDING, GONE_AT)
    assert CaseSnapshot.model_validate_json(gone.model_dump_json()) == gone


def test_a_list_row_without_persons_keeps_the_known_defendants() -> None:
    """A layout without a persons column shows no defendant; the case keeps its articles."""
    bare = PENDING.model_copy(update={"defendants": ()})
    merged = lifecycle.merge(PENDING, bare, PageKind.LIST)
    assert merged.defendants == (D337,) and merged.articles == ("337",)
    assert lifecycle.changes(PENDING, merged) == []
    # A card is the case's own account: what it shows stands.
    assert lifecycle.merge(PENDING, bare, PageKind.CARD).defendants == ()


def test_the_new_portal_category_line_is_not_a_defendant() -> None:
    from docketwatch.sudrf.articles import persons_from_text
    got = persons_from_text("КАТЕГОРИЯ: 3.025 - Гл. 22 КАС РФ\n"
                            "<Информация скрыта> - ст.337 ч.5 УК РФ")
    assert [d.articles[0].article for d in got] == ["337"] and len(got) == 1
