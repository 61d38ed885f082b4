"""How long the aggregator takes from spawn to its first insert: on a fresh store, and when
it restarts on the store it left (what a restart after an upgrade or a crash costs).

    .venv/bin/python bench/bench_startup.py [--runs 5] [--events 2000]

A private broker (launcher.stack.Stack, free ports). Run 0 starts the aggregator on a fresh
data directory (store created and migrated); each later run first produces --events new
events, then starts the aggregator again on the same directory and group after a graceful
stop. Timed from spawn until /health reports the first events written. After a kill -9 the
group also waits for the dead member's session to expire: that is recovery, measured by
bench/bench_faults.py.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_pipeline import health, make_events, new_stack, payloads, produce  # noqa: E402
from launcher.stack import Stack  # noqa: E402


def first_insert_s(stack: Stack, n: int) -> float:
    t0 = time.monotonic()
    stack.start_service("aggregator", {"DW_LOG_LEVEL": "WARNING"})
    first: float | None = None
    deadline = t0 + 300
    while time.monotonic() < deadline:
        try:
            written = int(health(stack)["events_written"])
        except Exception:  # not answering yet
            written = 0
        if written and first is None:
            first = time.monotonic() - t0
        if written >= n and first is not None:
            stack.stop("aggregator")
            return first
        time.sleep(0.02)
    raise TimeoutError("the aggregator did not write its events")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="restarts after the fresh start")
    ap.add_argument("--events", type=int, default=2000, help="new events before each start")
    args = ap.parse_args()
    stack = new_stack("startup")
    stack.start_broker()
    try:
        fresh = 0.0
        restarts: list[float] = []
        for run in range(args.runs + 1):
            records = payloads(make_events(args.events, tag=f"s{run}", seed=run))
            asyncio.run(produce(stack.bootstrap, records))
            seconds = first_insert_s(stack, args.events)
            if run == 0:
                fresh = seconds
            else:
                restarts.append(seconds)
    finally:
        stack.stop_all()
    print("## bench_startup\n")
    print(f"`.venv/bin/python bench/bench_startup.py --runs {args.runs} "
          f"--events {args.events}`\n")
    print("| start | spawn → first insert, s |\n|---|---:|")
    print(f"| fresh store (created and migrated) | {fresh:.2f} |")
    print(f"| restart on its own store, median of {len(restarts)} | "
          f"{statistics.median(restarts):.2f} ({', '.join(f'{s:.2f}' for s in restarts)}) |")


if __name__ == "__main__":
    main()
