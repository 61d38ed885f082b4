"""Entry point: ``python -m services.alerts`` (configured by DW_* environment variables)."""

from __future__ import annotations

import asyncio
import logging
import signal

from docketwatch.kafka import ensure_topics
from services.alerts.config import load_rules
from services.alerts.service import AlertsService
from services.alerts.settings import AlertsSettings


async def _main() -> None:
    settings = AlertsSettings()
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = load_rules(settings.alerts_rules_file)
    # The dead-letter and raw-page topics are read for the dead-letter rate.
    await ensure_topics(settings.kafka_bootstrap, settings.raw_partitions,
                        settings.events_partitions)
    service = AlertsService(settings, cfg)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await service.start()
    try:
        await service.run(stop)
    finally:
        await service.stop()  # drains receiver queues briefly, flushes the producer


def main() -> None:
    asyncio.run(_main())


if __name__ == "__main__":
    main()
