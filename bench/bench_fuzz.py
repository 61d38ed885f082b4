"""Fuzzed pages: no exception but ParseError in-process, and every bad page dead-lettered by
the parser service.

    .venv/bin/python bench/bench_fuzz.py [--mutations 100000] [--service-pages 3000]
        [--seed 1] [--workdir DIR]

1. In-process: ``--mutations`` pages, each a real golden page (tests/golden/sudrf) with 1–6
   stacked byte-level mutations (tests/sudrf/mutations.py: truncation, byte flips, slice
   deletion, duplication, markup injection), parsed as the kind it was fetched as. Counts
   outcomes; an InternalParserError (an exception the parser did not expect) is a crash.
2. Through the service: the first ``--service-pages`` of the same mutated pages are
   published as RawPages to a real broker with one parser worker. When it has drained, the
   dead-letter topic must hold exactly the pages that raised ParseError in step 1, and the
   worker must still be alive.

Prints a markdown table; exits 1 if either check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docketwatch.contract import (  # noqa: E402
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    PageKind,
    PageState,
    RawPage,
    sha256_hex,
)
from docketwatch.kafka import ensure_topics, make_producer  # noqa: E402
from docketwatch.sudrf.parse import InternalParserError, ParseError, parse_page  # noqa: E402
from launcher.golden import GOLDEN_DIR, court_code, fixture_kind  # noqa: E402
from launcher.mutations import mutate  # noqa: E402
from launcher.stack import wait_until  # noqa: E402
from launcher.trials import (  # noqa: E402
    PARSER_GROUP,
    KafkaProbe,
    kill_all,
    new_stack,
    start_parser,
)

Page = tuple[str, PageKind, str, bytes]  # fixture name, kind, court, mutated bytes


def mutated_pages(seed: int, n: int) -> Iterator[Page]:
    fixtures = {p.name: p.read_bytes() for p in sorted(GOLDEN_DIR.glob("*.html"))}
    names = sorted(fixtures)
    rng = random.Random(seed)
    for _ in range(n):
        name = rng.choice(names)
        data = fixtures[name]
        for _ in range(rng.randint(1, 6)):
            data = mutate(rng, data)
        yield name, fixture_kind(name), court_code(name), data


def outcome(page: Page) -> str:
    _, kind, court, data = page
    try:
        parsed = parse_page(data, kind, court)
    except InternalParserError:
        return "CRASH"
    except ParseError as exc:
        return f"dead letter ({type(exc).__name__})"
    return f"read ({parsed.state.value})"


def in_process(seed: int, n: int) -> tuple[Counter[str], float]:
    t0 = time.perf_counter()
    counts: Counter[str] = Counter(outcome(p) for p in mutated_pages(seed, n))
    return counts, time.perf_counter() - t0


def raw_page(i: int, page: Page) -> RawPage:
    name, kind, court, data = page
    url = f"http://fuzz.invalid/{name}?n={i}"
    return RawPage(page_id=sha256_hex(url.encode()), court_code=court, url=url,
                   params={}, kind=kind, fetched_at=datetime.now(UTC), http_status=200,
                   state=PageState.OK, charset=None, sha256=sha256_hex(data), body=data)


async def publish(bootstrap: str, pages: list[Page]) -> None:
    producer = make_producer(bootstrap, client_id="bench-fuzz")
    await producer.start()
    try:
        futures = [await producer.send(TOPIC_RAW_PAGES, raw_page(i, p).to_bytes(),
                                       key=p[2].encode()) for i, p in enumerate(pages)]
        for fut in futures:
            await fut
    finally:
        await producer.stop()


def through_service(seed: int, n: int, workdir: Path) -> dict[str, object]:
    pages = list(mutated_pages(seed, n))
    expected = sum(1 for p in pages if outcome(p).startswith("dead letter"))
    stack = new_stack(workdir)
    try:
        stack.start_broker()
        asyncio.run(ensure_topics(stack.bootstrap, 6, 6))
        asyncio.run(publish(stack.bootstrap, pages))
        t0 = time.monotonic()
        start_parser(stack)
        # (no group reads the dead letters here: listed for their end offset)
        probe = KafkaProbe(stack.bootstrap, groups=((PARSER_GROUP, TOPIC_RAW_PAGES),
                                                    ("bench-fuzz", TOPIC_DEAD_LETTERS)))

        def drained() -> bool:
            if stack.procs["parser"].poll() is not None:
                raise ChildProcessError("the parser exited")
            return probe.read().lag(PARSER_GROUP, TOPIC_RAW_PAGES) == 0

        wait_until(drained, timeout=1800, interval=0.5, what="parser drained")
        seconds = time.monotonic() - t0
        dead = probe.read().ends[TOPIC_DEAD_LETTERS]
        alive = stack.procs["parser"].poll() is None
        return {"pages": n, "expected_dead_letters": expected, "dead_letters": dead,
                "alive": alive, "seconds": seconds}
    finally:
        kill_all(stack)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mutations", type=int, default=100_000)
    ap.add_argument("--service-pages", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args()

    counts, seconds = in_process(args.seed, args.mutations)
    print(f"### In-process: {args.mutations:,} mutated pages in {seconds:.0f} s "
          f"({args.mutations / seconds:,.0f} pages/s)\n")
    print("| outcome | pages |\n|---|---:|")
    for what, n in sorted(counts.items()):
        print(f"| {what} | {n:,} |")
    crashes = counts.get("CRASH", 0)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-fuzz-"))
    svc = through_service(args.seed, args.service_pages, workdir)
    print(f"\n### Through the parser service: {svc['pages']:,} of the same pages\n")
    print("| dead letters expected | dead letters | worker alive | seconds |\n|---:|---:|---|---:|")
    print(f"| {svc['expected_dead_letters']:,} | {svc['dead_letters']:,} | "
          f"{'yes' if svc['alive'] else 'NO'} | {float(str(svc['seconds'])):.0f} |")
    ok = (crashes == 0 and svc["alive"] is True
          and svc["dead_letters"] == svc["expected_dead_letters"])
    print(f"\n{'PASS' if ok else 'FAIL'}: {crashes} crashes in-process; "
          f"service dead letters {'equal' if ok else 'vs'} the pages that do not parse")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
