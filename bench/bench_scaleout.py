"""Parser throughput with one and with two workers in one consumer group.

    .venv/bin/python bench/bench_scaleout.py [--scale 0.05] [--courts 6] [--repeat 1]
        [--workers 1,2] [--compare DIR] [--workdir DIR]

The raw topic (6 partitions, the default) is filled first by one fetcher pass over the
simulated corpus, with no parser running. Then, for 1 and for 2 workers, parser processes
(``python -m services.parser``) are started under a consumer group of their own (a fresh
faust app id, so a fresh case table), and the group's lag on the raw topic is polled:

- steady pages/s: raw pages / (time lag reached 0 − time of the first committed progress),
  i.e. once every worker was assigned its partitions;
- incl. start-up: raw pages / (time lag reached 0 − time the processes were started);
- CPU ms per page, from /proc: the workers' own processes, their parse processes, and the
  broker's, from the first committed progress on. Their sum bounds what this machine can
  do, cores / CPU per page, as long as the broker shares the machine.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.procfs import cpu_seconds  # noqa: E402
from docketwatch.contract import TOPIC_RAW_PAGES  # noqa: E402
from launcher.supervise import descendants  # noqa: E402
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


@dataclass
class Run:
    steady: float  # pages/s
    total: float  # pages/s incl. start-up
    main_ms: float  # CPU ms per page: the workers' own processes
    pool_ms: float  # their parse processes
    broker_ms: float


def measure(stack, workers: int, group: str, pages: int,  # type: ignore[no-untyped-def]
            tree: Path | None = None) -> Run:
    probe = KafkaProbe(stack.bootstrap, ((group, TOPIC_RAW_PAGES),))
    env = {"DW_PARSER_GROUP": group}
    if tree is not None:
        # no cwd on sys.path, the other checkout first: its services and docketwatch win
        env.update(PYTHONSAFEPATH="1", PYTHONPATH=str(tree.resolve()))
    broker = stack.broker_pid() or 0
    t_start = time.monotonic()
    names = [f"{group}-w{i}" for i in range(workers)]
    for name in names:
        start_parser(stack, name, env)
    probe.wait(lambda o: o.committed[(group, TOPIC_RAW_PAGES)] > 0, timeout=300,
               interval=0.02, what="first progress")
    t_first = time.monotonic()
    pids = [stack.procs[name].pid for name in names]
    cpu_first = _cpu(pids, broker)
    probe.wait(lambda o: o.lag(group, TOPIC_RAW_PAGES) == 0, timeout=1800, interval=0.1,
               what="group drained")
    t_end = time.monotonic()
    main, pool, broker_cpu = (b - a for a, b in zip(cpu_first, _cpu(pids, broker), strict=True))
    for name in names:
        stack.stop(name)
    # Like the steady rate, from the first committed progress (start-up's imports left out).
    return Run(pages / (t_end - t_first), pages / (t_end - t_start), 1e3 * main / pages,
               1e3 * pool / pages, 1e3 * broker_cpu / pages)


def _cpu(pids: list[int], broker: int) -> tuple[float, float, float]:
    """CPU seconds so far of the workers, of their parse processes, of the broker."""
    return (sum(cpu_seconds(pid) for pid in pids),
            sum(cpu_seconds(c) for pid in pids for c in descendants(pid)),
            cpu_seconds(broker))


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
    results: dict[int, list[Run]] = {w: [] for w in counts}
    compared: dict[int, list[Run]] = {w: [] for w in counts}
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
                run = measure(stack, workers, f"bench-scaleout-{workers}-{r}", pages)
                results[workers].append(run)
                print(f"{workers} worker(s): {run}", file=sys.stderr, flush=True)
                if args.compare:
                    run = measure(stack, workers, f"bench-scaleout-cmp-{workers}-{r}", pages,
                                  args.compare)
                    compared[workers].append(run)
                    print(f"{workers} worker(s) of {args.compare}: {run}", file=sys.stderr,
                          flush=True)
    finally:
        kill_all(stack)

    print(f"\n### Parser scale-out ({pages} raw pages on 6 partitions; corpus seed "
          f"{corpus.seed}, scale {corpus.scale}, {corpus.courts_limit} courts; "
          f"{os.cpu_count()} cores)\n")
    print("| parser | workers | steady pages/s (runs) | pages/s incl. start-up | "
          "speed-up (steady) | CPU ms per page: worker + parse processes + broker | "
          "cores ÷ CPU per page |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    one = statistics.median(r.steady for r in results[counts[0]])
    cores = os.cpu_count() or 1
    for label, table in (("this checkout", results), (str(args.compare), compared)):
        for workers in counts:
            runs = table[workers]
            if not runs:
                continue
            steady = statistics.median(r.steady for r in runs)
            main, pool, broker = (statistics.median(getattr(r, f) for r in runs)
                                  for f in ("main_ms", "pool_ms", "broker_ms"))
            listed = ", ".join(f"{r.steady:.0f}" for r in runs)
            print(f"| {label} | {workers} | {steady:.0f} ({listed}) | "
                  f"{statistics.median(r.total for r in runs):.0f} | {steady / one:.2f}× | "
                  f"{main:.2f} + {pool:.2f} + {broker:.2f} = {main + pool + broker:.2f} | "
                  f"{1e3 * cores / (main + pool + broker):.0f} pages/s |")
    print(f"\n`{' '.join(sys.argv)}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
