"""``python -m bench``: every benchmark, quick defaults, one markdown report.

    .venv/bin/python -m bench [--out FILE] [--only sink,pipeline] [--timeout 900]

Each bench script runs as its own subprocess (one after the other: the machine has few
cores and they would disturb each other); its stdout goes into the report under its own
heading, its stderr to /tmp/bench-logs-*/NAME.err (the tail is quoted if it fails).
Benches that another change may not have added yet (bench_scaleout, bench_faults) are run
only when their file exists.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# name → quick default arguments (each should finish in a few minutes on 2 cores)
BENCHES: list[tuple[str, list[str]]] = [
    ("bench_simulator", ["--scale", "1", "--runs", "3", "--seconds", "5"]),
    ("bench_parser", []),
    ("bench_sink", ["--runs", "3"]),
    ("bench_fetcher", []),
    ("bench_pipeline", []),
    ("bench_kafka_engine", []),
    ("bench_startup", ["--runs", "3"]),
    ("bench_parser_table", ["--sizes", "10000,50000", "--runs", "2"]),
    ("bench_scaleout", []),
    ("bench_replay", ["--scale", "0.1"]),
    ("bench_sizing", ["--courts", "150", "--scale", "0.05"]),
    ("bench_faults", []),
    ("bench_counts", ["--seeds", "1,2", "--scale", "0.05"]),
    ("bench_query_flood", ["--runs", "2"]),
    ("bench_fuzz", ["--mutations", "20000", "--service-pages", "2000"]),
    ("bench_soak", ["--minutes", "2"]),
    ("bench_up_soak", ["--minutes", "3", "--scale", "0.2"]),
]


def machine() -> str:
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    try:
        cpu = next(line.split(":", 1)[1].strip()
                   for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except StopIteration:
        cpu = platform.processor() or "?"
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                         capture_output=True, text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return (f"- date: {datetime.now(UTC).isoformat(timespec='seconds')}\n"
            f"- machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}, "
            f"{mem_kb / 1024 / 1024:.1f} GiB memory, {platform.platform()}\n"
            f"- Python {platform.python_version()}; commit {git}"
            f"{' + uncommitted changes' if dirty else ''}\n"
            f"- load average at start: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
            f" (other work on the machine skews every figure: compare within one bench)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="also write the report to this file")
    ap.add_argument("--only", help="comma-separated bench names (with or without bench_)")
    ap.add_argument("--timeout", type=float, default=900, help="per bench, seconds")
    args = ap.parse_args()
    only = {n if n.startswith("bench_") else f"bench_{n}"
            for n in (args.only.split(",") if args.only else [])}
    logs = Path(tempfile.mkdtemp(prefix="bench-logs-", dir="/tmp"))
    report = ["# docketwatch benchmarks\n", machine(), f"- stderr logs: {logs}\n"]
    summary = []
    failed = 0
    for name, bench_args in BENCHES:
        if only and name not in only:
            continue
        script = HERE / f"{name}.py"
        if not script.exists():
            summary.append(f"| {name} | not present | |")
            continue
        cmd = [sys.executable, str(script.relative_to(ROOT)), *bench_args]
        shown = " ".join(shlex.quote(c) for c in [".venv/bin/python", *cmd[1:]])
        print(f"running {shown} ...", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        err = logs / f"{name}.err"
        with err.open("wb") as errf:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=errf,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1"})
            try:
                raw, _ = proc.communicate(timeout=args.timeout)
                code: int | str = proc.returncode
            except subprocess.TimeoutExpired:
                # SIGTERM first: the benches stop their brokers and services on it
                proc.terminate()
                try:
                    raw, _ = proc.communicate(timeout=120)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    raw, _ = proc.communicate()
                code = f"timeout after {args.timeout:.0f} s"
        out = (raw or b"").decode(errors="replace")
        seconds = time.monotonic() - t0
        status = "ok" if code == 0 else f"FAILED ({code})"
        failed += int(code != 0)
        summary.append(f"| {name} | {status} | {seconds:.0f} |")
        section = [f"\n---\n\n# {name}\n", f"`{shown}` — {status}, {seconds:.0f} s\n"]
        body = out.strip()
        if body and not any(line.startswith(("|", "#")) for line in body.splitlines()):
            body = f"```\n{body}\n```"
        section.append(body)
        if code != 0:
            tail = err.read_text(errors="replace")[-3000:]
            section.append(f"\nstderr (tail):\n```\n{tail}\n```")
        report.append("\n".join(section))
    report.insert(3, "| bench | status | seconds |\n|---|---|---:|\n" + "\n".join(summary))
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
