from tests.aggregator.conftest import admin, chdb_dsn, store

__all__ = ["admin", "chdb_dsn", "store"]
