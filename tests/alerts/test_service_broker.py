"""Through a real broker: aggregator (embedded ClickHouse, SQL endpoint) + the alerts
service as separate processes; the service publishes to TOPIC_ALERTS and a real HTTP
webhook receives each state change once, grouped, also across a restart."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from launcher.stack import Stack, free_port, wait_until
from tests.alerts.broker import health, produce, read_alerts, spike_events
from tests.alerts.helpers import SPIKE_GROUPS

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

    def alerts(self) -> list[dict[str, Any]]:
        return [a for b in self.bodies for a in b["alerts"]]


def scopes(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(rule, where) of each alert a webhook notification lists, as SPIKE_GROUPS has them."""
    out = []
    for a in body["alerts"]:
        lab = a["labels"]
        where = {"all": "all courts", "court": f"court {lab.get('court_code')}"}.get(
            lab["scope"], f"{lab['scope']} {lab.get(lab['scope'])}")
        out.append((a["rule"], where))
    return out


def test_alerts_service_publishes_and_notifies_once(stack: Stack) -> None:
    recorder = Recorder()
    (stack.workdir / "data").mkdir(parents=True, exist_ok=True)  # faust needs the parent
    stack.start_service("aggregator")
    wait_until(lambda: stack.sql("SELECT 1"), timeout=120,
               what="the aggregator's ClickHouse HTTP interface")
    port = free_port()
    # The documented rules, evaluated every 2 s even without new data, so that "the next
    # evaluation" below is seconds away; a group waits 5 s for its other scopes (the
    # events reach ClickHouse over more than one evaluation).
    rules = stack.workdir / "rules.toml"
    rules.write_text("[evaluation]\nevaluate_every_s = 2.0\n[receivers]\ngroup_wait_s = 5.0\n",
                     encoding="utf-8")
    env = {"DW_ALERTS_OPS_PORT": str(port),
           "DW_ALERTS_WEBHOOK_URL": recorder.url, "DW_ALERTS_AS_OF": "2024-01-31",
           "DW_ALERTS_RULES_FILE": str(rules), "DW_ALERTS_MAX_LAG": "0"}
    stack.start_service("alerts", env)
    wait_until(lambda: health(port)["evaluations"] >= 1, timeout=120, what="first evaluation")
    assert recorder.bodies == []  # no data, no alerts

    evs = spike_events()
    asyncio.run(produce(stack.bootstrap, evs))
    wait_until(lambda: stack.sql("SELECT count() FROM cases")[0][0] == len(evs),
               timeout=120, interval=0.1, what="events in ClickHouse")
    wait_until(lambda: recorder.bodies, timeout=120, interval=0.1, what="first notification")
    # The evaluation that sent it has published everything once the next one has finished.
    sent_by = health(port)["evaluations"]
    wait_until(lambda: health(port)["evaluations"] > sent_by, timeout=120, interval=0.1,
               what="the next evaluation")
    published = read_alerts(stack.bootstrap)
    wait_until(lambda: health(port)["receivers"]["webhook"]["pending"] == 0, timeout=60,
               interval=0.1, what="every notification delivered")
    national = {(e.rule, e.status.value) for e in published
                if e.labels.get("scope") == "all" and e.labels.get("category") == "refusal"}
    assert national == {("monthly_spike", "firing"), ("monthly_record", "firing")}
    assert len(published) == 10
    # One notification per (month, measure), listing every scope of the spike.
    assert {b["title"]: scopes(b) for b in recorder.bodies} == SPIKE_GROUPS
    assert len(recorder.bodies) == 2
    assert sorted((a["alert_id"], a["status"]) for a in recorder.alerts()) == sorted(
        (e.alert_id, e.status.value) for e in published)

    # Restart: the state is rebuilt from the topic, nothing fires or is sent a second time.
    stack.stop("alerts")
    stack.start_service("alerts", env)
    wait_until(lambda: health(port)["evaluations"] >= 2, timeout=120, what="re-evaluations")
    assert len(read_alerts(stack.bootstrap)) == len(published)
    assert health(port)["receivers"]["webhook"]["pending"] == 0
    assert len(recorder.bodies) == 2
    recorder.server.shutdown()
