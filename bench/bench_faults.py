"""Fault trials: kill -9 of each component at random points; 0 lost, 0 double-counted?

    .venv/bin/python bench/bench_faults.py [--trials 20]
        [--components parser,aggregator,broker,fetcher]
        [--seed 1] [--scale 0.02] [--courts 3] [--workdir DIR]

One clean run of the corpus gives the reference event ids; then, per component and trial,
a fresh broker and the whole pipeline run concurrently (simulator → fetcher → parser →
aggregator), the component is killed with SIGKILL once the stream has gone a random
fraction (10–80 %) of the way, restarted at once (the broker on the same ports and data
directory; the fetcher's pass is run again after a broker outage), and the drained result
is compared with the simulator's truth and the clean run (launcher/trials.py):

- lost: truth cases missing from case_state, monthly_received cases short, clean-run event
  ids missing;
- double-counted: duplicate or invented case_state rows, monthly_received cases over,
  case_events rows visible twice through FINAL;
- new ids: event ids a clean run does not produce (no count changes by itself);
- recovery: seconds from the kill until both consumer groups have zero lag again.

Prints a markdown table. The CI-sized versions are tests/reliability/test_*_crash.py.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from launcher.trials import (  # noqa: E402
    COMPONENTS,
    Corpus,
    Trial,
    kill_all,
    make_baseline,
    new_stack,
    random_fraction,
    run_trial,
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=20, help="trials per component")
    ap.add_argument("--components", default=",".join(COMPONENTS))
    ap.add_argument("--seed", type=int, default=1, help="random kill points")
    ap.add_argument("--corpus-seed", type=int, default=11)
    ap.add_argument("--scale", type=float, default=0.02)
    ap.add_argument("--courts", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    components = [c for c in args.components.split(",") if c]
    assert set(components) <= set(COMPONENTS), f"components: {COMPONENTS}"
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-faults-"))
    corpus = Corpus(args.corpus_seed, args.scale, args.courts)
    rng = random.Random(args.seed)

    t0 = time.monotonic()
    baseline = make_baseline(workdir / "baseline", corpus)
    print(f"clean run: {baseline.raw_pages} raw pages, {baseline.events} events, "
          f"{len(baseline.event_ids)} distinct event ids ({time.monotonic() - t0:.0f} s)",
          file=sys.stderr, flush=True)
    trials: list[Trial] = []
    for component in components:
        for i in range(args.trials):
            stack = new_stack(workdir / f"{component}-{i}")
            stack.start_broker()
            try:
                t = run_trial(stack, baseline, component, random_fraction(rng))
            except Exception as exc:  # a trial that never drains is a result, not a crash
                t = None
                print(f"{component} #{i}: FAILED {type(exc).__name__}: {exc}", file=sys.stderr,
                      flush=True)
            finally:
                kill_all(stack)
            if t is not None:
                trials.append(t)
                print(f"{component} #{i}: kill at {t.fraction:.0%} (mid-stream {t.mid_stream}) "
                      f"lost {t.verdict.lost} double {t.verdict.double_counted} new ids "
                      f"{t.verdict.new_ids} recovery {t.recovery_s:.1f} s {t.note} "
                      f"{t.verdict.problems}", file=sys.stderr, flush=True)

    print(f"\n### Fault trials (corpus seed {corpus.seed}, scale {corpus.scale}, "
          f"{corpus.courts_limit} courts: {baseline.raw_pages} raw pages, "
          f"{len(baseline.event_ids)} event ids; kill points seed {args.seed})\n")
    print("| component | trials | mid-stream | lost | double-counted | new event ids "
          "| exact | median recovery s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for component in components:
        ts = [t for t in trials if t.component == component]
        if not ts:
            print(f"| {component} | 0 | | | | | | |")
            continue
        print(f"| {component} | {len(ts)} | {sum(t.mid_stream for t in ts)} "
              f"| {sum(t.verdict.lost for t in ts)} "
              f"| {sum(t.verdict.double_counted for t in ts)} "
              f"| {sum(t.verdict.new_ids for t in ts)} "
              f"| {sum(t.verdict.exact for t in ts)}/{len(ts)} "
              f"| {statistics.median(t.recovery_s for t in ts):.1f} |")
    failed = args.trials * len(components) - len(trials)
    if failed:
        print(f"\n{failed} trial(s) did not complete (see stderr).")
    print(f"\n`{' '.join(sys.argv)}` — {time.monotonic() - t0:.0f} s")
    return 0 if all(t.verdict.lost == 0 and t.verdict.double_counted == 0 for t in trials) \
        and not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
