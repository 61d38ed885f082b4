"""Shared fixtures: a real KRaft broker per test module, started from deploy/kafka; the
golden-file check and its ``--update-golden`` option (docs/testing.md)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from launcher.stack import SERVICES, Stack, free_port

REPO = Path(__file__).resolve().parents[1]
# The suite reads English text (summaries, labels, headers) unless a test asks for Russian,
# the production default (DW_LANG): tests of Russian set it themselves (tests/*/test_i18n*).
os.environ["DW_LANG"] = "en"
UPDATE_GOLDEN = "--update-golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(UPDATE_GOLDEN, action="store_true", default=False,
                     help="golden tests write their expected files from this build's output "
                          "(new or changed ones only); review `git diff tests/golden` before "
                          "committing")


class Golden:
    """Compares a test's output with its reviewed expected file. Without ``--update-golden``
    a missing file fails, and nothing is ever written; with it, a missing or different file
    is written and the test is skipped with a reminder to review it."""

    def __init__(self, update: bool, nodeid: str) -> None:
        self.update = update
        self.nodeid = nodeid

    def check(self, expected_file: Path, actual: str) -> None:
        name = expected_file.relative_to(REPO) if expected_file.is_relative_to(REPO) \
            else expected_file
        exists = expected_file.is_file()
        if self.update:
            if not exists or expected_file.read_text(encoding="utf-8") != actual:
                expected_file.write_text(actual, encoding="utf-8")
                pytest.skip(f"wrote {name}: review it against its input before committing")
            return
        if not exists:
            pytest.fail(f"{name} is missing: write it with `pytest '{self.nodeid}' "
                        f"{UPDATE_GOLDEN}`, then review it", pytrace=False)
        expected = expected_file.read_text(encoding="utf-8")
        if expected_file.suffix == ".json":  # a readable diff first
            assert json.loads(actual) == json.loads(expected), name
        assert actual == expected, f"{name}: same data, other formatting"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption(UPDATE_GOLDEN)), request.node.nodeid)


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
