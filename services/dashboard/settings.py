"""Dashboard settings (environment, prefix ``DW_``)."""

from __future__ import annotations

from pydantic import Field

from docketwatch.settings import CommonSettings


class DashboardSettings(CommonSettings):
    dashboard_host: str = Field(
        "127.0.0.1", description="listen address; loopback by default (no authentication)")
    dashboard_port: int = Field(9110, description="dashboard, JSON API, /health and /metrics")
    sql_url: str = Field("http://127.0.0.1:9103/sql",
                         description="the aggregator's read-only SQL endpoint (embedded mode)")
    clickhouse_dsn: str | None = Field(
        None, description="http(s)://user:pass@host:8123 reads a ClickHouse server directly; "
        "anything else (chdb:…, unset) goes through sql_url")
    dashboard_query_timeout_s: float = Field(30, description="per query")
    dashboard_max_rows: int = Field(10_000, description="row limit of one query (server mode)")

    def reads_server(self) -> bool:
        return bool(self.clickhouse_dsn) and str(self.clickhouse_dsn).startswith(
            ("http://", "https://"))
