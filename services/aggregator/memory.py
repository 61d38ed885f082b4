"""Hand the embedded engine's freed memory back to the system when the process is over its
target.

chDB allocates with its own jemalloc, which keeps freed pages for reuse and returns them
only after a decay of seconds. While a backlog is ingested, every insert frees its blocks
and the next one allocates new ones before the old pages decay, so the process's RSS climbs
to several times what the engine holds at any moment (docs/performance.md, "bounded
memory"). Purging after an insert, only when the RSS is over the target, returns them off
the consumer's path (on the writer's thread once the insert has been answered, db.py, so
neither the acknowledgement nor the insert's latency waits for it) and costs nothing while
the process is under it.

A purge also returns the pages the next insert will fault in again: in live mode (an insert
of a few events every few seconds, the RSS a little over the target for good) a purge after
every insert cost about 4 ms and freed 4 MB each time, measured in the 30-minute soak. So
over the target the RSS must also have grown by ``REGROWTH`` since the last purge (or since
the lowest it has been after it) before the next one.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from clickhouse_connect.driver.client import Client

from services.aggregator import metrics

log = logging.getLogger(__name__)

REGROWTH = 64 << 20

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int | None:
    """This process's resident set now (None where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


class AllocatorTrim:
    """``after_write(client)`` on a writer's thread after each insert: a purge of the
    engine's allocator when the RSS is over ``target_bytes`` (0: never) and ``REGROWTH``
    over the lowest it has been since the last purge. One purge at a time; a writer
    finding one under way goes on."""

    def __init__(self, target_bytes: int) -> None:
        self.target_bytes = target_bytes
        self._low = 0  # the lowest RSS seen since the last purge (0: none yet)
        self._purging = threading.Lock()

    def after_write(self, client: Client) -> None:
        if not self.target_bytes:
            return
        before = rss_bytes()
        if before is None:
            return
        if self._low:
            self._low = min(self._low, before)
        if before <= max(self.target_bytes, self._low + REGROWTH):
            return
        if not self._purging.acquire(blocking=False):
            return
        try:
            t0 = time.perf_counter()
            client.command("SYSTEM JEMALLOC PURGE")
            metrics.PURGES.inc()
            metrics.PURGE_SECONDS.inc(time.perf_counter() - t0)
            after = rss_bytes() or before
            self._low = after
            metrics.PURGED_BYTES.inc(max(0, before - after))
        except Exception as exc:  # an engine without jemalloc: memory, not correctness
            log.warning("allocator purge failed, not trying again: %s", exc)
            self.target_bytes = 0
        finally:
            self._purging.release()
