"""Starts and stops the whole pipeline as separate processes, as in production.

Used by ``docketwatch demo`` and by the end-to-end tests, so both exercise exactly the same
start-up path: the real broker from deploy/kafka, the court simulator over real HTTP, and
each service as its own ``python -m services.<name>`` process.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic_settings import BaseSettings

from docketwatch.reader import Reader, ReaderSettings
from docketwatch.settings import REPO_ROOT
from services.aggregator.settings import AggregatorSettings
from services.alerts.settings import AlertsSettings
from services.dashboard.settings import DashboardSettings
from services.fetcher.settings import FetcherSettings
from services.parser.settings import ParserSettings

T = TypeVar("T")
BROKER_SCRIPT = REPO_ROOT / "deploy" / "kafka" / "broker.sh"
SERVICES = ("fetcher", "parser", "aggregator", "alerts", "dashboard")



def _default(settings: type[BaseSettings], name: str) -> int:
    return int(settings.model_fields[name].default)


# Each service's documented default port, read from its settings (defined there once).
DEFAULT_PORTS = {
    "fetcher": _default(FetcherSettings, "fetcher_ops_port"),
    "parser": _default(ParserSettings, "parser_ops_port"),
    "aggregator": _default(AggregatorSettings, "aggregator_ops_port"),
    "alerts": _default(AlertsSettings, "alerts_ops_port"),
    "dashboard": _default(DashboardSettings, "dashboard_port"),
}
CLICKHOUSE_HTTP_PORT = _default(AggregatorSettings, "clickhouse_http_port")


_PORTS = random.Random()  # its own generator: tests that seed `random` must not repeat it
_handed_out: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A free TCP port on 127.0.0.1, below the OS's ephemeral range.

    A port from bind(0) lies inside that range, where every outgoing connection also takes
    its local port: one of the stack's own Kafka clients could take it before the server
    meant for it binds (seen: the simulator's "address already in use").
    """
    hi = min(_ephemeral_low(), 32768)
    lo = 20000 if hi > 21000 else 1024
    for _ in range(500):
        port = _PORTS.randrange(lo, hi)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    with socket.socket() as s:  # the range is crowded: let the OS choose
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], T | None], *, timeout: float, interval: float = 0.25,
               what: str = "condition") -> T:
    """Poll ``check`` until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except ChildProcessError:
            raise  # what we wait for has died: waiting longer cannot help
        except Exception as exc:  # not ready yet (connection refused, table missing, ...)
            last_exc = exc
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:.0f}s (last error: {last_exc})")


@dataclass
class Stack:
    workdir: Path
    kafka_port: int = 9092
    controller_port: int = 9093
    simulator_port: int = 8090
    # The aggregator's ClickHouse HTTP interface (embedded store): every reader's way in.
    clickhouse_port: int = CLICKHOUSE_HTTP_PORT
    ops_ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    broker_started: bool = False
    _reader: Reader | None = field(default=None, repr=False)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def clickhouse_url(self) -> str:
        return f"http://127.0.0.1:{self.clickhouse_port}"

    @property
    def courts_file(self) -> Path:
        return self.workdir / "simulator" / "courts.csv"

    @property
    def truth_file(self) -> Path:
        return self.workdir / "simulator" / "truth.json"

    def log_path(self, name: str) -> Path:
        return self.workdir / "logs" / f"{name}.log"

    # ------------------------------------------------------------------ broker

    def _broker_env(self) -> dict[str, str]:
        return {**os.environ, "KAFKA_PORT": str(self.kafka_port),
                "KAFKA_CONTROLLER_PORT": str(self.controller_port),
                "KAFKA_DATA_DIR": str(self.workdir / "kafka")}

    def start_broker(self) -> float:
        t0 = time.monotonic()
        subprocess.run([str(BROKER_SCRIPT), "start"], check=True, env=self._broker_env())
        self.broker_started = True
        return time.monotonic() - t0

    def stop_broker(self) -> None:
        if self.broker_started:
            subprocess.run([str(BROKER_SCRIPT), "stop"], check=False, env=self._broker_env())
            self.broker_started = False

    @property
    def broker_pid_file(self) -> Path:
        """Where deploy/kafka/broker.sh keeps the JVM's pid."""
        return self.workdir / "kafka" / "broker.pid"

    def broker_pid(self) -> int | None:
        """The broker JVM's pid (None: not started, or gone)."""
        try:
            return int(self.broker_pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def kill_broker(self) -> int:
        """kill -9, for crash tests; the pid killed."""
        pid = self.broker_pid()
        if pid is None:
            raise RuntimeError("no broker to kill")
        os.kill(pid, 9)
        return pid

    # ------------------------------------------------------------------ processes

    def service_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            **os.environ,
            "DW_KAFKA_BOOTSTRAP": self.bootstrap,
            "DW_DATA_DIR": str(self.workdir / "data"),
            "DW_COURTS_FILE": str(self.courts_file),
            "DW_CLICKHOUSE_URL": self.clickhouse_url,
            "DW_CLICKHOUSE_HTTP_PORT": str(self.clickhouse_port),
            "PYTHONUNBUFFERED": "1",
        }
        ports = {**DEFAULT_PORTS, **self.ops_ports}
        env.update({f"DW_{name.upper()}_OPS_PORT": str(port) for name, port in ports.items()})
        env["DW_DASHBOARD_PORT"] = str(ports["dashboard"])
        env.update(extra or {})
        return env

    def spawn(self, name: str, args: list[str], env: dict[str, str],
              code: Path = REPO_ROOT) -> subprocess.Popen[bytes]:
        """``args`` run in ``code`` (``python -m`` imports the checkout found there first:
        another checkout's services run on the same broker and store, as in an upgrade)."""
        self.log_path(name).parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path(name).open("ab")
        proc = subprocess.Popen(args, cwd=code, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def start_service(self, name: str, extra_env: dict[str, str] | None = None,
                      code: Path = REPO_ROOT) -> subprocess.Popen[bytes]:
        return self.spawn(name, [sys.executable, "-m", f"services.{name}"],
                          self.service_env(extra_env), code)

    def start_simulator(self, *, seed: int = 1, as_of: str = "2024-12-27", scale: float = 1.0,
                        courts_limit: int = 0, extra: list[str] | None = None) -> None:
        self.courts_file.parent.mkdir(parents=True, exist_ok=True)
        args = [sys.executable, "-m", "services.simulator", "serve",
                "--port", str(self.simulator_port), "--seed", str(seed), "--as-of", as_of,
                "--scale", str(scale), "--courts-limit", str(courts_limit),
                "--write-courts", str(self.courts_file), "--write-truth", str(self.truth_file),
                *(extra or [])]
        proc = self.spawn("simulator", args, dict(os.environ))

        def ready() -> bool:
            if proc.poll() is not None:
                raise ChildProcessError(f"simulator exited with {proc.returncode}; see "
                                        f"{self.log_path('simulator')}")
            return (self.courts_file.exists() and self.truth_file.exists()
                    and self._http_ok(f"http://127.0.0.1:{self.simulator_port}/_sim/health"))

        wait_until(ready, timeout=180, what="simulator ready")

    def _http_ok(self, url: str) -> bool:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (loopback only)
            return bool(resp.status == 200)

    def wait_exit(self, name: str, timeout: float) -> int:
        return self.procs[name].wait(timeout=timeout)

    def stop(self, name: str, *, kill: bool = False, timeout: float = 30) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(9 if kill else 15)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop_all(self) -> None:
        if self._reader is not None:
            self._reader.close()
        for name in list(self.procs):
            self.stop(name)
        self.stop_broker()

    def reset(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

    # ------------------------------------------------------------------ queries

    @property
    def reader(self) -> Reader:
        """The store's read client, on the aggregator's ClickHouse HTTP interface."""
        if self._reader is None:
            self._reader = Reader(ReaderSettings(clickhouse_url=self.clickhouse_url))
        return self._reader

    def query(self, query: str, params: dict[str, Any] | None = None,
              ) -> tuple[list[str], list[list[Any]]]:
        return self.reader.query(query, params)

    def sql(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        """Rows of a read-only query, as any ClickHouse client would read them."""
        return self.reader.rows(query, params)

    def truth(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.truth_file.read_text(encoding="utf-8"))
        return data

    def sim(self, path: str, body: dict[str, Any] | None = None, *,
            timeout: float = 120.0) -> Any:
        """The simulator's control API (``/_sim/…``): GET, or POST of ``body`` as JSON."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.simulator_port}{path}",
            data=None if body is None else json.dumps(body).encode(),
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 (loopback)
            return json.loads(resp.read())
