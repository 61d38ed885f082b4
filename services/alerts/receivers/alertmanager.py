"""Prometheus Alertmanager v2: POST /api/v2/alerts, re-sent while active.

Alertmanager identifies an alert by its labels (its fingerprint), so a re-sent alert is the
same alert, never a second one: it deduplicates, and its own grouping (``route.group_by``)
turns related alerts into one notification. Each alert carries ``alert_id`` (the stable id
of ``docketwatch alerts``) and ``group`` (docketwatch's own grouping, e.g. ``2024-01 ·
refusal cases``): ``group_by: [group]`` groups as docketwatch's other receivers do
(deploy/alertmanager/alertmanager.yml).

Alertmanager forgets an alert at its endsAt, so active alerts are re-sent every
``interval_s`` with endsAt three intervals ahead; a resolved alert is sent with endsAt now.
An alert's startsAt is the time Alertmanager is first told (see :func:`to_alertmanager`);
the time of the change itself is the annotation ``changed_at``.
``severity`` is a label (for routing): when an alert escalates to another severity, the
old-severity alert is resolved in the same request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from docketwatch.contract import AlertEvent, AlertStatus
from services.alerts.grouping import Notification, group_labels, group_name, scope
from services.alerts.receivers.base import DeliveryError, Receiver, check


def to_alertmanager(event: AlertEvent, now: datetime, interval_s: float,
                    group_by: Sequence[str] = ("month", "measure"),
                    resolved: bool = False) -> dict[str, Any]:
    if resolved or event.status == AlertStatus.RESOLVED:
        starts, ends = min(event.at, now), now
    else:
        # startsAt is when Alertmanager is told, not when the alert changed (annotation
        # changed_at): Alertmanager flushes a new group at once for an alert that started
        # more than group_wait ago, so a group delivered late (a receiver back after an
        # outage) would be split into one notification per alert. Alertmanager keeps the
        # earliest startsAt of an alert it already holds.
        starts, ends = now, now + timedelta(seconds=3 * interval_s)
    return {
        "labels": {"alertname": event.rule, "severity": event.severity,
                   "service": "docketwatch", "alert_id": event.alert_id,
                   "group": group_name(group_labels(event, group_by)), **event.labels},
        "annotations": {"summary": event.summary, "scope": scope(event.labels),
                        "provisional": str(event.provisional).lower(),
                        "value": "" if event.value is None else str(event.value),
                        "baseline": "" if event.baseline is None else str(event.baseline),
                        "changed_at": event.at.isoformat()},
        "startsAt": starts.isoformat(),
        "endsAt": ends.isoformat(),
    }


class AlertmanagerReceiver(Receiver):
    name = "alertmanager"
    groups = False  # Alertmanager groups (route.group_by) and deduplicates by itself

    def __init__(self, url: str, interval_s: float = 60.0,
                 group_by: Sequence[str] = ("month", "measure")) -> None:
        self.url = url.rstrip("/") + "/api/v2/alerts"
        self.interval_s = interval_s
        self._every = interval_s  # never None here, unlike the base class's optional
        self.group_by = tuple(group_by)
        # One request at a time, the periodic one built inside it: a re-send of the active
        # alerts built before a resolution can never reach Alertmanager after it.
        self._lock = asyncio.Lock()

    async def _post(self, session: aiohttp.ClientSession, alerts: list[dict[str, Any]]) -> None:
        try:
            async with session.post(self.url, json=alerts) as resp:
                await check(resp)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

    def payload(self, alerts: Sequence[AlertEvent], previous: dict[str, AlertEvent],
                now: datetime) -> list[dict[str, Any]]:
        out = []
        for e in alerts:
            if e.status == AlertStatus.SILENCED:
                continue  # never reached: silenced events are not notified
            before = previous.get(e.alert_id)
            if (before is not None and before.status != AlertStatus.RESOLVED
                    and before.severity != e.severity):
                out.append(to_alertmanager(before, now, self._every, self.group_by,
                                           resolved=True))
            out.append(to_alertmanager(e, now, self._every, self.group_by))
        return out

    async def send(self, session: aiohttp.ClientSession, note: Notification) -> None:
        async with self._lock:
            alerts = self.payload(note.alerts, note.previous, datetime.now(UTC))
            if alerts:
                await self._post(session, alerts)

    async def periodic(self, session: aiohttp.ClientSession,
                       active: Callable[[], list[AlertEvent]]) -> None:
        async with self._lock:
            now = datetime.now(UTC)
            alerts = [to_alertmanager(e, now, self._every, self.group_by) for e in active()
                      if e.status != AlertStatus.SILENCED]
            if alerts:
                await self._post(session, alerts)
