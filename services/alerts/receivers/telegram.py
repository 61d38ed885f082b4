"""Telegram Bot API ``sendMessage``. The token only ever comes from DW_TELEGRAM_TOKEN."""

from __future__ import annotations

import aiohttp

from docketwatch.contract import AlertEvent, AlertStatus
from services.alerts.receivers.base import Receiver, check

_ICON = {AlertStatus.FIRING: "🔴", AlertStatus.ESCALATED: "🟠", AlertStatus.RESOLVED: "🟢",
         AlertStatus.SILENCED: "🔕"}


def format_message(event: AlertEvent) -> str:
    flag = " (provisional)" if event.provisional else ""
    labels = ", ".join(f"{k}={v}" for k, v in sorted(event.labels.items()))
    return (f"{_ICON[event.status]} {event.status.value.upper()} [{event.severity}]{flag}\n"
            f"{event.summary}\n{event.rule}: {labels}")


class TelegramReceiver(Receiver):
    name = "telegram"

    def __init__(self, token: str, chat_id: str, api_url: str = "https://api.telegram.org"):
        self._token = token
        self.chat_id = chat_id
        self.api_url = api_url.rstrip("/")

    async def send(self, session: aiohttp.ClientSession, event: AlertEvent) -> None:
        url = f"{self.api_url}/bot{self._token}/sendMessage"
        body = {"chat_id": self.chat_id, "text": format_message(event)[:4096],
                "disable_web_page_preview": True}
        async with session.post(url, json=body) as resp:
            await check(resp)
