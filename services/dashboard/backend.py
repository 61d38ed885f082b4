"""Where the dashboard's queries run: the aggregator's SQL endpoint or a ClickHouse server.

Both paths return the same JSON-able values because every dashboard query converts dates,
timestamps and decimals to strings/floats in SQL (see queries.py): the API then serves
exactly what ``docketwatch sql`` prints for the same statement, whichever backend is used.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from prometheus_client import Histogram

from docketwatch.sqlclient import EndpointUnreachable, SqlError, post_sql

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


class EndpointBackend:
    """Embedded mode: the aggregator owns chDB and answers ``POST /sql``."""

    name = "endpoint"

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout

    async def query(self, sql: str, params: Mapping[str, Any]) -> Result:
        try:
            # post_sql is the CLI's own client: same request, same JSON decoding.
            columns, rows = await asyncio.to_thread(
                post_sql, self.url, sql, dict(params), self.timeout)
        except EndpointUnreachable as exc:
            raise StoreUnavailable(str(exc)) from None
        except SqlError as exc:
            raise QueryFailed(str(exc)) from None
        return Result(list(columns), [list(r) for r in rows])

    async def close(self) -> None:
        return None


class ServerBackend:
    """Server mode: read ClickHouse directly with the aggregator's read-only guard."""

    name = "server"

    def __init__(self, dsn: str, max_rows: int, timeout: float) -> None:
        self.dsn = dsn
        self.max_rows = max_rows
        self.timeout = timeout
        # One thread owns the synchronous client, so it is never used concurrently.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clickhouse")
        self._client: Any = None

    def _run(self, sql: str, params: Mapping[str, Any]) -> Result:
        from services.aggregator.store import connect
        from services.aggregator.store.readonly import ReadonlyQueryError, run_readonly_query

        try:
            if self._client is None:
                self._client = connect(self.dsn)
            columns, rows = run_readonly_query(self._client, sql, params,
                                               max_rows=self.max_rows, max_seconds=self.timeout)
        except ReadonlyQueryError as exc:
            raise QueryFailed(str(exc)) from None
        except OSError as exc:
            raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from None
        except Exception as exc:  # clickhouse-connect wraps connection errors its own way
            if "connect" in type(exc).__name__.lower() or "connection" in str(exc).lower():
                self._client = None
                raise StoreUnavailable(str(exc)) from None
            raise QueryFailed(f"{type(exc).__name__}: {exc}") from None
        return Result(list(columns), [list(r) for r in rows])

    async def query(self, sql: str, params: Mapping[str, Any]) -> Result:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, sql, params)

    async def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._executor.shutdown(wait=False)
