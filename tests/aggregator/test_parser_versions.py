"""A parser fix replayed over old pages (operations.md, "Replay after a parser fix"): the
corrected events carry the same observed_at as the wrong ones (the page's fetch time), so
the store must prefer the newer parser, not whichever content hash is larger (migration
0025). Forty cases make a tie broken at random fail with certainty (2^-40 to pass)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from docketwatch.contract import CaseEvent, DecisionClass, EventType
from docketwatch.store import migrate
from docketwatch.store.sink import write_events

from .conftest import new_database
from .factories import make_event

OLD, NEW = "sudrf-1.2.0", "sudrf-1.10.0"  # 10 > 2: numbers compare as numbers, not text
N = 40


def versions(parser_version: str, articles: str) -> list[CaseEvent]:
    """N cases received (and half decided), as one parser version read them."""
    out = []
    for i in range(N):
        receipt = date(2024, 1, 1) + timedelta(days=i)
        seen = f"{receipt + timedelta(days=3)}T08:00:00"
        out.append(make_event(f"1-{i}/2024", observed=seen, receipt=receipt,
                              arts=[[articles]], event_type=EventType.RECEIVED,
                              parser_version=parser_version))
        if i % 2:
            decided = receipt + timedelta(days=30)
            out.append(make_event(f"1-{i}/2024", observed=f"{decided}T08:00:00",
                                  receipt=receipt, arts=[[articles]], decision=decided,
                                  decision_class=DecisionClass.VERDICT,
                                  event_type=EventType.DECIDED, parser_version=parser_version))
    return out


def answers(client: Client) -> dict[str, Any]:
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in client.query(sql).result_rows]

    return {
        "cases": rows("SELECT parser_version, articles, count() FROM cases "
                      "GROUP BY ALL ORDER BY ALL"),
        "events": rows("SELECT parser_version, count() FROM case_events FINAL "
                       "GROUP BY ALL ORDER BY ALL"),
        "as_of": rows("SELECT articles, count() FROM cases_as_of(as_of = '2025-01-01 00:00:00') "
                      "GROUP BY ALL ORDER BY ALL"),
        "received": rows("SELECT category, sum(cases) FROM monthly_received_by_category "
                         "GROUP BY ALL ORDER BY ALL"),
    }


def test_the_newer_parser_wins_whatever_the_order(store_factory: Any) -> None:
    wrong, fixed = versions(OLD, "105"), versions(NEW, "337")
    assert [e.event_id for e in wrong] == [e.event_id for e in fixed]  # ids unchanged
    expected = {
        "cases": [(NEW, ["337"], N)],
        "events": [(NEW, N + N // 2)],
        "as_of": [(["337"], N)],
        "received": [("refusal", N)],
    }
    for order in ([wrong, fixed], [fixed, wrong]):
        client = store_factory.new()
        for batch in order:
            write_events(client, batch)
        assert answers(client) == expected
        for table in ("case_events", "case_state"):
            client.command(f"OPTIMIZE TABLE {table} FINAL")
        assert answers(client) == expected


def test_a_later_observation_still_beats_a_newer_parser(store_factory: Any) -> None:
    client = store_factory.new()
    old_later = make_event("1-1/2024", observed="2024-03-10T00:00:00", receipt=date(2024, 3, 1),
                           arts=[["338"]], event_type=EventType.OBSERVED, parser_version=OLD)
    new_earlier = make_event("1-1/2024", observed="2024-03-02T00:00:00",
                             receipt=date(2024, 3, 1), arts=[["337"]],
                             event_type=EventType.RECEIVED, parser_version=NEW)
    write_events(client, [old_later, new_earlier])
    assert answers(client)["cases"] == [(OLD, ["338"], 1)]


def test_a_store_of_the_earlier_schema_is_rebuilt_in_the_new_order(chdb_dsn: str,
                                                                   admin: Client) -> None:
    """Events of both versions written under 0024 (the tie at random) come out right once
    0025 is applied: the event log's versions are recomputed and every state rebuilt."""
    client = new_database(chdb_dsn)
    try:
        migrate(client, until=24)
        write_events(client, versions(OLD, "105"))
        write_events(client, versions(NEW, "337"))
        assert migrate(client, until=25) == [25]
        assert answers(client) == {"cases": [(NEW, ["337"], N)], "events": [(NEW, N + N // 2)],
                                   "as_of": [(["337"], N)], "received": [("refusal", N)]}
    finally:
        database = client.database
        client.close()
        admin.command(f"DROP DATABASE IF EXISTS `{database}` SYNC")
