"""Where the dashboard's queries run: the store's read client (ClickHouse's HTTP interface).

Every dashboard query converts dates, timestamps and decimals to strings/floats in SQL
(see queries.py), so the API serves exactly what ``docketwatch sql`` prints for the same
statement, in embedded and in server mode alike.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from prometheus_client import Histogram

from docketwatch.reader import Reader, StoreError, StoreUnreachable

QUERY_SECONDS = Histogram(
    "docketwatch_dashboard_query_seconds", "Time of one dashboard query", ["outcome"])


class StoreUnavailable(RuntimeError):
    """The store cannot be reached (aggregator down, server unreachable)."""


class QueryFailed(RuntimeError):
    """The store refused or failed a query (a bug in a query, or a missing view)."""


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class Backend(Protocol):
    name: str

    async def query(self, sql: str, params: Mapping[str, Any]) -> Result: ...

    async def close(self) -> None: ...


async def timed(backend: Backend, sql: str, params: Mapping[str, Any]) -> Result:
    t0 = time.perf_counter()
    outcome = "error"
    try:
        result = await backend.query(sql, params)
        outcome = "ok"
        return result
    finally:
        QUERY_SECONDS.labels(outcome).observe(time.perf_counter() - t0)


class ReaderBackend:
    """The store's one read client (docketwatch.reader): ClickHouse's HTTP interface, the
    aggregator's in embedded mode or a server's, read-only either way."""

    name = "clickhouse"

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        # One thread owns the synchronous client, so it is never used concurrently.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clickhouse")

    def _run(self, sql: str, params: Mapping[str, Any]) -> Result:
        try:
            columns, rows = self.reader.query(sql, params)
        except StoreUnreachable as exc:
            raise StoreUnavailable(str(exc)) from None
        except StoreError as exc:
            raise QueryFailed(str(exc)) from None
        return Result(columns, rows)

    async def query(self, sql: str, params: Mapping[str, Any]) -> Result:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, sql, params)

    async def close(self) -> None:
        self.reader.close()
        self._executor.shutdown(wait=False)
