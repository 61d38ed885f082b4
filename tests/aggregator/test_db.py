"""services/aggregator/db.py: the aggregator's reader and writer connections."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from clickhouse_connect.driver.client import Client

from services.aggregator.db import Connections


async def test_after_write_runs_on_the_writers_thread_once_the_write_is_answered(
        chdb_dsn: str) -> None:
    """The purge hook must not hold up the write's caller (its acknowledgement, the insert
    latency), and the connection's next write must wait for it (one client, one thread)."""
    steps: list[tuple[str, str]] = []
    hook_may_end = threading.Event()

    def after(client: Client) -> None:
        steps.append(("after", threading.current_thread().name))
        assert hook_may_end.wait(30)
        steps.append(("after done", threading.current_thread().name))

    def write(label: str) -> Callable[[Client], object]:
        def fn(client: Client) -> object:
            steps.append((label, threading.current_thread().name))
            return client.command("SELECT 1")
        return fn

    db = Connections(chdb_dsn, writers=1, after_write=after)
    # Answered while the hook cannot end (with the hook inside the write: a timeout).
    assert await asyncio.wait_for(db.write(write("first")), 10) == 1
    assert ("after done", "clickhouse-write-0_0") not in steps
    second = asyncio.ensure_future(db.write(write("second")))
    hook_may_end.set()
    assert await asyncio.wait_for(second, 30) == 1
    assert steps[:4] == [(step, "clickhouse-write-0_0")
                         for step in ("first", "after", "after done", "second")]
