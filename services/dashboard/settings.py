"""Dashboard settings (environment, prefix ``DW_``)."""

from __future__ import annotations

from pydantic import Field

from docketwatch.settings import CommonSettings, comma_list


class DashboardSettings(CommonSettings):
    dashboard_host: str = Field(
        "127.0.0.1", description="listen address; loopback by default (no authentication)")
    dashboard_port: int = Field(9110, description="dashboard, JSON API, /health and /metrics")
    dashboard_hostnames: str = Field(
        "", description="comma-separated extra names (name or name:port) people may use to "
        "reach the dashboard (the Host header), beside 127.0.0.1, localhost, [::1] and "
        "DW_DASHBOARD_HOST: the name behind a reverse proxy. Any other name is refused "
        "(DNS rebinding)")

    def dashboard_hostname_list(self) -> list[str]:
        return comma_list(self.dashboard_hostnames)
