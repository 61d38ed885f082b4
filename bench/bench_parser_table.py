"""The parser's case table as it grows: RSS and restart-to-ready time, rocksdb:// against
memory:// (the baseline), in the same run on the same raw records.

    .venv/bin/python bench/bench_parser_table.py [--sizes 10000,50000,200000] [--runs 3]

A private broker (launcher.stack.Stack, free ports). The raw topic is filled with list
pages of 25 cases each, every case new (the golden 25-row 2ЗОВС results page with fresh
case uids and numbers, spread over the first-instance military courts, so over every
partition). One parser per store (its own consumer group, so its own table and changelog)
runs while the table grows:

- growth: ``--step`` new cases at a time are produced; once both parsers have read them
  (lag 0) and idled a second, each one's main-process VmRSS is read (sampled every 0.2 s;
  the max is kept too). The parse process (a child holding no table) is reported apart.
- restart, at each of ``--sizes``: ``--runs`` times per store, interleaved, the parser is
  stopped (SIGTERM), one new page (25 new cases) is produced and the parser started
  again; timed from spawn until its first case event reaches the events topic (its agent
  starts only once the table is recovered), then until its lag is 0, and its RSS read.
  Then both run again for the next growth.

Prints medians. Sizes are cumulative; the restart probes add 25 cases each.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_pipeline import court_codes  # noqa: E402
from bench.procfs import status_kb  # noqa: E402
from docketwatch.contract import (  # noqa: E402
    TOPIC_CASE_EVENTS,
    TOPIC_RAW_PAGES,
    PageKind,
    PageState,
    RawPage,
    sha256_hex,
)
from docketwatch.kafka import ensure_topics, make_producer  # noqa: E402
from launcher.stack import Stack  # noqa: E402
from launcher.supervise import descendants  # noqa: E402
from launcher.trials import (  # noqa: E402
    KafkaProbe,
    Offsets,
    kill_all,
    new_stack,
    start_parser,
)

PAGE = (ROOT / "tests/golden/sudrf"
        / "2zovs_search_r_criminal1inst_article205.1_page1.excerpt.cp1251.html")
ROWS = 25
STORES = ("rocksdb://", "memory://")
UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NUMBER = re.compile(r">1-\d+/2026<")


class Pages:
    """List pages of 25 new cases each: page i holds cases 25·i … 25·i + 24."""

    def __init__(self) -> None:
        self.text = PAGE.read_bytes().decode("cp1251")
        assert len(UID.findall(self.text)) == ROWS and len(NUMBER.findall(self.text)) == ROWS
        self.courts = court_codes()

    def page(self, i: int) -> tuple[bytes, bytes]:
        uids = iter(str(uuid.UUID(int=ROWS * i + r + 1)) for r in range(ROWS))
        numbers = iter(f">1-{ROWS * i + r + 1}/2026<" for r in range(ROWS))
        body = NUMBER.sub(lambda _: next(numbers), UID.sub(lambda _: next(uids), self.text))
        data = body.encode("cp1251")
        court = self.courts[i % len(self.courts)]
        url = f"http://bench.invalid/{court}/list?page={i}"
        raw = RawPage(page_id=sha256_hex(url.encode()), court_code=court, url=url, params={},
                      kind=PageKind.LIST, fetched_at=datetime.now(UTC), http_status=200,
                      state=PageState.OK, charset="windows-1251", sha256=sha256_hex(data),
                      body=data)
        return court.encode(), raw.to_bytes()


async def produce(bootstrap: str, pages: Pages, first: int, end: int) -> None:
    await ensure_topics(bootstrap)
    producer = make_producer(bootstrap, client_id="bench-parser-table")
    await producer.start()
    try:
        pending = []
        for i in range(first, end):
            key, value = pages.page(i)
            pending.append(await producer.send(TOPIC_RAW_PAGES, key=key, value=value))
            if len(pending) >= 500:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


class Rss(threading.Thread):
    """VmRSS (kB) of one process and of its children, every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.main: list[int] = []
        self.children: list[int] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.2):
            kb = status_kb(self.pid)
            if kb:
                self.main.append(kb)
                self.children.append(sum(status_kb(c) for c in descendants(self.pid)))

    def stop(self) -> None:
        self._halt.set()
        self.join()


def group_of(store: str) -> str:
    return f"bench-table-{store.removesuffix('://')}"


def spawn(stack: Stack, store: str) -> int:
    # No stall watch: a restart in the middle would be measured as the table's cost.
    start_parser(stack, group_of(store), {
        "DW_PARSER_GROUP": group_of(store), "DW_PARSER_STORE": store,
        "DW_STALL_TIMEOUT_S": "0", "DW_LOG_LEVEL": "WARNING"})
    return stack.procs[group_of(store)].pid


def drained(probe: KafkaProbe, stack: Stack, store: str, timeout: float = 900) -> None:
    name = group_of(store)

    def done(o: Offsets) -> bool:
        proc = stack.procs[name]
        if proc.poll() is not None:
            raise ChildProcessError(f"{name} exited ({proc.returncode}): see "
                                    f"{stack.log_path(name)}")
        return o.lag(name, TOPIC_RAW_PAGES) == 0

    probe.wait(done, timeout=timeout, interval=0.2, what=f"{name} drained")


class Worker:
    """A parser of one store, running while the table grows, its RSS sampled."""

    def __init__(self, stack: Stack, store: str) -> None:
        self.stack, self.store = stack, store
        self.probe = KafkaProbe(stack.bootstrap, ((group_of(store), TOPIC_RAW_PAGES),))
        self.rss = Rss(spawn(stack, store))
        self.rss.start()

    def settled_mb(self) -> int:
        """RSS (MB) once drained, after one more second idle."""
        drained(self.probe, self.stack, self.store)
        n = len(self.rss.main)
        self.probe.wait(lambda _: len(self.rss.main) >= n + 5, timeout=60, interval=0.2,
                        what="RSS samples")
        return self.rss.main[-1] // 1024

    def stop(self) -> tuple[int, int]:
        """Max RSS (MB) of the main process and of its children since it started."""
        self.rss.stop()
        self.stack.stop(group_of(self.store))
        return max(self.rss.main) // 1024, max(self.rss.children) // 1024


def restart(stack: Stack, store: str, pages: Pages, index: int) -> tuple[float, float, int]:
    """Spawn → first new case event, spawn → lag 0, after one new page; RSS (MB) then."""
    asyncio.run(produce(stack.bootstrap, pages, index, index + 1))
    probe = KafkaProbe(stack.bootstrap, ((group_of(store), TOPIC_RAW_PAGES),))
    before = probe.read().ends[TOPIC_CASE_EVENTS]
    t0 = time.monotonic()
    worker = Worker(stack, store)
    probe.wait(lambda o: o.ends[TOPIC_CASE_EVENTS] > before, timeout=900, interval=0.05,
               what="first event after the restart")
    first = time.monotonic() - t0
    drained(probe, stack, store)
    total = time.monotonic() - t0
    rss = worker.settled_mb()
    worker.stop()
    return first, total, rss


def disk_mb(stack: Stack, store: str) -> float:
    root = stack.workdir / "data" / group_of(store)
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,50000,200000", help="table sizes (cases) at "
                    "which restarts are timed")
    ap.add_argument("--step", type=int, default=10_000, help="cases produced at a time while "
                    "the table grows")
    ap.add_argument("--runs", type=int, default=3, help="restarts per store and size")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pages = Pages()
    stack = new_stack(Path(tempfile.mkdtemp(prefix="bench-parser-table-")))
    stack.start_broker()
    produced = 0  # pages
    series: dict[str, list[tuple[int, int]]] = {s: [] for s in STORES}
    t_start = time.monotonic()
    # Rows as they come: a long run cut short still reports the sizes it reached.
    print(f"parser case table, {ROWS}-case list pages ({len(pages.courts)} courts, "
          f"6 partitions), {args.step:,} new cases at a time; restarts: median of "
          f"{args.runs}")
    print()
    print("| cases | store | RSS, MB, drained | RSS max, MB | RSS after a restart, MB | "
          "parse process max, MB | on disk | restart: spawn → first event, s (runs) | "
          "spawn → lag 0, s |")
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    try:
        for size in sizes:
            workers = {store: Worker(stack, store) for store in STORES}
            while produced * ROWS < size:
                end = min(-(-size // ROWS), produced + max(1, args.step // ROWS))
                asyncio.run(produce(stack.bootstrap, pages, produced, end))
                produced = end
                for store, worker in workers.items():
                    series[store].append((produced * ROWS, worker.settled_mb()))
                print(f"{produced * ROWS:,} cases: RSS "
                      f"{', '.join(f'{s} {v[-1][1]} MB' for s, v in series.items())}",
                      file=sys.stderr, flush=True)
            peaks = {store: worker.stop() for store, worker in workers.items()}
            firsts: dict[str, list[float]] = {s: [] for s in STORES}
            totals: dict[str, list[float]] = {s: [] for s in STORES}
            after: dict[str, list[int]] = {s: [] for s in STORES}
            for _ in range(args.runs):
                for store in STORES:
                    first, total, rss = restart(stack, store, pages, produced)
                    produced += 1
                    firsts[store].append(first)
                    totals[store].append(total)
                    after[store].append(rss)
            for store in STORES:
                peak, child = peaks[store]
                disk = f"{disk_mb(stack, store):.0f} MB" if store == "rocksdb://" else "—"
                print(f"| {size:,} | {store} | {series[store][-1][1]} | {peak} | "
                      f"{statistics.median(after[store]):.0f} | {child} | {disk} | "
                      f"{statistics.median(firsts[store]):.2f} "
                      f"({', '.join(f'{x:.2f}' for x in firsts[store])}) | "
                      f"{statistics.median(totals[store]):.2f} |", flush=True)
            print(f"size {size:,} done at {time.monotonic() - t_start:.0f} s", file=sys.stderr,
                  flush=True)
    finally:
        kill_all(stack)
    print()
    print(f"wall {time.monotonic() - t_start:.0f} s")
    print()
    print("RSS (MB) of each store's parser, drained, as the table grew (cases: MB):")
    for store, points in series.items():
        print(f"  {store:11} " + ", ".join(f"{c // 1000}k: {mb}" for c, mb in points))


if __name__ == "__main__":
    main()
