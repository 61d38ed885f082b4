"""Every read command of the CLI on its defaults (no DW_* setting): against an aggregator on
the default ClickHouse port, exact answers; against nothing listening there, one line on
stderr and exit code 3 (``courts`` still lists the registry, without health).

The scenario (tests/docketwatch/cli_defaults.py) runs in a network namespace of its own
when this user may make one (``unshare -n``: root; a user namespace would not do, chDB
renices its threads), so the default port is free whatever else runs on this machine;
otherwise on this machine's loopback, which needs the port free.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from typing import Any

import pytest

from docketwatch.settings import CLICKHOUSE_HTTP_PORT, REPO_ROOT
from services.fetcher.courts import load_courts
from services.fetcher.settings import FetcherSettings
from tests.aggregator.factories import COURT

pytestmark = pytest.mark.integration

UNREACHABLE = (f"http://127.0.0.1:{CLICKHOUSE_HTTP_PORT} is unreachable (Connection refused); "
               "is the aggregator running?")
NETNS = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]


def _isolation() -> list[str]:
    """The command prefix of a network namespace of its own, or [] where none can be made."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return []
    probe = subprocess.run([*NETNS, "true"], capture_output=True, check=False)
    return NETNS if probe.returncode == 0 else []


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    workdir = tmp_path_factory.mktemp("cli-defaults")
    out = workdir / "results.json"
    prefix = _isolation()
    if not prefix and not _port_free(CLICKHOUSE_HTTP_PORT):
        pytest.fail(f"port {CLICKHOUSE_HTTP_PORT} is taken and no network namespace of its own "
                    "can be made here: stop what listens there (`ss -ltnp`)", pytrace=False)
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "tests.docketwatch.cli_defaults", str(workdir / "run"),
         str(out)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    data: dict[str, dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def _registry(health: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """`docketwatch courts` as it should read: the fetcher's roster, health where known."""
    empty = {"state": "", "checked_at": "", "last_new_case": "", "note": ""}
    return [{"vnkod": c.vnkod, "name": c.name, "base_url": c.base_url,
             **health.get(c.vnkod, empty)}
            for c in load_courts(FetcherSettings().courts_file)]


@pytest.mark.parametrize("command", ["sql", "report", "alerts", "alerts_active"])
def test_with_nothing_listening_a_read_command_says_so_in_one_line(
        results: dict[str, dict[str, Any]], command: str) -> None:
    assert results["nothing"][command] == {
        "code": 3, "stdout": "", "stderr": f"error: {UNREACHABLE}\n"}


def test_with_nothing_listening_courts_lists_the_registry_without_health(
        results: dict[str, dict[str, Any]]) -> None:
    got = results["nothing"]["courts"]
    assert (got["code"], got["stderr"]) == (0, f"court health unavailable: {UNREACHABLE}\n")
    rows = _json_lines(got["stdout"])
    assert len(rows) == 111
    assert rows == _registry({})


def test_sql_on_the_defaults(results: dict[str, dict[str, Any]]) -> None:
    got = results["aggregator"]["sql"]
    assert (got["code"], got["stderr"]) == (0, "")
    assert _json_lines(got["stdout"]) == [
        {"case_number": "1-1/2024", "received": "2024-02-01", "decision_class": "verdict"},
        {"case_number": "1-2/2024", "received": "2024-03-10", "decision_class": None},
        {"case_number": "1-3/2024", "received": "2024-03-15", "decision_class": "terminated"},
    ]


def test_report_on_the_defaults(results: dict[str, dict[str, Any]]) -> None:
    """The year 2024 of the three cases (cli_defaults.case_events): 337 sentenced in May,
    338 undecided, 332 (+105) terminated in June; March has two of them."""
    got = results["aggregator"]["report"]
    assert (got["code"], got["stderr"]) == (0, "")

    def line(name: str, received: int, sentenced: int, other: int, month: str,
             in_month: int) -> dict[str, Any]:
        return {"line": name, "received": received, "sentenced": sentenced,
                "other_decisions": other, "received_since": received,
                "sentenced_since": sentenced, "other_decisions_since": other,
                "record_month": month, "record_month_received": in_month}

    assert _json_lines(got["stdout"]) == [
        line("332", 1, 0, 1, "2024-03-01", 1),
        line("337", 1, 1, 0, "2024-02-01", 1),
        line("338", 1, 0, 0, "2024-03-01", 1),
        line("refusal", 3, 1, 1, "2024-03-01", 2),
    ]


ACTIVE = ("ACTIVE (1)\n  2024-06-04 10:00:00  firing    warning  provisional  monthly_surge  "
          "Refusal cases received in 2024-03 are 2.0x the median\n")


def test_alerts_on_the_defaults(results: dict[str, dict[str, Any]]) -> None:
    assert results["aggregator"]["alerts"] == {"code": 0, "stderr": "", "stdout": (
        ACTIVE + "PAST (1)\n  2024-06-02 09:30:00  resolved  critical  court_stale  "
        "New cases again\n")}
    assert results["aggregator"]["alerts_active"] == {"code": 0, "stderr": "",
                                                      "stdout": ACTIVE}


def test_courts_on_the_defaults(results: dict[str, dict[str, Any]]) -> None:
    got = results["aggregator"]["courts"]
    assert (got["code"], got["stderr"]) == (0, "")
    assert _json_lines(got["stdout"]) == _registry({COURT: {
        "state": "captcha", "checked_at": "2024-06-04 11:00:00",
        "last_new_case": "2024-06-03 08:00:00", "note": "captcha on page 3"}})
