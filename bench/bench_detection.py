"""Detection latency in live mode: a case's publication on a court's site → its count in
ClickHouse, and the requests each court gets per hour (issue 18, item 4).

    .venv/bin/python bench/bench_detection.py [--minutes 20] [--courts 40] [--scale 2]
        [--compress 144] [--budget 60] [--workdir DIR]

One pipeline (broker, simulator, parser, aggregator) and two fetchers in live mode, each
over half of the courts (alternately by case count, so both halves are alike): the
*adaptive* schedule (polls of the newest windows between full passes, within
``--budget`` requests per court per hour) and the *baseline*, live mode as it was (a full
pass every ``DW_LIVE_INTERVAL_S``, 900 s, no budget), in the same run, on the same clock.

Time is compressed ``--compress`` times: the sites' clock runs one simulated day every
86,400 / compress seconds, and every time setting of both fetchers is divided by it (the
budget per hour multiplied), so the run is production's schedule played fast, with each
court's cases, decisions and acts per hour as in production (times the corpus scale). A
case of simulated day D becomes visible when the clock reaches D (the simulator publishes
per day), at a wall time known from the moment the clock was set. For each case published
in the measured window, from ClickHouse: the first fetch time of a page showing it
(``min(observed_at)`` of its events) and the first insert (``min(inserted_at)``). Its
latency in production's time is ``compress × (fetch − publication) + (insert − fetch)``:
the schedule's part scaled back, the pipeline's (parse, aggregate) as measured. Requests
per court per hour come from the simulator's access log over the window, scaled back.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_up_soak import http, pct  # noqa: E402
from launcher.stack import Stack, free_port, wait_until  # noqa: E402
from launcher.trials import (  # noqa: E402
    kill_all,
    new_stack,
    start_aggregator,
    start_parser,
    wait_drained,
)
from services.fetcher.settings import FetcherSettings  # noqa: E402

AS_OF = date(2024, 12, 2)
FETCH_START = "2024-08-01"
DAY_S = 86_400.0
VARIANTS = ("adaptive", "baseline")


def split_roster(stack: Stack, out: Path) -> dict[str, list[str]]:
    """Two rosters, courts dealt alternately by their number of cases."""
    with stack.courts_file.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    n = Counter(c["court"] for c in stack.truth()["cases"])
    rows.sort(key=lambda r: (-n[r["vnkod"]], r["vnkod"]))
    halves: dict[str, list[str]] = {}
    for i, variant in enumerate(VARIANTS):
        part = rows[i::2]
        with (out / f"{variant}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(part)
        halves[variant] = [r["vnkod"] for r in part]
    return halves


def compressed(names: tuple[str, ...], k: float) -> dict[str, str]:
    """Production's default of each fetcher time setting, divided by the compression."""
    out: dict[str, str] = {}
    for name in names:
        default = FetcherSettings.model_fields[name].default
        assert isinstance(default, float), name
        out[f"DW_{name.upper()}"] = str(default / k)
    return out


def start_fetcher(stack: Stack, variant: str, k: float, budget: int) -> None:
    sim = f"http://127.0.0.1:{stack.simulator_port}"
    env = {"DW_FETCH_MODE": "live", "DW_FETCH_START": FETCH_START, "DW_FETCH_END": "2025-03-31",
           "DW_SITE_CLOCK_URL": f"{sim}/_sim/clock", "DW_HOST_RATE_PER_S": "0",
           "DW_MAX_CONCURRENCY": "32", "DW_COURTS_FILE": str(stack.workdir / f"{variant}.csv"),
           "DW_STATE_DIR": str(stack.workdir / f"state-{variant}"),
           "DW_FETCHER_OPS_PORT": str(free_port()),
           **compressed(("live_interval_s", "breaker_cooldown_s"), k)}
    if variant == "adaptive":  # the hot set's days are production's defaults as they are
        env |= {**compressed(("live_hot_min_s", "live_hot_max_s", "live_activity_s"), k),
                "DW_LIVE_BUDGET_PER_HOUR": str(round(budget * k))}
    else:  # live mode as it was: a full pass every live interval, nothing between
        env |= {"DW_LIVE_HOT_DAYS": "0", "DW_LIVE_BUDGET_PER_HOUR": "0"}
    stack.spawn(f"fetcher-{variant}", [sys.executable, "-m", "services.fetcher"],
                stack.service_env(env))


_POLL = re.compile(r"crawler: (\S+) (live pass|hot poll): ")


def polls(stack: Stack, variant: str) -> Counter[tuple[str, str]]:
    """(court, "live pass" or "hot poll") counted from a fetcher's log."""
    text = stack.log_path(f"fetcher-{variant}").read_text(encoding="utf-8", errors="replace")
    return Counter((m.group(1), m.group(2)) for m in _POLL.finditer(text))


def poll_counts(stack: Stack, variant: str) -> Counter[str]:
    """Full passes and hot polls, all courts of a variant together."""
    out: Counter[str] = Counter({"full": 0, "hot": 0})
    for (_, kind), n in polls(stack, variant).items():
        out["full" if kind == "live pass" else "hot"] += n
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=20.0, help="measured window, wall time")
    ap.add_argument("--courts", type=int, default=40, help="first N courts of the roster")
    ap.add_argument("--scale", type=float, default=2.0)
    ap.add_argument("--compress", type=float, default=144.0,
                    help="production seconds per wall second (144: a day in 10 minutes)")
    ap.add_argument("--budget", type=int, default=60, help="requests per court per hour")
    ap.add_argument("--warmup", type=float, default=60.0, help="wall seconds before measuring")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    k = args.compress
    spd = DAY_S / k
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-detection-"))
    stack = new_stack(workdir)
    stack.start_broker()
    sim = f"http://127.0.0.1:{stack.simulator_port}"
    try:
        (stack.workdir / "data").mkdir(parents=True, exist_ok=True)
        stack.start_simulator(seed=11, as_of=AS_OF.isoformat(), scale=args.scale,
                              courts_limit=args.courts, extra=["--end", "2025-03-31"])
        halves = split_roster(stack, stack.workdir)
        start_parser(stack)
        start_aggregator(stack)
        for v in VARIANTS:
            start_fetcher(stack, v, k, args.budget)
        # -- the catch-up: every court's first pass, with the clock standing at AS_OF
        t0 = time.monotonic()
        wait_until(lambda: all(polls(stack, v)[(c, "live pass")] >= 1
                               for v in VARIANTS for c in halves[v]),
                   timeout=1800, interval=1, what="the first pass of every court")
        wait_drained(stack, timeout=1800)
        catch_up_s = time.monotonic() - t0
        # -- the clock runs; the wall time of every simulated day's start is known
        a, mono = time.time(), time.monotonic()
        http(f"{sim}/_sim/clock", {"as_of": AS_OF.isoformat(), "seconds_per_day": spd})
        t_set = (a + time.time()) / 2
        start = t_set + args.warmup
        end = start + args.minutes * 60
        polls0 = {v: poll_counts(stack, v) for v in VARIANTS}
        time.sleep(max(0.0, end - time.time()))  # the run itself
        polls1 = {v: poll_counts(stack, v) for v in VARIANTS}
        # A paused virtual machine: the wall clock jumps, the monotonic clock the simulator
        # counts its days by does not, so every publication time here would be off by it.
        paused = (time.time() - a) - (time.monotonic() - mono)
        last_day = AS_OF + timedelta(days=int((end - t_set) // spd))
        truth = http(f"{sim}/_sim/truth?as_of={last_day.isoformat()}")
        published: dict[tuple[str, str], float] = {}
        for c in truth["cases"]:
            at = t_set + (date.fromisoformat(c["published_at"]) - AS_OF).days * spd
            if start <= at < end and c["receipt_date"] >= FETCH_START:
                published[(c["court"], c["case_number"])] = at

        def seen() -> dict[tuple[str, str], tuple[float, float]]:
            rows = stack.sql(
                "SELECT court_code, case_number, toUnixTimestamp64Micro(min(observed_at)), "
                "toUnixTimestamp64Micro(min(inserted_at)) FROM case_events "
                "GROUP BY court_code, case_number")
            return {(r[0], r[1]): (r[2] / 1e6, r[3] / 1e6) for r in rows}

        # every published case reaches the store: the slowest is the baseline's next pass
        wait_until(lambda: set(published) <= set(seen()), timeout=max(120, 3 * 900 / k),
                   interval=1, what="every published case in the store")
        found = seen()
        log = http(f"{sim}/_sim/access_log")
        (stack.workdir / "access_log.json").write_text(json.dumps(log))
    finally:
        kill_all(stack)

    court_of = {c: v for v, cs in halves.items() for c in cs}
    print(f"\n### Detection latency: {args.minutes:g} min measured "
          f"({sum(map(len, halves.values()))} courts, "
          f"scale {args.scale}, time compressed {k:g}x: one simulated day every {spd:g} s; "
          f"budget {args.budget} requests per court per hour; catch-up {catch_up_s:.0f} s)\n")
    print("| schedule | cases | latency p50 | p95 | max | of which the pipeline, p50 "
          "| requests per court per hour, p50 | max | polls per court per hour (full / hot) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for v in VARIANTS:
        lat, pipe = [], []
        for key, pub in published.items():
            if court_of.get(key[0]) != v:
                continue
            fetched, inserted = found[key]
            lat.append(k * max(0.0, fetched - pub) + (inserted - fetched))
            pipe.append(inserted - fetched)
        per_court = Counter(r["court"] for r in log if start <= r["time"] < end
                            and court_of.get(r["court"]) == v)
        rates = [per_court[c] * 3600 / (k * (end - start)) for c in halves[v]]
        # polls per court per hour (production's time)
        per_h = len(halves[v]) * k * (end - start) / 3600
        full = (polls1[v]["full"] - polls0[v]["full"]) / per_h
        hot = (polls1[v]["hot"] - polls0[v]["hot"]) / per_h
        print(f"| {v} | {len(lat)} | {pct(lat, 0.5) / 60:.1f} min | {pct(lat, 0.95) / 60:.1f} "
              f"min | {max(lat) / 60:.1f} min | {statistics.median(pipe):.1f} s "
              f"| {pct(rates, 0.5):.0f} | {max(rates):.0f} | {full:.2f} / {hot:.2f} |")
    print("\nLatency and requests in production's time (measured wall times × the compression, "
          "the pipeline's part as measured).")
    if abs(paused) > 1.0:
        print(f"\n**Invalid run**: the machine stood still for {paused:.0f} s of wall time "
              f"(a paused VM); every latency is off by up to {paused * k / 60:.0f} minutes.")
    print(f"\n`{' '.join(sys.argv)}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
