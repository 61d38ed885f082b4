"""Counts are identical after redelivery, reordering, re-batching and replays."""

from __future__ import annotations

import random
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from clickhouse_connect.driver.client import Client

from docketwatch.contract import CaseEvent, DecisionClass, EventType
from docketwatch.store.sink import dedup_token, write_events

from .factories import make_event

TOPIC = "docketwatch.case-events.v1"
CLASSES = list(DecisionClass)
ARTICLE_SETS = [[["337"]], [["332"]], [["338"]], [["337"], ["337", "338"]], [["337", "105"]],
                [["334"]], [["205.1"]]]

# Every user-facing view, fully read and sorted: the fingerprint of a store's answers.
FINGERPRINT_SQL = [
    "SELECT * FROM monthly_received ORDER BY ALL",
    "SELECT * FROM monthly_received_by_category ORDER BY ALL",
    "SELECT * FROM monthly_received_defendants ORDER BY ALL",
    "SELECT * FROM monthly_decisions ORDER BY ALL",
    "SELECT * FROM monthly_decisions_by_category ORDER BY ALL",
    "SELECT * FROM monthly_measures ORDER BY ALL",
    "SELECT * FROM verdicts_per_working_day ORDER BY ALL",
    "SELECT * FROM monthly_rolling ORDER BY ALL",
    "SELECT * FROM year_summary(year = 2024, since = '2022-02-24')",
    "SELECT * FROM cases ORDER BY case_key",
    "SELECT * FROM case_sources ORDER BY ALL",
    "SELECT * FROM case_first_seen ORDER BY ALL",
    "SELECT * FROM cases_as_of(as_of = '2024-06-30 00:00:00') ORDER BY ALL",
    "SELECT * FROM publication_status",
    "SELECT * FROM page_sources ORDER BY ALL",
]


def generated_events(seed: int = 7, n_cases: int = 150) -> list[CaseEvent]:
    """Cases with a received event, often a decision, sometimes a later correction."""
    rng = random.Random(seed)
    events = []
    for i in range(n_cases):
        number = f"1-{i}/2024"
        receipt = date(2023, 10, 1) + timedelta(days=rng.randrange(420))
        arts = rng.choice(ARTICLE_SETS)
        seen = receipt + timedelta(days=rng.randrange(1, 40))
        events.append(make_event(number, observed=f"{seen}T08:00:00", receipt=receipt, arts=arts,
                                 event_type=EventType.RECEIVED))
        if rng.random() < 0.7:
            decided = receipt + timedelta(days=rng.randrange(20, 200))
            dclass = rng.choice(CLASSES)
            for k in range(rng.randrange(1, 3)):  # the same decision seen on 1-2 refetches
                events.append(make_event(
                    number, observed=f"{decided + timedelta(days=5 + k)}T08:00:00",
                    receipt=receipt, arts=arts, decision=decided, decision_class=dclass,
                    event_type=EventType.DECIDED))
        if rng.random() < 0.2:  # a later correction of the receipt date
            fixed = receipt + timedelta(days=rng.randrange(1, 20))
            events.append(make_event(number, observed=f"{seen + timedelta(days=60)}T08:00:00",
                                     receipt=fixed, arts=arts, event_type=EventType.RE_RECEIVED))
        if rng.random() < 0.1:  # two events from the same page (same observed_at)
            events.append(make_event(number, observed=f"{seen}T08:00:00", receipt=receipt,
                                     arts=arts, event_type=EventType.HEARING_SCHEDULED))
    return events


def fingerprint(client: Client) -> list[list[tuple[Any, ...]]]:
    return [[tuple(r) for r in client.query(sql).result_rows] for sql in FINGERPRINT_SQL]


def offsets(first: int, last: int, partition: int = 0) -> list[SimpleNamespace]:
    """Where the records of a batch came from, as the consumer sees them."""
    return [SimpleNamespace(topic=TOPIC, partition=partition, offset=o)
            for o in range(first, last + 1)]


def write_batches(client: Client, events: list[CaseEvent], size: int, tokens: bool) -> None:
    for start in range(0, len(events), size):
        batch = events[start:start + size]
        token = dedup_token(offsets(start, start + len(batch) - 1)) if tokens else None
        write_events(client, batch, token)


def raw_count(client: Client) -> int:
    return int(client.query("SELECT count() FROM case_events").result_rows[0][0])


def test_redelivery_reorder_rebatch_give_identical_counts(store_factory: Any) -> None:
    events = generated_events()
    reference = store_factory.new()
    write_batches(reference, events, 50, tokens=True)
    expected = fingerprint(reference)
    distinct = len({e.event_id for e in events})
    assert reference.command("SELECT count() FROM case_events FINAL") == distinct
    assert expected[9], "the dataset must produce cases"

    # 1. the whole stream redelivered with the same tokens (kill -9 before offset commit,
    #    replay from offset 0): ClickHouse drops the repeated blocks outright
    again = store_factory.new()
    write_batches(again, events, 50, tokens=True)
    before = raw_count(again)
    write_batches(again, events, 50, tokens=True)
    assert raw_count(again) == before
    assert fingerprint(again) == expected

    # 2. reordered, split into other batches, delivered twice, without tokens: the
    #    rows are duplicated on disk but every view reads through FINAL
    shuffled = store_factory.new()
    rng = random.Random(1)
    for size in (7, 33):
        order = events[:]
        rng.shuffle(order)
        write_batches(shuffled, order, size, tokens=False)
    assert fingerprint(shuffled) == expected

    # 3. duplicates inside one batch, then background merges: nothing changes
    merged = store_factory.new()
    write_events(merged, events + events[::-1])
    for table in ("case_events", "case_state"):
        merged.command(f"OPTIMIZE TABLE {table} FINAL")
    assert raw_count(merged) == distinct
    assert fingerprint(merged) == expected


def test_first_seen_time_is_kept(store: Client) -> None:
    late = make_event("1-1/2024", observed="2024-03-10T00:00:00", receipt=date(2024, 3, 1))
    early = make_event("1-1/2024", observed="2024-03-02T00:00:00", receipt=date(2024, 3, 1))
    assert late.event_id == early.event_id
    write_events(store, [late])
    write_events(store, [early])
    write_events(store, [late])
    rows = store.query("SELECT observed_at FROM case_events FINAL").result_rows
    assert [r[0].date() for r in rows] == [date(2024, 3, 2)]


def test_token_is_honoured_only_with_a_dedup_window(store: Client) -> None:
    # chDB finding: a plain MergeTree ignores insert_deduplication_token unless
    # non_replicated_deduplication_window > 0, which case_events sets.
    store.command("CREATE TABLE plain (x UInt8) ENGINE = MergeTree ORDER BY x")
    store.command("CREATE TABLE windowed (x UInt8) ENGINE = MergeTree ORDER BY x "
                  "SETTINGS non_replicated_deduplication_window = 100")
    for table in ("plain", "windowed"):
        for _ in range(2):
            store.insert(table, [[1]], column_names=["x"],
                         settings={"insert_deduplication_token": "t:0:0-0"})
    assert store.command("SELECT count() FROM plain") == 2
    assert store.command("SELECT count() FROM windowed") == 1


def test_same_offsets_different_events_are_not_dropped(store: Client) -> None:
    # a re-created topic restarts at offset 0: same offsets, new records
    a = make_event("1-1/2024", observed="2024-03-02T00:00:00", receipt=date(2024, 3, 1))
    b = make_event("1-2/2024", observed="2024-03-02T00:00:00", receipt=date(2024, 3, 1))
    token = dedup_token(offsets(0, 0))
    write_events(store, [a], token)
    write_events(store, [b], token)
    write_events(store, [a], token)
    assert raw_count(store) == 2
    assert store.command("SELECT count() FROM cases") == 2
