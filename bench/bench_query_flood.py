"""Ingestion under a flood of heavy queries: events/s into the store with and without readers.

    .venv/bin/python bench/bench_query_flood.py [--events 400000] [--runs 3] [--clients 4]
        [--query-seconds 30]

One private broker; the events topic is pre-filled once with N synthetic case events
(bench_pipeline.make_events). Each run starts a fresh aggregator (fresh chDB directory,
fresh consumer group) and times it from its first insert until every event is written
(sustained events/s, from its /health counters), alternately:

- quiet: nobody reads the store;
- flood: --clients clickhouse-connect clients (real ClickHouse clients over the
  aggregator's ClickHouse HTTP interface) each run, back to back, a heavy query that only
  the execution-time limit stops (``--query-seconds``, the interface's own limit by
  default); refused queries (too many at once) are retried at once.

Medians over --runs of each, interleaved in one run; the aim is flood within 20 % of quiet.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_pipeline import (  # noqa: E402
    lag,
    make_events,
    new_stack,
    payloads,
    produce,
    wait_written,
)
from launcher.stack import Stack, free_port, wait_until  # noqa: E402

# Runs until max_execution_time stops it: a read that never ends by itself.
HEAVY = ("SELECT count() FROM system.numbers AS n "
         "WHERE cityHash64(n.number, {salt:UInt64}) % 1000003 = 0")


class Flood:
    """Clients that keep the store busy with heavy queries until stopped."""

    def __init__(self, url: str, clients: int, seconds: int) -> None:
        self.url, self.seconds = url, seconds
        self.done = 0  # queries that ran to their time limit
        self.refused = 0  # turned away (too many at once): retried
        self.failed: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, args=(i,), daemon=True)
                         for i in range(clients)]

    def _client(self, i: int) -> None:
        import clickhouse_connect
        from clickhouse_connect.driver.exceptions import DatabaseError

        port = int(self.url.rsplit(":", 1)[1])
        client = None
        while client is None and not self._stop.is_set():
            try:  # connecting queries the server too: a full house turns it away
                client = clickhouse_connect.get_client(host="127.0.0.1", port=port,
                                                       send_receive_timeout=self.seconds + 30)
            except DatabaseError:
                self.refused += 1
        if client is None:
            return
        salt = i
        while not self._stop.is_set():
            salt += 100
            try:
                client.query(HEAVY, parameters={"salt": salt},
                             settings={"max_execution_time": self.seconds})
                self.done += 1
            except DatabaseError as exc:
                text = str(exc)
                if "TIMEOUT_EXCEEDED" in text or "Timeout exceeded" in text:
                    self.done += 1
                elif "TOO_MANY_SIMULTANEOUS_QUERIES" in text:
                    self.refused += 1
                else:
                    self.failed.append(text.splitlines()[0][:200])
                    time.sleep(0.5)
        client.close()

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=self.seconds + 60)


def one_run(stack: Stack, n: int, run: int, flood: Flood | None) -> dict[str, float]:
    group = f"bench-flood-{run}-{os.getpid()}"
    data = stack.workdir / f"data-{run}"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    stack.start_service("aggregator", {"DW_AGGREGATOR_GROUP": group, "DW_DATA_DIR": str(data),
                                       "DW_LOG_LEVEL": "WARNING",
                                       "DW_CLICKHOUSE_HTTP_PORT": str(port)})
    url = f"http://127.0.0.1:{port}"
    if flood is not None:
        flood.url = url
        wait_until(lambda: _ping(url), timeout=120, interval=0.05, what="HTTP interface up")
        flood.start()
    try:
        w = wait_written(stack, n, time.monotonic() + 1200)
    finally:
        if flood is not None:
            flood.stop()
    wait_until(lambda: lag(stack, group) == 0, timeout=120, interval=0.2, what="lag 0")
    stack.stop("aggregator")
    return {"rate": w.sustained(n), "seconds": w.done - w.first}


def _ping(url: str) -> bool:
    import urllib.request

    with urllib.request.urlopen(url + "/ping", timeout=2) as resp:
        return bool(resp.read() == b"Ok.\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=400_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--query-seconds", type=int, default=30)
    args = ap.parse_args()
    stack = new_stack("flood")
    stack.start_broker()
    results: dict[str, list[dict[str, float]]] = {"quiet": [], "flood": []}
    floods: list[Flood] = []
    t0 = time.monotonic()
    try:
        asyncio.run(produce(stack.bootstrap, payloads(make_events(args.events, tag="f"))))
        for run in range(args.runs):
            for i, mode in enumerate(("quiet", "flood")):
                flood = Flood("", args.clients, args.query_seconds) if mode == "flood" else None
                r = one_run(stack, args.events, 2 * run + i, flood)
                results[mode].append(r)
                if flood is not None:
                    floods.append(flood)
                print(f"run {run} {mode}: {r['rate']:,.0f} events/s "
                      f"({r['seconds']:.1f} s)" + (
                          f"; {flood.done} heavy queries ran to their limit, "
                          f"{flood.refused} turned away, {len(flood.failed)} failed "
                          f"{flood.failed[:2]}" if flood else ""), file=sys.stderr, flush=True)
    finally:
        stack.stop_all()
    quiet = statistics.median(r["rate"] for r in results["quiet"])
    busy = statistics.median(r["rate"] for r in results["flood"])
    rows: list[tuple[str, Any]] = [
        ("quiet (no reader)", quiet),
        (f"flood ({args.clients} clients, {args.query_seconds}-second queries)", busy)]
    print(f"### Ingestion under a query flood ({args.events:,} events per run, "
          f"{args.runs} runs each, interleaved)\n")
    print("| store readers | sustained events/s (median) | runs |")
    print("|---|---:|---|")
    for (name, value), mode in zip(rows, ("quiet", "flood"), strict=True):
        runs = ", ".join(f"{r['rate']:,.0f}" for r in results[mode])
        print(f"| {name} | {value:,.0f} | {runs} |")
    print(f"\nflood / quiet = {busy / quiet:.1%} (aim: within 20 %, i.e. ≥ 80 %); "
          f"heavy queries that ran to their limit: {sum(f.done for f in floods)}, turned "
          f"away: {sum(f.refused for f in floods)}, failed otherwise: "
          f"{sum(len(f.failed) for f in floods)}")
    print(f"\n`{' '.join(sys.argv)}` — {time.monotonic() - t0:.0f} s")
    return 0 if busy >= 0.8 * quiet else 1


if __name__ == "__main__":
    raise SystemExit(main())
