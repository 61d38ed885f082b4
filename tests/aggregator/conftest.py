"""Fixtures for the store tests, on the real embedded chDB engine.

chDB hosts ONE engine (one data directory) per process: opening a second directory while
a client is open fails. So the whole session shares one data directory and every test
gets its own ClickHouse database in it (views resolve table names to the database they
were created in, so tests are isolated).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.store import connect, migrate

_counter = itertools.count()


@pytest.fixture(scope="session")
def chdb_dsn(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("chdb")
    return f"chdb://{path}"


@pytest.fixture(scope="session")
def admin(chdb_dsn: str) -> Iterator[Client]:
    client = connect(chdb_dsn)
    yield client
    client.close()


def new_database(dsn: str) -> Client:
    return connect(dsn, database=f"t{next(_counter)}")


@pytest.fixture
def store(chdb_dsn: str, admin: Client) -> Iterator[Client]:
    """A freshly migrated database of its own."""
    client = new_database(chdb_dsn)
    migrate(client)
    yield client
    database = client.database
    client.close()
    admin.command(f"DROP DATABASE IF EXISTS `{database}` SYNC")


@pytest.fixture
def store_factory(chdb_dsn: str, admin: Client) -> Iterator[type]:
    """Several migrated databases within one test (e.g. to compare insert orders)."""
    created: list[Client] = []

    class Factory:
        @staticmethod
        def new() -> Client:
            client = new_database(chdb_dsn)
            migrate(client)
            created.append(client)
            return client

    yield Factory
    for client in created:
        database = client.database
        client.close()
        admin.command(f"DROP DATABASE IF EXISTS `{database}` SYNC")
