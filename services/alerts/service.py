"""The alerts process: poll a change marker, evaluate, publish state changes, notify.

* Evaluation runs when the change marker (count and max(inserted_at) of case_events,
  court_health's, the dead-letter count) changes, polled every ``poll_interval_s``, and at
  least every ``evaluate_every_s``: counts are judged within seconds of changing.
* Every state change is published to TOPIC_ALERTS (keyed by alert_id) BEFORE it is applied
  locally and handed to the receivers, so the topic stays the source of truth: on start
  the service replays it and an alert never fires twice across restarts.
* That topic is also the receivers' outbox (outbox.py): each receiver's position on it is
  saved after each acknowledged notification, and on start whatever a receiver was owed
  and not acknowledged (a receiver down, a crash mid-delivery) is queued again.
* ClickHouse calls are blocking (urllib / clickhouse-connect) and run in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from docketwatch.contract import TOPIC_ALERTS, TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
from docketwatch.kafka import consumer_lag, make_producer
from docketwatch.ops import OpsServer
from docketwatch.reader import Reader
from docketwatch.store.digest import Digest, read_digest
from services.alerts import metrics
from services.alerts.config import RulesConfig
from services.alerts.deadletters import DeadLetterCounter
from services.alerts.digest import DigestTimer, DigestWorker
from services.alerts.engine import evaluate
from services.alerts.outbox import (
    KafkaPositions,
    Outgoing,
    ensure_alerts_topics,
    load_positions,
    read_alert_log,
)
from services.alerts.receivers import (
    AlertmanagerReceiver,
    Receiver,
    ReceiverWorker,
    TelegramReceiver,
    WebhookReceiver,
)
from services.alerts.receivers.digest import (
    DigestReceiver,
    EmailDigestReceiver,
    TelegramDigestReceiver,
)
from services.alerts.settings import AlertsSettings
from services.alerts.silences import Silences
from services.alerts.source import ClickHouseSource, DataSource, reader_query
from services.alerts.state import AlertState, Change, notified

log = logging.getLogger("docketwatch.alerts")


async def replay_alerts(bootstrap: str, state: AlertState) -> tuple[list[Outgoing],
                                                                 dict[int, int]]:
    """Apply every event of TOPIC_ALERTS up to its current end to ``state``; returns the
    log as outbox entries (each with the alert's previous change) and the end offsets."""
    records, ends = await read_alert_log(bootstrap)
    out = []
    for partition, offset, event in records:
        previous = state.last.get(event.alert_id)
        state.apply(event)
        out.append(Outgoing(partition, offset, event, previous, notified(previous, event)))
    return out, ends


def build_receivers(s: AlertsSettings, cfg: RulesConfig) -> list[Receiver]:
    out: list[Receiver] = []
    if s.alerts_webhook_url:
        out.append(WebhookReceiver(s.alerts_webhook_url))
    if s.telegram_token is not None and s.telegram_chat_id:
        out.append(TelegramReceiver(s.telegram_token.get_secret_value(), s.telegram_chat_id,
                                    s.telegram_api_url))
    if s.alertmanager_url:
        out.append(AlertmanagerReceiver(s.alertmanager_url, cfg.receivers.alertmanager_resend_s,
                                        cfg.receivers.group_by))
    return out


def build_digest_receivers(s: AlertsSettings) -> list[DigestReceiver]:
    out: list[DigestReceiver] = []
    # An empty variable (docker-compose's ${X:-}) is no setting at all.
    token = s.telegram_token.get_secret_value() if s.telegram_token else ""
    if token and s.digest_telegram_chat_id:
        bot = TelegramReceiver(token, s.digest_telegram_chat_id, s.telegram_api_url)
        out.append(TelegramDigestReceiver(bot, s.digest_telegram_chat_id))
    to = [a.strip() for a in (s.digest_email_to or "").split(",") if a.strip()]
    password = s.smtp_password.get_secret_value() if s.smtp_password else ""
    if s.smtp_host and to:
        out.append(EmailDigestReceiver(
            s.smtp_host, s.smtp_port, s.digest_email_from, to, user=s.smtp_user or None,
            password=password or None, tls=s.smtp_tls))
    return out


def digest_clock(s: AlertsSettings) -> Callable[[], datetime]:
    fixed = s.digest_now
    if fixed is None:
        return lambda: datetime.now(UTC)
    fixed = fixed if fixed.tzinfo else fixed.replace(tzinfo=UTC)
    return lambda: fixed


class AlertsService:
    def __init__(self, settings: AlertsSettings, cfg: RulesConfig,
                 source: DataSource | None = None,
                 receivers: list[Receiver] | None = None,
                 digest_receivers: list[DigestReceiver] | None = None,
                 digest_read: Callable[[str], Digest] | None = None) -> None:
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
        digest_to = (digest_receivers if digest_receivers is not None
                     else build_digest_receivers(settings))
        self.digests: DigestTimer | None = None
        if digest_to:  # a weekly digest only for someone to read it
            if digest_read is None:
                reader = Reader()
                digest_read = lambda week: read_digest(reader.rows, week)  # noqa: E731
            self.digests = DigestTimer(digest_read, digest_clock(settings),
                                       settings.digest_weekday, settings.digest_hour,
                                       [DigestWorker(r, cfg.receivers) for r in digest_to])
        self.producer: AIOKafkaProducer | None = None
        self.info: dict[str, Any] = {"evaluations": 0, "events": 0, "last_evaluation": None,
                                     "last_error": None, "as_of": None, "ready": False}
        self.ops = OpsServer("alerts", settings.ops_host, settings.alerts_ops_port,
                             self._health, hostnames=settings.ops_hostname_list())

    def _health(self) -> dict[str, Any]:
        return {**self.info, "active": len(self.state.active()),
                "receivers": {w.name: dict(w.info) for w in self.workers},
                "digests": {w.name: dict(w.info) for w in (self.digests.workers
                                                           if self.digests else [])},
                "status": "ok" if self.info["ready"] else "starting"}

    async def start(self) -> None:
        await self.ops.start()
        bootstrap = self.settings.kafka_bootstrap
        await ensure_alerts_topics(bootstrap, self.settings.alerts_partitions)
        records, ends = await replay_alerts(bootstrap, self.state)
        log.info("replayed %d alert events, %d active", len(records), len(self.state.active()))
        self.producer = make_producer(bootstrap, client_id="alerts")
        await self.producer.start()
        # Before anything new is published: what each receiver is still owed.
        positions = await load_positions(bootstrap)
        for w in self.workers:
            w.positions = KafkaPositions(self.producer)
            await w.load(positions.get(w.name), records, ends)
        if self.digests is not None:
            for dw in self.digests.workers:
                dw.positions = KafkaPositions(self.producer)
            await self.digests.start(bootstrap, self.producer, positions)
        await self.dead.start()
        for w in self.workers:
            await w.start()
        self.info["ready"] = True

    async def stop(self) -> None:
        for w in self.workers:
            await w.drain(timeout=5)
            await w.stop()
        if self.digests is not None:
            await self.digests.stop()
        await self.dead.stop()
        if self.producer is not None:
            await self.producer.stop()
        await self.ops.stop()

    async def publish(self, changes: list[Change]) -> None:
        assert self.producer is not None
        for ch in changes:
            e = ch.event
            placed = await self.producer.send_and_wait(TOPIC_ALERTS, key=e.alert_id.encode(),
                                                       value=e.to_bytes())
            previous = self.state.last.get(e.alert_id)
            self.state.apply(e)
            metrics.EVENTS.labels(e.rule, e.status.value).inc()
            self.info["events"] += 1
            log.info("%s %s %s", e.status.value, e.rule, e.summary)
            # Decided as a replay of the log decides (it agrees with ch.notify: tested), so
            # a receiver is owed the same changes whether it is told now or after a crash.
            item = Outgoing(placed.partition, placed.offset, e, previous,
                            notified(previous, e))
            for w in self.workers:
                w.submit(item)
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

    async def _digest(self) -> None:
        assert self.digests is not None
        try:
            await self.digests.tick(self._caught_up)
            self.info["digest_error"] = None
        except Exception as exc:  # store or broker down: the week stays due
            self.info["digest_error"] = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("weekly digest not produced yet: %s", self.info["digest_error"])

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
            if self.digests is not None:
                await self._digest()
            try:
                await asyncio.wait_for(stop.wait(), ev.poll_interval_s)
            except TimeoutError:
                pass
