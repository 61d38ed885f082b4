"""The pipeline as processes: aggregator throughput, freshness, full replay, service RSS.

    .venv/bin/python bench/bench_pipeline.py [--events 100000] [--runs 3]
        [--rate 1000] [--seconds 30] [--view monthly_received] [--minutes 0.5]
        [--scale 0.1] [--end 2026-12-31] [--parts abcd] [--compare DIR]
        [--variant DW_X=1[,DW_Y=2]]...

A private broker and the services run as separate processes on free ports
(launcher.stack.Stack), with work directories under /tmp/bench-pipeline-*.

a. Aggregator sustained events/s. The events topic is pre-filled with N synthetic CaseEvents
   (contract models, unique case keys, several articles and defendants, real court codes);
   a fresh aggregator process (fresh chDB dir, fresh consumer group) is started and timed
   until its consumer-group lag is 0 (docketwatch.kafka.consumer_lag). Two figures per run:
   wall (spawn → lag 0, start-up and migrations included) and sustained (first insert →
   all events written, from the /health counters). Baselines, same run, same records:
   the store path alone in-process (write_event_records of the payloads, no Kafka); a bare
   aiokafka consumer reading the topic (getmany, no work); a faust agent that takes
   batches and does nothing (bench/faust_noop.py, the ceiling of faust's per-record path,
   which the aggregator used before); pydantic CaseEvent.from_bytes of each payload alone
   (the per-record validation it did before). --compare DIR runs another checkout's
   aggregator interleaved with this one's; --variant runs this one's with other settings
   (e.g. DW_INSERT_MAX_BYTES), interleaved too, each with its RSS. Medians over --runs.
b. Freshness. With the aggregator running and caught up, events are produced at --rate/s
   for --seconds in one-second cohorts (cohort id in court_code, FRnnnnnn); a poller posts
   `SELECT court_code, sum(cases) FROM monthly_received WHERE court_code LIKE 'FR%' …`
   (or `count() FROM case_state FINAL`) to the aggregator's ClickHouse HTTP interface
   (docketwatch.reader) every 100 ms. A cohort's
   freshness = the end of the first poll that sees all its cases − the send() of its last
   event. p50/p95/max over cohorts.
d. Soak / RSS. After b, the same load goes on for --minutes; VmRSS of every process (the
   broker's JVM too) is sampled every 0.5 s over every phase; start / max / end are
   reported per phase and service, plus the slope over the second half of the soak.
c. Full replay. A fresh stack: broker, simulator (build_corpus with --scale, receipts from
   2022-02-24 to --end, as of --end), parser, aggregator, then one fetcher pass with
   DW_HOST_RATE_PER_S=1000; times the crawl and spawn → drained (both consumer groups at
   lag 0); checks case_state against the simulator's truth. The time for a larger corpus is
   extrapolated linearly from cases/s: an extrapolation, not a measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.procfs import status_kb  # noqa: E402
from docketwatch.contract import (  # noqa: E402
    TOPIC_CASE_EVENTS,
    TOPIC_RAW_PAGES,
    Article,
    CardEvent,
    CaseEvent,
    CaseSnapshot,
    DecisionClass,
    Defendant,
    EventType,
    SourceRef,
    case_key,
    event_id,
    sha256_hex,
)
from docketwatch.kafka import consumer_lag, ensure_topics, make_producer  # noqa: E402
from docketwatch.reader import Reader, ReaderSettings  # noqa: E402
from docketwatch.settings import AGGREGATOR_GROUP, PARSER_GROUP  # noqa: E402
from launcher.stack import SERVICES, Stack, free_port, wait_until  # noqa: E402

AGG_GROUP = AGGREGATOR_GROUP
ARTICLES = (("337",), ("337",), ("337",), ("332",), ("338",), ("337", "338"), ("337", "105"),
            ("205.1",), ("335",), ("337", "30"))
DECISIONS = (DecisionClass.VERDICT, DecisionClass.VERDICT, DecisionClass.TERMINATED,
             DecisionClass.RETURNED_TO_PROSECUTOR, DecisionClass.OTHER_RULING)
JUDGES = ("Иванов И.И.", "Петрова А.С.", "Сидоренко В.В.", "Кузнецов Д.А.")


# --------------------------------------------------------------------------- events


def court_codes() -> list[str]:
    from services.simulator.courts import load_courts

    return [c.vnkod for c in load_courts() if c.first_instance] or ["25GV0001"]


def make_events(n: int, *, tag: str = "b", courts: Sequence[str] | None = None,
                single_article: bool = False, seed: int = 1) -> list[CaseEvent]:
    """n events of n distinct cases (unique case keys), shaped like the parser's output.

    A third are decided; a third carry a card's ДВИЖЕНИЕ ДЕЛА rows; 1-3 defendants with
    1-2 articles each. ``courts`` cycles over the given codes (default: the real roster).
    """
    rng = random.Random(seed)
    courts = list(courts) if courts else court_codes()
    base = datetime(2022, 3, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        court = courts[i % len(courts)]
        number = f"1-{i}/{2022 + i % 5}-{tag}"
        uid = f"{tag}{i:07x}-{rng.getrandbits(16):04x}-0000-0000-000000000000"[:36]
        receipt = date(2022, 3, 1) + timedelta(days=rng.randrange(0, 1700))
        arts = ("337",) if single_article else ARTICLES[i % len(ARTICLES)]
        defendants = tuple(
            Defendant(hidden=rng.random() < 0.7,
                      articles=tuple(Article(article=a, part=str(rng.randint(1, 5)),
                                             raw=f"ст.{a} ч.{rng.randint(1, 5)}") for a in arts))
            for _ in range(1 if single_article else rng.choice((1, 1, 1, 2, 3))))
        decided = i % 3 == 0
        dclass = DECISIONS[i % len(DECISIONS)] if decided else None
        decision = receipt + timedelta(days=rng.randint(20, 120)) if decided else None
        card = i % 3 == 1
        events = (
            CardEvent(name="Регистрация поступившего в суд дела", event_date=receipt),
            CardEvent(name="Передача материалов дела судье", event_date=receipt),
            CardEvent(name="Судебное заседание", event_date=receipt + timedelta(days=14),
                      event_time="10:00", place="зал 3", result="Отложено"),
        ) if card else ()
        snap = CaseSnapshot(
            court_code=court, case_number=number, case_uid=uid, receipt_date=receipt,
            judge=JUDGES[i % len(JUDGES)], decision_date=decision, decision_class=dclass,
            decision_text="ПРИГОВОР" if dclass == DecisionClass.VERDICT else None,
            defendants=defendants, events=events, has_act=decided and i % 2 == 0)
        etype = EventType.DECIDED if decided else EventType.RECEIVED
        observed = base + timedelta(seconds=i)
        url = (f"https://{court.lower()}.sudrf.ru/modules.php?name=sud_delo&srv_num=1"
               f"&name_op={'case' if card else 'r'}&case_id={i}")
        key = case_key(court, uid, number)
        out.append(CaseEvent(
            event_id=event_id(key, etype, receipt, decision, dclass),
            event_type=etype, case_key=key, observed_at=observed, parser_version="bench/1",
            snapshot=snap,
            source=SourceRef(page_id=sha256_hex(f"{url}{observed}".encode()), url=url,
                             sha256=sha256_hex(url.encode()), fetched_at=observed)))
    return out


def payloads(events: Sequence[CaseEvent]) -> list[tuple[bytes, bytes]]:
    return [(e.case_key.encode(), e.to_bytes()) for e in events]


async def produce(bootstrap: str, records: Sequence[tuple[bytes, bytes]],
                  topic: str = TOPIC_CASE_EVENTS) -> float:
    """Send everything with the project's producer (acks=all, idempotent, zstd)."""
    await ensure_topics(bootstrap)
    producer = make_producer(bootstrap, client_id="bench-pipeline")
    await producer.start()
    try:
        t0 = time.perf_counter()
        pending = []
        for key, value in records:
            pending.append(await producer.send(topic, key=key, value=value))
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
        return time.perf_counter() - t0
    finally:
        await producer.stop()


# --------------------------------------------------------------------------- processes


def new_stack(prefix: str) -> Stack:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-pipeline-{prefix}-", dir="/tmp"))
    return Stack(workdir=workdir, kafka_port=free_port(), controller_port=free_port(),
                 simulator_port=free_port(), clickhouse_port=free_port(),
                 ops_ports={s: free_port() for s in SERVICES})


def lag(stack: Stack, group: str, topic: str = TOPIC_CASE_EVENTS) -> int:
    return asyncio.run(consumer_lag(stack.bootstrap, group, topic))


def health(stack: Stack, name: str = "aggregator") -> dict[str, Any]:
    url = f"http://127.0.0.1:{stack.ops_ports[name]}/health"
    with urllib.request.urlopen(url, timeout=2) as resp:
        data: dict[str, Any] = json.loads(resp.read())
        return data


def alive(stack: Stack, name: str) -> bool:
    proc = stack.procs.get(name)
    if proc is None or proc.poll() is not None:
        log = stack.log_path(name)
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise ChildProcessError(f"{name} is not running:\n{tail}")
    return True


class RssSampler(threading.Thread):
    """VmRSS of every process of the current stack (and its broker), every ``interval``."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.stack: Stack | None = None
        self.phase = "idle"
        self.samples: dict[tuple[str, str], list[tuple[float, int]]] = {}
        self.anon: dict[tuple[str, str], list[int]] = {}  # RssAnon, same samples
        self._halt = threading.Event()

    def pids(self) -> dict[str, int]:
        stack = self.stack
        if stack is None:
            return {}
        pids = {name: p.pid for name, p in list(stack.procs.items()) if p.poll() is None}
        broker = stack.broker_pid() if stack.broker_started else None
        if broker is not None:
            pids["broker (JVM)"] = broker
        return pids

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            now = time.monotonic()
            for name, pid in self.pids().items():
                kb = status_kb(pid)
                if kb:
                    self.samples.setdefault((self.phase, name), []).append((now, kb))
                    self.anon.setdefault((self.phase, name), []).append(status_kb(pid, "RssAnon"))

    def stop(self) -> None:
        self._halt.set()


# --------------------------------------------------------------------------- a. throughput


@dataclass
class Written:
    """When a running aggregator wrote its first events and the n-th (monotonic seconds)."""

    first: float
    first_n: int  # events already written at ``first``
    done: float
    ready: float  # /health first answered

    def sustained(self, n: int) -> float:
        return (n - self.first_n) / (self.done - self.first) if self.done > self.first \
            else float("nan")


def wait_written(stack: Stack, n: int, deadline: float) -> Written:
    """Poll the aggregator's /health until it has written ``n`` events."""
    first: float | None = None
    first_n = 0
    ready: float | None = None
    while time.monotonic() < deadline:
        alive(stack, "aggregator")
        try:
            written = int(health(stack)["events_written"])
            if ready is None:
                ready = time.monotonic()
        except Exception:
            written = 0
        now = time.monotonic()
        if written and first is None:
            first, first_n = now, written
        if written >= n and first is not None:
            return Written(first, first_n, now, ready or first)
        time.sleep(0.05)
    raise TimeoutError("aggregator did not write every event")


def run_aggregator_once(stack: Stack, n: int, run: int, tree: Path | None = None,
                        extra: dict[str, str] | None = None, tag: str = "",
                        ) -> dict[str, float]:
    """One fresh aggregator (fresh group and chDB dir) through the pre-filled topic.

    ``tree``: run the aggregator of that checkout instead (e.g. the code before a change);
    ``extra``: with these settings (``tag`` names the variant in its group and data dir).
    """
    tag = "cmp-" if tree else tag
    group = f"bench-agg-{tag}{run}-{os.getpid()}"
    env = {"DW_AGGREGATOR_GROUP": group, "DW_DATA_DIR": str(stack.workdir / f"data-{tag}{run}"),
           "DW_LOG_LEVEL": "WARNING", **(extra or {})}
    if tree:
        # no cwd on sys.path, the other checkout first: its services and docketwatch win
        env.update(PYTHONSAFEPATH="1", PYTHONPATH=str(tree.resolve()))
    # the aggregator (faust's datadir) does not create a missing DW_DATA_DIR itself
    Path(env["DW_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    stack.start_service("aggregator", env)
    w = wait_written(stack, n, t0 + 900)
    wait_until(lambda: lag(stack, group) == 0, timeout=120, interval=0.2, what="lag 0")
    lag0 = time.monotonic()
    stats = health(stack)
    return {"wall_s": lag0 - t0, "startup_s": w.first - t0, "ready_s": w.ready - t0,
            "wall_rate": n / (lag0 - t0),
            "sustained_rate": w.sustained(n),
            "batches": float(stats["batches"]), "group": group}  # type: ignore[dict-item]


def baseline_rates(records: Sequence[tuple[bytes, bytes]], runs: int, batch: int,
                   workdir: Path) -> dict[str, list[float]]:
    """In this process, same payloads: the aggregator's store path without Kafka, and what
    validating each record against the contract (the path before) costs alone."""
    from docketwatch.store import connect, migrate
    from docketwatch.store.sink import dedup_token, write_event_records

    out: dict[str, list[float]] = {"store": [], "validate": []}
    dsn = f"chdb://{workdir / 'baseline-chdb'}"
    values = [v for _, v in records]
    n = len(values)
    for run in range(runs):
        client = connect(dsn, database=f"bl_{run}")
        migrate(client)
        t0 = time.perf_counter()
        for k in range(0, n, batch):
            chunk = values[k:k + batch]
            span = (SimpleNamespace(topic="bench", partition=0, offset=o)
                    for o in (k, k + len(chunk) - 1))
            result = write_event_records(client, chunk, dedup_token(span))
            assert not result.rejected, result.rejected[:3]
        out["store"].append(n / (time.perf_counter() - t0))
        got = client.query("SELECT count() FROM case_events FINAL").result_rows[0][0]
        assert int(got) == n, got
        client.command(f"DROP DATABASE bl_{run}")
        client.close()
        t0 = time.perf_counter()
        for v in values:
            CaseEvent.from_bytes(v)
        out["validate"].append(n / (time.perf_counter() - t0))
    return out


async def consume_rate(bootstrap: str, n: int) -> float:
    """records/s of a bare aiokafka consumer (fresh group, getmany, no work): the ceiling
    of reading the topic on this machine."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(TOPIC_CASE_EVENTS, bootstrap_servers=bootstrap,
                                group_id=f"bench-bare-{time.time_ns()}",
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                fetch_max_bytes=64 << 20, max_partition_fetch_bytes=16 << 20)
    await consumer.start()
    try:
        got, t0 = 0, 0.0
        while got < n:
            fetched = await consumer.getmany(timeout_ms=1000, max_records=5000)
            if fetched and not got:
                t0 = time.perf_counter()
            got += sum(len(b) for b in fetched.values())
        return n / (time.perf_counter() - t0)
    finally:
        await consumer.stop()


def faust_rate(stack: Stack, n: int) -> float:
    """records/s through a faust agent that does nothing with its batches (bench/faust_noop.py,
    its own process and group): the ceiling of faust's per-record stream path."""
    env = {**stack.service_env(), "BENCH_RECORDS": str(n),
           "DW_DATA_DIR": str(stack.workdir / f"faust-noop-{time.time_ns()}")}
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "faust_noop.py"), "worker",
                          "-l", "warn"], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=600, check=False)
    found = re.search(r"RATE ([0-9.]+)", out.stdout + out.stderr)
    if not found:
        raise RuntimeError(f"faust_noop gave no rate:\n{(out.stdout + out.stderr)[-2000:]}")
    return float(found.group(1))


# --------------------------------------------------------------------------- b./d. load


POLL_SQL = {
    "monthly_received": "SELECT court_code, sum(cases) FROM monthly_received "
                        "WHERE court_code LIKE 'FR%' GROUP BY court_code",
    "case_state": "SELECT court_code, count() FROM case_state FINAL "
                  "WHERE court_code LIKE 'FR%' GROUP BY court_code",
}


class Poller(threading.Thread):
    def __init__(self, url: str, sql: str, expect: int, period: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.sql, self.expect, self.period = sql, expect, period
        self.reader = Reader(ReaderSettings(clickhouse_url=url, clickhouse_timeout_s=30))
        self.seen: dict[str, float] = {}
        self.query_s: list[float] = []
        self.errors = 0
        self._halt = threading.Event()

    def run(self) -> None:
        nxt = time.monotonic()
        while not self._halt.is_set():
            t0 = time.monotonic()
            try:
                rows = self.reader.rows(self.sql)
                t1 = time.monotonic()
                self.query_s.append(t1 - t0)
                for court, count in rows:
                    if int(count) >= self.expect and court not in self.seen:
                        self.seen[court] = t1
            except Exception:
                self.errors += 1
            nxt += self.period
            self._halt.wait(max(0.0, nxt - time.monotonic()))
            nxt = max(nxt, time.monotonic() - self.period)

    def stop(self) -> None:
        self._halt.set()


async def produce_paced(bootstrap: str, cohorts: list[list[tuple[bytes, bytes]]],
                        rate: int) -> list[float]:
    """One cohort per second, sent in 10 slices per second; returns each cohort's last send."""
    producer = make_producer(bootstrap, client_id="bench-freshness")
    await producer.start()
    last_send: list[float] = []
    try:
        t_start = time.monotonic()
        pending = []
        for c, records in enumerate(cohorts):
            slice_n = max(1, len(records) // 10)
            for s, k in enumerate(range(0, len(records), slice_n)):
                target = t_start + c + s / 10
                await asyncio.sleep(max(0.0, target - time.monotonic()))
                for key, value in records[k:k + slice_n]:
                    pending.append(await producer.send(TOPIC_CASE_EVENTS, key=key, value=value))
            last_send.append(time.monotonic())
            done = [f for f in pending if f.done()]
            for f in done:
                f.result()  # surface send errors
            pending = [f for f in pending if not f.done()]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return last_send


def cohort_events(cohorts: int, rate: int,
                  tag: str) -> tuple[list[str], list[list[tuple[bytes, bytes]]]]:
    codes = [f"FR{tag}{c:05d}" for c in range(cohorts)]
    out = [payloads(make_events(rate, tag=f"{tag}{c}", courts=[code], single_article=True,
                                seed=c))
           for c, code in enumerate(codes)]
    return codes, out


def freshness(stack: Stack, rate: int, seconds: int, view: str) -> dict[str, Any]:
    codes, cohorts = cohort_events(seconds, rate, "0")
    poller = Poller(stack.clickhouse_url, POLL_SQL[view], rate)
    poller.start()
    try:
        last = asyncio.run(produce_paced(stack.bootstrap, cohorts, rate))
        deadline = time.monotonic() + 120
        while len(poller.seen) < len(codes) and time.monotonic() < deadline:
            alive(stack, "aggregator")
            time.sleep(0.1)
    finally:
        poller.stop()
        poller.join()
    lat = [poller.seen[code] - t for code, t in zip(codes, last, strict=True)
           if code in poller.seen]
    return {"cohorts": len(codes), "visible": len(lat), "lat": lat,
            "query_s": poller.query_s, "errors": poller.errors,
            "achieved_rate": rate * len(codes) / (last[-1] - last[0] + 1) if last else 0}


def soak(stack: Stack, minutes: float, rate: int) -> dict[str, Any]:
    seconds = max(1, round(minutes * 60))
    written0 = int(health(stack)["events_written"])
    # generate in slices so a long soak does not hold every event in memory at once
    t0 = time.monotonic()
    sent = 0
    for start in range(0, seconds, 60):
        n = min(60, seconds - start)
        _, cohorts = cohort_events(n, rate, f"s{start // 60}")
        asyncio.run(produce_paced(stack.bootstrap, cohorts, rate))
        sent += n * rate
        alive(stack, "aggregator")
    wait_until(lambda: int(health(stack)["events_written"]) - written0 >= sent, timeout=300,
               interval=0.5, what="soak events written")
    return {"seconds": time.monotonic() - t0, "sent": sent}


# --------------------------------------------------------------------------- c. replay

_PASS = re.compile(r"fetcher pass: (\d+) pages fetched, (\d+) published")


def replay(scale: float, end: str, seed: int, sampler: RssSampler) -> dict[str, Any]:
    stack = new_stack("replay")
    sampler.stack = stack
    res: dict[str, Any] = {"workdir": str(stack.workdir)}
    try:
        sampler.phase = "c. replay: start-up"
        res["broker_start_s"] = stack.start_broker()
        t0 = time.monotonic()
        stack.start_simulator(seed=seed, as_of=end, scale=scale, extra=["--end", end])
        res["simulator_start_s"] = time.monotonic() - t0
        truth = stack.truth()
        res["cases"] = len(truth["cases"])
        quiet = {"DW_LOG_LEVEL": "WARNING"}
        stack.start_service("parser", quiet)
        stack.start_service("aggregator", quiet)
        sampler.phase = "c. replay: crawl + drain"
        t0 = time.monotonic()
        stack.start_service("fetcher", {**quiet, "DW_FETCH_END": end, "DW_FETCH_MODE": "once",
                                        "DW_HOST_RATE_PER_S": "1000",
                                        "DW_MAX_CONCURRENCY": "32"})
        code = stack.wait_exit("fetcher", timeout=7200)
        res["crawl_s"] = time.monotonic() - t0
        log = stack.log_path("fetcher").read_text(errors="replace")
        if code != 0:
            raise RuntimeError(f"fetcher exited with {code}:\n{log[-3000:]}")
        m = _PASS.search(log)
        res["pages"] = int(m[1]) if m else None
        res["published"] = int(m[2]) if m else None

        def drained() -> bool:
            alive(stack, "parser")
            alive(stack, "aggregator")
            return (lag(stack, PARSER_GROUP, TOPIC_RAW_PAGES) == 0
                    and lag(stack, AGG_GROUP, TOPIC_CASE_EVENTS) == 0)

        wait_until(drained, timeout=7200, interval=1.0, what="pipeline drained")
        res["drained_s"] = time.monotonic() - t0
        sampler.phase = "c. replay: drained"
        time.sleep(2)
        want = {(c["court"], c["case_number"]) for c in truth["cases"]}
        got = {(c, n) for c, n in stack.sql(
            "SELECT court_code, case_number FROM case_state FINAL")}
        res["in_clickhouse"] = len(got)
        res["missing"] = len(want - got)
        res["extra"] = len(got - want)
        return res
    finally:
        stack.stop_all()
        stack.reset()
        sampler.stack = None


# --------------------------------------------------------------------------- report


def pct(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def slope_mb_per_min(series: list[tuple[float, int]]) -> float:
    half = series[len(series) // 2:]
    if len(half) < 3:
        return float("nan")
    xs = [t for t, _ in half]
    ys = [kb / 1024 for _, kb in half]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return 60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000, help="a: events pre-filled")
    ap.add_argument("--runs", type=int, default=3, help="a: aggregator runs / baseline runs")
    ap.add_argument("--rate", type=int, default=1000, help="b/d: events per second")
    ap.add_argument("--seconds", type=int, default=30, help="b: cohorts (one per second)")
    ap.add_argument("--view", choices=sorted(POLL_SQL), default="monthly_received")
    ap.add_argument("--minutes", type=float, default=0.5, help="d: soak after b (10 = the "
                    "10-minute no-growth check)")
    ap.add_argument("--scale", type=float, default=0.1, help="c: simulator scale")
    ap.add_argument("--end", default="2026-12-31", help="c: last receipt date and as-of")
    ap.add_argument("--target-cases", type=int, default=100_000,
                    help="c: extrapolate the replay time to this many cases")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--parts", default="abcd", help="subset of a, b, c, d to run")
    ap.add_argument("--compare", type=Path, default=None, metavar="DIR",
                    help="a: also run the aggregator of the checkout DIR (e.g. a worktree of "
                    "the code before a change), interleaved with this one's runs")
    ap.add_argument("--variant", action="append", default=[], metavar="K=V[,K=V]",
                    help="a: also run this checkout's aggregator with these DW_* settings, "
                    "interleaved (repeatable), e.g. DW_INSERT_MAX_BYTES=1000000000")
    args = ap.parse_args()
    parts = set(args.parts)
    if parts & {"b", "d"}:
        parts.add("a")  # b and d run on the aggregator that a started and caught up

    cmd = " ".join(shlex.quote(a) for a in [".venv/bin/python", "bench/bench_pipeline.py",
                                              *sys.argv[1:]])
    lines = [f"## bench_pipeline\n\n`{cmd}`\n"]
    lines.append(f"{os.cpu_count()} CPUs, load average at start "
                 f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}\n")
    # SIGTERM (e.g. python -m bench's timeout) must still stop the child processes
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print("\n".join(lines), flush=True)  # each part prints as soon as it is done
    sampler = RssSampler()
    sampler.start()
    try:
        if "a" in parts:
            print("\n".join(part_a_b_d(args, parts, sampler)), flush=True)
        if "c" in parts:
            print("\n".join(part_c(args, sampler)), flush=True)
    finally:
        sampler.stop()
        lines = rss_report(sampler, args.minutes if "d" in parts else 0)
        lines.append(f"\nload average at the end "
                     f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
        print("\n".join(lines), flush=True)


def part_a_b_d(args: argparse.Namespace, parts: set[str], sampler: RssSampler) -> list[str]:
    lines: list[str] = []
    stack = new_stack("agg")
    sampler.stack = stack
    try:
        t0 = time.perf_counter()
        events = make_events(args.events, seed=args.seed)
        records = payloads(events)
        gen_s = time.perf_counter() - t0
        size = sum(len(v) for _, v in records) / len(records)
        stack.start_broker()
        produce_s = asyncio.run(produce(stack.bootstrap, records))
        runs = []
        cmp_runs = []
        variants = [dict(kv.split("=", 1) for kv in v.split(",")) for v in args.variant]
        var_runs: list[list[dict[str, float]]] = [[] for _ in variants]
        for run in range(args.runs):
            for i, (label, env) in enumerate(zip(args.variant, variants, strict=True)):
                sampler.phase = f"a. variant {label} run {run + 1}"
                var_runs[i].append(run_aggregator_once(stack, len(events), run, extra=env,
                                                       tag=f"v{i}-"))
                stack.stop("aggregator")
            if args.compare:  # interleaved, so both see the same load on the machine
                sampler.phase = f"a. compared aggregator run {run + 1}"
                cmp_runs.append(run_aggregator_once(stack, len(events), run, args.compare))
                stack.stop("aggregator")
            sampler.phase = f"a. aggregator run {run + 1}"
            runs.append(run_aggregator_once(stack, len(events), run))
            if run < args.runs - 1 or not parts & {"b", "d"}:
                stack.stop("aggregator")
        # baseline in this process, same events, while no aggregator writes (the last one is
        # caught up and idle, as is the broker)
        sampler.phase = "a. baseline (in-process, idle aggregator)"
        base = baseline_rates(records, args.runs, 5000, stack.workdir)
        sampler.phase = "a. baseline (bare consumer, faust no-op agent)"
        base["consume"] = [asyncio.run(consume_rate(stack.bootstrap, len(records)))
                           for _ in range(args.runs)]
        base["faust"] = [faust_rate(stack, len(records)) for _ in range(args.runs)]
        del events
        agg_sus = statistics.median(r["sustained_rate"] for r in runs)
        agg_wall = statistics.median(r["wall_rate"] for r in runs)
        lines.append(f"### a. aggregator throughput ({len(records):,} events, "
                     f"{size:,.0f} B JSON each; medians of {args.runs} runs)\n")
        lines.append(f"generated in {gen_s:.1f} s; pre-filled the topic (6 partitions, "
                     f"acks=all, zstd) in {produce_s:.1f} s = {len(records) / produce_s:,.0f}/s\n")
        lines.append("| path | events/s (median) | runs | vs aggregator sustained |")
        lines.append("|---|---:|---|---:|")

        def row(label: str, rates: list[float], value: float) -> None:
            lines.append(f"| {label} | {value:,.0f} | {', '.join(f'{r:,.0f}' for r in rates)} "
                         f"| {value / agg_sus:.2f}× |")

        row("aggregator process, sustained (first insert → all written)",
            [r["sustained_rate"] for r in runs], agg_sus)
        row("aggregator process, wall (spawn → consumer lag 0)",
            [r["wall_rate"] for r in runs], agg_wall)
        for label, vruns in zip(args.variant, var_runs, strict=True):
            rates = [r["sustained_rate"] for r in vruns]
            row(f"variant {label}, sustained", rates, statistics.median(rates))
        if cmp_runs:
            for key, what in (("sustained_rate", "sustained"), ("wall_rate", "wall")):
                rates = [r[key] for r in cmp_runs]
                row(f"compared: {args.compare} aggregator, {what}", rates,
                    statistics.median(rates))
        for key, label in (
                ("store", "baseline: the store path alone, in-process (write_event_records "
                          "of the payloads, batches of 5,000, no Kafka)"),
                ("consume", "baseline: bare aiokafka consumer, getmany, no work"),
                ("faust", "baseline: faust agent taking batches of 5,000 and doing nothing"),
                ("validate", "baseline: pydantic CaseEvent.from_bytes alone, in-process")):
            row(label, base[key], statistics.median(base[key]))
        lines.append(f"\naggregator start-up (spawn → first insert) median "
                     f"{statistics.median(r['startup_s'] for r in runs):.1f} s; "
                     f"spawn → lag 0 median {statistics.median(r['wall_s'] for r in runs):.1f} s; "
                     f"inserts per run {', '.join(str(int(r['batches'])) for r in runs)}\n")
        if "b" in parts:
            sampler.phase = "b. freshness"
            fr = freshness(stack, args.rate, args.seconds, args.view)
            lat = fr["lat"]
            q = fr["query_s"]
            lines.append(f"### b. freshness ({args.rate}/s for {args.seconds} s in one-second "
                         f"cohorts, polling `{args.view}` every 100 ms)\n")
            lines.append("| cohorts visible | p50 s | p95 s | max s | poll query p50 / p95 s "
                         "| polls | poll errors | achieved send rate/s |")
            lines.append("|---:|---:|---:|---:|---|---:|---:|---:|")
            lines.append(f"| {fr['visible']}/{fr['cohorts']} | {pct(lat, .5):.2f} | "
                         f"{pct(lat, .95):.2f} | {max(lat, default=float('nan')):.2f} | "
                         f"{pct(q, .5):.3f} / {pct(q, .95):.3f} | {len(q)} | {fr['errors']} | "
                         f"{fr['achieved_rate']:,.0f} |")
            verdict = "meets" if pct(lat, .95) <= 2.0 and fr["visible"] == fr["cohorts"] \
                else "MISSES"
            lines.append(f"\nfreshness p95 {verdict} the 2 s aim; the query runs on the "
                         "aggregator's reader connection, beside the inserts.\n")
        if "d" in parts and args.minutes > 0:
            sampler.phase = "d. soak"
            sk = soak(stack, args.minutes, args.rate)
            lines.append(f"### d. soak: {sk['sent']:,} more events at {args.rate}/s "
                         f"({sk['seconds']:.0f} s incl. catch-up); RSS below\n")
    finally:
        stack.stop_all()
        stack.reset()
        sampler.stack = None
    return lines


def part_c(args: argparse.Namespace, sampler: RssSampler) -> list[str]:
    r = replay(args.scale, args.end, args.seed, sampler)
    lines = [f"### c. full replay: simulator scale {args.scale}, receipts 2022-02-24 → "
             f"{args.end}, seed {args.seed}\n"]
    lines.append("| cases (truth) | pages fetched | crawl s | spawn → drained s | pages/s "
                 "| cases/s | in ClickHouse | missing | extra |")
    lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    pages = r.get("pages") or 0
    lines.append(f"| {r['cases']:,} | {pages:,} | {r['crawl_s']:.0f} | {r['drained_s']:.0f} | "
                 f"{pages / r['drained_s']:,.0f} | {r['cases'] / r['drained_s']:,.1f} | "
                 f"{r['in_clickhouse']:,} | {r['missing']} | {r['extra']} |")
    per_case = r["drained_s"] / r["cases"]
    lines.append(f"\n(broker start {r['broker_start_s']:.1f} s, simulator start "
                 f"{r['simulator_start_s']:.1f} s, not included.) **Extrapolation, not a "
                 f"measurement**: at the same {r['cases'] / r['drained_s']:,.1f} cases/s, "
                 f"{args.target_cases:,} cases would take ≈ "
                 f"{per_case * args.target_cases / 60:,.0f} min on this machine (linear; the "
                 "crawl is per court and window, so a denser corpus has fewer pages per case "
                 "and this is likely pessimistic). For the brief's 5-year corpus "
                 "use `--scale 4.2` (see the case count it prints) and expect hours on 2 "
                 "cores.\n")
    return lines


def rss_report(sampler: RssSampler, minutes: float) -> list[str]:
    lines = ["### RSS per process (VmRSS, MB, sampled every 0.5 s; anon = RssAnon, the "
             "process's own memory, without mapped files such as chDB's library code)\n",
             "| phase | process | start | max | end | max anon | samples |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for (phase, name), series in sampler.samples.items():
        kbs = [kb for _, kb in series]
        anon = max(sampler.anon.get((phase, name), [0]))
        lines.append(f"| {phase} | {name} | {kbs[0] / 1024:,.0f} | {max(kbs) / 1024:,.0f} | "
                     f"{kbs[-1] / 1024:,.0f} | {anon / 1024:,.0f} | {len(kbs)} |")
    soak_series = {name: s for (phase, name), s in sampler.samples.items()
                   if phase == "d. soak"}
    if soak_series:
        lines.append(f"\nsoak ({minutes:g} min) RSS slope over its second half, MB/min: " +
                     ", ".join(f"{n} {slope_mb_per_min(s):+.1f}" for n, s in soak_series.items())
                     + " (growth check: run with `--minutes 10 --parts abd`)")
    return lines


if __name__ == "__main__":
    main()
