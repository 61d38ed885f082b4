"""A stand-in for services.aggregator.store.guard, used by chserver.py ONLY while that module
is not in the tree (it is being written in parallel). Same interface; read-only through
ClickHouse's readonly=1 and store.readonly's single-statement check. Delete once the guard
has landed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from clickhouse_connect.driver.exceptions import DatabaseError

_READS = ("SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "EXISTS")


def _canonical(client: Any, sql: str) -> str:
    """ClickHouse's formatting of ``sql``: one read statement, else Refused."""
    try:
        text = str(client.query("SELECT formatQuery({q:String})",
                                parameters={"q": sql}).result_rows[0][0])
    except DatabaseError as exc:
        raise Refused(62, "SYNTAX_ERROR", f"cannot parse query: {exc}") from exc
    first = re.match(r"^\s*\(*\s*([A-Za-z]+)", text)
    if not first or first[1].upper() not in _READS:
        raise Refused(164, "READONLY", "Cannot execute query in readonly mode")
    return text


@dataclass(frozen=True)
class GuardedQuery:
    sql: str
    params: dict[str, str]
    settings: dict[str, str]
    default_format: str | None
    database: str | None


@dataclass(frozen=True)
class Limits:
    rows: int = 100_000
    bytes: int = 64 << 20
    memory: int = 1 << 30
    seconds: int = 30


class Refused(Exception):
    def __init__(self, code: int, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.code, self.name, self.message = code, name, message


@dataclass(frozen=True)
class Answer:
    body: bytes
    fmt: str


_FORMAT = re.compile(r"^FORMAT (\w+)\s*$", re.MULTILINE)


def run_guarded(client: Any, query: GuardedQuery, limits: Limits, policy: Any) -> Answer:
    statement = _canonical(client, query.sql)
    fmt = query.default_format or "TabSeparated"
    match = _FORMAT.search(statement)
    if match:
        fmt = match[1]
        statement = statement[:match.start()].rstrip()
    settings = {**query.settings, "max_result_rows": str(limits.rows),
                "result_overflow_mode": "throw", "max_execution_time": str(limits.seconds),
                "readonly": "1"}
    clause = ", ".join(f"{k} = '{_escape(v)}'" for k, v in settings.items()
                       if re.fullmatch(r"\w+", k))
    conn = client._backend._handle.conn  # chDB binds parameters as raw text, as over HTTP
    try:
        result = conn.query(f"{statement}\nSETTINGS {clause}", fmt, params=dict(query.params))
    except Exception as exc:
        raise DatabaseError(str(exc)) from exc
    return Answer(bytes(result.bytes()), fmt)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")
