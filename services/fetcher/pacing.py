"""Per-host spacing: one request at a time per host, starts at least an interval apart.

A token bucket (aiolimiter) lets a burst of `rate` requests through at once; a court site
sees that as a burst, so requests are spaced instead, each gap stretched by random jitter
so that many courts are not hit in lock-step.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostPacer:
    def __init__(self, rate_per_s: float, jitter: float = 0.0) -> None:
        # rate 0 means no politeness limit (benchmarks against the simulator only).
        self._interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self._jitter = max(0.0, jitter)
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @property
    def interval(self) -> float:
        return self._interval

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Held for the whole request: the next one to this host starts after it ended
        and at least one (jittered) interval after it started."""
        if self._interval <= 0:
            yield
            return
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            loop = asyncio.get_running_loop()
            delay = self._next.get(host, 0.0) - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            gap = self._interval * (1.0 + random.uniform(0.0, self._jitter))
            self._next[host] = loop.time() + gap
            yield
