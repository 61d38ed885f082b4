"""Read-only SQL for the CLI, alerting and dashboard (``docketwatch sql``).

Defence in depth, all enforced by ClickHouse rather than by parsing SQL ourselves:
* ClickHouse's own parser (``formatQuery``) must accept the text as exactly ONE
  statement. This matters in chDB, which otherwise executes ``a; b`` as two statements
  and would apply our SETTINGS clause to the last one only.
* The statement must be a query (SELECT/WITH/SHOW/DESCRIBE/EXPLAIN/EXISTS) without
  ``INTO OUTFILE`` (chDB writes local files even with readonly=1) or its own FORMAT.
* It runs with readonly=1 (no writes, no DDL, no table functions, and no changing
  settings in the query, so the limits below cannot be lifted), max_result_rows with
  result_overflow_mode='throw', and max_execution_time.
The canonical text from formatQuery is what runs, so comments and a trailing ``;`` cannot
interfere with the appended SETTINGS clause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

_ALLOWED_FIRST_WORDS = frozenset(
    {"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "EXISTS"}
)
_FIRST_WORD = re.compile(r"^\s*\(*\s*([A-Za-z]+)")
# formatQuery puts top-level clauses at line starts and escapes newlines inside literals,
# so a line starting with the clause keyword is the clause, never literal text.
_FORBIDDEN_CLAUSE = re.compile(r"^(INTO OUTFILE|FORMAT)\b", re.MULTILINE)


def first_word(sql: str) -> str:
    match = _FIRST_WORD.match(sql)
    return match[1].upper() if match else ""


class ReadonlyQueryError(ValueError):
    """The query was refused before running, or ClickHouse refused/aborted it."""


def canonical_single_statement(client: Client, sql: str) -> str:
    """ClickHouse's formatting of ``sql``; refuses anything but one read-only query."""
    if not sql.strip():
        raise ReadonlyQueryError("empty query")
    try:
        formatted = client.query(
            "SELECT formatQuery({q:String})", parameters={"q": sql}
        ).result_rows[0][0]
    except DatabaseError as exc:
        if "Multi-statements are not allowed" in str(exc):
            raise ReadonlyQueryError("only one SQL statement is allowed") from exc
        raise ReadonlyQueryError(f"cannot parse query: {exc}") from exc
    first = first_word(formatted)
    if first not in _ALLOWED_FIRST_WORDS:
        raise ReadonlyQueryError(
            f"only read queries are allowed (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, EXISTS), "
            f"not {first or 'this statement'}"
        )
    clause = _FORBIDDEN_CLAUSE.search(formatted)
    if clause is not None:
        raise ReadonlyQueryError(f"{clause[1]} is not allowed here")
    return str(formatted)


def readonly_settings(max_rows: int, max_seconds: float) -> dict[str, Any]:
    return {
        "readonly": 1,
        "max_result_rows": max_rows,
        "result_overflow_mode": "throw",
        "max_execution_time": max_seconds,
        "timeout_overflow_mode": "throw",
    }


def run_readonly_query(
    client: Client,
    sql: str,
    params: Mapping[str, Any] | None = None,
    max_rows: int = 10_000,
    max_seconds: float = 10,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only query with server-side ``{name:Type}`` parameters.

    Returns (column names, rows). Raises ReadonlyQueryError when refused, when the result
    exceeds ``max_rows`` or the query runs longer than ``max_seconds``.
    """
    statement = canonical_single_statement(client, sql)
    try:
        result = client.query(
            statement,
            parameters=dict(params) if params else None,
            settings=readonly_settings(max_rows, max_seconds),
        )
    except DatabaseError as exc:
        raise ReadonlyQueryError(str(exc)) from exc
    columns = list(result.column_names)
    if not columns and first_word(statement) in ("SELECT", "WITH"):
        # chDB returns no bytes at all (hence no header) for an empty result; ask
        # ClickHouse for the result's structure so callers can still print a header.
        described = client.query(
            f"DESCRIBE TABLE ({statement})",
            parameters=dict(params) if params else None,
            settings=readonly_settings(max_rows, max_seconds),
        )
        columns = [str(r[0]) for r in described.result_rows]
    return columns, [tuple(r) for r in result.result_rows]
