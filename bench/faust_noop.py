"""A faust agent that takes the case-events topic in batches and does nothing with them.

    BENCH_RECORDS=N DW_KAFKA_BOOTSTRAP=… python bench/faust_noop.py worker -l warn

Prints ``RATE <records/s>`` (first batch → N records) and exits: the ceiling of faust's
per-record stream path on this machine, a baseline of bench_pipeline part a. Same app
settings as the services (docketwatch.streams.make_app), its own consumer group.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docketwatch.contract import TOPIC_CASE_EVENTS
from docketwatch.settings import CommonSettings
from docketwatch.streams import make_app, raw_topic

N = int(os.environ["BENCH_RECORDS"])
app = make_app(f"bench-faust-noop-{time.time_ns()}", CommonSettings(), partitions=6,
               stream_buffer_maxsize=8192)
topic = raw_topic(app, TOPIC_CASE_EVENTS)
_seen = {"n": 0, "t0": 0.0}


@app.agent(topic)
async def noop(stream: Any) -> None:
    async for batch in stream.take(5000, within=1.0):
        if not _seen["n"]:
            _seen["t0"] = time.perf_counter()
        _seen["n"] += len(batch)
        if _seen["n"] >= N:
            print(f"RATE {_seen['n'] / (time.perf_counter() - _seen['t0']):.1f}", flush=True)
            os._exit(0)


if __name__ == "__main__":
    app.main()
