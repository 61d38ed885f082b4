"""The alerts process: poll a change marker, evaluate, publish state changes, notify.

* Evaluation runs when the change marker (count and max(inserted_at) of case_events,
  court_health's, the dead-letter count) changes, polled every ``poll_interval_s``, and at
  least every ``evaluate_every_s``: counts are judged within seconds of changing.
* Every state change is published to TOPIC_ALERTS (keyed by alert_id) BEFORE it is applied
  locally and handed to the receivers, so the topic stays the source of truth: on start
  the service replays it and an alert never fires twice across restarts.
* ClickHouse calls are blocking (urllib / clickhouse-connect) and run in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from docketwatch.contract import TOPIC_ALERTS, TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES, AlertEvent
from docketwatch.kafka import consumer_lag, make_producer
from docketwatch.ops import OpsServer
from docketwatch.reader import Reader
from services.alerts import metrics
from services.alerts.config import RulesConfig
from services.alerts.deadletters import DeadLetterCounter, partitions
from services.alerts.engine import evaluate
from services.alerts.receivers import (
    AlertmanagerReceiver,
    Receiver,
    ReceiverWorker,
    TelegramReceiver,
    WebhookReceiver,
)
from services.alerts.settings import AlertsSettings
from services.alerts.silences import Silences
from services.alerts.source import ClickHouseSource, DataSource, reader_query
from services.alerts.state import AlertState, Change

log = logging.getLogger("docketwatch.alerts")


async def ensure_alerts_topic(bootstrap: str, partitions_: int) -> None:
    """Create TOPIC_ALERTS if missing (until docketwatch.kafka.topic_specs lists it)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if TOPIC_ALERTS not in set(await admin.list_topics()):
            try:
                await admin.create_topics([NewTopic(TOPIC_ALERTS, partitions_, 1,
                                                    topic_configs={"retention.ms": "-1"})])
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


async def replay_alerts(bootstrap: str, state: AlertState) -> int:
    """Apply every event of TOPIC_ALERTS up to its current end; returns how many."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    n = 0
    try:
        tps = await partitions(consumer, TOPIC_ALERTS)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        pending = {tp for tp in tps if ends[tp] > 0}
        while pending:
            batch = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, records in batch.items():
                for r in records:
                    state.apply(AlertEvent.from_bytes(r.value or b""))
                    n += 1
                    if r.offset + 1 >= ends[tp]:
                        pending.discard(tp)
    finally:
        await consumer.stop()
    return n


def build_receivers(s: AlertsSettings, cfg: RulesConfig) -> list[Receiver]:
    out: list[Receiver] = []
    if s.alerts_webhook_url:
        out.append(WebhookReceiver(s.alerts_webhook_url))
    if s.telegram_token is not None and s.telegram_chat_id:
        out.append(TelegramReceiver(s.telegram_token.get_secret_value(), s.telegram_chat_id,
                                    s.telegram_api_url))
    if s.alertmanager_url:
        out.append(AlertmanagerReceiver(s.alertmanager_url, cfg.receivers.alertmanager_resend_s))
    return out


class AlertsService:
    def __init__(self, settings: AlertsSettings, cfg: RulesConfig,
                 source: DataSource | None = None,
                 receivers: list[Receiver] | None = None) -> None:
        self.settings = settings
        self.cfg = cfg
        self.state = AlertState()
        self.silences = Silences(cfg.silences, settings.alerts_silences_file)
        self.dead = DeadLetterCounter(settings.kafka_bootstrap, cfg.dead_letters.window_s)
        if source is None:
            source = ClickHouseSource(reader_query(Reader()), cfg, settings.alerts_as_of,
                                      self.dead.stats)
        self.source = source
        self.workers = [ReceiverWorker(r, cfg.receivers, self.state.active)
                        for r in (receivers if receivers is not None
                                  else build_receivers(settings, cfg))]
        self.producer: AIOKafkaProducer | None = None
        self.info: dict[str, Any] = {"evaluations": 0, "events": 0, "last_evaluation": None,
                                     "last_error": None, "as_of": None, "ready": False}
        self.ops = OpsServer("alerts", settings.ops_host, settings.alerts_ops_port,
                             self._health)

    def _health(self) -> dict[str, Any]:
        return {**self.info, "active": len(self.state.active()),
                "status": "ok" if self.info["ready"] else "starting"}

    async def start(self) -> None:
        await self.ops.start()
        await ensure_alerts_topic(self.settings.kafka_bootstrap, self.settings.alerts_partitions)
        replayed = await replay_alerts(self.settings.kafka_bootstrap, self.state)
        log.info("replayed %d alert events, %d active", replayed, len(self.state.active()))
        self.producer = make_producer(self.settings.kafka_bootstrap, client_id="alerts")
        await self.producer.start()
        await self.dead.start()
        for w in self.workers:
            await w.start()
        self.info["ready"] = True

    async def stop(self) -> None:
        for w in self.workers:
            await w.drain(timeout=5)
            await w.stop()
        await self.dead.stop()
        if self.producer is not None:
            await self.producer.stop()
        await self.ops.stop()

    async def publish(self, changes: list[Change]) -> None:
        assert self.producer is not None
        for ch in changes:
            e = ch.event
            await self.producer.send_and_wait(TOPIC_ALERTS, key=e.alert_id.encode(),
                                              value=e.to_bytes())
            self.state.apply(e)
            metrics.EVENTS.labels(e.rule, e.status.value).inc()
            self.info["events"] += 1
            log.info("%s %s %s", e.status.value, e.rule, e.summary)
            if ch.notify:
                for w in self.workers:
                    w.submit(e)
        metrics.ACTIVE.set(len(self.state.active()))

    async def evaluate_once(self) -> list[Change]:
        t0 = time.perf_counter()
        snapshot = await asyncio.to_thread(self.source.snapshot)
        result = evaluate(snapshot, self.cfg)
        changes = self.state.reconcile(result, self.silences, datetime.now(UTC))
        await self.publish(changes)
        metrics.EVALUATION_SECONDS.observe(time.perf_counter() - t0)
        metrics.EVALUATIONS.labels("ok").inc()
        self.info.update(evaluations=self.info["evaluations"] + 1, last_error=None,
                         as_of=snapshot.as_of.isoformat() if snapshot.as_of else None,
                         last_evaluation=datetime.now(UTC).isoformat(timespec="seconds"))
        return changes

    async def _caught_up(self) -> bool:
        """False while a backfill or a replay is still flowing through the pipeline."""
        s = self.settings
        lag = (await consumer_lag(s.kafka_bootstrap, s.parser_group, TOPIC_RAW_PAGES)
               + await consumer_lag(s.kafka_bootstrap, s.aggregator_group, TOPIC_CASE_EVENTS))
        self.info["pipeline_lag"] = lag
        return lag <= s.alerts_max_lag

    async def run(self, stop: asyncio.Event) -> None:
        ev = self.cfg.evaluation
        last_marker: Any = object()
        last_eval = 0.0
        while not stop.is_set():
            try:
                marker = await asyncio.to_thread(self.source.marker)
                due = time.monotonic() - last_eval >= ev.evaluate_every_s
                if (marker != last_marker or due) and await self._caught_up():
                    await self.evaluate_once()
                    last_marker, last_eval = marker, time.monotonic()
            except Exception as exc:  # source down: keep state, try again next poll
                metrics.EVALUATIONS.labels("error").inc()
                self.info["last_error"] = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("evaluation failed: %s", self.info["last_error"])
            try:
                await asyncio.wait_for(stop.wait(), ev.poll_interval_s)
            except TimeoutError:
                pass
