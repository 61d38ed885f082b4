"""Fixtures for the store tests, on the real embedded chDB engine.

chDB hosts ONE engine (one data directory) per process: opening a second directory while
a client is open fails. So the whole session shares one data directory and every test
gets its own ClickHouse database in it (views resolve table names to the database they
were created in, so tests are isolated).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.store import connect, migrate
from docketwatch.store.guard import Policy

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
    """A client on a new, empty database (the test migrates it, or not, itself)."""
    return connect(dsn, database=f"t{next(_counter)}")


@contextmanager
def migrated_database(dsn: str, admin: Client) -> Iterator[Client]:
    """A freshly migrated database of its own, dropped afterwards."""
    client = new_database(dsn)
    try:
        migrate(client)
        yield client
    finally:
        database = client.database
        client.close()
        admin.command(f"DROP DATABASE IF EXISTS `{database}` SYNC")


@pytest.fixture
def store(chdb_dsn: str, admin: Client) -> Iterator[Client]:
    """A freshly migrated database of its own."""
    with migrated_database(chdb_dsn, admin) as client:
        yield client


@pytest.fixture(scope="module")
def gstore(chdb_dsn: str, admin: Client) -> Iterator[Client]:
    """A migrated database shared by one module's tests, for the guard's tests: they never
    write it (whatever they send must leave it as it was)."""
    with migrated_database(chdb_dsn, admin) as client:
        yield client


@pytest.fixture(scope="module")
def policy(gstore: Client) -> Policy:
    """The guard's policy for ``gstore``."""
    return Policy.load(gstore)


@pytest.fixture
def store_factory(chdb_dsn: str, admin: Client) -> Iterator[type]:
    """Several migrated databases within one test (e.g. to compare insert orders)."""
    with ExitStack() as stack:

        class Factory:
            @staticmethod
            def new() -> Client:
                return stack.enter_context(migrated_database(chdb_dsn, admin))

        yield Factory
