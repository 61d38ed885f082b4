"""Simulator benchmarks: corpus generation time and pages served per second.

    .venv/bin/python bench/bench_simulator.py [--scale 4.2] [--runs 3] [--seconds 10]

Prints medians. The server runs in its own process (as in a real benchmark of the
pipeline), the load generator here, with a browser User-Agent and a fixed concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.simulator.corpus import build_corpus  # noqa: E402

LIST = (
    "{base}/{court}/modules.php?name=sud_delo&srv_num=1&name_op=r&delo_id=1540006"
    "&case_type=0&new=0&delo_table=u1_case&page={page}{extra}"
)
EXTRAS = (
    "",
    "&U1_DEFENDANT__LAW_ARTICLESS=337",
    "&U1_DEFENDANT__LAW_ARTICLESS=337+%F7.5",
    "&u1_case__ENTRY_DATE1D=01.07.2024&u1_case__ENTRY_DATE2D=31.07.2024",
)


def bench_build(scale: float, runs: int) -> None:
    times, sizes = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        corpus = build_corpus(scale=scale)
        times.append(time.perf_counter() - t0)
        sizes.append(len(corpus.cases))
    print(
        f"build_corpus(scale={scale}): {sizes[0]} cases, median {statistics.median(times):.2f} s"
        f" over {runs} runs"
    )


async def load(base: str, courts: list[str], seconds: float, concurrency: int) -> tuple[int, int]:
    ok = errors = 0
    rng = random.Random(1)
    stop = time.perf_counter() + seconds
    headers = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) bench"}
    async with aiohttp.ClientSession(headers=headers) as session:

        async def worker() -> None:
            nonlocal ok, errors
            while time.perf_counter() < stop:
                url = LIST.format(
                    base=base,
                    court=rng.choice(courts),
                    page=rng.randint(1, 20),
                    extra=rng.choice(EXTRAS),
                )
                async with session.get(url) as resp:
                    await resp.read()
                    if resp.status == 200:
                        ok += 1
                    else:
                        errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok, errors


def bench_serve(scale: float, runs: int, seconds: float, concurrency: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.simulator", "serve", "--port", "0", "--scale", str(scale)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        base = line.rsplit(" ", 1)[1]
        from services.simulator.courts import load_courts

        courts = [c.vnkod for c in load_courts() if c.type == "GV"]
        asyncio.run(load(base, courts, 2.0, concurrency))  # warm the list caches
        rates = []
        for _ in range(runs):
            ok, errors = asyncio.run(load(base, courts, seconds, concurrency))
            assert errors == 0
            rates.append(ok / seconds)
        print(
            f"serve(scale={scale}, concurrency={concurrency}): "
            f"median {statistics.median(rates):.0f} pages/s over {runs} runs of {seconds:.0f} s"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=4.2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    bench_build(args.scale, args.runs)
    bench_serve(args.scale, args.runs, args.seconds, args.concurrency)


if __name__ == "__main__":
    main()
