"""Entry point: ``python -m services.aggregator`` (configured by DW_* environment variables)."""

from __future__ import annotations

import asyncio

from docketwatch.kafka import ensure_topics
from docketwatch.streams import run_worker
from services.aggregator.app import app, events, ops, queries, settings


def main() -> None:
    asyncio.run(ensure_topics(settings.kafka_bootstrap, settings.raw_partitions,
                              settings.events_partitions))
    run_worker(app, ops, settings, events, *([queries] if queries is not None else []))


if __name__ == "__main__":
    main()
