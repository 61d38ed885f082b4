"""What every faust-streaming service of docketwatch shares: the app settings and raw topics.

At-least-once processing (faust's exactly_once has open bug reports), acks from every
replica, reading from the earliest offset, no faust web server (each service runs its own
OpsServer), in-memory table stores restored from their changelog topics.
"""

from __future__ import annotations

from typing import Any

import faust

from docketwatch.settings import CommonSettings


def make_app(app_id: str, settings: CommonSettings, *, partitions: int,
             **overrides: Any) -> faust.App:
    # faust creates its datadir without parents; a fresh DW_DATA_DIR must not crash start-up.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "broker": f"kafka://{settings.kafka_bootstrap}",
        "store": "memory://",
        "processing_guarantee": "at_least_once",
        "web_enabled": False,
        "topic_partitions": partitions,
        "topic_replication_factor": 1,
        "consumer_auto_offset_reset": "earliest",
        "producer_acks": -1,
        "producer_compression_type": "gzip",
        "producer_max_request_size": 10_485_760,
        "broker_commit_interval": 1.0,
        "datadir": str(settings.data_dir / app_id),
        **overrides,
    }
    return faust.App(app_id, **options)


def raw_topic(app: faust.App, name: str) -> Any:
    """A topic of our own JSON records: bytes in, bytes out, decoded by the contract."""
    return app.topic(name, key_type=bytes, value_type=bytes,
                     key_serializer="raw", value_serializer="raw")
