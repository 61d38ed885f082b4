"""Generic webhook: POSTs one JSON document per notification.

    {"version": 1, "notification_id": "…", "group": {"month": "2024-01",
     "measure": "refusal cases"}, "title": "2024-01 · refusal cases",
     "alerts": [AlertEvent, …]}

Each alert is the contract's AlertEvent serialisation (``alert_id``, ``status``, ``at``, …).
Delivery is at least once: a notification re-sent after a crash has the same
``notification_id``, and each alert change the same (``alert_id``, ``at``), so a receiver
can drop repeats.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from services.alerts.grouping import Notification
from services.alerts.receivers.base import DeliveryError, Receiver, check


def webhook_body(note: Notification) -> dict[str, Any]:
    return {"version": 1, "notification_id": note.notification_id, "group": note.group,
            "title": note.title, "alerts": [json.loads(e.to_bytes()) for e in note.alerts]}


class WebhookReceiver(Receiver):
    def __init__(self, url: str, name: str = "webhook") -> None:
        self.url = url
        self.name = name

    async def send(self, session: aiohttp.ClientSession, note: Notification) -> None:
        try:
            async with session.post(self.url, json=webhook_body(note)) as resp:
                await check(resp)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
