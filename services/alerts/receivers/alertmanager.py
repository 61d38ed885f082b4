"""Prometheus Alertmanager v2: POST /api/v2/alerts, re-sent while active.

Alertmanager forgets an alert at its endsAt, so active alerts are re-sent every
``interval_s`` with endsAt three intervals ahead; a resolved alert is sent with endsAt now.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from docketwatch.contract import AlertEvent, AlertStatus
from services.alerts.receivers.base import Receiver, check


def to_alertmanager(event: AlertEvent, now: datetime, interval_s: float) -> dict[str, Any]:
    ends = now if event.status == AlertStatus.RESOLVED else now + timedelta(
        seconds=3 * interval_s)
    return {
        "labels": {"alertname": event.rule, "severity": event.severity,
                   "service": "docketwatch", **event.labels},
        "annotations": {"summary": event.summary, "provisional": str(event.provisional).lower(),
                        "value": "" if event.value is None else str(event.value),
                        "baseline": "" if event.baseline is None else str(event.baseline)},
        "startsAt": event.at.isoformat(),
        "endsAt": ends.isoformat(),
    }


class AlertmanagerReceiver(Receiver):
    name = "alertmanager"

    def __init__(self, url: str, interval_s: float = 60.0) -> None:
        self.url = url.rstrip("/") + "/api/v2/alerts"
        self.interval_s = interval_s
        self._every = interval_s  # never None here, unlike the base class's optional

    async def _post(self, session: aiohttp.ClientSession, alerts: list[dict[str, Any]]) -> None:
        async with session.post(self.url, json=alerts) as resp:
            await check(resp)

    async def send(self, session: aiohttp.ClientSession, event: AlertEvent) -> None:
        if event.status == AlertStatus.SILENCED:
            return  # never reached: silenced events are not notified
        await self._post(session, [to_alertmanager(event, datetime.now(UTC), self._every)])

    async def periodic(self, session: aiohttp.ClientSession,
                       active: Callable[[], list[AlertEvent]]) -> None:
        now = datetime.now(UTC)
        alerts = [to_alertmanager(e, now, self._every) for e in active()
                  if e.status != AlertStatus.SILENCED]
        if alerts:
            await self._post(session, alerts)
