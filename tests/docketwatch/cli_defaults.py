"""The read commands of the CLI on their defaults, first with nothing listening, then
against an aggregator on the default ClickHouse port with known records in its store.

    python -m tests.docketwatch.cli_defaults WORKDIR OUT.json

Run by tests/docketwatch/test_cli_defaults.py, in a network namespace of its own where it
can (the default port is then free whatever else runs on this machine). The CLI runs as
``python -m launcher.cli`` with no DW_* variable at all; the broker and the aggregator get
what they need (free ports but the ClickHouse one, a data directory under WORKDIR). Writes
{"nothing": {command: result}, "aggregator": {command: result}}, a result being
{"code", "stdout", "stderr"}.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from docketwatch.contract import (
    TOPIC_ALERTS,
    TOPIC_CASE_EVENTS,
    TOPIC_SOURCE_HEALTH,
    AlertEvent,
    AlertStatus,
    CaseEvent,
    CourtHealth,
    CourtState,
    DecisionClass,
    EventType,
)
from docketwatch.kafka import ensure_topics
from docketwatch.settings import CLICKHOUSE_HTTP_PORT, REPO_ROOT
from launcher.stack import SERVICES, Stack, free_port, wait_until
from tests.aggregator.factories import COURT, make_event
from tests.dashboard.kafka_util import publish

# Every read command, by the name the test knows it by.
COMMANDS: dict[str, list[str]] = {
    "sql": ["sql", "SELECT case_number, toString(receipt_date) AS received, decision_class "
            "FROM cases WHERE court_code = {c:String} ORDER BY case_number",
            "--param", f"c={COURT}", "--format", "json"],
    "report": ["report", "--year", "2024", "--format", "json"],
    "alerts": ["alerts"],
    "alerts_active": ["alerts", "--active"],
    "courts": ["courts", "--format", "json"],
}


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def case_events() -> list[CaseEvent]:
    """Three refusal cases at one court, received in 2024: art. 337 sentenced in May,
    art. 338 undecided, arts. 332 + 105 terminated in June."""
    return [
        make_event("1-1/2024", observed="2024-02-05T08:00:00", receipt=date(2024, 2, 1)),
        make_event("1-1/2024", observed="2024-05-06T08:00:00", receipt=date(2024, 2, 1),
                   decision=date(2024, 5, 1), decision_class=DecisionClass.VERDICT,
                   event_type=EventType.DECIDED),
        make_event("1-2/2024", observed="2024-03-12T08:00:00", receipt=date(2024, 3, 10),
                   arts=[["338"]]),
        make_event("1-3/2024", observed="2024-06-03T08:00:00", receipt=date(2024, 3, 15),
                   decision=date(2024, 6, 1), decision_class=DecisionClass.TERMINATED,
                   arts=[["332", "105"]], event_type=EventType.DECIDED),
    ]


def alert_events() -> list[AlertEvent]:
    """One alert firing; another that fired and was resolved."""
    return [
        AlertEvent(alert_id="surge", rule="monthly_surge", labels={"court": COURT},
                   status=AlertStatus.FIRING, severity="warning",
                   summary="Refusal cases received in 2024-03 are 2.0x the median",
                   value=2.0, baseline=1.0, provisional=True, at=t("2024-06-04T10:00:00")),
        AlertEvent(alert_id="stale", rule="court_stale", labels={"court": "27OV0000"},
                   status=AlertStatus.FIRING, severity="critical",
                   summary="No new case for 45 days", value=45.0, baseline=14.0,
                   at=t("2024-06-01T09:00:00")),
        AlertEvent(alert_id="stale", rule="court_stale", labels={"court": "27OV0000"},
                   status=AlertStatus.RESOLVED, severity="critical",
                   summary="New cases again", value=0.0, baseline=14.0,
                   at=t("2024-06-02T09:30:00")),
    ]


def court_health() -> list[CourtHealth]:
    return [CourtHealth(court_code=COURT, state=CourtState.CAPTCHA,
                        checked_at=t("2024-06-04T11:00:00"),
                        last_success=t("2024-06-03T08:00:00"),
                        last_new_case=t("2024-06-03T08:00:00"),
                        last_error="captcha on page 3", pages_ok=30, pages_failed=3)]


def run_cli(args: list[str]) -> dict[str, Any]:
    """The CLI of this checkout with no DW_* setting: its defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DW_")}
    done = subprocess.run([sys.executable, "-m", "launcher.cli", *args], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    return {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def run_all() -> dict[str, dict[str, Any]]:
    return {name: run_cli(args) for name, args in COMMANDS.items()}


def stored(stack: Stack) -> bool:
    """Everything published is in the store (read through the default URL too)."""
    return stack.sql("SELECT (SELECT count() FROM case_events), "
                     "(SELECT count() FROM alert_history), "
                     "(SELECT count() FROM court_health)") == [[4, 3, 1]]


def main(workdir: Path, out: Path) -> None:
    stack = Stack(workdir=workdir, kafka_port=free_port(), controller_port=free_port(),
                  simulator_port=free_port(), clickhouse_port=CLICKHOUSE_HTTP_PORT,
                  ops_ports={name: free_port() for name in SERVICES})
    results = {"nothing": run_all()}
    stack.start_broker()
    try:
        asyncio.run(ensure_topics(stack.bootstrap))
        for topic, records in (
                (TOPIC_CASE_EVENTS, [(e.case_key.encode(), e.to_bytes()) for e in case_events()]),
                (TOPIC_ALERTS, [(a.alert_id.encode(), a.to_bytes()) for a in alert_events()]),
                (TOPIC_SOURCE_HEALTH, [(h.court_code.encode(), h.to_bytes())
                                       for h in court_health()])):
            asyncio.run(publish(stack.bootstrap, topic, records))
        (workdir / "data").mkdir(parents=True, exist_ok=True)
        aggregator = stack.start_service("aggregator")

        def ready() -> bool:
            if aggregator.poll() is not None:
                raise ChildProcessError(stack.log_path("aggregator").read_text())
            return stored(stack)

        wait_until(ready, timeout=300, what="the records in the aggregator's store")
        results["aggregator"] = run_all()
    finally:
        stack.stop_all()
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
