"""The live monitor as a user runs it, for a long while: ``docketwatch up --simulator``.

    .venv/bin/python bench/bench_up_soak.py [--minutes 30] [--scale 1.0] [--courts 0]
        [--live-speed 20] [--every 10] [--workdir DIR]

``up --simulator`` on free ports with its own state dir: the whole monitor under supervisord
(the broker, the simulator with a live clock, the aggregator, the parser, the alerts service,
the dashboard and the fetcher in live mode), with ``up``'s defaults for everything else (the
fetcher re-polls each court every 30 s). Once the first pass of every court (the backfill)
is drained, every ``--every`` seconds for ``--minutes``: each program's RSS (with its
children: the parser's parse process), its state and restarts as ``docketwatch status``
reads them from supervisord, the consumer lag, and freshness (the age of the newest case
event in the store, and of the stalest court's last fetch). At the end the sites' clock is
held, every court polled twice more, the pipeline drained, and the store compared with the
simulator's truth at that date; then ``docketwatch down``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.procfs import tree_rss_kb  # noqa: E402
from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES  # noqa: E402
from docketwatch.kafka import consumer_lag  # noqa: E402
from docketwatch.reader import Reader, ReaderSettings  # noqa: E402
from docketwatch.settings import AGGREGATOR_GROUP, PARSER_GROUP  # noqa: E402
from launcher import supervise as sv  # noqa: E402
from launcher.stack import SERVICES, free_port, wait_until  # noqa: E402
from launcher.verify import verify  # noqa: E402


def http(url: str, body: dict[str, Any] | None = None) -> Any:
    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                 method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as resp:
        return json.loads(resp.read())


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def slope_mb_per_min(series: list[tuple[float, int]]) -> float:
    half = series[len(series) // 2:]
    if len(half) < 2:
        return 0.0
    xs = [t / 60 for t, _ in half]
    ys = [kb / 1024 for _, kb in half]
    return float(statistics.linear_regression(xs, ys).slope)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--courts", type=int, default=0, help="first N courts (0 = all 111)")
    ap.add_argument("--live-speed", type=float, default=20.0,
                    help="real seconds per simulated day")
    ap.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-up-soak-"))
    state = workdir / "up"
    ports = {n: free_port() for n in (*SERVICES, "kafka", "controller", "simulator", "ch")}
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DW_", "KAFKA_"))},
           "DW_UP_DIR": str(state), "KAFKA_PORT": str(ports["kafka"]),
           "KAFKA_CONTROLLER_PORT": str(ports["controller"]),
           "DW_SIMULATOR_PORT": str(ports["simulator"]),
           "DW_CLICKHOUSE_HTTP_PORT": str(ports["ch"]),
           **{f"DW_{n.upper()}_OPS_PORT": str(ports[n])
              for n in ("fetcher", "parser", "aggregator", "alerts")},
           "DW_DASHBOARD_PORT": str(ports["dashboard"])}
    bootstrap = f"127.0.0.1:{ports['kafka']}"
    sim = f"http://127.0.0.1:{ports['simulator']}"
    as_of = sv.SIM_AS_OF

    def cli(*a: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "launcher.cli", *a], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout)

    def drained() -> bool:
        async def lags() -> tuple[int, int]:
            return (await consumer_lag(bootstrap, PARSER_GROUP, TOPIC_RAW_PAGES),
                    await consumer_lag(bootstrap, AGGREGATOR_GROUP, TOPIC_CASE_EVENTS))
        return asyncio.run(lags()) == (0, 0)

    t0 = time.monotonic()
    # The corpus must outlast the run (the fetcher's windows end where it does): the catch-up
    # (minutes on a busy machine), the soak and the final passes, with room to spare.
    days = math.ceil((args.minutes + 15) * 60 / args.live_speed)
    got = cli("up", "--simulator", "--scale", str(args.scale), "--courts-limit",
              str(args.courts), "--live-speed", str(args.live_speed), "--as-of",
              as_of.isoformat(), "--days", str(days))
    up_s = time.monotonic() - t0
    if got.returncode != 0:
        print(got.stdout, got.stderr, file=sys.stderr)
        cli("down")
        return 1
    sup = sv.Supervisord(state)
    reader = Reader(ReaderSettings(clickhouse_url=f"http://127.0.0.1:{ports['ch']}"))
    log = state / "logs" / "fetcher.log"

    def passes() -> Counter[str]:
        return Counter(line.split(" live pass: ")[0].rsplit(" ", 1)[-1]
                       for line in log.read_text(encoding="utf-8").splitlines()
                       if " live pass: " in line)

    rss: dict[str, list[tuple[float, int]]] = {}  # program -> (seconds into the soak, kB)
    catch_up_peak: dict[str, int] = {}
    fresh_event: list[float] = []
    fresh_fetch: list[float] = []
    lags: list[int] = []
    result = None
    try:
        courts = sorted(http(f"{sim}/_sim/truth?as_of={as_of.isoformat()}")["courts"])

        def sample(into: dict[str, list[tuple[float, int]]] | None, at: float) -> None:
            for name, info in sup.processes().items():
                if info["pid"]:
                    kb = tree_rss_kb(info["pid"])
                    catch_up_peak[name] = max(catch_up_peak.get(name, 0), kb)
                    if into is not None:
                        into.setdefault(name, []).append((at, kb))

        # -- catching up: the first pass of every court (the backfill), drained
        def caught_up() -> bool:
            sample(None, 0)
            got = passes()
            return all(got[c] >= 1 for c in courts) and drained()

        wait_until(caught_up, timeout=3600, interval=args.every, what="first pass drained")
        caught_up_s = time.monotonic() - t0
        first_pass_cases = reader.rows("SELECT count() FROM cases")[0][0]
        # -- the soak itself
        start = time.monotonic()
        while (now := time.monotonic()) - start < args.minutes * 60:
            sample(rss, now - start)
            status = sv.collect_status(state)
            if "error" not in status["lag"]:
                lags.append(status["lag"]["parser"] + status["lag"]["aggregator"])
            store = status["store"]
            if "error" not in store:
                if store.get("newest_event_age_s") is not None:
                    fresh_event.append(store["newest_event_age_s"])
                if store.get("stalest_fetch_age_s") is not None:
                    fresh_fetch.append(store["stalest_fetch_age_s"])
            time.sleep(max(0.0, args.every - (time.monotonic() - now)))  # the sampling pace
        ran_min = (time.monotonic() - start) / 60
        during = sv.collect_status(state)
        # -- the end: hold the clock, poll every court twice more, drain, compare
        before = passes()
        today = date.fromisoformat(http(f"{sim}/_sim/clock")["as_of"])
        held = today + timedelta(days=1)
        http(f"{sim}/_sim/clock", {"as_of": held.isoformat(), "live": False})
        wait_until(lambda: all(passes()[c] >= before[c] + 2 for c in courts), timeout=1800,
                   interval=1, what="two more passes of every court")
        wait_until(drained, timeout=1800, interval=1, what="drained")
        truth = http(f"{sim}/_sim/truth?as_of={held.isoformat()}")
        start_cases = len(http(f"{sim}/_sim/truth?as_of={as_of.isoformat()}")["cases"])
        result = verify(lambda q, p: reader.rows(q, p), truth)
    finally:
        reader.close()
        t1 = time.monotonic()
        stopped = cli("down")
        down_s = time.monotonic() - t1

    print(f"\n### `docketwatch up --simulator`: {ran_min:.1f} min of live monitoring after "
          f"catching up ({len(courts)} courts, scale {args.scale}, clock {args.live_speed:g} s "
          f"per simulated day from {as_of}, cases received up to "
          f"{as_of + timedelta(days=days)}; sampled every {args.every:g} s)\n")
    print(f"- `up` returned (every service RUNNING) after {up_s:.1f} s; the first pass of "
          f"every court was in the store, drained, {caught_up_s:.0f} s after `up` began "
          f"({first_pass_cases} cases)")
    print(f"- the sites' clock went from {as_of} to {held} (held there at the end): "
          f"{start_cases} -> {len(truth['cases'])} cases; after two more passes of every court "
          "the store " + ("**equals the simulator's truth exactly**" if result.exact else
                         f"DIFFERS from the truth: lost {dict(result.lost)}, wrong "
                         f"{dict(result.wrong)}, extra {result.extra}; e.g. "
                         + "; ".join(result.examples[:3])))
    print("- during the soak: consumer lag (parser + aggregator) "
          + (f"p50 {pct(lags, 0.5):.0f}, max {max(lags)} records" if lags else "—")
          + "; freshness: newest case event "
          + (f"p50 {pct(fresh_event, 0.5):.0f} s, p95 {pct(fresh_event, 0.95):.0f} s, max "
             f"{max(fresh_event):.0f} s old" if fresh_event else "—")
          + "; stalest court fetch "
          + (f"p50 {pct(fresh_fetch, 0.5):.0f} s, max {max(fresh_fetch):.0f} s old"
             if fresh_fetch else "—"))
    print(f"- `down` took {down_s:.1f} s (exit {stopped.returncode}): "
          + "; ".join(line.strip() for line in stopped.stdout.splitlines()
                      if "stopped in" in line))
    print("\n| program | state | restarts | peak MB while catching up | soak start MB "
          "| max MB | end MB | slope, second half, MB/min |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name in sv.PROGRAMS:
        series = rss.get(name, [])
        svc = during["services"].get(name, {})
        if not series:
            continue
        kbs = [kb for _, kb in series]
        print(f"| {name} | {svc.get('state', '?')} | {svc.get('restarts', '?')} "
              f"| {catch_up_peak.get(name, 0) / 1024:,.0f} | {kbs[0] / 1024:,.0f} "
              f"| {max(kbs) / 1024:,.0f} | {kbs[-1] / 1024:,.0f} "
              f"| {slope_mb_per_min(series):+.1f} |")
    print(f"\n`{' '.join(sys.argv)}`")
    return 0 if result is not None and result.exact and stopped.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
