"""Through a real broker: aggregator (embedded ClickHouse, SQL endpoint) + the alerts
service as separate processes; the service publishes to TOPIC_ALERTS and a real HTTP
webhook receives each state change once, also across a restart."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from docketwatch.contract import TOPIC_ALERTS, TOPIC_CASE_EVENTS, AlertEvent
from docketwatch.kafka import make_producer
from launcher.stack import Stack, free_port, wait_until
from tests.aggregator.factories import make_event

pytestmark = pytest.mark.integration


class Recorder:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.times: list[float] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.bodies.append(json.loads(body))
                outer.times.append(time.monotonic())
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def events() -> list[Any]:
    """30 refusal cases a month through 2023, then 120 in January 2024."""
    out = []
    for m in range(1, 14):
        y, mm = (2023, m) if m <= 12 else (2024, 1)
        for i in range(120 if m == 13 else 30):
            out.append(make_event(f"1-{i}/{y}-{mm}", observed="2026-01-02T10:00:00",
                                  receipt=date(y, mm, 1 + i % 28)))
    return out


async def produce(bootstrap: str, evs: list[Any]) -> None:
    producer = make_producer(bootstrap, client_id="test")
    await producer.start()
    try:
        for e in evs:
            await producer.send(TOPIC_CASE_EVENTS, key=e.case_key.encode(), value=e.to_bytes())
        await producer.flush()
    finally:
        await producer.stop()


async def read_alerts(bootstrap: str) -> list[AlertEvent]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(TOPIC_ALERTS, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        out: list[AlertEvent] = []
        while len(out) < end:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                out += [AlertEvent.from_bytes(r.value) for r in records]
        return out
    finally:
        await consumer.stop()


def health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
        return dict(json.loads(r.read()))


def test_alerts_service_publishes_and_notifies_once(stack: Stack) -> None:
    recorder = Recorder()
    (stack.workdir / "data").mkdir(parents=True, exist_ok=True)  # faust needs the parent
    stack.start_service("aggregator")
    wait_until(lambda: stack.sql("SELECT 1"), timeout=120,
               what="the aggregator's ClickHouse HTTP interface")
    port = free_port()
    # The documented rules, evaluated every 2 s even without new data, so that "the next
    # evaluation" below is seconds away.
    rules = stack.workdir / "rules.toml"
    rules.write_text("[evaluation]\nevaluate_every_s = 2.0\n", encoding="utf-8")
    env = {"DW_ALERTS_OPS_PORT": str(port),
           "DW_ALERTS_WEBHOOK_URL": recorder.url, "DW_ALERTS_AS_OF": "2024-01-31",
           "DW_ALERTS_RULES_FILE": str(rules)}
    stack.start_service("alerts", env)
    wait_until(lambda: health(port)["evaluations"] >= 1, timeout=120, what="first evaluation")
    assert recorder.bodies == []  # no data, no alerts

    evs = events()
    asyncio.run(produce(stack.bootstrap, evs))
    wait_until(lambda: stack.sql("SELECT count() FROM cases")[0][0] == len(evs),
               timeout=120, interval=0.1, what="events in ClickHouse")
    wait_until(lambda: recorder.bodies, timeout=120, interval=0.1, what="first notification")
    # The evaluation that sent it has published everything once the next one has finished.
    sent_by = health(port)["evaluations"]
    wait_until(lambda: health(port)["evaluations"] > sent_by, timeout=120, interval=0.1,
               what="the next evaluation")
    published = asyncio.run(read_alerts(stack.bootstrap))
    wait_until(lambda: len(recorder.bodies) >= len(published), timeout=60, interval=0.1,
               what="every notification delivered")
    national = {(e.rule, e.status.value) for e in published
                if e.labels.get("scope") == "all" and e.labels.get("category") == "refusal"}
    assert national == {("monthly_spike", "firing"), ("monthly_record", "firing")}
    assert sorted((b["alert_id"], b["status"]) for b in recorder.bodies) == sorted(
        (e.alert_id, e.status.value) for e in published)

    # Restart: the state is rebuilt from the topic, nothing fires a second time.
    stack.stop("alerts")
    stack.start_service("alerts", env)
    wait_until(lambda: health(port)["evaluations"] >= 2, timeout=120, what="re-evaluations")
    assert len(asyncio.run(read_alerts(stack.bootstrap))) == len(published)
    assert len(recorder.bodies) == len(published)
    recorder.server.shutdown()
