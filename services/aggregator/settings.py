"""Aggregator settings (environment, prefix ``DW_``)."""

from __future__ import annotations

from pydantic import Field

from docketwatch.settings import CommonSettings


class AggregatorSettings(CommonSettings):
    clickhouse_dsn: str | None = Field(
        None, description="chdb:///dir (embedded) or http://host:8123 (server); "
        "default: embedded in <data_dir>/clickhouse",
    )
    aggregator_ops_port: int = Field(9103, description="/health, /metrics and /sql port")
    aggregator_group: str = Field("docketwatch-aggregator", description="consumer group")
    batch_size: int = Field(20_000, description="events per ClickHouse insert at most")
    insert_workers: int = Field(
        3, ge=1, description="case-event inserts in flight at once, each on its own "
        "ClickHouse connection (offsets are still committed in order)")
    batch_within_s: float = Field(0.5, description="insert a partial batch after this long")
    sql_max_rows: int = Field(100_000, description="read-only endpoint: result row limit")
    sql_max_seconds: int = Field(30, description="read-only endpoint: execution time limit")

    def dsn(self) -> str:
        return self.clickhouse_dsn or f"chdb://{self.data_dir.resolve() / 'clickhouse'}"
