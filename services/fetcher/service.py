"""The fetcher process: ops endpoint, Kafka producer, crawl passes, graceful shutdown."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient

from docketwatch.contract import TOPIC_SOURCE_HEALTH
from docketwatch.kafka import ensure_topics, make_producer
from docketwatch.ops import OpsServer
from services.fetcher.blocks import Blocks
from services.fetcher.captcha import CaptchaSolver
from services.fetcher.courts import load_courts
from services.fetcher.crawler import Crawler, PassReport
from services.fetcher.health import HealthBook
from services.fetcher.http import PoliteClient
from services.fetcher.publisher import Publisher
from services.fetcher.reviews import ReviewCrawler, review_windows
from services.fetcher.schedule import RequestBudget
from services.fetcher.settings import FetcherSettings
from services.fetcher.state import CrawlState
from services.fetcher.window import WindowCrawler

log = logging.getLogger("docketwatch.fetcher")


async def _topic_exists(bootstrap: str, topic: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        return topic in set(await admin.list_topics())
    finally:
        await admin.close()


def write_report(path: Path, report: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a report


async def _with_reviews(first: Coroutine[Any, Any, PassReport | None],
                        reviews: Coroutine[Any, Any, object]) -> PassReport | None:
    """The first-instance work and the review work together; the report is the first's."""
    report, _ = await asyncio.gather(first, reviews)
    return report


async def run(settings: FetcherSettings, *, force: bool = False) -> PassReport:
    courts = load_courts(settings.courts_file)
    state = CrawlState(settings.state_path())
    blocks = Blocks(settings.blocks_dir())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    last: dict[str, Any] = {}
    health_book: HealthBook | None = None

    def health() -> dict[str, Any]:
        current = {c: s.value for c, s in (health_book.current if health_book else {}).items()}
        return {"courts": len(courts), "windows_done": state.windows_done(),
                "last_pass": last, "court_state": current, "court_health": state.health(),
                "blocked": blocks.all()}

    ops = OpsServer("fetcher", settings.ops_host, settings.fetcher_ops_port, health,
                    hostnames=settings.ops_hostname_list())
    await ops.start()
    await ensure_topics(settings.kafka_bootstrap, settings.raw_partitions,
                        settings.events_partitions)
    # The source-health topic is not (yet) created by ensure_topics; without it the
    # records stay in the state DB and on /health.
    publish_health = await _topic_exists(settings.kafka_bootstrap, TOPIC_SOURCE_HEALTH)
    if not publish_health:
        log.warning("topic %s missing: court health only on /health", TOPIC_SOURCE_HEALTH)
    producer = make_producer(settings.kafka_bootstrap, client_id="docketwatch-fetcher")
    await producer.start()
    report = PassReport()
    try:
        async with PoliteClient(settings, {c.host for c in courts}) as client:
            publisher = Publisher(producer, state)
            health_book = HealthBook(state, producer, publish_health)
            budget = RequestBudget(settings.live_budget_per_hour)
            windows = WindowCrawler(settings, client, publisher, state,
                                    CaptchaSolver(settings.captcha_solver_cmd), health_book,
                                    budget)
            crawler = Crawler(settings, courts, windows, publisher, state, blocks, health_book)
            # The review dockets (appeal, cassation) beside the first-instance ones.
            # (The same per-court request budget: a court's hourly requests are all of them.)
            reviews = ReviewCrawler(review_windows(
                settings, client, publisher, state, CaptchaSolver(settings.captcha_solver_cmd),
                health_book, budget), courts)
            first: Coroutine[Any, Any, PassReport | None] = (
                crawler.run_live(stop) if settings.fetch_mode == "live"
                else crawler.run_pass(force=force))
            if reviews.courts:
                first = _with_reviews(first, reviews.run_live(stop, settings.live_interval_s)
                                      if settings.fetch_mode == "live"
                                      else reviews.run_pass(force=force))
            work: asyncio.Task[PassReport | None] = asyncio.create_task(first)
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not work.done():
                # Shutdown mid-pass: unsettled windows are simply fetched again next time.
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)
            elif (result := work.result()) is not None:
                report = result
                last.update(report.as_dict())
                write_report(settings.report_path(), last)
                log.info("pass done: %s", last)
                print(report.line(), flush=True)
    finally:
        await producer.stop()
        await ops.stop()
        state.close()
    return report
