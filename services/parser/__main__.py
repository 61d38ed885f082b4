"""Entry point: ``python -m services.parser`` (configured by DW_* environment variables)."""

from __future__ import annotations

import asyncio

from docketwatch.kafka import changelog_spec, ensure_topics
from services.parser.app import app, cases, settings


def main() -> None:
    from faust.worker import Worker

    # Our topics carry explicit partition counts; create them before faust subscribes.
    changelog = changelog_spec(cases.changelog_topic.get_topic_name(), settings.raw_partitions)
    asyncio.run(ensure_topics(settings.kafka_bootstrap, settings.raw_partitions,
                              settings.events_partitions, extra=[changelog]))
    Worker(app, loglevel=settings.log_level.lower()).execute_from_commandline()


if __name__ == "__main__":
    main()
