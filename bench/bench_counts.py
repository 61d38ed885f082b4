"""Fault trial of the published counts: VNKOD courts and faulty sites, every view vs truth.

    .venv/bin/python bench/bench_counts.py [--seeds 1,2,3,4,5] [--scale 0.2]
        [--fault-rate 0.05] [--courts 0] [--workdir DIR]

Per seed: the court simulator with every fault kind at --fault-rate, the WAF, the VNKOD
interface on its 7 courts and 1 % of cases taken down (``--waf --vnkod-interface
--removal-rate 0.01``); one backfill of every court through the real pipeline (fetcher →
Kafka → parser → Kafka → aggregator → ClickHouse); then every case and every published
view compared with the simulator's truth (docketwatch/verify.py). Cases lost or shown
wrongly are split by cause: the court was reported blocked or failed, a window covering
the case was reported incomplete, or nothing reported it (must be 0).

Also the cost of checking windows against the site's counters (services/fetcher/
reconcile.py): its requests per court per pass, against the pass's own requests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from launcher.demo import drained  # noqa: E402
from launcher.stack import SERVICES, Stack, free_port, wait_until  # noqa: E402
from launcher.verify import Verification, table, verify  # noqa: E402

AS_OF = "2024-12-27"
FETCHER_ENV = {"DW_FETCH_END": AS_OF, "DW_FETCH_MODE": "once", "DW_HOST_RATE_PER_S": "0",
               "DW_MAX_CONCURRENCY": "32", "DW_REQUEST_TIMEOUT_S": "1.5",
               "DW_MAX_RETRIES": "8", "DW_BACKOFF_S": "0.1"}


def trial(workdir: Path, seed: int, args: argparse.Namespace
          ) -> tuple[Verification, dict[str, Any], float]:
    stack = Stack(workdir=workdir, kafka_port=free_port(), controller_port=free_port(),
                  simulator_port=free_port(), clickhouse_port=free_port(),
                  ops_ports={n: free_port() for n in SERVICES})
    stack.reset()
    stack.start_broker()
    try:
        t0 = time.monotonic()
        stack.start_simulator(seed=seed, as_of=AS_OF, scale=args.scale,
                              courts_limit=args.courts, extra=[
                                  "--fault-rate", str(args.fault_rate), "--waf",
                                  "--vnkod-interface", "--removal-rate", "0.01"])
        stack.start_service("parser")
        stack.start_service("aggregator")
        stack.start_service("fetcher", FETCHER_ENV)
        code = stack.wait_exit("fetcher", 3600)
        if code != 0:
            print(f"seed {seed}: fetcher exited {code}", file=sys.stderr)
        wait_until(lambda: drained(stack), timeout=1800, interval=1.0, what="drained")
        seconds = time.monotonic() - t0
        report = json.loads((workdir / "data" / "fetcher" / "last_pass.json").read_text())
        result = verify(stack.sql, stack.truth(), [report])
        return result, report, seconds
    finally:
        stack.stop_all()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="1,2,3,4,5")
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--fault-rate", type=float, default=0.05)
    ap.add_argument("--courts", type=int, default=0, help="first N courts, 0 = all 111")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-counts-"))
    rows: list[tuple[str, Verification]] = []
    cost: list[tuple[int, dict[str, Any]]] = []
    t0 = time.monotonic()
    for seed in (int(s) for s in args.seeds.split(",") if s):
        result, report, seconds = trial(workdir / f"seed-{seed}", seed, args)
        rows.append((f"seed {seed}", result))
        cost.append((seed, report))
        print(f"seed {seed}: {seconds:.0f} s, unreported {result.unreported}, "
              f"blocked {sorted(report['blocked'])}, failed {sorted(report['failed'])}, "
              f"incomplete windows {len(report['incomplete'])}"
              + (f"; e.g. {result.examples[:3]}" if result.examples else ""),
              file=sys.stderr, flush=True)

    courts = 111 if args.courts == 0 else args.courts
    print(f"### Published counts vs truth (scale {args.scale}, every fault at "
          f"{args.fault_rate:.0%}, WAF, VNKOD interface, 1 % removed; {courts} courts, "
          f"one backfill each)\n")
    print(table(rows))
    print("\nlost/wrong by cause: the court reported blocked or failed / a window covering "
          "the case reported incomplete / nothing reported it. View cells: deficits / "
          "surpluses summed over each view's cells.\n")
    print("### What the window check costs (requests per court per pass)\n")
    print("| seed | pass requests | of which the check | per court | check share "
          "| counter reads per court | incomplete windows |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for seed, r in cost:
        print(f"| {seed} | {r['pages']} | {r['check_pages']} | {r['check_pages'] / courts:.2f} "
              f"| {r['check_pages'] / max(1, r['pages']):.1%} | {r['controls'] / courts:.2f} "
              f"| {len(r['incomplete'])} |")
    med = statistics.median(r["check_pages"] / courts for _, r in cost)
    print(f"\nmedian: {med:.2f} extra requests per court per pass")
    print(f"\n`{' '.join(sys.argv)}` — {time.monotonic() - t0:.0f} s")
    return 0 if all(v.unreported == 0 for _, v in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
