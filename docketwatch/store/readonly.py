"""Read-only SQL for the CLI, alerting and dashboard (``docketwatch sql``): a thin wrapper
over the SQL guard (``docketwatch.store.guard``), which decides what may run.

``run_readonly_query`` keeps its signature: Python parameter values are written as
ClickHouse's HTTP ``param_<name>`` text (clickhouse-connect's own formatting for server-side
binding) and bound by the engine to ``{name:Type}`` placeholders; the result comes back in
Native format and is read by clickhouse-connect's parser, so rows carry the same Python
types as ``client.query`` gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clickhouse_connect.driver.binding import format_bind_value
from clickhouse_connect.driver.client import Client

from docketwatch.store.guard import (
    GuardedQuery,
    Limits,
    ReadonlyQueryError,
    Refused,
    _run,
    policy_for,
)

__all__ = ["ReadonlyQueryError", "Refused", "run_readonly_query"]


def _param_text(client: Client, params: Mapping[str, Any] | None) -> dict[str, str]:
    tz = getattr(client, "server_tz", None)
    return {str(k): format_bind_value(v, tz) for k, v in (params or {}).items()}


def _rows(client: Client, body: bytes) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows of a Native body, as clickhouse-connect reads them."""
    if not body:
        return [], []
    from clickhouse_connect.driver.ctypes import RespBuffCls
    from clickhouse_connect.driver.transform import NativeTransform

    class _Source:
        last_message = None
        exception_tag = None

        @property
        def gen(self) -> Any:
            yield body

        def close(self) -> None:
            return None

    context = client.create_query_context(query="SELECT 1")
    result = NativeTransform().parse_response(RespBuffCls(_Source()), context)
    return list(result.column_names), [tuple(r) for r in getattr(result, "result_rows", [])]


def run_readonly_query(
    client: Client,
    sql: str,
    params: Mapping[str, Any] | None = None,
    max_rows: int = 10_000,
    max_seconds: float = 10,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only query with server-side ``{name:Type}`` parameters.

    Returns (column names, rows). Raises ReadonlyQueryError (a ``Refused``, with
    ClickHouse's code and name) when refused, when the result exceeds ``max_rows`` or the
    query runs longer than ``max_seconds``.
    """
    limits = Limits(result_rows=max_rows, result_bytes=max(64 << 20, max_rows * 1024),
                    seconds=max_seconds)
    query = GuardedQuery(sql=sql, params=_param_text(client, params), settings={},
                         default_format="Native", database=None)
    answer = _run(client, query, limits, policy_for(client), allow_format_clause=False)
    return _rows(client, answer.body)
