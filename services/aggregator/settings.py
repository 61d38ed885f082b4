"""Aggregator settings (environment, prefix ``DW_``)."""

from __future__ import annotations

from pydantic import Field

from docketwatch.settings import CommonSettings, default_data_dir


class AggregatorSettings(CommonSettings):
    clickhouse_dsn: str = Field(
        default_factory=lambda: f"chdb://{default_data_dir() / 'clickhouse'}",
        description="chdb:///dir (embedded, default) or http://host:8123 (server)",
    )
    aggregator_ops_port: int = Field(9103, description="/health, /metrics and /sql port")
    aggregator_group: str = Field("docketwatch-aggregator", description="consumer group")
    batch_size: int = Field(5000, description="events per ClickHouse insert at most")
    batch_within_s: float = Field(0.5, description="insert a partial batch after this long")
    sql_max_rows: int = Field(100_000, description="read-only endpoint: result row limit")
    sql_max_seconds: int = Field(30, description="read-only endpoint: execution time limit")
