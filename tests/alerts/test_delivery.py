"""Delivery without Kafka: grouping, retries, refusals, malformed replies and the outbox's
positions, against a local stand-in of the Telegram Bot API and a real HTTP webhook.

The alert changes are those of one spike injected at one court in one month: 10 alerts
(the court, its region, its district and all courts, for refusal cases and for art. 337,
plus two records), which must reach each receiver as one notification per group."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from docketwatch.contract import AlertStatus
from services.alerts.config import ReceiverConfig
from services.alerts.grouping import group_labels, notification
from services.alerts.outbox import MemoryPositions, Outgoing, Position
from services.alerts.receivers import (
    AlertmanagerReceiver,
    ReceiverWorker,
    TelegramReceiver,
    WebhookReceiver,
)
from services.alerts.receivers.telegram import format_message
from services.alerts.state import notified
from tests.alerts.helpers import SPIKE_GROUPS, T0, spike_items
from tests.alerts.standins import BotApi, Webhook, telegram_groups

TOKEN = "123456:TEST-token-never-logged"
CHAT = "-100200300"
FAST = ReceiverConfig(backoff_initial_s=0.01, backoff_max_s=0.05, group_wait_s=0.2)


def counter(receiver: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("docketwatch_alerts_notifications_total",
                                     {"receiver": receiver, "outcome": outcome}) or 0.0


async def until(check: Callable[[], Any], timeout: float = 20, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise TimeoutError(f"{what} not reached within {timeout}s")


@pytest.fixture
async def bot() -> AsyncIterator[BotApi]:
    server = BotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def hook() -> AsyncIterator[Webhook]:
    server = Webhook()
    await server.start()
    yield server
    await server.stop()


def telegram_worker(bot: BotApi, cfg: ReceiverConfig = FAST,
                    positions: MemoryPositions | None = None) -> ReceiverWorker:
    return ReceiverWorker(TelegramReceiver(TOKEN, CHAT, bot.url), cfg, lambda: [], positions)


async def test_one_spike_is_one_notification_per_group(bot: BotApi, hook: Webhook) -> None:
    items = spike_items()
    workers = [telegram_worker(bot), ReceiverWorker(WebhookReceiver(hook.url + "/hook"), FAST,
                                                    lambda: [])]
    for w in workers:
        await w.load(None, [], {0: 0})
        await w.start()
    try:
        for it in items:
            for w in workers:
                w.submit(it)
        await until(lambda: all(w.idle() and w.pending() == 0 for w in workers),
                    what="every change delivered")
    finally:
        for w in workers:
            await w.stop()
    assert telegram_groups(bot.messages) == SPIKE_GROUPS
    assert [m["chat_id"] for m in bot.messages] == [CHAT, CHAT]
    refusal = next(m["text"] for m in bot.messages if "refusal" in m["text"].split("\n")[0])
    assert refusal.split("\n")[:2] == [
        "🔴 2024-01 · refusal cases: 5 alerts",
        "🔴 firing · all courts · All-time monthly record: refusal cases (all courts) received "
        "in 2024-01: 120 (previous record 30) [complete] [warning]"]

    assert len(hook.received) == 2
    by_title = {b["title"]: b for b in hook.received}
    assert set(by_title) == set(SPIKE_GROUPS)
    assert by_title["2024-01 · art. 337"]["group"] == {"month": "2024-01", "measure": "art. 337"}
    want_ids = {it.event.alert_id for it in items}
    assert {a["alert_id"] for b in hook.received for a in b["alerts"]} == want_ids
    assert sum(len(b["alerts"]) for b in hook.received) == 10
    assert {a["status"] for b in hook.received for a in b["alerts"]} == {"firing"}
    for w in workers:  # settled: the position is past every change, nothing left over
        assert w.position() == Position(next={0: 10})


async def test_a_crash_resends_exactly_what_was_not_acknowledged(bot: BotApi) -> None:
    """A receiver refuses art. 337's notification (503) and the service dies: after the
    restart only that notification is sent, never the refusal-cases one again.

    The two groups' changes interleave in the log (refusal first), so the refusal group,
    sent first, is acknowledged above the first change still owed: the position records
    it as done, and it is not sent twice."""
    refusal = [it.event for it in spike_items() if "category" in it.event.labels]
    art = [it.event for it in spike_items() if "article" in it.event.labels]
    items = [Outgoing(0, 40 + i, e) for i, e in
             enumerate(e for pair in zip(refusal, art, strict=True) for e in pair)]
    bot.decide = lambda body: (503, '{"ok":false}') if "art. 337" in body["text"] else None
    positions = MemoryPositions()
    first = telegram_worker(bot, positions=positions)
    await first.load(None, [], {0: 40})
    await first.start()
    for it in items:
        first.submit(it)
    try:
        await until(lambda: len(bot.messages) == 1 and len(bot.requests) >= 3,
                    what="refusal delivered, art. 337 failing")
    finally:
        await first.stop()  # the crash: no drain, nothing more recorded
    saved = positions.saved["telegram"]
    assert saved.next == {0: min(it.offset for it in items
                                 if it.event.labels.get("article") == "337")}
    assert saved.done == {0: {it.offset for it in items
                              if it.event.labels.get("category") == "refusal"
                              and it.offset > saved.next[0]}}

    bot.decide = None  # the receiver is back
    second = telegram_worker(bot, positions=positions)
    assert await second.load(saved, items, {0: 50}) == 5
    await second.start()
    try:
        await until(lambda: second.idle() and second.pending() == 0, what="re-sent")
    finally:
        await second.stop()
    assert telegram_groups(bot.messages) == SPIKE_GROUPS
    assert len(bot.messages) == 2
    assert positions.saved["telegram"] == Position(next={0: 50})


async def test_4xx_is_a_clear_error_a_metric_and_no_crash(
        bot: BotApi, caplog: pytest.LogCaptureFixture) -> None:
    before = counter("telegram", "rejected")
    bot.script = [(400, '{"ok":false,"error_code":400,'
                        '"description":"Bad Request: message is too long"}')]
    worker = telegram_worker(bot)
    await worker.load(None, [], {0: 0})
    await worker.start()
    try:
        with caplog.at_level(logging.WARNING, "docketwatch.alerts"):
            for it in spike_items():
                worker.submit(it)
            await until(lambda: worker.idle() and worker.pending() == 0, what="settled")
    finally:
        await worker.stop()
    assert counter("telegram", "rejected") - before == 1
    assert len(bot.requests) == 2 and len(bot.messages) == 1  # refused once, not retried
    assert worker.info["rejected"] == 1 and worker.info["delivered"] == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "REJECTED" in errors[0] and "HTTP 400: Bad Request: message is too long" in errors[0]
    assert worker.position() == Position(next={0: 10})
    assert TOKEN not in caplog.text


async def test_malformed_replies_and_outages_are_retried_until_acknowledged(
        bot: BotApi, caplog: pytest.LogCaptureFixture) -> None:
    """Not an acknowledgement: a 200 that is not a Bot API reply, an "ok": false, a 429
    (with retry_after), a 502, a wrong token (404). Each is counted and retried; the
    message is then delivered; the token appears in no log line and no health field."""
    before = {o: counter("telegram", o) for o in ("malformed_reply", "failed", "sent")}
    bot.script = [(200, "<html>proxy login</html>"), (200, '{"ok": false}'),
                  (429, '{"ok":false,"error_code":429,"description":"Too Many Requests: '
                        'retry after 0","parameters":{"retry_after":0}}'),
                  (502, "Bad Gateway"),
                  (404, '{"ok":false,"error_code":404,"description":"Not Found"}')]
    event = spike_items()[0]
    worker = telegram_worker(bot)
    await worker.load(None, [], {0: 0})
    await worker.start()
    try:
        with caplog.at_level(logging.DEBUG, "docketwatch.alerts"):
            worker.submit(event)
            await until(lambda: worker.idle() and worker.pending() == 0, what="delivered")
    finally:
        await worker.stop()
    assert len(bot.requests) == 6 and len(bot.messages) == 1
    assert len({r["text"] for r in bot.requests}) == 1  # the same message each time
    assert counter("telegram", "malformed_reply") - before["malformed_reply"] == 2
    assert counter("telegram", "failed") - before["failed"] == 3
    assert counter("telegram", "sent") - before["sent"] == 1
    retried = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retried) == 5
    assert "MalformedReply: HTTP 200 but not a Bot API reply: '<html>proxy login</html>'" \
        in retried[0]
    assert "HTTP 429: Too Many Requests: retry after 0" in retried[2]
    assert TOKEN not in caplog.text and TOKEN not in json.dumps(worker.info)


async def test_an_unreachable_bot_api_never_shows_the_token(
        caplog: pytest.LogCaptureFixture) -> None:
    down = BotApi(TOKEN)  # never started: connection refused
    worker = telegram_worker(down)
    await worker.load(None, [], {0: 0})
    await worker.start()
    try:
        with caplog.at_level(logging.DEBUG):
            worker.submit(spike_items()[0])
            await until(lambda: len([r for r in caplog.records
                                     if "retrying" in r.getMessage()]) >= 3,
                        what="three failed attempts")
    finally:
        await worker.stop()
    assert "Cannot connect to host 127.0.0.1" in worker.info["last_error"]
    assert TOKEN not in caplog.text and TOKEN not in json.dumps(worker.info)
    assert worker.pending() == 1  # still owed, never given up


async def test_a_worker_told_to_stop_mid_request_stops(bot: BotApi) -> None:
    """Cancelled while the receiver has not answered yet: it stops at once, and the change
    stays owed (it is sent again on the next start)."""
    bot.stall = asyncio.Event()
    worker = telegram_worker(bot)
    await worker.load(None, [], {0: 0})
    await worker.start()
    try:
        worker.submit(spike_items()[0])
        await until(lambda: bot.requests, what="the request in flight")
        await asyncio.wait_for(worker.stop(), 5)
    finally:
        bot.stall.set()
    assert worker.pending() == 1 and worker.info["delivered"] == 0
    assert bot.messages == []


async def test_a_new_receiver_starts_at_the_end_of_the_log(bot: BotApi) -> None:
    """No position (a receiver configured for the first time), or one past the end of the
    log (the topic was recreated): nothing from before is owed, and that is saved."""
    items = spike_items()
    for position in (None, Position(next={0: 99})):
        positions = MemoryPositions()
        worker = telegram_worker(bot, positions=positions)
        assert await worker.load(position, items, {0: 10}) == 0
        assert positions.saved == {"telegram": Position(next={0: 10})}
        assert worker.pending() == 0


def test_alerts_without_month_group_by_rule_and_long_groups_are_cut_to_fit() -> None:
    base = spike_items()[0].event
    courts = [base.model_copy(update={
        "alert_id": f"id{i:03d}", "rule": "court_state",
        "labels": {"condition": "captcha", "court_code": f"{i:02d}GV0001"},
        "summary": "Court answers with a captcha: " + "x" * 40}) for i in range(200)]
    keys = {group_labels(e, ["month", "measure"]) for e in courts}
    assert keys == {(("rule", "court_state"),)}
    note = notification(keys.pop(), [Outgoing(0, i, e) for i, e in enumerate(courts)])
    text = format_message(note)
    lines = text.split("\n")
    assert len(text) <= 4096
    assert lines[0] == "🔴 court_state: 200 alerts"
    assert lines[1].startswith("🔴 firing · court 00GV0001 · Court answers with a captcha")
    shown = len(lines) - 2
    assert lines[-1] == f"… and {200 - shown} more: docketwatch alerts --active"
    assert 30 < shown < 200


def test_changes_within_the_wait_are_listed_once_at_their_latest() -> None:
    items = spike_items()
    e = items[1].event
    escalated = e.model_copy(update={"status": AlertStatus.ESCALATED, "severity": "critical",
                                     "at": T0 + timedelta(minutes=1)})
    note = notification((("month", "2024-01"),),
                        [items[1], Outgoing(0, 11, escalated, e, True)])
    assert [(a.alert_id, a.status, a.severity) for a in note.alerts] == [
        (e.alert_id, AlertStatus.FIRING, "critical")]
    assert note.previous == {}
    assert [i.offset for i in note.items] == [1, 11]


def test_alertmanager_resolves_the_old_severity_when_an_alert_escalates() -> None:
    e = spike_items()[1].event.model_copy(update={"severity": "warning"})
    up = e.model_copy(update={"status": AlertStatus.ESCALATED, "severity": "critical"})
    note = notification((("receiver", "alertmanager"),), [Outgoing(0, 5, up, e, True)])
    am = AlertmanagerReceiver("http://127.0.0.1:9", interval_s=60)
    now = T0 + timedelta(hours=1)
    sent = am.payload(note.alerts, note.previous, now)
    assert [(a["labels"]["severity"], a["endsAt"]) for a in sent] == [
        ("warning", now.isoformat()), ("critical", (now + timedelta(minutes=3)).isoformat())]
    assert {a["labels"]["alert_id"] for a in sent} == {e.alert_id}
    assert sent[1]["labels"]["group"] == "2024-01 · " + (
        "refusal cases" if "category" in e.labels else "art. 337")


def test_silenced_changes_are_not_owed() -> None:
    e = spike_items()[0].event
    silenced = e.model_copy(update={"status": AlertStatus.SILENCED})
    resolved = e.model_copy(update={"status": AlertStatus.RESOLVED})
    assert notified(None, e) and notified(e, resolved)
    assert not notified(e, silenced) and not notified(silenced, resolved)
