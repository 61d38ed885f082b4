"""In-process parse throughput of the sudrf parser on one core.

    .venv/bin/python bench/bench_parser.py [--runs 7] [--seconds 1.0] [--no-pool]

Measures list pages/s for the real 25-row 2ЗОВС results page through the full entry point
(`parse_page`: encoding detection, classification, DOM, contract models) with warm caches
(the article/«Лица» caches hold, as in production where the same cells recur) and with the
caches cleared before every page (worst case), against a baseline of a raw selectolax
(lexbor) parse of the same bytes. Prints the median of several timed runs.

Then the same page through the parse pool as the parser service uses it
(docketwatch.parse_pool: one child process, pages handed over ahead, the ParsedPage sent
back), in CPU time per page: the service's own process (the hand-over: what is left on the
worker's event loop) and the child (the parse and its side of the hand-over), from
/proc, so that other work on the machine does not count. The sum against parse_page's is
what isolation costs; the service's part against parse_page's is what it saves the loop.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's code

from bench.procfs import cpu_seconds
from docketwatch.contract import PageKind
from docketwatch.parse_pool import ParsePool, ParseRequest
from docketwatch.sudrf.articles import (
    _parse_segment,
    parse_articles,
    persons_from_text,
)
from docketwatch.sudrf.parse import PARSER_VERSION, parse_page

PAGE = (
    Path(__file__).resolve().parent.parent
    / "tests/golden/sudrf/2zovs_search_r_criminal1inst_article205.1_page1.excerpt.cp1251.html"
)


def pages_per_second(fn: Callable[[], object], seconds: float) -> float:
    """Calls per CPU-second over one run of about ``seconds`` of this process's CPU time.

    CPU time rather than wall time, because the bench shares the machine with the broker
    and other services: time spent waiting for the core is not the parser's cost. Batches
    keep clock reads negligible.
    """
    n = 0
    start = time.process_time()
    deadline = start + seconds
    while True:
        for _ in range(50):
            fn()
        n += 50
        now = time.process_time()
        if now >= deadline:
            return n / (now - start)


def median_rate(fn: Callable[[], object], runs: int, seconds: float) -> float:
    fn()  # warm-up (imports, caches, allocator)
    return statistics.median(pages_per_second(fn, seconds) for _ in range(runs))


def pool_costs(data: bytes, runs: int, seconds: float) -> tuple[float, float]:
    """(the service's CPU ms per page, the child's) through a one-process parse pool,
    medians of ``runs`` runs of about ``seconds`` of the service's CPU each."""
    import asyncio

    async def go() -> tuple[float, float]:
        pool = ParsePool(1, 5.0)
        await pool.start()
        (child,) = pool.pids()
        assert child is not None
        request = ParseRequest(data, PageKind.LIST, "77OV0000")
        try:
            await pool.parse(request)  # warm-up
            mine, theirs = [], []
            for _ in range(runs):
                n, c0, k0 = 0, time.process_time(), cpu_seconds(child)
                while cpu_seconds(os.getpid()) - c0 < seconds or n < 2000:
                    stream = pool.stream([request] * 200)
                    for i in range(200):
                        outcome = await stream.outcome(i)
                        assert outcome.parsed is not None
                    n += 200
                mine.append(1e3 * (time.process_time() - c0) / n)
                theirs.append(1e3 * (cpu_seconds(child) - k0) / n)
            return statistics.median(mine), statistics.median(theirs)
        finally:
            await pool.close()

    return asyncio.run(go())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--no-pool", action="store_true", help="skip the parse-pool figures")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    data = PAGE.read_bytes()
    parsed = parse_page(data, PageKind.LIST, "77OV0000")
    assert parsed.result_list is not None and len(parsed.result_list.rows) == 25

    def baseline() -> object:
        return LexborHTMLParser(data).css_first("table#tablcont")

    def warm() -> object:
        return parse_page(data, PageKind.LIST, "77OV0000")

    def cold() -> object:
        parse_articles.cache_clear()
        persons_from_text.cache_clear()
        _parse_segment.cache_clear()
        return parse_page(data, PageKind.LIST, "77OV0000")

    base = median_rate(baseline, args.runs, args.seconds)
    w = median_rate(warm, args.runs, args.seconds)
    c = median_rate(cold, args.runs, args.seconds)
    print(f"parser {PARSER_VERSION}; page {PAGE.name} ({len(data)} bytes, 25 rows)")
    print(f"median of {args.runs} runs x {args.seconds:.1f} CPU-s, pinned to one core")
    print(f"  baseline raw selectolax parse : {base:8.0f} pages/s ({1e3 / base:.3f} ms/page)")
    print(f"  parse_page, warm caches       : {w:8.0f} pages/s ({1e3 / w:.3f} ms/page)")
    print(f"  parse_page, caches cleared    : {c:8.0f} pages/s ({1e3 / c:.3f} ms/page)")
    print(f"  parser cost over baseline     : {w / base:.2f}x of baseline throughput")
    if not args.no_pool and Path("/proc/self/stat").exists():
        mine, theirs = pool_costs(data, args.runs, args.seconds)
        print(f"  through the parse pool        : {1e3 / (mine + theirs):8.0f} pages/s "
              f"({mine + theirs:.3f} ms/page: the service {mine:.3f}, its parse process "
              f"{theirs:.3f})")


if __name__ == "__main__":
    main()
