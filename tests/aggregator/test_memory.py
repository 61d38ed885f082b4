"""services/aggregator/memory.py: the embedded engine's allocator purged over the target."""

from __future__ import annotations

from typing import Any

import pytest
from clickhouse_connect.driver.client import Client
from prometheus_client import REGISTRY

from services.aggregator import memory
from services.aggregator.memory import REGROWTH, AllocatorTrim, rss_bytes
from services.aggregator.settings import AggregatorSettings


def purges() -> float:
    return REGISTRY.get_sample_value("docketwatch_aggregator_allocator_purges_total") or 0.0


def test_rss_is_read_from_proc() -> None:
    rss = rss_bytes()
    assert rss is not None and 10 << 20 < rss < 64 << 30


def test_purges_over_the_target_only(store: Client) -> None:
    before = purges()
    AllocatorTrim(1 << 50).after_write(store)   # far under: nothing
    AllocatorTrim(0).after_write(store)         # off: nothing
    assert purges() == before
    AllocatorTrim(1).after_write(store)         # over: the real engine purges
    assert purges() == before + 1


def test_over_the_target_a_purge_waits_for_the_rss_to_grow_again(
        store: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """Live mode: the RSS stays a little over the target; purging after every insert only
    made the next one fault its pages in again."""
    mb = 1 << 20
    readings = iter([500 * mb, 450 * mb,              # purge: 500 -> 450
                     460 * mb, 450 * mb + REGROWTH,   # not yet 64 MB over 450
                     430 * mb,                        # lower: the new reference
                     430 * mb + REGROWTH + mb, 420 * mb])  # purge
    monkeypatch.setattr(memory, "rss_bytes", lambda: next(readings))
    trim, before = AllocatorTrim(400 * mb), purges()
    done = []
    for _ in range(5):
        trim.after_write(store)
        done.append(purges() - before)
    assert done == [1, 1, 1, 1, 2]


def test_an_engine_that_cannot_purge_is_not_asked_again() -> None:
    class NoJemalloc:
        calls = 0

        def command(self, sql: str, *a: Any, **kw: Any) -> None:
            self.calls += 1
            raise RuntimeError("Code: 48. SYSTEM JEMALLOC PURGE is not supported")

    trim, client = AllocatorTrim(1), NoJemalloc()
    trim.after_write(client)  # type: ignore[arg-type]
    trim.after_write(client)  # type: ignore[arg-type]
    assert (client.calls, trim.target_bytes) == (1, 0)


def test_only_an_embedded_store_is_trimmed() -> None:
    assert AggregatorSettings(clickhouse_dsn="http://127.0.0.1:8123").rss_target() == 0
    assert AggregatorSettings(clickhouse_dsn="chdb:///tmp/x").rss_target() == 384 << 20
