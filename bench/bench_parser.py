"""In-process parse throughput of the sudrf parser on one core.

    .venv/bin/python bench/bench_parser.py [--runs 7] [--seconds 1.0]

Measures list pages/s for the real 25-row 2ЗОВС results page through the full entry point
(`parse_page`: encoding detection, classification, DOM, contract models) with warm caches
(the article/«Лица» caches hold, as in production where the same cells recur) and with the
caches cleared before every page (worst case), against a baseline of a raw selectolax
(lexbor) parse of the same bytes. Prints the median of several timed runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from docketwatch.contract import PageKind
from docketwatch.sudrf.articles import _parse_segment, parse_articles, persons_from_text
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=1.0)
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


if __name__ == "__main__":
    main()
