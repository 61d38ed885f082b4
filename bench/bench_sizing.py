"""Past one machine, measured (issue 18, item 5): a simulated roster of 1,000+ courts, the
fetch, parse (1 and 2 workers on 6 partitions) and aggregate rates, and the storage a year
of dockets takes, as the basis for sizing a deployment over every sudrf court.

    .venv/bin/python bench/bench_sizing.py [--courts 1000] [--scale 1.0] [--end 2026-11-30]
        [--seed 1] [--workdir DIR]

The roster: the 111 military courts, then courts of the whole sudrf directory
(docketwatch/data/sudrf_websites.json, a copy of shared/reference's) until --courts, each
served by the simulator as a
first-instance criminal docket (garrison-type: the simulator's case mix is the military
courts', spread over every court by random weights). Steps, each timed:

1. the simulator builds and serves the corpus;
2. one fetcher pass with no politeness limit (DW_HOST_RATE_PER_S=0, 32 requests in flight):
   pages/s the machine fetches, and requests per court per pass (from the simulator's
   access log), which with the production politeness (1 request per 3 s per host) gives a
   court's pass time;
3. the parser: 1 worker, then 2 workers in one group on the raw topic's 6 partitions
   (pages/s from first progress to lag 0);
4. the aggregator, empty store, on the events the first parser run produced (events/s from
   spawn to lag 0);
5. storage: the raw and events topics on the broker's disk (the events topic measured after
   the first parser run, before the second produced its copies), and the store's directory,
   each per year of dockets (the corpus spans 2022-02-24 to --end).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_scaleout import measure  # noqa: E402
from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES  # noqa: E402
from docketwatch.roster import ROSTER  # noqa: E402
from docketwatch.settings import COUNT_SINCE  # noqa: E402
from launcher.stack import Stack, wait_until  # noqa: E402
from launcher.trials import KafkaProbe, new_stack  # noqa: E402
from services.simulator.courts import CSV_COLUMNS  # noqa: E402

DIRECTORY = ROOT / "docketwatch" / "data" / "sudrf_websites.json"  # the sudrf court directory
QUIET = {"DW_LOG_LEVEL": "WARNING"}
POLITE_GAP_S = 3.0  # the fetcher's default: DW_HOST_RATE_PER_S = 1/3


def roster(path: Path, directory: Path, courts: int) -> int:
    """The military roster, then directory courts up to ``courts``; returns the count."""
    with ROSTER.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    seen = {r["vnkod"] for r in rows}
    regions: dict[str, list[dict[str, Any]]] = json.loads(directory.read_text(encoding="utf-8"))
    for entries in regions.values():
        for e in entries:
            if len(rows) >= courts:
                break
            code = e["court_id"]
            if code in seen:
                continue
            seen.add(code)
            host = e.get("court_website", "").split("://")[-1].strip("/")
            rows.append({"vnkod": code, "type": "GV", "court_name": e["court_name"],
                         "seat_subject": "", "seat_region_code": code[:2],
                         "domain_dataout_2023_11": host, "srv_num": "1"})
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(CSV_COLUMNS))
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in CSV_COLUMNS})
    return len(rows)


def du(path: Path) -> int:
    """Bytes on disk (blocks, not sizes: Kafka preallocates its index files sparsely)."""
    if not path.exists():
        return 0
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


def topic_bytes(stack: Stack, topic: str) -> int:
    data = stack.workdir / "kafka"
    return sum(du(d) for d in data.rglob(f"{topic}-*") if d.is_dir())


def requests_per_court(log: Path) -> Counter[str]:
    """The simulator's access log (JSON lines; the in-memory one is bounded)."""
    with log.open(encoding="utf-8") as f:
        return Counter(c for c in (json.loads(line).get("court") for line in f) if c)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--courts", type=int, default=1000)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--end", default="2026-11-30")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--directory", type=Path, default=DIRECTORY)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-sizing-", dir="/tmp"))
    stack = new_stack(workdir)
    years = (date.fromisoformat(args.end) - COUNT_SINCE).days / 365.25
    out: dict[str, Any] = {}
    try:
        stack.start_broker()
        courts_csv = workdir / "roster.csv"
        out["courts"] = roster(courts_csv, args.directory, args.courts)
        t0 = time.monotonic()
        stack.start_simulator(seed=args.seed, as_of=args.end, scale=args.scale,
                              extra=["--end", args.end, "--courts-csv", str(courts_csv),
                                     "--access-log", str(workdir / "access.jsonl")])
        out["simulator_s"] = time.monotonic() - t0
        out["cases"] = len(stack.truth()["cases"])
        print(f"{out['courts']} courts, {out['cases']:,} cases, simulator up in "
              f"{out['simulator_s']:.0f} s", file=sys.stderr, flush=True)

        t0 = time.monotonic()
        stack.start_service("fetcher", {**QUIET, "DW_FETCH_END": args.end,
                                        "DW_FETCH_MODE": "once", "DW_HOST_RATE_PER_S": "0",
                                        "DW_MAX_CONCURRENCY": "32"})
        code = stack.wait_exit("fetcher", timeout=14400)
        out["crawl_s"] = time.monotonic() - t0
        if code != 0:
            raise RuntimeError(stack.log_path("fetcher").read_text(errors="replace")[-3000:])
        pages = KafkaProbe(stack.bootstrap).read().ends[TOPIC_RAW_PAGES]
        per_court = requests_per_court(workdir / "access.jsonl")
        out.update(pages=pages, requests=sum(per_court.values()),
                   per_court_p50=statistics.median(per_court.values()),
                   per_court_max=max(per_court.values()))
        print(f"crawl: {pages:,} pages in {out['crawl_s']:.0f} s", file=sys.stderr, flush=True)

        rates: dict[int, float] = {}
        for workers in (1, 2):
            run = measure(stack, workers, f"sizing-{workers}", pages)
            rates[workers] = run.steady
            print(f"parser, {workers} worker(s): {run}", file=sys.stderr, flush=True)
            if workers == 1:
                out["parser_cpu_ms"] = run.main_ms + run.pool_ms
                out["events"] = KafkaProbe(stack.bootstrap).read().ends[TOPIC_CASE_EVENTS]
                out["events_bytes"] = topic_bytes(stack, TOPIC_CASE_EVENTS)
        out["parser"] = rates

        group = "sizing-aggregator"
        probe = KafkaProbe(stack.bootstrap, ((group, TOPIC_CASE_EVENTS),))
        t0 = time.monotonic()
        stack.start_service("aggregator", {**QUIET, "DW_AGGREGATOR_GROUP": group})
        records = probe.read().ends[TOPIC_CASE_EVENTS]
        probe.wait(lambda o: stack.procs["aggregator"].poll() is not None
                   or o.lag(group, TOPIC_CASE_EVENTS) == 0, timeout=7200, interval=0.2,
                   what="aggregator drained")
        out["aggregator_s"] = time.monotonic() - t0
        out["aggregator_records"] = records
        wait_until(lambda: stack.sql("SELECT 1"), timeout=60, what="store")
        out["store_cases"] = stack.sql("SELECT count() FROM cases")[0][0]
        stack.stop("aggregator")  # flushed and closed: its directory's size is final
        out["raw_bytes"] = topic_bytes(stack, TOPIC_RAW_PAGES)
        out["store_bytes"] = du(workdir / "data")
    finally:
        stack.stop_all()

    mb = 1 << 20
    polite_pass_h = out["per_court_p50"] * POLITE_GAP_S / 3600
    print(f"\n### Sizing: {out['courts']:,} simulated courts, {out['cases']:,} cases "
          f"(scale {args.scale}, receipts {COUNT_SINCE} → {args.end}, {years:.2f} years); "
          f"{os.cpu_count()} cores, broker beside it\n")
    print("| stage | measured |")
    print("|---|---|")
    print(f"| simulator start (corpus built) | {out['simulator_s']:.0f} s |")
    print(f"| fetch, no politeness limit, 32 in flight | {out['requests']:,} requests in "
          f"{out['crawl_s']:.0f} s = **{out['requests'] / out['crawl_s']:,.0f} requests/s**; "
          f"{out['pages']:,} raw records (pages and window manifests) |")
    print(f"| requests per court, one full pass | p50 {out['per_court_p50']:.0f}, max "
          f"{out['per_court_max']:,} ({out['requests']:,} in all) |")
    print(f"| parser, 1 worker (6 partitions) | **{out['parser'][1]:,.0f} raw records/s** "
          f"({out['parser_cpu_ms']:.2f} CPU ms per record, worker and parse process) |")
    print(f"| parser, 2 workers (6 partitions) | **{out['parser'][2]:,.0f} raw records/s** "
          f"({out['parser'][2] / out['parser'][1]:.2f}×) |")
    print(f"| aggregator, empty store, {out['aggregator_records']:,} event records | "
          f"**{out['aggregator_records'] / out['aggregator_s']:,.0f} events/s** "
          f"(spawn → lag 0, {out['aggregator_s']:.0f} s); {out['store_cases']:,} cases |")
    print(f"| raw topic on disk | {out['raw_bytes'] / mb:,.0f} MB = "
          f"{out['raw_bytes'] / mb / years:,.0f} MB per year of dockets |")
    print(f"| events topic on disk ({out['events']:,} records, one parser run) | "
          f"{out['events_bytes'] / mb:,.0f} MB = {out['events_bytes'] / mb / years:,.0f} MB "
          "per year |")
    print(f"| store (chDB directory) | {out['store_bytes'] / mb:,.0f} MB = "
          f"{out['store_bytes'] / mb / years:,.0f} MB per year |")
    print(f"\nAt the production politeness (one request per {POLITE_GAP_S:.0f} s per court "
          f"host), a full backfill pass of a median court takes {polite_pass_h:.2f} h; courts "
          "run in parallel, so the backfill of every court takes about as long as the largest "
          f"court's ({out['per_court_max'] * POLITE_GAP_S / 3600:.1f} h here), given enough "
          "requests in flight (DW_MAX_CONCURRENCY).")
    print(f"\n`{' '.join(sys.argv)}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
