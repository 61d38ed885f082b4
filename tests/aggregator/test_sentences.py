"""Sentences in the store: columns, case_state, and the punishment / act-lag views, on
hand-built CaseEvents with exact expected values (real chDB)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from clickhouse_connect.driver.client import Client
from pydantic import TypeAdapter

from docketwatch.contract import (
    ActStatus,
    Article,
    CaseEvent,
    ColonyRegime,
    DecisionClass,
    Defendant,
    DefendantSentence,
    EventType,
    PageKind,
    Punishment,
    PunishmentKind,
    SourceRef,
    event_id,
)
from docketwatch.store import migrate
from docketwatch.store.migrations import load_migrations
from docketwatch.store.settings import set_publication_delay_days
from docketwatch.store.sink import write_events

from .conftest import new_database
from .factories import COURT, COURT_REGION, make_event

K = PunishmentKind
V = DecisionClass.VERDICT
_SENTENCES = TypeAdapter(tuple[DefendantSentence, ...])
_DEFENDANT_LIST = TypeAdapter(tuple[Defendant, ...])


def sentence(index: int, kind: PunishmentKind, *arts: str, **fields: object) -> DefendantSentence:
    return DefendantSentence(
        index=index,
        articles=tuple(Article(article=a, part="1", raw=f"ч. 1 ст. {a}") for a in arts),
        punishment=Punishment(kind=kind, raw=f"текст {index}", **fields),
    )


def with_act(
    event: CaseEvent, status: ActStatus | None, sentences: Sequence[DefendantSentence] = (),
    event_type: EventType = EventType.SENTENCE_PUBLISHED,
) -> CaseEvent:
    snap = event.snapshot.model_copy(update={
        "act_status": status, "sentences": tuple(sentences), "has_act": status is not None,
    })
    return event.model_copy(update={
        "snapshot": snap, "event_type": event_type,
        "event_id": event_id(event.case_key, event_type, status, len(sentences),
                             event.observed_at),
    })


def decided(number: str, day: date, observed: str, arts: Sequence[Sequence[str]] = (("337",),),
            cls: DecisionClass = V) -> CaseEvent:
    return make_event(number, observed=observed, receipt=date(2024, 1, 10), decision=day,
                      decision_class=cls, arts=arts, event_type=EventType.DECIDED)


def dataset() -> list[CaseEvent]:
    e1 = decided("1-1/2024", date(2024, 3, 5), "2024-03-10T08:00:00")
    e2 = decided("1-2/2024", date(2024, 3, 20), "2024-03-21T08:00:00", (("337",), ("338",)))
    e3 = decided("1-3/2024", date(2024, 3, 25), "2024-03-26T08:00:00")
    e4 = decided("1-4/2024", date(2024, 3, 28), "2024-03-29T08:00:00")
    e5 = decided("1-5/2024", date(2024, 3, 29), "2024-03-30T08:00:00")
    e6 = decided("1-6/2024", date(2024, 4, 2), "2024-04-03T08:00:00", (("332",),))
    e7 = decided("1-7/2024", date(2024, 3, 6), "2024-03-07T08:00:00",
                 cls=DecisionClass.TERMINATED)
    e8 = decided("1-8/2024", date(2024, 3, 10), "2024-03-11T08:00:00")
    s2 = (sentence(1, K.IMPRISONMENT, "337", term_months=12,
                   colony_regime=ColonyRegime.SETTLEMENT),
          sentence(2, K.IMPRISONMENT, "338", term_months=36,
                   colony_regime=ColonyRegime.GENERAL))
    return [
        e1, e2, e3, e4, e5, e6, e7, e8,
        with_act(e1.model_copy(update={"observed_at": e1.observed_at.replace(month=4, day=10)}),
                 ActStatus.VERDICT,
                 [sentence(1, K.SUSPENDED, "337", term_months=24, probation_months=24,
                           base_kind=K.IMPRISONMENT)]),
        with_act(e2.model_copy(update={"observed_at": e2.observed_at.replace(month=5, day=19)}),
                 ActStatus.VERDICT, s2),
        # seen again later: the lag still runs to the first observation
        with_act(e2.model_copy(update={"observed_at": e2.observed_at.replace(month=6, day=1)}),
                 ActStatus.VERDICT, s2, EventType.OBSERVED),
        with_act(e3.model_copy(update={"observed_at": e3.observed_at.replace(month=4, day=4)}),
                 ActStatus.VERDICT,
                 [sentence(1, K.IMPRISONMENT, "337", term_months=24,
                           colony_regime=ColonyRegime.SETTLEMENT)]),
        # unreadable, without articles: counts under the card defendant's article (337)
        with_act(e5.model_copy(update={"observed_at": e5.observed_at.replace(month=4, day=28)}),
                 ActStatus.UNREADABLE,
                 [sentence(1, K.UNREADABLE, reason="no punishment found")]),
        with_act(e6.model_copy(update={"observed_at": e6.observed_at.replace(day=12)}),
                 ActStatus.VERDICT, [sentence(1, K.FINE, "332", fine_rub=50_000)]),
        with_act(e7.model_copy(update={"observed_at": e7.observed_at.replace(day=20)}),
                 ActStatus.NOT_VERDICT, event_type=EventType.OBSERVED),
        with_act(e8.model_copy(update={"observed_at": e8.observed_at.replace(month=4, day=1)}),
                 ActStatus.NOT_VERDICT, event_type=EventType.OBSERVED),
    ]


def test_columns_and_case_state(store: Client) -> None:
    events = dataset()
    write_events(store, events)
    rows = store.query(
        "SELECT event_id, act_status, sentences_json FROM case_events FINAL"
    ).result_rows
    stored = {r[0]: r[1:] for r in rows}
    for e in events:
        status, sjson = stored[e.event_id]
        assert status == (None if e.snapshot.act_status is None else e.snapshot.act_status.value)
        assert _SENTENCES.validate_json(sjson) == e.snapshot.sentences  # raw texts kept
    state = store.query(
        "SELECT case_number, act_status, length(JSONExtractArrayRaw(sentences_json)) "
        "FROM cases ORDER BY case_number"
    ).result_rows
    assert state == [
        ("1-1/2024", "verdict", 1), ("1-2/2024", "verdict", 2), ("1-3/2024", "verdict", 1),
        ("1-4/2024", None, 0), ("1-5/2024", "unreadable", 1), ("1-6/2024", "verdict", 1),
        ("1-7/2024", "not_verdict", 0), ("1-8/2024", "not_verdict", 0),
    ]


def test_case_sentences(store: Client) -> None:
    write_events(store, dataset())
    rows = store.query(
        "SELECT case_key, defendant_index, articles, kind, term_months, probation_months, "
        "colony_regime, fine_rub, base_kind, reason, region FROM case_sentences "
        "ORDER BY case_key, defendant_index"
    ).result_rows
    key = f"{COURT}:no:"
    r = COURT_REGION
    assert rows == [
        (key + "1-1/2024", 1, ["337"], "suspended", 24, 24, None, None, "imprisonment", None, r),
        (key + "1-2/2024", 1, ["337"], "imprisonment", 12, None, "settlement", None, None,
         None, r),
        (key + "1-2/2024", 2, ["338"], "imprisonment", 36, None, "general", None, None, None,
         r),
        (key + "1-3/2024", 1, ["337"], "imprisonment", 24, None, "settlement", None, None,
         None, r),
        (key + "1-5/2024", 1, ["337"], "unreadable", None, None, None, None, None,
         "no punishment found", r),
        (key + "1-6/2024", 1, ["332"], "fine", None, None, None, 50_000, None, None, r),
    ]


def test_monthly_punishments(store: Client) -> None:
    # The hand-made docket ends on 2 Apr 2024: with no delay window March is complete.
    set_publication_delay_days(store, 0)
    write_events(store, dataset())
    rows = store.query(
        "SELECT toString(month), article, article_group, court_code, kind, cases, defendants, "
        "median_term_months, median_probation_months, status FROM monthly_punishments "
        "ORDER BY month, article, kind"
    ).result_rows
    assert rows == [
        ("2024-03-01", "337", "refusal", COURT, "imprisonment", 2, 2, 18.0, None, "complete"),
        ("2024-03-01", "337", "refusal", COURT, "suspended", 1, 1, 24.0, 24.0, "complete"),
        ("2024-03-01", "337", "refusal", COURT, "unreadable", 1, 1, None, None, "complete"),
        ("2024-03-01", "338", "refusal", COURT, "imprisonment", 1, 1, 36.0, None, "complete"),
        ("2024-04-01", "332", "refusal", COURT, "fine", 1, 1, None, None, "provisional"),
    ]


def test_suspended_share(store: Client) -> None:
    # The hand-made docket ends on 2 Apr 2024: with no delay window March is complete.
    set_publication_delay_days(store, 0)
    write_events(store, dataset())
    rows = store.query(
        "SELECT toString(month), category, punished, suspended, unreadable, share, status "
        "FROM suspended_share ORDER BY month, category"
    ).result_rows
    assert rows == [
        ("2024-03-01", "all", 4, 1, 1, 0.25, "complete"),
        ("2024-03-01", "refusal", 4, 1, 1, 0.25, "complete"),
        ("2024-04-01", "all", 1, 0, 0, 0.0, "provisional"),
        ("2024-04-01", "refusal", 1, 0, 0, 0.0, "provisional"),
    ]
    # The share keeps its precision in the store (migration 0024): rounding is the display's.
    assert store.command("SELECT toTypeName(share) FROM suspended_share LIMIT 1") \
        == "Nullable(Decimal(18, 6))"


def test_act_publication_lag(store: Client) -> None:
    # The hand-made docket ends on 2 Apr 2024: with no delay window March is complete.
    set_publication_delay_days(store, 0)
    write_events(store, dataset())
    rows = store.query(
        "SELECT toString(month), verdicts, acts_read, acts_unreadable, not_verdict, pending, "
        "median_lag_days, p90_lag_days, max_lag_days, status FROM act_publication_lag "
        "ORDER BY month"
    ).result_rows
    # March lags: 36, 60, 10, 30 days → median (30+36)/2, p90 36 + 0.7·(60−36)
    assert rows == [
        ("2024-03-01", 6, 4, 1, 1, 1, 33.0, 52.8, 60, "complete"),
        ("2024-04-01", 1, 1, 0, 0, 0, 10.0, 10.0, 10, "provisional"),
    ]


def test_views_are_order_and_duplicate_insensitive(store_factory: type) -> None:
    events = dataset()
    a, b = store_factory.new(), store_factory.new()  # type: ignore[attr-defined]
    write_events(a, events)
    write_events(b, list(reversed(events)))
    write_events(b, events[3:9])
    for view in ("case_sentences", "monthly_punishments", "suspended_share",
                 "act_publication_lag"):
        q = f"SELECT * FROM {view} ORDER BY tuple(*)"
        assert a.query(q).result_rows == b.query(q).result_rows, view


def test_upgrade_keeps_old_rows_and_is_rerunnable(chdb_dsn: str) -> None:
    """A store migrated to 0013 with events in it takes 0014/0015: old rows read NULL and
    '[]', case_state keeps them, new events flow through the re-created MV; re-running
    0014's statements (a crash half-way) changes nothing."""
    client = new_database(chdb_dsn)
    assert migrate(client, seed=False, until=13) == list(range(1, 14))
    e1 = decided("1-1/2024", date(2024, 3, 5), "2024-03-10T08:00:00")
    # A row as the 0013 writer stored it (no act columns yet).
    s1 = e1.snapshot
    client.insert("case_events", [[
        e1.event_id, e1.event_type.value, e1.case_key, e1.observed_at, e1.parser_version, 1,
        s1.court_code, s1.case_number, s1.receipt_date, s1.decision_date,
        s1.decision_class.value if s1.decision_class else None, s1.has_act,
        _DEFENDANT_LIST.dump_json(s1.defendants).decode(), "[]", e1.source.page_id,
        e1.source.url, e1.source.sha256, e1.source.fetched_at,
    ]], column_names=[
        "event_id", "event_type", "case_key", "observed_at", "parser_version",
        "schema_version", "court_code", "case_number", "receipt_date", "decision_date",
        "decision_class", "has_act", "defendants_json", "card_events_json", "source_page_id",
        "source_url", "source_sha256", "source_fetched_at"])
    assert migrate(client, seed=False) == [m.version for m in load_migrations() if m.version > 13]
    assert client.query("SELECT act_status, sentences_json FROM case_state FINAL").result_rows \
        == [(None, "[]")]
    [m14] = [m for m in load_migrations() if m.version == 14]
    for statement in m14.statements():
        client.command(statement)
    later = with_act(e1.model_copy(update={"observed_at": e1.observed_at.replace(month=4)}),
                     ActStatus.VERDICT, [sentence(1, K.DISCIPLINARY_UNIT, "337", term_months=6)])
    write_events(client, [later])
    assert client.query(
        "SELECT act_status, JSONExtractString(JSONExtractArrayRaw(sentences_json)[1], "
        "'punishment', 'kind') FROM case_state FINAL"
    ).result_rows == [("verdict", "disciplinary_unit")]
    assert client.command("SELECT count() FROM case_events FINAL") == 2
    client.command(f"DROP DATABASE IF EXISTS `{client.database}` SYNC")
    client.close()


def test_simulator_cards_through_the_store_reproduce_the_truth(store: Client) -> None:
    """Served cards → parser → lifecycle → sink → monthly_punishments equals the
    simulator's truth (defendants per month × article × court × kind) exactly."""
    from docketwatch.sudrf.parse import parse_page
    from services.parser import lifecycle
    from services.simulator.corpus import build_corpus
    from services.simulator.courts import load_courts
    from services.simulator.render import render_card
    from services.simulator.truth import truth

    as_of = date(2024, 12, 27)
    courts = [c for c in load_courts() if c.vnkod in ("61GV0001", "25GV0004", "52GV0001")]
    corpus = build_corpus(seed=5, courts=courts, scale=0.03)
    events: list[CaseEvent] = []
    for v in corpus.visible_cases(as_of):
        if v.decision_class != "verdict":
            continue
        court = corpus.court(v.case.court)
        assert court is not None
        parsed = parse_page(render_card(court, v, as_of), PageKind.CARD, court.vnkod,
                            case_uid=v.case.case_uid)
        assert parsed.snapshot is not None
        snap = parsed.snapshot
        src = SourceRef(page_id=f"p-{v.case.case_uid}", url="http://sim/", sha256="0" * 64,
                        fetched_at=datetime(2024, 12, 27, 12, tzinfo=UTC))
        events += lifecycle.to_events(snap.case_key, snap, lifecycle.changes(None, snap), src,
                                      parsed.parser_version)
    write_events(store, events)
    t = truth(corpus, as_of)
    want = sorted((r["month"], r["article"], r["court"], r["kind"], r["defendants"])
                  for r in t["monthly_punishments"])
    got = store.query(
        "SELECT formatDateTime(month, '%Y-%m'), article, court_code, kind, defendants "
        "FROM monthly_punishments ORDER BY 1, 2, 3, 4"
    ).result_rows
    assert len(want) > 100
    assert [tuple(r) for r in got] == want
    verdicts = [c for c in t["cases"] if c["decision_class"] == "verdict"]
    pending = sum(c["act_state"] in ("pending", "withheld") for c in verdicts)
    assert store.command("SELECT sum(pending) FROM act_publication_lag") == pending
    assert store.command("SELECT sum(verdicts) FROM act_publication_lag") == len(verdicts)
