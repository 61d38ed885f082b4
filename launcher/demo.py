"""The main job on embedded defaults: the whole pipeline against the court simulator.

Starts the broker, the simulator and the three services as separate processes, runs one
full crawl, waits until every page has flowed through to ClickHouse, and prints the monthly
counts next to the simulator's truth.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
from docketwatch.kafka import consumer_lag
from docketwatch.settings import AGGREGATOR_GROUP, COUNT_SINCE, PARSER_GROUP
from launcher.stack import Stack, wait_until

REFUSAL = ("332", "337", "338")

MONTHLY_SQL = """
SELECT month, article, sum(cases) AS cases
FROM monthly_received
WHERE article IN ('332', '337', '338') AND toYear(month) = {year:UInt16}
GROUP BY month, article ORDER BY month, article
"""


def drained(stack: Stack) -> bool:
    """True when both consumer groups have committed everything on their topics."""

    async def lags() -> tuple[int, int]:
        return (await consumer_lag(stack.bootstrap, PARSER_GROUP, TOPIC_RAW_PAGES),
                await consumer_lag(stack.bootstrap, AGGREGATOR_GROUP, TOPIC_CASE_EVENTS))

    return asyncio.run(lags()) == (0, 0)


def expected_monthly(truth: dict[str, Any], year: int) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for row in truth["monthly_received"]:
        if row["article"] in REFUSAL and row["month"].startswith(str(year)):
            out[(row["month"], row["article"])] += int(row["cases"])
    return dict(out)


def run_pipeline(stack: Stack, *, seed: int, as_of: str, scale: float, courts_limit: int,
                 say: Callable[[str], None], timeout: float = 1800) -> dict[str, float]:
    """Start everything, crawl once, wait until drained. Returns timings in seconds."""
    timings: dict[str, float] = {}
    say("starting Kafka (KRaft) ...")
    timings["broker_start"] = stack.start_broker()
    t0 = time.monotonic()
    say(f"starting the court simulator (seed {seed}, docket as of {as_of}) ...")
    stack.start_simulator(seed=seed, as_of=as_of, scale=scale, courts_limit=courts_limit)
    timings["simulator_start"] = time.monotonic() - t0
    say("starting parser, aggregator, alerts and dashboard ...")
    for name in ("parser", "aggregator", "alerts", "dashboard"):
        stack.start_service(name)
    t0 = time.monotonic()
    say("crawling every court's docket (fetcher, one full pass) ...")
    stack.start_service("fetcher", {"DW_FETCH_END": as_of, "DW_FETCH_MODE": "once",
                                    "DW_HOST_RATE_PER_S": "1000", "DW_MAX_CONCURRENCY": "32"})
    code = stack.wait_exit("fetcher", timeout)
    if code != 0:
        raise RuntimeError(f"fetcher exited with {code}; see {stack.log_path('fetcher')}")
    timings["crawl"] = time.monotonic() - t0
    say("waiting until every page is parsed and every event is in ClickHouse ...")
    wait_until(lambda: drained(stack), timeout=timeout, interval=1.0, what="pipeline drained")
    timings["total_to_drained"] = time.monotonic() - t0
    return timings


def show_monthly(stack: Stack, year: int, console: Console) -> bool:
    got = {(str(m)[:7], a): int(n) for m, a, n in stack.sql(MONTHLY_SQL, {"year": year})}
    want = expected_monthly(stack.truth(), year)
    table = Table(title=f"Refusal-to-serve cases received per month, {year} (ClickHouse vs truth)")
    table.add_column("month")
    for a in REFUSAL:
        table.add_column(f"art. {a}", justify="right")
    table.add_column("truth", justify="right")
    months = sorted({m for m, _ in got} | {m for m, _ in want})
    ok = True
    for m in months:
        cells = [str(got.get((m, a), 0)) for a in REFUSAL]
        exp = [want.get((m, a), 0) for a in REFUSAL]
        match = [got.get((m, a), 0) for a in REFUSAL] == exp
        ok &= match
        table.add_row(m, *cells, "=" if match else "≠ " + "/".join(map(str, exp)))
    console.print(table)
    return ok


YEAR_SQL = "SELECT * FROM year_summary(year = {year:UInt16}, since = {since:Date})"
ALERTS_SQL = """
SELECT rule, argMax(summary, at) AS summary, argMax(toString(status), at) AS status
FROM alert_history FINAL GROUP BY alert_id, rule
HAVING status IN ('firing', 'escalated')
ORDER BY max(at) DESC LIMIT 12
"""


def show_year(stack: Stack, year: int, console: Console) -> None:
    columns, rows = stack.query(YEAR_SQL, {"year": year, "since": COUNT_SINCE})
    table = Table(*columns, title=f"Year summary {year} (docketwatch report --year {year})")
    for r in rows:
        table.add_row(*(str(v) for v in r))
    console.print(table)


def show_alerts(stack: Stack, console: Console, timeout: float = 60) -> None:
    try:
        rows = wait_until(lambda: stack.sql(ALERTS_SQL), timeout=timeout, interval=1.0,
                          what="first alerts")
    except TimeoutError:
        console.print("no active alert")
        return
    table = Table("rule", "summary", "status", title="Active alerts (docketwatch alerts)")
    for r in rows:
        table.add_row(*(str(v) for v in r))
    console.print(table)


def main(*, workdir: Path, seed: int, as_of: str, scale: float, courts_limit: int,
         keep_running: bool) -> int:
    console = Console(width=None if sys.stdout.isatty() else 160)
    # SIGTERM must stop the child processes too (they run in their own sessions).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stack = Stack(workdir=workdir)
    stack.reset()
    try:
        timings = run_pipeline(stack, seed=seed, as_of=as_of, scale=scale,
                               courts_limit=courts_limit, say=console.print)
        year = int(as_of[:4])
        ok = show_monthly(stack, year, console)
        show_year(stack, year, console)
        show_alerts(stack, console)
        console.print("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
        console.print("[green]ClickHouse equals the simulator's truth[/green]" if ok
                      else "[red]MISMATCH with the simulator's truth[/red]")
        if keep_running:
            console.print("still running; try: docketwatch sql \"SELECT * FROM monthly_received "
                          "LIMIT 10\"  (Ctrl-C to stop)")
            while True:
                time.sleep(3600)
        return 0 if ok else 1
    except KeyboardInterrupt:
        return 130
    finally:
        stack.stop_all()
