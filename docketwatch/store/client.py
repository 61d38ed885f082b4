"""Opening a ClickHouse client for an embedded chDB directory or a server."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import clickhouse_connect
from clickhouse_connect.driver.client import Client

# Database names are identifiers and cannot be bound as server-side parameters in DDL,
# so they are validated instead.
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def is_embedded(dsn: str) -> bool:
    return dsn.startswith("chdb:")


def _chdb_dir(dsn: str) -> Path | None:
    parsed = urlparse(dsn)
    if parsed.netloc in ("memory", ":memory:") or not parsed.path:
        return None
    return Path(parsed.path)


def connect(dsn: str, database: str | None = None) -> Client:
    """A sync client for ``chdb:///abs/dir`` (directory created if missing) or ``http://…``.

    chDB hosts one engine per process: every client in this process must use the same
    data directory (clients on it share data; session settings stay per client).
    ``database`` is created if it does not exist and becomes the client's default.
    """
    if database is not None and not _IDENTIFIER.match(database):
        raise ValueError(f"invalid database name {database!r}")
    if is_embedded(dsn):
        directory = _chdb_dir(dsn)
        if directory is not None:
            if not directory.is_absolute():
                raise ValueError(f"chdb DSN needs an absolute path: {dsn!r}")
            directory.mkdir(parents=True, exist_ok=True)
    client = clickhouse_connect.get_client(dsn=dsn)
    if database is None or database == client.database:
        return client
    client.command(f"CREATE DATABASE IF NOT EXISTS `{database}`")
    client.close()
    return clickhouse_connect.get_client(dsn=dsn, database=database)
