"""The one way anything but the aggregator reads the store: clickhouse-connect over
ClickHouse's HTTP interface.

In embedded mode that interface is the aggregator's own (it owns the chDB directory and
answers read-only queries, services/aggregator/chhttp); with a ClickHouse server it is the
server, under a read-only user. The CLI, ``docketwatch report``, the dashboard and the
alerts service all read through :class:`Reader`; pointing them at one or the other differs
only in ``DW_CLICKHOUSE_URL``. Parameters are ``{name:Type}`` placeholders, bound by the
server (clickhouse-connect sends them as ``param_<name>``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError, OperationalError
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from docketwatch.settings import CLICKHOUSE_HTTP_PORT


class ReaderSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DW_", extra="ignore")

    clickhouse_url: str = Field(
        f"http://127.0.0.1:{CLICKHOUSE_HTTP_PORT}",
        description="ClickHouse HTTP interface every reader uses: the aggregator's (embedded "
        "mode) or a server's")
    clickhouse_user: str = Field("default", description="ClickHouse user of the readers")
    clickhouse_password: SecretStr = Field(
        SecretStr(""), description="its password (secret, from the environment only)")
    clickhouse_database: str | None = Field(
        None, description="database of the views (default: the user's default)")
    clickhouse_timeout_s: float = Field(60.0, description="per read query, seconds")


class StoreError(RuntimeError):
    """The store refused or failed the query; the message is ClickHouse's."""


class StoreUnreachable(StoreError):
    """Nothing answers at the URL (the aggregator or the server is down)."""


class Reader:
    """A read client of the store, opened on first use, reopened after a connection error.
    Safe to share between threads (one query at a time)."""

    def __init__(self, settings: ReaderSettings | None = None) -> None:
        self.settings = settings or ReaderSettings()
        url = urlsplit(self.settings.clickhouse_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"{self.settings.clickhouse_url!r} is not an http(s) URL")
        self._client: Client | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.settings.clickhouse_url

    def _open(self) -> Client:
        s, url = self.settings, urlsplit(self.settings.clickhouse_url)
        return clickhouse_connect.get_client(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else CLICKHOUSE_HTTP_PORT),
            secure=url.scheme == "https", username=s.clickhouse_user,
            password=s.clickhouse_password.get_secret_value(),
            database=s.clickhouse_database,
            autogenerate_session_id=False, send_receive_timeout=int(s.clickhouse_timeout_s),
            connect_timeout=5)

    def query(self, sql: str, params: Mapping[str, Any] | None = None,
              ) -> tuple[list[str], list[list[Any]]]:
        """Column names and rows of one read-only query."""
        with self._lock:
            try:
                if self._client is None:
                    self._client = self._open()
                result = self._client.query(sql, parameters=dict(params or {}))
            except OperationalError as exc:
                self._client = None
                raise StoreUnreachable(f"{self.url} is unreachable ({_reason(exc)})") from None
            except DatabaseError as exc:
                raise StoreError(_first_line(exc)) from None
        return list(result.column_names), [list(r) for r in result.result_rows]

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        return self.query(sql, params)[1]

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


def _reason(exc: BaseException) -> str:
    """Why nothing answered, in a few words: the innermost OS error ("Connection refused",
    "Name or service not known"), else "timed out", else the first line of the message."""
    os_error, timed_out, seen = "", False, set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.strerror:
            os_error = cause.strerror
        timed_out = timed_out or isinstance(cause, TimeoutError) or type(cause).__name__ in (
            "ConnectTimeoutError", "ReadTimeoutError")  # urllib3's
        nested = getattr(cause, "reason", None)  # urllib3 keeps the cause there
        cause = cause.__cause__ or cause.__context__ or (
            nested if isinstance(nested, BaseException) else None)
    return os_error or ("timed out" if timed_out else _first_line(exc))


def _first_line(exc: BaseException) -> str:
    """ClickHouse's message without clickhouse-connect's request dump (it can carry the
    query's parameters, which are the user's to see, but not a log's)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
