"""The ClickHouse HTTP interface in its own process (tests/clients/chserver.py), for clients
nobody here wrote: clickhouse-connect, the official Node client, the JDBC driver, curl.

The client programs are installed by ``make clients`` (deploy/clients/fetch.sh), which
``make test`` runs first.
"""

from __future__ import annotations

import http.client
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from docketwatch.settings import REPO_ROOT

JARS = REPO_ROOT / ".cache" / "clients" / "jdbc"
NODE_DIR = REPO_ROOT / "tests" / "clients" / "node"
VERSION = "26.9.2.1"  # chDB 26.9's engine


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def code(self) -> int | None:
        value = self.headers.get("x-clickhouse-exception-code")
        return int(value) if value is not None else None


@dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    replies: list[Reply] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: Mapping[str, str] | None = None, host: str | None = None) -> Reply:
        """One raw HTTP request (exact headers: no client adds its own, Host as given)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host if host is not None else f"127.0.0.1:{self.port}")
            data = body.encode() if isinstance(body, str) else body
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            if data is not None:
                conn.putheader("Content-Length", str(len(data)))
            conn.endheaders(data)
            response = conn.getresponse()
            reply = Reply(response.status,
                          {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            conn.close()
        self.replies.append(reply)
        return reply

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_log(self, needle: str, timeout: float = 30.0, after: int = 0) -> int:
        """Poll the server's log until ``needle`` appears past offset ``after``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.log_text().find(needle, after)
            if found >= 0:
                return found
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited: {self.log_text()[-2000:]}")
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} not in the server's log within {timeout}s")


def start_server(tmp: Path, env: Mapping[str, str], timeout: float = 90.0
                 ) -> tuple[subprocess.Popen[bytes], int | None, Path]:
    """Start chserver; (process, port or None if it exited, log path)."""
    log = tmp / "server.log"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DW_CLICKHOUSE_HTTP_")}
    full_env.update({"DW_CLICKHOUSE_HTTP_PORT": "0", **env})
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.clients.chserver", str(tmp / "chdb")],
            cwd=REPO_ROOT, env=full_env, stdout=subprocess.PIPE, stderr=err)
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    line = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            line = proc.stdout.readline()
            if line.startswith(b"READY "):
                return proc, int(line.split()[1]), log
            if not line:  # closed: the process is ending
                proc.wait(timeout=30)
                return proc, None, log
        elif proc.poll() is not None:
            return proc, None, log
    stop(proc)
    raise AssertionError(f"the server did not start within {timeout}s: {log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
    if proc.stdout is not None:
        proc.stdout.close()


def _server(tmp: Path, env: Mapping[str, str]) -> Iterator[Server]:
    proc, port, log = start_server(tmp, env)
    if port is None:
        raise AssertionError(f"the server exited at start: {log.read_text()[-3000:]}")
    try:
        yield Server(port, proc, log)
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Loopback, no password (user default, empty password), two queries at once."""
    yield from _server(tmp_path_factory.mktemp("chhttp"), {})


PASSWORD = "Zq8-secret-Hj2!x"


@pytest.fixture(scope="session")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A password, user 'grafana', one allowed browser origin and an extra host name."""
    yield from _server(tmp_path_factory.mktemp("chhttp-auth"), {
        "DW_CLICKHOUSE_HTTP_USER": "grafana",
        "DW_CLICKHOUSE_HTTP_PASSWORD": PASSWORD,
        "DW_CLICKHOUSE_HTTP_ORIGINS": "https://dash.example, https://other.example:8443",
        "DW_CLICKHOUSE_HTTP_HOSTNAMES": "aggregator.internal",
    })


@pytest.fixture(scope="session")
def tight_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One query at once, a short wait for a slot, a 4 KiB body limit."""
    yield from _server(tmp_path_factory.mktemp("chhttp-tight"), {
        "DW_CLICKHOUSE_HTTP_MAX_QUERIES": "1",
        "DW_CLICKHOUSE_HTTP_QUEUE_WAIT_S": "0.3",
        "DW_CLICKHOUSE_HTTP_MAX_BODY_BYTES": "4096",
    })


def run(cmd: list[str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.fixture(scope="session")
def jdbc_classpath() -> str:
    if not (JARS / ".complete").exists():
        pytest.fail("the JDBC driver is not installed: run `make clients`")
    return str(JARS / "*")


@pytest.fixture(scope="session")
def node_client() -> Path:
    if not (NODE_DIR / "node_modules" / "@clickhouse" / "client").is_dir():
        pytest.fail("@clickhouse/client is not installed: run `make clients`")
    return NODE_DIR / "query.mjs"
