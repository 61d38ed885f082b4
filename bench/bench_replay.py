"""A full replay of the raw topic into an empty store, without the crawl (issue 20, item 5).

    .venv/bin/python bench/bench_replay.py [--scale 1.0] [--end 2026-12-31] [--seed 1]
        [--runs 1] [--compare DIR] [--variant DW_X=1[,DW_Y=2]]... [--workdir DIR]

One fetcher pass over the simulated corpus fills the raw topic first, with no parser or
aggregator running (its time is reported, not counted). Then each run replays that topic
as `operations.md` describes a rebuild: a parser under a new consumer group (a fresh case
table) and an aggregator under a new group with an empty store, both spawned at once; the
events topic is emptied between runs (deleted and created again) so that each aggregator
reads only its own run's events. Per run:

- wall: spawn → both groups at lag 0 (start-up included);
- the parser's rate: raw pages / (its lag 0 − its first committed progress); the
  aggregator's: events / (its lag 0 − its first committed progress), which the parser
  paces, and its tail: the seconds from the parser's lag 0 to its own;
- the store compared with the simulator's truth (launcher.verify: every case, every view);
- each process's peak RSS (VmRSS of the process itself, sampled every 0.5 s), and in
  brackets its peak RssAnon (without mapped files such as chDB's library code);
- the CPU seconds each used from spawn to drained (the parser service, its parse
  process, the aggregator, the broker) against the 2 cores × wall the machine had: where
  the replay's time goes, and how far it is from being CPU-bound.

Baseline in the same run: the parser alone on the same raw topic (another new group, no
aggregator beside it on the 2 cores): the bound the replay's parser stage works against.
``--compare DIR`` also replays with another checkout's parser and aggregator (e.g. the code
before a change: ``git archive <commit> | tar -x -C DIR``), interleaved run by run;
``--variant`` replays this checkout again with other settings for both services.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiokafka.admin import AIOKafkaAdminClient  # noqa: E402

from bench.bench_pipeline import RssSampler, alive  # noqa: E402
from bench.procfs import cpu_seconds, tree_cpu_seconds  # noqa: E402
from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES  # noqa: E402
from docketwatch.kafka import ensure_topics  # noqa: E402
from launcher.stack import Stack, wait_until  # noqa: E402
from launcher.supervise import descendants  # noqa: E402
from launcher.trials import KafkaProbe, Offsets, new_stack  # noqa: E402
from launcher.verify import verify  # noqa: E402

QUIET = {"DW_LOG_LEVEL": "WARNING"}
# The comparison with the truth reads every case through the aggregator's HTTP interface,
# whose default limits (100,000 rows, 64 MiB) a corpus past scale 1.8 exceeds.
VERIFY_READS = {"DW_READ_MAX_ROWS": "100000000", "DW_READ_MAX_BYTES": str(16 << 30),
                "DW_READ_MAX_SECONDS": "600"}


@dataclass
class Replay:
    label: str
    wall_s: float = 0.0
    parser_rate: float = 0.0
    aggregator_rate: float = 0.0
    tail_s: float = 0.0  # the aggregator's catch-up after the parser's last page
    events: int = 0
    exact: bool = False
    note: str = ""
    peak_mb: dict[str, float] = field(default_factory=dict)
    peak_anon_mb: dict[str, float] = field(default_factory=dict)
    cpu_s: dict[str, float] = field(default_factory=dict)  # spawn → drained, by process


CPU_PARTS = ("parser", "parse process", "aggregator", "broker")


def _cpu(stack: Stack, broker: int) -> dict[str, float]:
    """CPU seconds so far of the parser service, its parse processes, the aggregator and
    the broker."""
    parser, aggregator = stack.procs["parser"].pid, stack.procs["aggregator"].pid
    return {"parser": cpu_seconds(parser),
            "parse process": sum(cpu_seconds(c) for c in descendants(parser)),
            "aggregator": tree_cpu_seconds(aggregator),
            "broker": cpu_seconds(broker)}


def fill_raw_topic(stack: Stack, scale: float, end: str, seed: int) -> tuple[int, float, int]:
    """(raw pages, crawl seconds, truth cases): one fetcher pass, nothing consuming."""
    stack.start_simulator(seed=seed, as_of=end, scale=scale, extra=["--end", end])
    cases = len(stack.truth()["cases"])
    t0 = time.monotonic()
    stack.start_service("fetcher", {**QUIET, "DW_FETCH_END": end, "DW_FETCH_MODE": "once",
                                    "DW_HOST_RATE_PER_S": "0", "DW_MAX_CONCURRENCY": "32"})
    code = stack.wait_exit("fetcher", timeout=7200)
    if code != 0:
        raise RuntimeError(f"fetcher exited {code}: "
                           f"{stack.log_path('fetcher').read_text(errors='replace')[-3000:]}")
    pages = KafkaProbe(stack.bootstrap).read().ends[TOPIC_RAW_PAGES]
    return pages, time.monotonic() - t0, cases


async def _empty_events_topic(bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if TOPIC_CASE_EVENTS in await admin.list_topics():
            await admin.delete_topics([TOPIC_CASE_EVENTS])
        deadline = time.monotonic() + 120
        while TOPIC_CASE_EVENTS in await admin.list_topics():
            if time.monotonic() > deadline:
                raise TimeoutError("the events topic was not deleted")
            await asyncio.sleep(0.2)
    finally:
        await admin.close()
    for _ in range(100):  # the broker may still be finishing the deletion
        try:
            await ensure_topics(bootstrap)
            return
        except Exception:  # TopicAlreadyExists, marked for deletion: retry
            await asyncio.sleep(0.2)
    await ensure_topics(bootstrap)


def _code_env(tree: Path | None) -> dict[str, str]:
    # no cwd on sys.path, the other checkout first: its services and docketwatch win
    return {} if tree is None else {"PYTHONSAFEPATH": "1", "PYTHONPATH": str(tree.resolve())}


@dataclass(frozen=True)
class Setup:
    """What one row of the table replays: a checkout and settings."""

    label: str  # names its groups and data directory
    name: str  # in the table
    tree: Path | None = None  # another checkout (None: this one)
    env: dict[str, str] = field(default_factory=dict)


def replay(stack: Stack, sampler: RssSampler, setup: Setup, run: int, pages: int) -> Replay:
    asyncio.run(_empty_events_topic(stack.bootstrap))
    label = setup.label
    parser_group, agg_group = f"replay-parser-{label}-{run}", f"replay-agg-{label}-{run}"
    data = stack.workdir / f"replay-{label}-{run}"
    env = {**QUIET, **_code_env(setup.tree), **VERIFY_READS, **setup.env,
           "DW_DATA_DIR": str(data),
           "DW_PARSER_GROUP": parser_group, "DW_AGGREGATOR_GROUP": agg_group}
    probe = KafkaProbe(stack.bootstrap, ((parser_group, TOPIC_RAW_PAGES),
                                         (agg_group, TOPIC_CASE_EVENTS)))
    sampler.phase = f"{label} {run}"
    broker = stack.broker_pid() or 0
    broker_cpu = cpu_seconds(broker)
    t0 = time.monotonic()
    stack.start_service("parser", env)
    stack.start_service("aggregator", env)
    marks: dict[str, float] = {}

    def progress(o: Offsets) -> bool:
        # KafkaProbe retries whatever the predicate raises: a dead service ends the wait here
        dead = [n for n in ("parser", "aggregator") if stack.procs[n].poll() is not None]
        if dead:
            marks["dead"] = 0.0
            return True
        now = time.monotonic()
        if o.committed[(parser_group, TOPIC_RAW_PAGES)] > 0:
            marks.setdefault("parser_first", now)
        if o.committed[(agg_group, TOPIC_CASE_EVENTS)] > 0:
            marks.setdefault("agg_first", now)
        if o.lag(parser_group, TOPIC_RAW_PAGES) == 0:
            marks.setdefault("parser_done", now)
        done = "parser_done" in marks and o.lag(agg_group, TOPIC_CASE_EVENTS) == 0 \
            and o.ends[TOPIC_CASE_EVENTS] > 0
        if done:
            marks["agg_done"] = now
        return done

    last = probe.wait(progress, timeout=7200, interval=0.1, what="replay drained")
    if "dead" in marks:
        for name in ("parser", "aggregator"):
            alive(stack, name)  # raises with the log's tail
    out = Replay(label, wall_s=marks["agg_done"] - t0, events=last.ends[TOPIC_CASE_EVENTS])
    out.cpu_s = _cpu(stack, broker)
    out.cpu_s["broker"] -= broker_cpu
    out.parser_rate = pages / (marks["parser_done"] - marks["parser_first"])
    out.aggregator_rate = out.events / (marks["agg_done"] - marks["agg_first"])
    out.tail_s = marks["agg_done"] - marks["parser_done"]
    print(f"{setup.name} run {run}: drained in {out.wall_s:.0f} s, parser "
          f"{out.parser_rate:.0f} pages/s, aggregator {out.aggregator_rate:,.0f} events/s "
          f"(tail {out.tail_s:.1f} s); comparing with the truth", file=sys.stderr, flush=True)
    wait_until(lambda: stack.sql("SELECT 1"), timeout=60, what="the replay's store")
    result = verify(stack.sql, stack.truth())
    out.exact = result.exact
    if not result.exact:
        views = {k: (v.lost, v.extra) for k, v in result.views.items() if v.lost or v.extra}
        published = {k: v[:2] for k, v in result.published.items() if v}
        out.note = (f"lost {dict(result.lost)}, wrong {dict(result.wrong)}, extra "
                    f"{result.extra}; views {views}; published {published}; "
                    f"{result.examples[:3]}")
    for (phase, name), series in sampler.samples.items():
        if phase == sampler.phase:
            out.peak_mb[name] = max(kb for _, kb in series) / 1024
            out.peak_anon_mb[name] = max(sampler.anon[(phase, name)]) / 1024
    stack.stop("aggregator")
    stack.stop("parser")
    return out


def parser_alone(stack: Stack, sampler: RssSampler, run: int, pages: int) -> float:
    group = f"replay-alone-{run}"
    probe = KafkaProbe(stack.bootstrap, ((group, TOPIC_RAW_PAGES),))
    sampler.phase = f"parser alone {run}"
    stack.start_service("parser", {**QUIET, "DW_PARSER_GROUP": group,
                                   "DW_DATA_DIR": str(stack.workdir / f"alone-{run}")})
    proc = stack.procs["parser"]
    probe.wait(lambda o: proc.poll() is not None or o.committed[(group, TOPIC_RAW_PAGES)] > 0,
               timeout=600, interval=0.05, what="first progress")
    t_first = time.monotonic()
    probe.wait(lambda o: proc.poll() is not None or o.lag(group, TOPIC_RAW_PAGES) == 0,
               timeout=7200, interval=0.1, what="parser drained")
    alive(stack, "parser")
    rate = pages / (time.monotonic() - t_first)
    stack.stop("parser")
    return rate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    # Not after today: the store's docket date is capped by the newest fetch time, so a
    # corpus that ends in the future is "provisional" where its truth is not.
    ap.add_argument("--end", default="2026-11-30")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--compare", type=Path, default=None, metavar="DIR")
    ap.add_argument("--variant", action="append", default=[], metavar="K=V[,K=V]")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--no-alone", dest="alone", action="store_false",
                    help="skip the parser-alone baseline (a long corpus's second pass)")
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-replay-", dir="/tmp"))
    stack = new_stack(workdir)
    sampler = RssSampler()
    sampler.stack = stack
    sampler.start()
    replays: list[Replay] = []
    setups = [Setup("this", "this checkout")]
    if args.compare is not None:
        setups.append(Setup("compared", str(args.compare), tree=args.compare))
    for i, variant in enumerate(args.variant):
        setups.append(Setup(f"variant{i}", f"this checkout, {variant}",
                            env=dict(kv.split("=", 1) for kv in variant.split(","))))
    alone: list[float] = []
    try:
        stack.start_broker()
        pages, crawl_s, cases = fill_raw_topic(stack, args.scale, args.end, args.seed)
        print(f"raw topic filled: {pages:,} pages ({cases:,} cases) in {crawl_s:.0f} s",
              file=sys.stderr, flush=True)
        for run in range(args.runs):
            for setup in setups:
                r = replay(stack, sampler, setup, run, pages)
                replays.append(r)
                print(f"{setup.name} run {run}: exact {r.exact} {r.note}", file=sys.stderr,
                      flush=True)
            if args.alone:
                alone.append(parser_alone(stack, sampler, run, pages))
                print(f"parser alone run {run}: {alone[-1]:.0f} pages/s", file=sys.stderr,
                      flush=True)
    finally:
        sampler.stop()
        stack.stop_all()

    print(f"\n### Full replay: {pages:,} raw pages, {cases:,} cases (simulator scale "
          f"{args.scale}, seed {args.seed}, receipts 2022-02-24 → {args.end}); "
          f"{os.cpu_count()} cores, broker beside it\n")
    print(f"Crawl that filled the raw topic (not part of the replay): {crawl_s:.0f} s.\n")
    print("| code | wall s, spawn → drained (runs) | parser pages/s | aggregator events/s "
          "(tail s) | events | exact | peak RSS MB: parser, aggregator, broker |")
    print("|---|---:|---:|---:|---:|---|---|")
    for setup in setups:
        rows = [r for r in replays if r.label == setup.label]
        walls = ", ".join(f"{r.wall_s:.0f}" for r in rows)
        peak = " / ".join(f"{max(r.peak_mb.get(n, 0) for r in rows):,.0f} "
                          f"({max(r.peak_anon_mb.get(n, 0) for r in rows):,.0f})"
                          for n in ("parser", "aggregator", "broker (JVM)"))
        print(f"| {setup.name} | **{statistics.median(r.wall_s for r in rows):.0f}** ({walls}) | "
              f"{statistics.median(r.parser_rate for r in rows):,.0f} | "
              f"{statistics.median(r.aggregator_rate for r in rows):,.0f} "
              f"({statistics.median(r.tail_s for r in rows):.1f}) | "
              f"{rows[0].events:,} | {all(r.exact for r in rows)} | {peak} |")
    print("\nCPU seconds, spawn → drained (median of runs), against the 2 cores × wall "
          "the machine had:\n")
    print(f"| code | {' | '.join(CPU_PARTS)} | all | of cores × wall |")
    print(f"|---|{'---:|' * (len(CPU_PARTS) + 2)}")
    for setup in setups:
        rows = [r for r in replays if r.label == setup.label]
        parts = [statistics.median(r.cpu_s[n] for r in rows) for n in CPU_PARTS]
        cores = (os.cpu_count() or 1) * statistics.median(r.wall_s for r in rows)
        print(f"| {setup.name} | {' | '.join(f'{c:.0f}' for c in parts)} | {sum(parts):.0f} | "
              f"{100 * sum(parts) / cores:.0f} % |")
    if alone:
        print(f"\nBaseline, same run: the parser alone on the same raw topic, "
              f"{statistics.median(alone):,.0f} pages/s (runs "
              f"{', '.join(f'{a:.0f}' for a in alone)}).")
    print(f"\n`{' '.join(sys.argv)}`")
    return 0 if all(r.exact for r in replays) else 1


if __name__ == "__main__":
    raise SystemExit(main())
