"""Fetcher throughput with no politeness limit, against the simulator, and its peak RSS.

    .venv/bin/python bench/bench_fetcher.py [--scale 0.05] [--courts 0] [--runs 3]

A broker and the simulator run on free ports (launcher.stack.Stack); each run is a
fresh fetcher process with a fresh state dir doing one full pass (lists and cards) of every
simulated court, published to Kafka with acks=all. pages/s = pages fetched (and published)
over the pass's own duration; RSS is the process's VmHWM from /proc. Medians over runs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.procfs import cpu_seconds, status_kb  # noqa: E402
from launcher.stack import Stack, free_port  # noqa: E402

_LINE = re.compile(r"fetcher pass: (\d+) pages fetched, (\d+) published, .* in ([\d.]+) s")


def one_run(stack: Stack, n: int, concurrency: int) -> dict[str, float]:
    log = stack.log_path("fetcher")
    before = log.read_text() if log.exists() else ""
    proc = stack.start_service("fetcher", {
        "DW_FETCH_END": "2024-12-27", "DW_FETCH_MODE": "once", "DW_HOST_RATE_PER_S": "0",
        "DW_MAX_CONCURRENCY": str(concurrency), "DW_LOG_LEVEL": "WARNING",
        "DW_STATE_DIR": str(stack.workdir / f"state{n}")})
    hwm, cpu, sim_cpu0 = 0, 0.0, cpu_seconds(stack.procs["simulator"].pid)
    while proc.poll() is None:
        hwm = max(hwm, status_kb(proc.pid, "VmHWM"))
        cpu = max(cpu, cpu_seconds(proc.pid))
        time.sleep(0.1)
    sim_cpu = cpu_seconds(stack.procs["simulator"].pid) - sim_cpu0
    out = log.read_text()[len(before):]
    m = _LINE.search(out)
    if proc.returncode != 0 or m is None:
        raise RuntimeError(f"fetcher failed ({proc.returncode}):\n{out[-3000:]}")
    pages, published, seconds = int(m[1]), int(m[2]), float(m[3])
    return {"pages": pages, "published": published, "seconds": seconds,
            "pages_s": pages / seconds, "published_s": published / seconds, "rss_mb": hwm / 1024,
            "cpu_s": cpu, "sim_cpu_s": sim_cpu}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--courts", type=int, default=0, help="first N courts, 0 = all 111")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=64)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-fetcher-") as tmp:
        stack = Stack(workdir=Path(tmp), kafka_port=free_port(), controller_port=free_port(),
                      simulator_port=free_port(), clickhouse_port=free_port(),
                      ops_ports={s: free_port() for s in ("fetcher", "parser", "aggregator")})
        stack.start_broker()
        try:
            stack.start_simulator(seed=1, scale=args.scale, courts_limit=args.courts)
            runs = [one_run(stack, n, args.concurrency) for n in range(args.runs)]
        finally:
            stack.stop_all()
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"\nfetcher, no politeness limit, simulator scale {args.scale}, "
          f"{args.courts or 111} courts, concurrency {args.concurrency}, "
          f"median of {args.runs} runs\n")
    print("| pages/pass | published/pass | seconds | pages/s | published/s | peak RSS (MB) "
          "| fetcher CPU s | pages per fetcher CPU-s | simulator CPU s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {med['pages']:.0f} | {med['published']:.0f} | {med['seconds']:.1f} | "
          f"{med['pages_s']:.0f} | {med['published_s']:.0f} | {med['rss_mb']:.0f} "
          f"| {med['cpu_s']:.1f} | {med['pages'] / med['cpu_s']:.0f} | {med['sim_cpu_s']:.1f} |")
    print(f"\nload average at the end: {Path('/proc/loadavg').read_text().split()[:3]}, "
          f"{len(__import__('os').sched_getaffinity(0))} CPUs")


if __name__ == "__main__":
    main()
