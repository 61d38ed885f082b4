"""One pipeline for every dashboard test: broker, simulator (small corpus), parser,
aggregator, one fetcher pass, drained; then the dashboard as its own process, reading the
aggregator's SQL endpoint exactly as in embedded production."""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from docketwatch.contract import (
    TOPIC_ALERTS,
    TOPIC_CASE_EVENTS,
    TOPIC_SOURCE_HEALTH,
    AlertEvent,
    AlertStatus,
    CaseEvent,
    CaseSnapshot,
    CourtHealth,
    CourtState,
    EventType,
    SourceRef,
    case_key,
    event_id,
)
from docketwatch.kafka import ensure_topics
from docketwatch.settings import REPO_ROOT
from launcher.demo import drained
from launcher.stack import Stack, free_port, wait_until
from tests.dashboard.kafka_util import existing_topics, publish

AS_OF = "2024-12-27"


@dataclass
class Dashboard:
    stack: Stack
    url: str  # http://127.0.0.1:<port>

    @property
    def clickhouse_url(self) -> str:
        return self.stack.clickhouse_url

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as resp:
                return resp.status, resp.read().decode("utf-8"), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8"), dict(exc.headers)

    def api(self, path: str) -> Any:
        status, body, _ = self.get("/api/v1" + path)
        assert status == 200, body
        return json.loads(body)

    def sql(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        return self.stack.sql(query, params)


def publish_case(dashboard: Dashboard, snapshot: CaseSnapshot, *, tag: str, url: str,
                 sha256: str) -> str:
    """A crafted case the way any case arrives: a CaseEvent on the case-events topic, written
    by the aggregator (the dashboard never writes); its key, once the store shows it."""
    key = case_key(snapshot.court_code, None, snapshot.case_number)
    now = datetime.now(UTC)
    event = CaseEvent(
        event_id=event_id(key, EventType.RECEIVED, tag), event_type=EventType.RECEIVED,
        case_key=key, observed_at=now, parser_version=f"test-{tag}", snapshot=snapshot,
        source=SourceRef(page_id=f"{tag}-".ljust(64, "0"), url=url, sha256=sha256,
                         fetched_at=now))
    asyncio.run(publish(dashboard.stack.bootstrap, TOPIC_CASE_EVENTS,
                        [(key.encode(), event.to_bytes())]))
    wait_until(lambda: dashboard.sql("SELECT count() FROM cases WHERE case_key = {k:String}",
                                     {"k": key})[0][0] == 1, timeout=120, what="case visible")
    return key


def _ops_records() -> tuple[list[AlertEvent], list[CourtHealth]]:
    """A resolved and a firing alert and one court's health, so those panels have data."""
    now = datetime.now(UTC)
    alerts = [
        AlertEvent(alert_id="test-surge", rule="monthly_surge",
                   labels={"category": "refusal", "court": "25OV0000"},
                   status=AlertStatus.FIRING, severity="warning",
                   summary="Refusal cases received this month are 2.1× the 12-month median",
                   value=21.0, baseline=10.0, provisional=True, at=now - timedelta(hours=3)),
        AlertEvent(alert_id="test-stale", rule="court_stale", labels={"court": "27OV0000"},
                   status=AlertStatus.FIRING, severity="critical",
                   summary="No new case from this court for 45 days", value=45.0,
                   baseline=14.0, at=now - timedelta(days=2)),
        AlertEvent(alert_id="test-stale", rule="court_stale", labels={"court": "27OV0000"},
                   status=AlertStatus.RESOLVED, severity="critical",
                   summary="New cases again", value=0.0, baseline=14.0,
                   at=now - timedelta(days=1)),
    ]
    health = [CourtHealth(court_code="25OV0000", state=CourtState.CAPTCHA, checked_at=now,
                          last_success=now - timedelta(hours=1), last_new_case=now,
                          last_error="captcha on page 3", pages_ok=30, pages_failed=3)]
    return alerts, health


@pytest.fixture(scope="package")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    stack = Stack(
        workdir=tmp_path_factory.mktemp("dashboard-stack"),
        kafka_port=free_port(), controller_port=free_port(), simulator_port=free_port(),
        clickhouse_port=free_port(),
        ops_ports={name: free_port() for name in ("fetcher", "parser", "aggregator")},
    )
    stack.start_broker()
    try:
        stack.start_simulator(seed=7, as_of=AS_OF, scale=0.02, courts_limit=4)
        stack.start_service("parser")
        stack.start_service("aggregator")
        stack.start_service("fetcher", {"DW_FETCH_END": AS_OF, "DW_FETCH_MODE": "once",
                                        "DW_HOST_RATE_PER_S": "1000"})
        assert stack.wait_exit("fetcher", timeout=600) == 0, \
            stack.log_path("fetcher").read_text()
        # Alerts and court health travel over Kafka like the services' own records (the
        # broker does not auto-create topics: skip a topic this build does not create).
        alerts, health = _ops_records()
        asyncio.run(ensure_topics(stack.bootstrap))
        topics = asyncio.run(existing_topics(stack.bootstrap))
        if TOPIC_ALERTS in topics:
            asyncio.run(publish(stack.bootstrap, TOPIC_ALERTS,
                                [(a.alert_id.encode(), a.to_bytes()) for a in alerts]))
        if TOPIC_SOURCE_HEALTH in topics:
            asyncio.run(publish(stack.bootstrap, TOPIC_SOURCE_HEALTH,
                                [(h.court_code.encode(), h.to_bytes()) for h in health]))
        wait_until(lambda: drained(stack), timeout=300, interval=1.0, what="pipeline drained")
        port = free_port()
        stack.spawn("dashboard", [sys.executable, "-m", "services.dashboard"],
                    stack.service_env({"DW_DASHBOARD_PORT": str(port),
                                       "PYTHONPATH": str(REPO_ROOT)}))
        dash = Dashboard(stack, f"http://127.0.0.1:{port}")
        wait_until(lambda: dash.get("/health")[0] == 200, timeout=60, what="dashboard up")
        yield dash
    finally:
        stack.stop_all()
