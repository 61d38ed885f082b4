"""Dashboard settings (environment, prefix ``DW_``)."""

from __future__ import annotations

from pydantic import Field

from docketwatch.settings import CommonSettings


class DashboardSettings(CommonSettings):
    dashboard_host: str = Field(
        "127.0.0.1", description="listen address; loopback by default (no authentication)")
    dashboard_port: int = Field(9110, description="dashboard, JSON API, /health and /metrics")
