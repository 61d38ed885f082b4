"""Every service's memory over a long live run: does anything grow?

    .venv/bin/python bench/bench_soak.py [--minutes 10] [--live-speed 5] [--scale 0.02]
        [--courts 3] [--workdir DIR]

The production shape on a private broker: the simulator with a live clock (``--live-speed``
real seconds per simulated day, so new cases are received, decided and published while the
run lasts), the fetcher in live mode (receipt windows up to 2025-06-30, each court re-polled
every 10 s), the parser and the aggregator. VmRSS of every process (the broker's JVM too)
is sampled every 0.5 s for ``--minutes`` once the pipeline first caught up; the report
gives start / max / end per process and the slope over the second half (MB/min), with the
pages and events that went through meanwhile, so a flat line is known to be a busy one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pipeline import RssSampler, slope_mb_per_min  # noqa: E402

from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES  # noqa: E402
from launcher.trials import (  # noqa: E402
    AS_OF,
    KafkaProbe,
    kill_all,
    new_stack,
    start_aggregator,
    start_fetcher,
    start_parser,
    wait_drained,
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--live-speed", type=float, default=5.0,
                    help="real seconds per simulated day")
    ap.add_argument("--scale", type=float, default=0.02)
    ap.add_argument("--courts", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-soak-"))
    stack = new_stack(workdir)
    sampler = RssSampler()
    stack.start_broker()
    try:
        (stack.workdir / "data").mkdir(parents=True, exist_ok=True)
        stack.start_simulator(seed=11, as_of=AS_OF, scale=args.scale,
                              courts_limit=args.courts,
                              extra=["--live-speed", str(args.live_speed)])
        start_parser(stack)
        start_aggregator(stack, wait=False)
        # Receipt windows up to half a year past the clock's start, all re-polled each pass:
        # the cases the live clock brings in are collected while the run lasts.
        start_fetcher(stack, {"DW_FETCH_MODE": "live", "DW_LIVE_INTERVAL_S": "10",
                              "DW_FETCH_END": "2025-06-30", "DW_RECENT_DAYS": "400",
                              "DW_LIVE_BUDGET_PER_HOUR": "0"})
        t0 = time.monotonic()
        probe = KafkaProbe(stack.bootstrap)
        probe.wait(lambda o: o.ends.get(TOPIC_RAW_PAGES, 0) > 0, timeout=300,
                   what="first raw pages")
        wait_drained(stack, timeout=900)
        caught_up_s = time.monotonic() - t0
        before = probe.read()
        sampler.stack, sampler.phase = stack, "soak"
        sampler.start()
        time.sleep(args.minutes * 60)  # the run itself: the samples are what is measured
        sampler.stop()
        after = probe.read()
    finally:
        kill_all(stack)

    pages = after.ends[TOPIC_RAW_PAGES] - before.ends[TOPIC_RAW_PAGES]
    events = after.ends[TOPIC_CASE_EVENTS] - before.ends[TOPIC_CASE_EVENTS]
    print(f"\n### Soak: {args.minutes:g} min of live crawling, from the pipeline first "
          f"caught up ({caught_up_s:.0f} s after start; {args.courts} courts, scale "
          f"{args.scale}, clock {args.live_speed:g} s per simulated day): {pages} raw "
          f"pages and {events} case events went through\n")
    print("| process | start MB | max MB | end MB | slope, second half, MB/min | samples |")
    print("|---|---:|---:|---:|---:|---:|")
    for (_, name), series in sorted(sampler.samples.items()):
        kbs = [kb for _, kb in series]
        print(f"| {name} | {kbs[0] / 1024:,.0f} | {max(kbs) / 1024:,.0f} | "
              f"{kbs[-1] / 1024:,.0f} | {slope_mb_per_min(series):+.1f} | {len(kbs)} |")
    print(f"\n`{' '.join(sys.argv)}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
