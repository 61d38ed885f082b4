"""Alerts settings (environment, prefix ``DW_``). Secrets (the Telegram token) only here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, SecretStr

from docketwatch.settings import CommonSettings
from services.alerts.config import DEFAULT_RULES_FILE


class AlertsSettings(CommonSettings):
    alerts_ops_port: int = Field(9104, description="/health and /metrics port")
    alerts_rules_file: Path = Field(DEFAULT_RULES_FILE, description="rules TOML")
    alerts_silences_file: Path | None = Field(None, description="JSON list of silences")
    alerts_as_of: date | None = Field(
        None, description="reference date of the docket; default: newest receipt or "
        "decision date in the data (never the wall clock)")
    alerts_webhook_url: str | None = Field(None, description="generic JSON webhook")
    telegram_token: SecretStr | None = Field(None, description="bot token (secret)")
    telegram_chat_id: str | None = Field(None, description="chat to post alerts to")
    telegram_api_url: str = Field("https://api.telegram.org", description="Bot API base URL")
    alertmanager_url: str | None = Field(None, description="e.g. http://127.0.0.1:9093")
    alerts_partitions: int = Field(1, description="partitions of the alerts topic if created")
    alerts_max_lag: int = Field(
        200, description="hold evaluation while the parser and aggregator are more than this "
        "many records behind: counts of a pipeline catching up are not news")
