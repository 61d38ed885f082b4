"""``docketwatch up --simulator`` end to end (issue 18): the whole monitor under supervisord
against the court simulator with a live clock, on free ports and a temporary state dir.

- ``up`` starts everything and returns once every service is RUNNING, printing the
  dashboard's URL; ``status`` shows seven services running, none restarted;
- the cases the live clock brings reach the store and the dashboard's numbers; with the
  clock then held, and every court polled twice since, the store equals the simulator's
  truth at that date exactly (launcher.verify), and holds more cases than at the start;
- the parser (with its parse process) is killed with SIGKILL; supervisord restarts it and
  ``status`` shows the restart (a new pid, restart count 1, uptime since the kill, the
  SIGKILL as its last exit); its parse process is gone too;
- the clock runs on, is held again later: the store again equals the truth, exactly;
- ``down`` stops the services in order (fetcher first, broker last), each gracefully (exit
  status, never SIGKILL), and no process of the run is left.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
from docketwatch.kafka import consumer_lag
from docketwatch.reader import Reader, ReaderSettings
from docketwatch.settings import AGGREGATOR_GROUP, PARSER_GROUP
from launcher import supervise as sv
from launcher.stack import SERVICES, free_port, wait_until
from launcher.verify import table, verify

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SEED, SCALE, COURTS = 11, 0.02, 3
AS_OF = date(2024, 12, 1)
SPEED = 2.0  # real seconds per simulated day
_PASS = re.compile(r" (\S+) live pass: \d+ pages, \d+ windows, \d+ cards(.*)$")


class Run:
    """One ``up`` of the test: its environment, ports and ways to look at it."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.ports = {name: free_port() for name in (*SERVICES, "kafka", "controller",
                                                     "simulator", "clickhouse")}
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DW_", "KAFKA_"))}
        self.env = {
            **base, "DW_UP_DIR": str(state),
            "KAFKA_PORT": str(self.ports["kafka"]),
            "KAFKA_CONTROLLER_PORT": str(self.ports["controller"]),
            "DW_SIMULATOR_PORT": str(self.ports["simulator"]),
            "DW_CLICKHOUSE_HTTP_PORT": str(self.ports["clickhouse"]),
            **{f"DW_{n.upper()}_OPS_PORT": str(self.ports[n])
               for n in ("fetcher", "parser", "aggregator", "alerts")},
            "DW_DASHBOARD_PORT": str(self.ports["dashboard"]),
            # a killed consumer's partitions go to its successor within seconds
            "DW_KAFKA_SESSION_TIMEOUT_S": "8", "DW_STALL_TIMEOUT_S": "20",
            "DW_LIVE_INTERVAL_S": "2", "DW_UP_START_SECS": "5",
        }
        self.bootstrap = f"127.0.0.1:{self.ports['kafka']}"
        self.sim = f"http://127.0.0.1:{self.ports['simulator']}"
        self.dashboard = f"http://127.0.0.1:{self.ports['dashboard']}"
        self.reader = Reader(ReaderSettings(
            clickhouse_url=f"http://127.0.0.1:{self.ports['clickhouse']}"))

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "launcher.cli", *args], cwd=REPO,
                              env=self.env, capture_output=True, text=True, timeout=timeout)

    def status(self) -> tuple[int, dict[str, Any]]:
        got = self.cli("status", "--format", "json", timeout=120)
        return got.returncode, json.loads(got.stdout)

    def http(self, url: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            return json.loads(resp.read())

    def dashboard_cases(self) -> int:
        return int(self.http(f"{self.dashboard}/api/v1/summary")["data"][0]["cases"])

    def store_cases(self) -> int:
        return int(self.reader.rows("SELECT count() FROM cases")[0][0])

    def passes(self) -> Counter[str]:
        """Completed live passes per court, from the fetcher's log under supervisord."""
        done: Counter[str] = Counter()
        log = self.state / "logs" / "fetcher.log"
        for line in log.read_text(encoding="utf-8").splitlines():
            if m := _PASS.search(line):
                assert not m.group(2), f"live pass with failures: {line}"
                done[m.group(1)] += 1
        return done

    def drained(self) -> bool:
        async def lags() -> tuple[int, int]:  # the parser first: its events are then written
            return (await consumer_lag(self.bootstrap, PARSER_GROUP, TOPIC_RAW_PAGES),
                    await consumer_lag(self.bootstrap, AGGREGATOR_GROUP, TOPIC_CASE_EVENTS))

        return asyncio.run(lags()) == (0, 0)

    def hold_clock(self) -> date:
        """Stop the sites' clock (a day ahead of where it stands: it never goes back)."""
        today = date.fromisoformat(self.http(f"{self.sim}/_sim/clock")["as_of"])
        held = today + timedelta(days=1)
        got = self.http(f"{self.sim}/_sim/clock", {"as_of": held.isoformat(), "live": False})
        assert (got["as_of"], got["live"]) == (held.isoformat(), False)
        return held

    def run_clock(self, since: date) -> None:
        got = self.http(f"{self.sim}/_sim/clock",
                        {"as_of": since.isoformat(), "seconds_per_day": SPEED})
        assert got["live"] is True

    def truth(self, as_of: date) -> dict[str, Any]:
        data: dict[str, Any] = self.http(f"{self.sim}/_sim/truth?as_of={as_of.isoformat()}")
        return data

    def clock(self) -> date:
        return date.fromisoformat(self.http(f"{self.sim}/_sim/clock")["as_of"])

    def wait_new_cases(self, since: date) -> None:
        """Until the running clock has passed the first day after ``since`` on which the
        sites show a case more than on ``since`` (read from the simulator's truth)."""
        known = len(self.truth(since)["cases"])
        day = since + timedelta(days=1)
        while len(self.truth(day)["cases"]) == known:
            day += timedelta(days=1)
            assert day < AS_OF + timedelta(days=60), "no new case in the corpus"
        wait_until(lambda: self.clock() > day, timeout=120, interval=0.5,
                   what=f"the sites' clock past {day}")

    def settled_exact(self, courts: list[str]) -> dict[str, Any]:
        """Hold the clock; once every court has been polled twice since and everything is
        drained, the store (and the dashboard) must equal the truth at that date."""
        before = self.passes()
        held = self.hold_clock()
        wait_until(lambda: all(self.passes()[c] >= before[c] + 2 for c in courts),
                   timeout=120, interval=0.5, what="two more live passes of every court")
        wait_until(self.drained, timeout=120, interval=0.5, what="pipeline drained")
        truth = self.truth(held)
        result = verify(lambda sql, params: self.reader.rows(sql, params), truth)
        assert result.exact, table([(f"held at {held}", result)]) + "\n" + "\n".join(
            result.examples)
        assert self.store_cases() == len(truth["cases"])
        wait_until(lambda: self.dashboard_cases() == len(truth["cases"]), timeout=30,
                   interval=0.5, what="the dashboard's count equal to the truth's")
        truth["held"] = held
        return truth


def pids_of(status: dict[str, Any]) -> list[int]:
    """supervisord, every service and every process below them."""
    top = int(status["supervisord_pid"])
    return sorted({top, *sv.descendants(top)})


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    r = Run(tmp_path / "up")
    try:
        yield r
    finally:
        r.reader.close()
        sup = sv.Supervisord(r.state)
        if sup.pid() is not None:  # the test failed before its own `down`
            r.cli("down", timeout=400)


def test_up_simulator_kill9_restart_status_exact_counts_down(run: Run) -> None:
    t0 = time.monotonic()
    got = run.cli("up", "--simulator", "--seed", str(SEED), "--scale", str(SCALE),
                  "--courts-limit", str(COURTS), "--as-of", AS_OF.isoformat(), "--days", "60",
                  "--live-speed", str(SPEED), "--wait", "180")
    assert got.returncode == 0, got.stdout + got.stderr
    assert f"every service is running; dashboard: {run.dashboard}/" in got.stdout
    up_s = time.monotonic() - t0

    code, status = run.status()
    assert code == 0, status["problems"]
    assert list(status["services"]) == list(sv.PROGRAMS)
    assert {n: (s["state"], s["restarts"]) for n, s in status["services"].items()} == {
        n: ("RUNNING", 0) for n in sv.PROGRAMS}
    started = run.truth(AS_OF)
    courts = sorted(started["courts"])
    assert len(courts) == COURTS

    # -- new cases reach the store and the dashboard's numbers
    wait_until(lambda: run.store_cases() > 0, timeout=120, interval=0.5,
               what="cases in the store")
    wait_until(lambda: run.dashboard_cases() > 0, timeout=60, interval=0.5,
               what="cases on the dashboard")
    run.wait_new_cases(AS_OF)
    first = run.settled_exact(courts)
    assert first["held"] > AS_OF + timedelta(days=1)  # the clock ran meanwhile
    assert len(first["cases"]) > len(started["cases"])  # and brought new cases
    run.run_clock(first["held"])

    # -- kill -9 the parser: supervisord restarts it, status shows the restart
    parser = status["services"]["parser"]
    children = sv.descendants(parser["pid"])
    assert children, "the parser's parse process"
    killed = time.monotonic()
    os.kill(parser["pid"], signal.SIGKILL)

    def restarted() -> dict[str, Any] | None:
        code, st = run.status()
        p = st["services"]["parser"]
        return st if code == 0 and p["state"] == "RUNNING" and p["pid"] != parser["pid"] \
            else None

    after = wait_until(restarted, timeout=90, interval=0.5, what="parser restarted")
    p = after["services"]["parser"]
    assert p["restarts"] == 1
    assert p["last_exit"].startswith("exited (terminated by SIGKILL; not expected) at ")
    assert 0 <= p["uptime_s"] <= time.monotonic() - killed + 1
    assert {n: s["restarts"] for n, s in after["services"].items() if n != "parser"} == {
        n: 0 for n in sv.PROGRAMS if n != "parser"}
    assert not [c for c in children if sv._alive(c)], "the killed parser's children"
    shown = run.cli("status", timeout=120)
    row = next(line for line in shown.stdout.splitlines() if "│ parser" in line)
    assert [c.strip() for c in row.split("│")][1:4] == ["parser", "RUNNING", str(p["pid"])]
    assert [c.strip() for c in row.split("│")][5] == "1"

    # -- the clock ran on through the crash: the counts still equal the truth
    run.wait_new_cases(first["held"])
    second = run.settled_exact(courts)
    assert second["held"] > first["held"]
    assert len(second["cases"]) > len(first["cases"])

    # -- down: in order, gracefully, nothing left behind
    code, final = run.status()
    assert code == 0 and final["services"]["parser"]["restarts"] == 1
    pids = pids_of(final)
    assert len(pids) >= len(sv.PROGRAMS) + 2  # supervisord, the services, a parse process
    t1 = time.monotonic()
    stopped = run.cli("down", timeout=400)
    down_s = time.monotonic() - t1
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    order = re.findall(r"^stopping (\w+) \.\.\.$", stopped.stdout, re.M)
    assert order == list(sv.STOP_ORDER)
    how = dict(re.findall(r"^  (\w+) stopped in [\d.]+s \((.*)\)$", stopped.stdout, re.M))
    assert set(how) == set(sv.PROGRAMS)
    assert all(h.startswith("exit status ") for h in how.values()), how
    assert "everything is stopped" in stopped.stdout
    wait_until(lambda: not [q for q in pids if sv._alive(q)], timeout=10, interval=0.1,
               what="every process of the run gone")
    gone = run.cli("status", timeout=60)
    assert gone.returncode == 3
    print(f"\nup {up_s:.1f}s, down {down_s:.1f}s, whole test {time.monotonic() - t0:.1f}s; "
          f"truth {len(started['cases'])} -> {len(first['cases'])} -> "
          f"{len(second['cases'])} cases")
