"""The parser's case table as it grows: RSS and restart-to-ready time, rocksdb:// against
memory:// (the baseline), in the same run on the same raw records.

    .venv/bin/python bench/bench_parser_table.py [--sizes 10000,50000,200000] [--runs 3]

A private broker (launcher.stack.Stack, free ports). The raw topic is filled with list
pages of 25 cases each, every case new (the golden 25-row 2ЗОВС results page with fresh
case uids and numbers, spread over the first-instance military courts, so over every
partition). For each table size, in turn:

- growth: the pages up to that size are produced, then one parser per store (its own
  consumer group, so its own table and changelog) reads them until its lag is 0, alone on
  the machine; its main process's VmRSS is sampled every 0.2 s (max while reading, and at
  the end). The parse process (a child holding no table) is reported apart.
- restart: ``--runs`` times per store, interleaved: the parser is stopped (SIGTERM), one
  new page (25 new cases) is produced, and the parser is started again; timed from spawn
  until its first case event reaches the events topic (its agent starts only once the table
  is recovered), then until its lag is 0.

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

from bench.bench_pipeline import court_codes, rss_kb  # noqa: E402
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

    def _children(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def run(self) -> None:
        while not self._halt.wait(0.2):
            kb = rss_kb(self.pid)
            if kb:
                self.main.append(kb)
                self.children.append(sum(rss_kb(c) for c in self._children()))

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


def grow(stack: Stack, store: str) -> tuple[float, int, int, int]:
    """Seconds to drain, max and final RSS (MB) of the main process, max of its children."""
    probe = KafkaProbe(stack.bootstrap, ((group_of(store), TOPIC_RAW_PAGES),))
    t0 = time.monotonic()
    rss = Rss(spawn(stack, store))
    rss.start()
    drained(probe, stack, store)
    seconds = time.monotonic() - t0
    time.sleep(1.0)  # one more second of samples once idle: the settled figure
    rss.stop()
    stack.stop(group_of(store))
    return seconds, max(rss.main) // 1024, rss.main[-1] // 1024, max(rss.children) // 1024


def restart(stack: Stack, store: str, pages: Pages, index: int) -> tuple[float, float]:
    """Spawn → first new case event, spawn → lag 0, after one new page."""
    probe = KafkaProbe(stack.bootstrap, ((group_of(store), TOPIC_RAW_PAGES),))
    asyncio.run(produce(stack.bootstrap, pages, index, index + 1))
    before = probe.read().ends[TOPIC_CASE_EVENTS]
    t0 = time.monotonic()
    spawn(stack, store)
    probe.wait(lambda o: o.ends[TOPIC_CASE_EVENTS] > before, timeout=900, interval=0.05,
               what="first event after the restart")
    first = time.monotonic() - t0
    drained(probe, stack, store)
    total = time.monotonic() - t0
    stack.stop(group_of(store))
    return first, total


def disk_mb(stack: Stack, store: str) -> float:
    root = stack.workdir / "data" / group_of(store)
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,50000,200000", help="table sizes (cases)")
    ap.add_argument("--runs", type=int, default=3, help="restarts per store and size")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pages = Pages()
    stack = new_stack(Path(tempfile.mkdtemp(prefix="bench-parser-table-")))
    stack.start_broker()
    produced = 0  # pages
    rows: list[str] = []
    t_start = time.monotonic()
    try:
        for size in sizes:
            target = -(-size // ROWS)
            asyncio.run(produce(stack.bootstrap, pages, produced, max(produced, target)))
            new_pages = max(0, target - produced)
            produced = max(produced, target)
            grown = {store: grow(stack, store) for store in STORES}
            firsts: dict[str, list[float]] = {s: [] for s in STORES}
            totals: dict[str, list[float]] = {s: [] for s in STORES}
            for _ in range(args.runs):
                for store in STORES:
                    first, total = restart(stack, store, pages, produced)
                    produced += 1
                    firsts[store].append(first)
                    totals[store].append(total)
            for store in STORES:
                seconds, peak, end, child = grown[store]
                disk = f"{disk_mb(stack, store):.0f} MB" if store == "rocksdb://" else "—"
                rows.append(
                    f"| {size:,} | {store} | {peak} | {end} | {child} | {disk} | "
                    f"{statistics.median(firsts[store]):.2f} "
                    f"({', '.join(f'{x:.2f}' for x in firsts[store])}) | "
                    f"{statistics.median(totals[store]):.2f} | {new_pages / seconds:.0f} |")
            print(f"size {size:,} done at {time.monotonic() - t_start:.0f} s", file=sys.stderr,
                  flush=True)
    finally:
        kill_all(stack)
    wall = time.monotonic() - t_start
    print(f"parser case table, {ROWS}-case list pages ({len(pages.courts)} courts, "
          f"6 partitions), restarts: median of {args.runs}; wall {wall:.0f} s")
    print()
    print("| cases | store | RSS max while growing, MB | RSS at the end, MB | parse process "
          "max, MB | on disk | restart: spawn → first event, s (runs) | spawn → lag 0, s | "
          "growth: new pages/s incl. start-up |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
