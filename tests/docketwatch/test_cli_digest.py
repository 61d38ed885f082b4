"""``docketwatch digest``'s contract with scripts: a clear error for a bad week or format
(exit 2) and for a store that does not answer (exit 3), nothing on stdout then. What it
prints from a store is tested end to end (tests/e2e/test_digest.py)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from launcher.cli import app
from launcher.stack import free_port

runner = CliRunner()


@pytest.mark.parametrize(("args", "line"), [
    (["--week", "2024-30"], "error: --week: '2024-30' is not an ISO week like 2024-W30\n"),
    (["--week", "2023-W53"], "error: --week: '2023-W53' is not an ISO week like 2024-W30\n"),
    (["--week", "2024-W30", "--format", "xml"], "error: --format must be text, md or json\n"),
])
def test_a_bad_week_or_format_is_one_line_and_exit_2(args: list[str], line: str) -> None:
    result = runner.invoke(app, ["digest", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line)


def test_a_digest_with_nothing_listening_is_one_line_and_exit_3(
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("DW_CLICKHOUSE_URL", url)
    result = runner.invoke(app, ["digest", "--week", "2024-W30"])
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (f"error: {url} is unreachable (Connection refused); "
                             "is the aggregator running?\n")


def test_a_bad_language_is_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["digest", "--week", "2024-W30", "--lang", "de"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "error: --lang must be one of ru, en\n")
