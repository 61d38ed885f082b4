"""What the sink stores for an event, and page provenance."""

from __future__ import annotations

from datetime import date

from clickhouse_connect.driver.client import Client
from pydantic import TypeAdapter

from docketwatch.contract import Article, Defendant
from docketwatch.store.sink import write_events

from .dataset import hand_dataset
from .factories import make_event

_DEFENDANTS = TypeAdapter(tuple[Defendant, ...])


def test_flattened_columns(store: Client) -> None:
    events = hand_dataset()
    write_events(store, events)
    rows = store.query(
        "SELECT event_id, case_key, articles, defendant_articles, n_defendants, "
        "defendants_json, receipt_date, decision_class, source_sha256 FROM case_events FINAL"
    ).result_rows
    stored = {r[0]: r[1:] for r in rows}
    assert len(stored) == len(events)
    for e in events:
        key, arts, per_def, n_def, djson, receipt, dclass, sha = stored[e.event_id]
        s = e.snapshot
        assert key == e.case_key
        assert tuple(arts) == s.articles  # SQL default == CaseSnapshot.articles
        assert per_def == [list(dict.fromkeys(a.article for a in d.articles))
                           for d in s.defendants]
        assert n_def == len(s.defendants)
        assert _DEFENDANTS.validate_json(djson) == s.defendants
        assert receipt == s.receipt_date
        assert dclass == (None if s.decision_class is None else s.decision_class.value)
        assert sha == e.source.sha256


def test_defendant_with_repeated_article_and_attempt(store: Client) -> None:
    event = make_event("1-1/2024", observed="2024-05-01T00:00:00", receipt=date(2024, 5, 1))
    snap = event.snapshot.model_copy(update={"defendants": (
        Defendant(hidden=False, name="X", articles=(
            Article(article="337", part="5", points=("а",), raw="ст.337 ч.5 п.а"),
            Article(article="337", part="3.1", inchoate="attempt", raw="ст.30 ч.3, ст.337 ч.3.1"),
            Article(article="338", part="1", raw="ст.338 ч.1"),
        )),
    )})
    write_events(store, [event.model_copy(update={"snapshot": snap})])
    assert store.query(
        "SELECT articles, defendant_articles, n_defendants FROM case_events"
    ).result_rows == [(["337", "338"], [["337", "338"]], 1)]
    assert store.query(
        "SELECT article, defendants FROM case_articles ORDER BY article"
    ).result_rows == [("337", 1), ("338", 1)]


def test_empty_batches(store: Client) -> None:
    assert write_events(store, []) == 0
    assert store.command("SELECT count() FROM case_events") == 0
