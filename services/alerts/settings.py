"""Alerts settings (environment, prefix ``DW_``). Secrets (the Telegram token) only here."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Literal

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
    # The weekly digest (services/alerts/digest.py), produced when a digest receiver is set.
    digest_weekday: int = Field(
        1, ge=1, le=7, description="ISO weekday (1 = Monday) the digest of the week before "
        "is sent on")
    digest_hour: int = Field(6, ge=0, le=23, description="UTC hour from which it is sent")
    digest_now: datetime | None = Field(
        None, description="the time the digest timer takes for now (default: the wall "
        "clock); for replays of an old docket")
    digest_telegram_chat_id: str | None = Field(
        None, description="chat to post the weekly digest to (with DW_TELEGRAM_TOKEN)")
    digest_email_to: str | None = Field(
        None, description="comma-separated addresses to mail the weekly digest to")
    digest_email_from: str = Field("docketwatch@localhost",
                                   description="sender address of the digest e-mail")
    smtp_host: str | None = Field(None, description="SMTP server of the digest e-mail")
    smtp_port: int = Field(587, description="its port")
    smtp_tls: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls, tls (implicit, usually port 465) or none")
    smtp_user: str | None = Field(None, description="SMTP login (none: no login)")
    smtp_password: SecretStr | None = Field(None, description="SMTP password (secret)")
