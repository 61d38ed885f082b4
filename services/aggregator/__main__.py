"""Entry point: ``python -m services.aggregator`` (configured by DW_* environment variables)."""

from __future__ import annotations

import asyncio

from docketwatch.kafka import ensure_topics
from docketwatch.streams import run_worker
from services.aggregator.app import Aggregator
from services.aggregator.settings import AggregatorSettings


def main() -> None:
    settings = AggregatorSettings()
    asyncio.run(ensure_topics(settings.kafka_bootstrap, settings.raw_partitions,
                              settings.events_partitions))
    aggregator = Aggregator(settings)
    run_worker(aggregator.app, aggregator.ops, settings, *aggregator.services())


if __name__ == "__main__":
    main()
