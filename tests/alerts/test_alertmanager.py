"""The Alertmanager receiver against a real Prometheus Alertmanager v0.28.1 (built by
``make alertmanager``), whose webhook receiver is a local HTTP server of this test.

What arrived is read twice: from Alertmanager's API v2 (``/api/v2/alerts``: it holds each
alert once, however often it was re-sent) and from the webhook Alertmanager notifies (one
notification per group: ``group_by: [group]``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

from docketwatch.contract import AlertEvent, AlertStatus
from services.alerts.config import ReceiverConfig
from services.alerts.grouping import scope
from services.alerts.outbox import Outgoing, Position
from services.alerts.receivers import AlertmanagerReceiver, ReceiverWorker
from tests.alerts.helpers import SPIKE_GROUPS, spike_items
from tests.alerts.standins import Alertmanager, Webhook, groups_notified

CFG = ReceiverConfig(backoff_initial_s=0.01, backoff_max_s=0.05)


async def until(check: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    """Poll ``check`` (run in a thread: it may block on HTTP) until truthy or the deadline."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await asyncio.to_thread(check)
        if last:
            return last
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{what} not reached within {timeout}s (last: {last!r})")


@pytest.fixture
async def alertmanager(tmp_path: Path) -> AsyncIterator[tuple[Alertmanager, Webhook]]:
    hook = Webhook()
    await hook.start()
    am = Alertmanager(tmp_path / "alertmanager", hook.url + "/am")
    await asyncio.to_thread(am.start)
    yield am, hook
    await asyncio.to_thread(am.stop)
    await hook.stop()


async def test_alertmanager_receives_each_alert_once_and_groups_the_spike(
        alertmanager: tuple[Alertmanager, Webhook]) -> None:
    am, hook = alertmanager
    items = spike_items()
    active: list[AlertEvent] = [it.event for it in items]
    # Re-sent every second (each valid for 3 s): Alertmanager must still hold 10 alerts and
    # notify each group once.
    worker = ReceiverWorker(AlertmanagerReceiver(am.url, interval_s=1.0), CFG,
                            lambda: list(active))
    await worker.load(None, [], {0: 0})
    await worker.start()
    try:
        for it in items:
            worker.submit(it)
        held = await until(lambda: len(am.alerts()) == 10 and am.alerts(), what="10 alerts")
        assert {a["labels"]["alert_id"] for a in held} == {it.event.alert_id for it in items}
        assert {a["status"]["state"] for a in held} == {"active"}
        by_id = {it.event.alert_id: it.event for it in items}
        for a in held:
            e = by_id[a["labels"]["alert_id"]]
            assert a["labels"] == {"alertname": e.rule, "severity": e.severity,
                                   "service": "docketwatch", "alert_id": e.alert_id,
                                   "group": a["labels"]["group"], **e.labels}
            assert a["annotations"]["summary"] == e.summary
            assert a["annotations"]["scope"] == scope(e.labels)
        await until(lambda: len(hook.received) == 2, what="two group notifications")
        # Several re-sends of the same 10 alerts (counted by Alertmanager itself) ...
        await until(lambda: am.metric("alertmanager_alerts_received_total") >= 40,
                    what="three re-sends")
        assert len(am.alerts()) == 10  # ... deduplicated by fingerprint

        # All resolve: one more notification per group, listing the same scopes.
        active.clear()
        for i, it in enumerate(items):
            worker.submit(Outgoing(0, 10 + i, it.event.model_copy(update={
                "status": AlertStatus.RESOLVED, "at": it.event.at + timedelta(hours=1)}),
                it.event))
        await until(lambda: sum(n["status"] == "resolved" for n in hook.received) >= 2,
                    what="two resolved notifications")
    finally:
        await worker.stop()
    want = {g: sorted(alerts) for g, alerts in SPIKE_GROUPS.items()}
    assert groups_notified(hook.received, "firing") == want
    assert groups_notified(hook.received, "resolved") == want
    assert [(n["status"], len(n["alerts"])) for n in hook.received] == [
        ("firing", 5), ("firing", 5), ("resolved", 5), ("resolved", 5)], hook.received
    assert worker.position() == Position(next={0: 20})
    assert worker.info["delivered"] >= 1 and worker.info["rejected"] == 0


async def test_alertmanager_refusal_is_an_error_a_metric_and_no_crash(
        alertmanager: tuple[Alertmanager, Webhook]) -> None:
    """Alertmanager answers 400 to an alert with a label that has no name: the notification
    is refused for good (not retried), counted, and the next one is delivered."""
    am, _ = alertmanager
    before = REGISTRY.get_sample_value("docketwatch_alerts_notifications_total",
                                       {"receiver": "alertmanager", "outcome": "rejected"}) or 0
    good, other = spike_items()[:2]
    nameless = good.event.model_copy(update={"labels": {**good.event.labels, "": "x"}})
    worker = ReceiverWorker(AlertmanagerReceiver(am.url, interval_s=3600), CFG, lambda: [])
    await worker.load(None, [], {0: 0})
    await worker.start()
    try:
        worker.submit(Outgoing(0, 0, nameless))
        await until(lambda: worker.info["rejected"] == 1, what="the refusal")
        worker.submit(other)  # offset 1
        await until(lambda: worker.idle() and worker.pending() == 0, what="settled")
        held = am.alerts()
    finally:
        await worker.stop()
    assert [a["labels"]["alert_id"] for a in held] == [other.event.alert_id]
    after = REGISTRY.get_sample_value("docketwatch_alerts_notifications_total",
                                      {"receiver": "alertmanager", "outcome": "rejected"})
    assert after == before + 1
    assert worker.info["last_error"] == \
        'RejectedError: HTTP 400: "invalid label set: invalid name \\"\\""'
    assert worker.position() == Position(next={0: 2})
