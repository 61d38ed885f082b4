"""Entry point: ``python -m services.parser`` (configured by DW_* environment variables)."""

from __future__ import annotations

import asyncio

from docketwatch.kafka import changelog_spec, ensure_topics
from docketwatch.streams import run_worker
from services.parser.app import Parser
from services.parser.settings import ParserSettings


def main() -> None:
    settings = ParserSettings()
    parser = Parser(settings)
    # Our topics carry explicit partition counts; create them before faust subscribes.
    changelog = changelog_spec(parser.cases.changelog_topic.get_topic_name(),
                               settings.raw_partitions)
    asyncio.run(ensure_topics(settings.kafka_bootstrap, settings.raw_partitions,
                              settings.events_partitions, extra=[changelog]))
    run_worker(parser.app, parser.ops, settings)


if __name__ == "__main__":
    main()
