"""Aggregator settings (environment, prefix ``DW_``)."""

from __future__ import annotations

from pydantic import Field

from docketwatch.settings import CommonSettings
from docketwatch.store.guard import Limits
from services.aggregator.chhttp.settings import ClickHouseHttpSettings


class AggregatorSettings(CommonSettings, ClickHouseHttpSettings):
    clickhouse_dsn: str | None = Field(
        None, description="chdb:///dir (embedded) or http://host:8123 (server); "
        "default: embedded in <data_dir>/clickhouse",
    )
    aggregator_ops_port: int = Field(9103, description="/health and /metrics port")
    batch_size: int = Field(20_000, description="events per ClickHouse insert at most")
    insert_workers: int = Field(
        3, ge=1, description="case-event inserts in flight at once, each on its own "
        "ClickHouse connection (offsets are still committed in order)")
    insert_max_bytes: int = Field(
        96 << 20, ge=1 << 20, description="bytes of records fetched and not yet written at "
        "most (with one fetch over it): bounds the memory of a catch-up, whatever the "
        "events' sizes")
    aggregator_rss_target: int = Field(
        384 << 20, ge=0, description="embedded store: above this RSS (bytes), the engine's "
        "allocator hands its freed pages back after an insert (0: never); see "
        "services/aggregator/memory.py")
    batch_within_s: float = Field(0.5, description="insert a partial batch after this long")
    read_max_rows: int = Field(100_000, description="ClickHouse HTTP interface: result rows "
                               "of one query at most")
    read_max_bytes: int = Field(64 << 20, description="… result bytes of one query at most")
    read_max_memory_bytes: int = Field(1 << 30, description="… memory of one query at most")
    read_max_seconds: float = Field(30.0, description="… execution time of one query at most")

    def dsn(self) -> str:
        return self.clickhouse_dsn or f"chdb://{self.data_dir.resolve() / 'clickhouse'}"

    def embedded(self) -> bool:
        """This process owns the store (chDB) and serves its reads."""
        return self.dsn().startswith("chdb:")

    def rss_target(self) -> int:
        """Only an embedded engine's allocator is this process's to purge."""
        return self.aggregator_rss_target if self.embedded() else 0

    def read_limits(self) -> Limits:
        return Limits(result_rows=self.read_max_rows, result_bytes=self.read_max_bytes,
                      memory_bytes=self.read_max_memory_bytes, seconds=self.read_max_seconds)
