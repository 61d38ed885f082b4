"""Parser throughput with one and with two workers in one consumer group.

    .venv/bin/python bench/bench_scaleout.py [--scale 0.05] [--courts 6] [--repeat 1]
        [--workers 1,2] [--compare DIR] [--workdir DIR]

The raw topic (6 partitions, the default) is filled first by one fetcher pass over the
simulated corpus, with no parser running. Then, for 1 and for 2 workers, parser processes
(``python -m services.parser``) are started under a consumer group of their own (a fresh
faust app id, so a fresh case table), and the group's lag on the raw topic is polled:

- steady pages/s: raw pages / (time lag reached 0 − time of the first committed progress),
  i.e. once every worker was assigned its partitions;
- incl. start-up: raw pages / (time lag reached 0 − time the processes were started).

Each worker is a separate process; on a machine with fewer cores than workers + broker the
second worker mostly competes for the same CPU, which the table states (cores).

``--compare DIR`` also runs the parser of another checkout (e.g. the code before a change,
``git archive <commit> | tar -x -C DIR``) on the same raw topic, interleaved with this one's
runs so that both see the same load on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docketwatch.contract import TOPIC_RAW_PAGES  # noqa: E402
from launcher.trials import (  # noqa: E402
    Corpus,
    KafkaProbe,
    kill_all,
    new_stack,
    start_corpus,
    start_fetcher,
    start_parser,
    wait_fetcher_done,
)


def measure(stack, workers: int, group: str, pages: int,  # type: ignore[no-untyped-def]
            tree: Path | None = None) -> tuple[float, float]:
    probe = KafkaProbe(stack.bootstrap, ((group, TOPIC_RAW_PAGES),))
    env = {"DW_PARSER_GROUP": group}
    if tree is not None:
        # no cwd on sys.path, the other checkout first: its services and docketwatch win
        env.update(PYTHONSAFEPATH="1", PYTHONPATH=str(tree.resolve()))
    t_start = time.monotonic()
    names = [f"{group}-w{i}" for i in range(workers)]
    for name in names:
        start_parser(stack, name, env)
    probe.wait(lambda o: o.committed[(group, TOPIC_RAW_PAGES)] > 0, timeout=300,
               interval=0.02, what="first progress")
    t_first = time.monotonic()
    probe.wait(lambda o: o.lag(group, TOPIC_RAW_PAGES) == 0, timeout=1800, interval=0.1,
               what="group drained")
    t_end = time.monotonic()
    for name in names:
        stack.stop(name)
    return pages / (t_end - t_first), pages / (t_end - t_start)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus-seed", type=int, default=11)
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--courts", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=1, help="measurements per worker count")
    ap.add_argument("--workers", default="1,2", help="worker counts to measure")
    ap.add_argument("--compare", type=Path, default=None, metavar="DIR",
                    help="also run this checkout's parser, interleaved")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    corpus = Corpus(args.corpus_seed, args.scale, args.courts)
    stack = new_stack(workdir)
    stack.start_broker()
    results: dict[int, list[tuple[float, float]]] = {w: [] for w in counts}
    compared: dict[int, list[tuple[float, float]]] = {w: [] for w in counts}
    try:
        start_corpus(stack, corpus)
        t0 = time.monotonic()
        start_fetcher(stack)
        wait_fetcher_done(stack)
        pages = KafkaProbe(stack.bootstrap).read().ends[TOPIC_RAW_PAGES]
        print(f"raw topic filled: {pages} pages in {time.monotonic() - t0:.0f} s",
              file=sys.stderr, flush=True)
        for r in range(args.repeat):
            for workers in counts:
                steady, total = measure(stack, workers, f"bench-scaleout-{workers}-{r}", pages)
                results[workers].append((steady, total))
                print(f"{workers} worker(s): {steady:.0f} pages/s steady, {total:.0f} incl. "
                      "start-up", file=sys.stderr, flush=True)
                if args.compare:
                    steady, total = measure(stack, workers, f"bench-scaleout-cmp-{workers}-{r}",
                                            pages, args.compare)
                    compared[workers].append((steady, total))
                    print(f"{workers} worker(s) of {args.compare}: {steady:.0f} pages/s "
                          f"steady, {total:.0f} incl. start-up", file=sys.stderr, flush=True)
    finally:
        kill_all(stack)

    print(f"\n### Parser scale-out ({pages} raw pages on 6 partitions; corpus seed "
          f"{corpus.seed}, scale {corpus.scale}, {corpus.courts_limit} courts; "
          f"{os.cpu_count()} cores)\n")
    print("| parser | workers | steady pages/s (runs) | pages/s incl. start-up | "
          "speed-up (steady) |")
    print("|---|---:|---:|---:|---:|")
    one = statistics.median(s for s, _ in results[counts[0]])
    for label, table in (("this checkout", results), (str(args.compare), compared)):
        for workers in counts:
            if not table[workers]:
                continue
            steady = statistics.median(s for s, _ in table[workers])
            total = statistics.median(t for _, t in table[workers])
            runs = ", ".join(f"{s:.0f}" for s, _ in table[workers])
            print(f"| {label} | {workers} | {steady:.0f} ({runs}) | {total:.0f} | "
                  f"{steady / one:.2f}× |")
    print(f"\n`{' '.join(sys.argv)}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
