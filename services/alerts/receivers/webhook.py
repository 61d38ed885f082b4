"""Generic webhook: POSTs the AlertEvent as JSON (the contract's serialisation)."""

from __future__ import annotations

import aiohttp

from docketwatch.contract import AlertEvent
from services.alerts.receivers.base import Receiver, check


class WebhookReceiver(Receiver):
    def __init__(self, url: str, name: str = "webhook") -> None:
        self.url = url
        self.name = name

    async def send(self, session: aiohttp.ClientSession, event: AlertEvent) -> None:
        async with session.post(self.url, data=event.to_bytes(),
                                headers={"Content-Type": "application/json"}) as resp:
            await check(resp)
