"""At least once across kill -9: the alerts service as a process on a real broker, its
receivers down when the spike fires, the service killed with SIGKILL while they are down,
restarted, and the receivers brought back: every alert still arrives, once per group.

Receivers: a local stand-in of the Telegram Bot API, and a real Alertmanager v0.28.1 whose
webhook is a local server of this test. Both are down (nothing listens on their ports)
until the service has been killed and restarted."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from launcher.stack import Stack, free_port, wait_until
from launcher.trials import kill9, start_aggregator
from services.alerts.listing import list_alerts
from services.alerts.source import reader_query
from tests.alerts.broker import health, produce, read_alerts, spike_events
from tests.alerts.helpers import SPIKE_GROUPS
from tests.alerts.standins import (
    Alertmanager,
    BotApi,
    InThread,
    Webhook,
    groups_notified,
    telegram_groups,
)

pytestmark = pytest.mark.integration

TOKEN = "987654:crash-test-token"
CHAT = "-1001234"
RULES = """[evaluation]
evaluate_every_s = 2.0
[receivers]
group_wait_s = 1.0
backoff_initial_s = 0.2
backoff_max_s = 1.0
alertmanager_resend_s = 10.0
"""


def test_alerts_reach_receivers_that_were_down_across_a_kill9(stack: Stack,
                                                              tmp_path: Path) -> None:
    threads = InThread()
    bot = BotApi(TOKEN)  # its port reserved, nothing listening: down
    am_hook = Webhook()
    threads.start(am_hook)
    am = Alertmanager(tmp_path / "alertmanager", am_hook.url + "/am")  # down too
    try:
        _run(stack, tmp_path, threads, bot, am, am_hook)
    finally:
        am.stop()
        threads.stop(bot)
        threads.stop(am_hook)
        threads.close()


def _run(stack: Stack, tmp_path: Path, threads: InThread, bot: BotApi, am: Alertmanager,
         am_hook: Webhook) -> None:
    (stack.workdir / "data").mkdir(parents=True, exist_ok=True)
    start_aggregator(stack)
    evs = spike_events()
    asyncio.run(produce(stack.bootstrap, evs))
    wait_until(lambda: stack.sql("SELECT count() FROM cases")[0][0] == len(evs),
               timeout=120, interval=0.1, what="events in ClickHouse")

    port = free_port()
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    env = {"DW_ALERTS_OPS_PORT": str(port), "DW_ALERTS_AS_OF": "2024-01-31",
           "DW_ALERTS_RULES_FILE": str(rules), "DW_TELEGRAM_TOKEN": TOKEN,
           "DW_TELEGRAM_CHAT_ID": CHAT, "DW_TELEGRAM_API_URL": bot.url,
           "DW_ALERTMANAGER_URL": am.url}

    def receivers() -> dict[str, Any]:
        h = health(port)
        assert h["status"] == "ok"
        return dict(h["receivers"])

    def failing_with_10_owed() -> bool:
        r = receivers()
        return all(r[n]["pending"] == 10 and r[n]["last_error"] for n in ("telegram",
                                                                             "alertmanager"))

    stack.start_service("alerts", env)
    wait_until(failing_with_10_owed, timeout=120, interval=0.1,
               what="10 alerts owed to each receiver, deliveries failing")
    published = read_alerts(stack.bootstrap)
    assert len(published) == 10
    kill9(stack, "alerts")

    # Restarted with the receivers still down: the outbox owes them the same 10 changes
    # (the alert state replayed from the log fires nothing anew).
    stack.start_service("alerts", env)
    wait_until(lambda: health(port)["evaluations"] >= 1 and failing_with_10_owed(),
               timeout=120, interval=0.1, what="the 10 changes owed again after the kill")

    threads.start(bot)
    am.start()
    wait_until(lambda: all(r["pending"] == 0 for r in receivers().values())
               and len(bot.messages) == 2 and len(am_hook.received) == 2,
               timeout=120, interval=0.1, what="delivered to both receivers")

    ids = {e.alert_id for e in published}
    assert telegram_groups(bot.messages) == SPIKE_GROUPS
    assert {m["chat_id"] for m in bot.messages} == {CHAT}
    assert groups_notified(am_hook.received, "firing") == {
        g: sorted(alerts) for g, alerts in SPIKE_GROUPS.items()}
    assert {a["labels"]["alert_id"] for a in am.alerts()} == ids
    assert len(read_alerts(stack.bootstrap)) == 10  # nothing fired twice

    # Each alert stays a record of its own: alert_history and `docketwatch alerts`.
    wait_until(lambda: stack.sql("SELECT uniqExact(alert_id) FROM alert_history")[0][0] == 10,
               timeout=60, interval=0.1, what="alert_history")
    rows = list_alerts(query=reader_query(stack.reader))
    assert {r.alert_id for r in rows} == ids
    assert {(r.status, r.events) for r in rows} == {("firing", 1)}

    # A clean restart owes nothing: not one more message.
    stack.stop("alerts")
    stack.start_service("alerts", env)
    wait_until(lambda: health(port)["evaluations"] >= 1, timeout=120, interval=0.1,
               what="evaluating after the restart")
    assert {n: r["pending"] for n, r in receivers().items()} == {"telegram": 0,
                                                                 "alertmanager": 0}
    assert len(bot.requests) == 2 and len(am_hook.received) == 2
    log = stack.log_path("alerts").read_text(encoding="utf-8")
    assert "re-queued" in log and TOKEN not in log
