"""Sustained write throughput of the store's event path into embedded chDB, vs a raw baseline.

    .venv/bin/python bench/bench_sink.py [--batches 10] [--batch-size 5000] [--runs 5]

Sink: the events' Kafka payloads (JSON) → write_event_records (ClickHouse parses and checks
them in case_events_in, flattens them through its materialized view into the
case_events ReplacingMergeTree with dedup token and window, case_state view).
Baseline: the same rows, already flattened, inserted with plain clickhouse-connect
(rows, and Arrow) into a plain MergeTree with the same columns. Each run uses a fresh
database; the figure is the median over runs of events / total seconds for all batches.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pyarrow as pa
from clickhouse_connect.driver.client import Client

from docketwatch.contract import (
    Article,
    CaseEvent,
    CaseSnapshot,
    DecisionClass,
    Defendant,
    EventType,
    SourceRef,
    case_key,
    event_id,
    sha256_hex,
)
from docketwatch.store import connect, dedup_token, migrate
from docketwatch.store.sink import write_event_records

ARTICLES = (("337",), ("337",), ("337",), ("332",), ("338",), ("337", "338"), ("337", "105"))
COURTS = ("25GV0001", "27GV0001", "61GV0001", "77GV0001", "78GV0001")


def make_events(n: int) -> list[CaseEvent]:
    base = datetime(2024, 1, 1, tzinfo=UTC)
    events = []
    for i in range(n):
        court = COURTS[i % len(COURTS)]
        number = f"1-{i // 2}/2024"
        arts = ARTICLES[i % len(ARTICLES)]
        receipt = date(2024, 1, 1) + timedelta(days=i % 360)
        decided = i % 2 == 1
        dclass = DecisionClass.VERDICT if decided else None
        decision = receipt + timedelta(days=30) if decided else None
        snap = CaseSnapshot(
            court_code=court,
            case_number=number,
            case_uid=f"{i // 2:08x}-0000-0000-0000-000000000000",
            receipt_date=receipt,
            decision_date=decision,
            decision_class=dclass,
            judge="Иванов И.И.",
            defendants=(
                Defendant(hidden=True,
                          articles=tuple(Article(article=a, part="1", raw=f"ст.{a} ч.1")
                                         for a in arts)),
            ),
        )
        etype = EventType.DECIDED if decided else EventType.RECEIVED
        observed = base + timedelta(minutes=i)
        url = f"https://vgvs.prm.sudrf.ru/modules.php?name=sud_delo&case={i}"
        events.append(CaseEvent(
            event_id=event_id(snap.case_key, etype, receipt, decision, dclass),
            event_type=etype,
            case_key=case_key(court, snap.case_uid, number),
            observed_at=observed,
            parser_version="bench",
            snapshot=snap,
            source=SourceRef(page_id=sha256_hex(f"{url}{observed}".encode()), url=url,
                             sha256=sha256_hex(url.encode()), fetched_at=observed),
        ))
    return events


def flattened(dsn: str, events: list[CaseEvent], batch: int) -> list[pa.Table]:
    """The case_events columns the writer supplies, as the store flattened them, in
    batches: the input of the plain-insert baselines (built once, not timed)."""
    scratch = connect(dsn, database="bench_flat")
    migrate(scratch)
    write_event_records(scratch, [e.to_bytes() for e in events])
    columns = supplied_columns(scratch)
    table = scratch.query_arrow(
        f"SELECT {', '.join(columns)} FROM case_events ORDER BY event_id")
    scratch.command("DROP DATABASE bench_flat")
    scratch.close()
    return [table.slice(k, batch) for k in range(0, table.num_rows, batch)]


def supplied_columns(client: Client) -> list[str]:
    """case_events columns that are neither computed nor stamped by ClickHouse."""
    rows = client.query(
        "SELECT name FROM system.columns WHERE database = currentDatabase() "
        "AND table = 'case_events' AND default_kind = '' ORDER BY position").result_rows
    return [r[0] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    n = args.batches * args.batch_size
    events = make_events(n)
    payloads = [e.to_bytes() for e in events]
    batches = [payloads[i:i + args.batch_size] for i in range(0, n, args.batch_size)]

    with tempfile.TemporaryDirectory() as tmp:
        dsn = f"chdb://{tmp}/chdb"
        tables = flattened(dsn, events, args.batch_size)
        columns = tables[0].column_names
        rows = [[list(r.values()) for r in t.to_pylist()] for t in tables]
        sink_rates: list[float] = []
        raw_rates: list[float] = []
        arrow_rates: list[float] = []
        for run in range(args.runs):
            client = connect(dsn, database=f"bench_sink_{run}")
            migrate(client)
            start = time.perf_counter()
            for k, batch in enumerate(batches):
                first = k * args.batch_size
                span = (SimpleNamespace(topic="bench", partition=0, offset=o)
                        for o in (first, first + len(batch) - 1))
                write_event_records(client, batch, dedup_token(span))
            sink_rates.append(n / (time.perf_counter() - start))
            assert client.command("SELECT count() FROM case_events FINAL") == n
            client.close()

            client = connect(dsn, database=f"bench_raw_{run}")
            # a plain MergeTree with exactly the columns the sink supplies: no dedup
            # window, no ReplacingMergeTree, no defaults to compute, no materialized view
            client.command(
                "CREATE TABLE raw_events ENGINE = MergeTree ORDER BY event_id AS "
                f"SELECT {', '.join(columns)} FROM bench_sink_{run}.case_events WHERE 0"
            )
            start = time.perf_counter()
            for batch_rows in rows:
                client.insert("raw_events", batch_rows, column_names=columns)
            raw_rates.append(n / (time.perf_counter() - start))
            client.command("TRUNCATE TABLE raw_events")
            start = time.perf_counter()
            for table in tables:
                client.insert_arrow("raw_events", table)
            arrow_rates.append(n / (time.perf_counter() - start))
            client.close()

    print(f"events per run: {n:,} in batches of {args.batch_size:,}; runs: {args.runs}")
    for label, rates in (
        ("write_event_records (Kafka payloads)", sink_rates),
        ("baseline client.insert rows", raw_rates),
        ("baseline client.insert_arrow", arrow_rates),
    ):
        runs = ", ".join(f"{r:,.0f}" for r in rates)
        print(f"{label:38} median {statistics.median(rates):>9,.0f} events/s  (runs: {runs})")


if __name__ == "__main__":
    main()
