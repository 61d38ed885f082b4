"""Shared fixtures: a real KRaft broker per test module, started from deploy/kafka."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from launcher.stack import SERVICES, Stack, free_port

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A fresh broker (own ports, own data dir) and room for the services of one module."""
    s = Stack(
        workdir=tmp_path_factory.mktemp("stack"),
        kafka_port=free_port(),
        controller_port=free_port(),
        simulator_port=free_port(), clickhouse_port=free_port(),
        ops_ports={name: free_port() for name in SERVICES},
    )
    s.start_broker()
    try:
        yield s
    finally:
        s.stop_all()
