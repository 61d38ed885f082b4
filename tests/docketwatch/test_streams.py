"""docketwatch/streams.py: the faust worker's logging."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from docketwatch.settings import CommonSettings
from docketwatch.streams import make_app, make_worker


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, put back as it was (the worker configures it)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("level", ["ERROR", "WARNING", "INFO"])
def test_library_debug_records_are_not_even_built(root_logger: logging.Logger, tmp_path: Path,
                                                  level: str) -> None:
    """faust's own Worker, at WARNING or above, sets the root logger to DEBUG for its
    terminal spinner: aiokafka then builds a record for every message it produces."""
    settings = CommonSettings(log_level=level, data_dir=tmp_path)
    worker = make_worker(make_app("test-logging", settings, partitions=1), settings)
    worker._setup_logging()  # what execute_from_commandline does first
    assert root_logger.getEffectiveLevel() == logging.getLevelName(level)
    assert not logging.getLogger("aiokafka.producer.producer").isEnabledFor(logging.DEBUG)
