"""The aggregator's ClickHouse connections: a few readers and a few writers, a thread each.

A client is used by one thread at a time (clickhouse-connect's chDB handle serialises its
calls, and neither chDB nor the HTTP client has an async API), so each connection owns a
thread. Separate connections to one chDB engine run their queries in parallel (chDB's
documented contract), which is what lets two inserts use both cores, and lets a read of the
ClickHouse HTTP interface go past an insert in progress. The first connection to open
migrates the store; the others wait for it.

A writer may have an ``after_write`` callable (the allocator purge, memory.py): it runs on
the writer's own thread after each write, once the write's caller has its answer, so it
neither delays an acknowledgement nor counts in the insert's latency; the connection's next
write queues behind it on that thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from clickhouse_connect.driver.client import Client

from docketwatch.store import connect, migrate

T = TypeVar("T")
log = logging.getLogger(__name__)


def _log_failure(done: Future[None]) -> None:
    if (exc := done.exception()) is not None:
        log.warning("after-write step failed: %r", exc)


class _Connection:
    def __init__(self, dsn: str, name: str,
                 after: Callable[[Client], None] | None = None) -> None:
        self.dsn = dsn
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self.client: Client | None = None
        self.after = after

    async def run(self, fn: Callable[[Client], T]) -> T:
        result = await asyncio.get_running_loop().run_in_executor(self.thread, self._call, fn)
        if self.after is not None:
            self.thread.submit(self._call, self.after).add_done_callback(_log_failure)
        return result

    def _call(self, fn: Callable[[Client], T]) -> T:
        if self.client is None:
            self.client = connect(self.dsn)
        return fn(self.client)


class _Pool:
    """Connections handed out one task at a time."""

    def __init__(self, connections: list[_Connection]) -> None:
        self.connections = connections
        self._idle: asyncio.Queue[_Connection] | None = None

    async def run(self, fn: Callable[[Client], T]) -> T:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for c in self.connections:
                self._idle.put_nowait(c)
        connection = await self._idle.get()
        try:
            return await connection.run(fn)
        finally:
            self._idle.put_nowait(connection)


class Connections:
    """``read`` for queries (at most ``readers`` at once), ``write`` for inserts (at most
    ``writers`` at once); readers and writers never wait for each other's connections."""

    def __init__(self, dsn: str, writers: int, readers: int = 1,
                 after_write: Callable[[Client], None] | None = None) -> None:
        self.reader = _Connection(dsn, "clickhouse-read-0")
        self.readers = _Pool([self.reader] + [_Connection(dsn, f"clickhouse-read-{i}")
                                              for i in range(1, max(1, readers))])
        self.writers = _Pool([_Connection(dsn, f"clickhouse-write-{i}", after_write)
                              for i in range(writers)])
        self._open: asyncio.Future[list[int]] | None = None

    async def open(self) -> None:
        """Open and migrate once (on the reader); every call waits for it. A failed
        attempt (the server is away) is tried again by the next call."""
        if self._open is None or (self._open.done() and (self._open.cancelled()
                                                         or self._open.exception())):
            self._open = asyncio.ensure_future(self.reader.run(migrate))
        await asyncio.shield(self._open)

    async def read(self, fn: Callable[[Client], T]) -> T:
        await self.open()
        return await self.readers.run(fn)

    async def write(self, fn: Callable[[Client], T]) -> T:
        await self.open()
        return await self.writers.run(fn)
