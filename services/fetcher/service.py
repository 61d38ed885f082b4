"""The fetcher process: ops endpoint, Kafka producer, crawl passes, graceful shutdown."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from docketwatch.kafka import ensure_topics, make_producer
from docketwatch.ops import OpsServer
from services.fetcher.courts import load_courts
from services.fetcher.crawler import Crawler, PassReport
from services.fetcher.http import PoliteClient
from services.fetcher.settings import FetcherSettings
from services.fetcher.state import CrawlState

log = logging.getLogger("docketwatch.fetcher")


async def run(settings: FetcherSettings, *, force: bool = False) -> PassReport:
    courts = load_courts(settings.courts_file)
    state = CrawlState(settings.state_path())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    last: dict[str, Any] = {}

    def health() -> dict[str, Any]:
        return {"courts": len(courts), "last_pass": last, "court_health": state.health()}

    ops = OpsServer("fetcher", settings.ops_host, settings.fetcher_ops_port, health)
    await ops.start()
    await ensure_topics(settings.kafka_bootstrap, settings.raw_partitions,
                        settings.events_partitions)
    producer = make_producer(settings.kafka_bootstrap, client_id="docketwatch-fetcher")
    await producer.start()
    report = PassReport()
    try:
        async with PoliteClient(settings, {c.host for c in courts}) as client:
            crawler = Crawler(settings, courts, client, producer, state)
            while not stop.is_set():
                crawl = asyncio.create_task(crawler.run_pass(force=force))
                stopper = asyncio.create_task(stop.wait())
                await asyncio.wait({crawl, stopper}, return_when=asyncio.FIRST_COMPLETED)
                stopper.cancel()
                if not crawl.done():
                    # Shutdown mid-pass: unsettled windows are simply fetched again next time.
                    crawl.cancel()
                    break
                report = crawl.result()
                last.update(pages=report.pages, published=report.published,
                            windows=report.windows, incomplete=len(report.incomplete),
                            blocked=report.blocked, failed=report.failed)
                log.info("pass done: %s", last)
                print(f"fetcher pass: {report.pages} pages fetched, {report.published} "
                      f"published, {report.windows} windows, blocked={report.blocked}, "
                      f"failed={report.failed}, incomplete={len(report.incomplete)}", flush=True)
                if settings.fetch_mode != "live":
                    break
                force = False
                try:
                    await asyncio.wait_for(stop.wait(), settings.live_interval_s)
                except TimeoutError:
                    pass
    finally:
        await producer.stop()
        await ops.stop()
        state.close()
    return report
