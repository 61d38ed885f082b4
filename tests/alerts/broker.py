"""What the broker-backed alerts tests share: the injected spike as case events, and
reading back what the alerts service published and reports."""

from __future__ import annotations

import json
import urllib.request
from datetime import date
from typing import Any

from docketwatch.contract import TOPIC_ALERTS, TOPIC_CASE_EVENTS, AlertEvent, CaseEvent
from docketwatch.kafka import make_producer
from tests.aggregator.factories import make_event
from tests.fetcher.helpers import read_topic


def spike_events() -> list[CaseEvent]:
    """30 refusal cases (art. 337) a month at one court through 2023, 120 in January 2024:
    the spike of tests/alerts/helpers.py's SPIKE_GROUPS."""
    out = []
    for m in range(1, 14):
        y, mm = (2023, m) if m <= 12 else (2024, 1)
        for i in range(120 if m == 13 else 30):
            out.append(make_event(f"1-{i}/{y}-{mm}", observed="2026-01-02T10:00:00",
                                  receipt=date(y, mm, 1 + i % 28)))
    return out


async def produce(bootstrap: str, evs: list[CaseEvent]) -> None:
    producer = make_producer(bootstrap, client_id="test")
    await producer.start()
    try:
        for e in evs:
            await producer.send(TOPIC_CASE_EVENTS, key=e.case_key.encode(), value=e.to_bytes())
        await producer.flush()
    finally:
        await producer.stop()


def read_alerts(bootstrap: str) -> list[AlertEvent]:
    """Every event of the alert log, up to its current end."""
    return [AlertEvent.from_bytes(v) for _, v in read_topic(bootstrap, TOPIC_ALERTS)]


def health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
        return dict(json.loads(r.read()))
