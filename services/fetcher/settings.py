"""Fetcher settings (environment, prefix ``DW_``); defaults are production's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field

from docketwatch.settings import REPO_ROOT, CommonSettings

DEFAULT_COURTS = REPO_ROOT / "services" / "fetcher" / "data" / "military_courts.csv"


class FetcherSettings(CommonSettings):
    courts_file: Path = Field(DEFAULT_COURTS, description="courts CSV with a base_url column")
    fetch_start: date = Field(date(2022, 2, 24), description="first receipt date to backfill")
    fetch_end: date | None = Field(None, description="last receipt date (default: today)")
    fetch_mode: str = Field("once", description="'once' = backfill then exit; 'live' = re-poll")
    live_interval_s: float = Field(900.0, description="pause between live passes")
    recent_days: int = Field(120, description="receipt windows this recent are re-polled live")
    host_rate_per_s: float = Field(1 / 3, description="requests per second per court host")
    max_concurrency: int = Field(16, description="requests in flight, all hosts together")
    request_timeout_s: float = Field(30.0)
    max_retries: int = Field(5, description="tries per page on 5xx, timeouts, truncation")
    max_body_bytes: int = Field(8 * 1024 * 1024, description="larger responses are refused")
    user_agent: str = Field(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Safari/537.36",
        description="a browser UA: sudrf's WAF answers 403 to library defaults",
    )
    proxy: str | None = Field(None, description="HTTP proxy URL for all courts")
    ca_bundle: Path | None = Field(None, description="extra CA bundle (Russian trusted root)")
    fetcher_ops_port: int = Field(9101, description="/health and /metrics port")
    state_dir: Path | None = Field(None, description="default: <data_dir>/fetcher")

    def state_path(self) -> Path:
        return (self.state_dir or self.data_dir / "fetcher") / "state.sqlite3"

    def end_date(self) -> date:
        return self.fetch_end or date.today()
