"""``docketwatch up``, ``status``, ``logs`` and ``down``: the whole monitor, supervised by
supervisord.

``up`` writes a supervisord configuration into its state directory (``DW_UP_DIR``, default
``var/up``) and starts supervisord on it, as a daemon or (``--foreground``, for systemd) in
the foreground. supervisord runs each part as its own program: the local Kafka broker
(``deploy/kafka/broker.sh run``; none when ``DW_KAFKA_BOOTSTRAP`` names a cluster), the court
simulator (``--simulator`` only), the aggregator, the parser, the alerts service, the
dashboard and the fetcher in live mode. supervisord is the supervisor: it restarts a program
that dies, with a growing pause between failed starts (``startsecs``, ``startretries``), and
gives a program that keeps failing to start up as FATAL, which ``status`` shows and reports
with a non-zero exit. Its XML-RPC interface is a unix socket open to its owner only (0700),
never a TCP port. Each program logs to its own file under ``logs/``, rotated by size.

Start order is supervisord's priority (ascending), and every program that needs another
waits for it first (``launcher.waitfor``). Stop order is the reverse, one program at a time,
each given ``stopwaitsecs`` for its own graceful shutdown (a stream worker finishes the batch
in hand and commits): the fetcher first, so nothing new comes in, then the readers, the
parser, the aggregator, and the broker last. The same order holds when supervisord itself
is told to stop (SIGTERM from systemd).

Only settings ``up`` chose (ports, directories, the fetcher's live mode) are written into
the configuration; everything else, secrets above all, reaches the services through
supervisord's own environment, inherited from whoever ran ``up``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from docketwatch.settings import (
    AGGREGATOR_GROUP,
    CLICKHOUSE_HTTP_PORT,
    PARSER_GROUP,
    REPO_ROOT,
    default_data_dir,
)
from launcher.stack import BROKER_SCRIPT, DEFAULT_PORTS

# Start order; supervisord stops in the reverse order (its priorities are these positions).
PROGRAMS = ("kafka", "simulator", "aggregator", "parser", "alerts", "dashboard", "fetcher")
STOP_ORDER = tuple(reversed(PROGRAMS))
# Seconds each program gets to stop after SIGTERM before supervisord kills its process group:
# longer than its own graceful shutdown (the parser finishing its batch and committing, the
# aggregator its inserts, the broker its controlled shutdown).
STOP_WAIT_S = {"kafka": 60, "simulator": 10, "aggregator": 60, "parser": 60, "alerts": 30,
               "dashboard": 20, "fetcher": 30}
# supervisord's process states that are not a service doing its work, nor about to.
BAD_STATES = ("FATAL", "BACKOFF", "EXITED", "STOPPED", "UNKNOWN")
# A service that starts successfully and then dies, again and again, never becomes FATAL
# (supervisord restarts it each time): that many restarts within the window is reported.
CRASH_LOOP_RESTARTS = 3
CRASH_LOOP_WINDOW_S = 600
SOCKET_PATH_MAX = 100  # AF_UNIX paths are limited to 107 bytes
SIM_AS_OF = date(2024, 12, 1)
SIM_DAYS = 90


class UpSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DW_", extra="ignore")

    up_dir: Path = Field(
        default_factory=lambda: REPO_ROOT / "var" / "up",
        description="docketwatch up's state: supervisord's generated config, its socket, pid "
        "file and log, each service's log (logs/), and the simulator's data with --simulator")
    simulator_port: int = Field(8090, description="the court simulator's port (docketwatch "
                                "up --simulator)")
    up_start_secs: int = Field(10, description="a service that stays up this long counts as "
                               "started (supervisord's startsecs)")
    up_start_retries: int = Field(
        5, description="failed starts in a row, each after a longer pause, before supervisord "
        "gives a service up as FATAL (startretries)")
    up_log_max_bytes: int = Field(50 << 20, description="each service's log is rotated at this "
                                  "size")
    up_log_backups: int = Field(5, description="rotated logs kept per service")


@dataclass(frozen=True)
class SimOptions:
    """The court simulator of ``up --simulator``: a live clock from ``as_of``, a corpus of
    cases received up to ``end``."""

    seed: int = 1
    as_of: date = SIM_AS_OF
    end: date = SIM_AS_OF + timedelta(days=SIM_DAYS)
    live_speed: float = 20.0  # real seconds per simulated day
    scale: float = 1.0
    courts_limit: int = 0


@dataclass
class Program:
    name: str
    command: list[str]
    env: dict[str, str]
    priority: int
    stop_wait_s: int


@dataclass
class Plan:
    """Everything ``up`` decided, kept as ``up.json`` in the state directory for ``status``,
    ``logs`` and ``down``."""

    state_dir: str
    mode: str  # "live" (the courts' sites) or "simulator"
    bootstrap: str
    local_broker: bool
    clickhouse_url: str
    dashboard_url: str
    simulator_url: str | None
    parser_group: str
    aggregator_group: str
    ports: dict[str, int]
    start_secs: int
    start_retries: int
    log_max_bytes: int
    log_backups: int
    programs: list[Program] = field(default_factory=list)

    def program(self, name: str) -> Program:
        return next(p for p in self.programs if p.name == name)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data = json.loads(text)
        data["programs"] = [Program(**p) for p in data["programs"]]
        return cls(**data)


class Paths:
    def __init__(self, state_dir: Path) -> None:
        self.root = state_dir
        self.conf = state_dir / "supervisord.conf"
        self.sock = state_dir / "supervisor.sock"
        self.pidfile = state_dir / "supervisord.pid"
        self.log = state_dir / "supervisord.log"
        self.out = state_dir / "supervisord.out"  # what it says before its log is open
        self.logs = state_dir / "logs"
        self.plan = state_dir / "up.json"
        self.sim = state_dir / "simulator-data"

    def service_log(self, name: str) -> Path:
        return self.log if name == "supervisord" else self.logs / f"{name}.log"


class UpError(RuntimeError):
    """Something ``up``, ``status``, ``logs`` or ``down`` cannot do: one line for the user."""


# ----------------------------------------------------------------------------- the plan


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default))
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise UpError(f"{name}={raw!r} is not a port")
    return port


def _priority(name: str) -> int:
    return 10 * (PROGRAMS.index(name) + 1)


def make_plan(settings: UpSettings, sim: SimOptions | None,
              env: Mapping[str, str] | None = None) -> Plan:
    """The programs and their settings, from ``DW_*`` (and the broker's ``KAFKA_*``)
    variables of ``env``; defaults are the services' own."""
    env = os.environ if env is None else env
    state = settings.up_dir.resolve()
    paths = Paths(state)
    py = sys.executable
    local = not env.get("DW_KAFKA_BOOTSTRAP")
    kafka_host = env.get("KAFKA_HOST", "127.0.0.1")
    kafka_port = _port(env, "KAFKA_PORT", 9092)
    controller_port = _port(env, "KAFKA_CONTROLLER_PORT", 9093)
    bootstrap = f"{kafka_host}:{kafka_port}" if local else env["DW_KAFKA_BOOTSTRAP"]
    data_dir = paths.sim / "data" if sim else Path(env.get("DW_DATA_DIR") or default_data_dir())
    ports = {name: _port(env, f"DW_{name.upper()}_OPS_PORT", port)
             for name, port in DEFAULT_PORTS.items() if name != "dashboard"}
    ports["dashboard"] = _port(env, "DW_DASHBOARD_PORT", DEFAULT_PORTS["dashboard"])
    ports["clickhouse_http"] = _port(env, "DW_CLICKHOUSE_HTTP_PORT", CLICKHOUSE_HTTP_PORT)
    if local:
        ports["kafka"], ports["kafka_controller"] = kafka_port, controller_port
    if sim:
        ports["simulator"] = settings.simulator_port
    clickhouse_url = env.get("DW_CLICKHOUSE_URL") or f"http://127.0.0.1:{ports['clickhouse_http']}"
    if env.get("DW_CLICKHOUSE_DSN", "").startswith(("http://", "https://")):
        del ports["clickhouse_http"]  # a ClickHouse server: the aggregator serves no HTTP
    dash_host = env.get("DW_DASHBOARD_HOST", "127.0.0.1")
    shown_host = "127.0.0.1" if dash_host in ("0.0.0.0", "::", "") else dash_host  # noqa: S104
    common = {
        "DW_KAFKA_BOOTSTRAP": bootstrap,
        "DW_DATA_DIR": str(data_dir),
        "DW_CLICKHOUSE_URL": clickhouse_url,
        "DW_CLICKHOUSE_HTTP_PORT": str(ports.get("clickhouse_http", CLICKHOUSE_HTTP_PORT)),
        **{f"DW_{n.upper()}_OPS_PORT": str(ports[n])
           for n in ("fetcher", "parser", "aggregator", "alerts")},
        "DW_DASHBOARD_PORT": str(ports["dashboard"]),
        "PYTHONUNBUFFERED": "1",
    }
    wait_kafka = ["--tcp", bootstrap] if local else []
    sim_url = f"http://127.0.0.1:{settings.simulator_port}" if sim else None

    def service(name: str, waits: list[str], extra: dict[str, str] | None = None) -> Program:
        module = ["-m", f"services.{name}"]
        command = ([py, "-m", "launcher.waitfor", *waits, "--", py, *module] if waits
                   else [py, *module])
        return Program(name, command, {**common, **(extra or {})},
                       _priority(name), STOP_WAIT_S[name])

    programs: list[Program] = []
    if local:
        programs.append(Program("kafka", [str(BROKER_SCRIPT), "run"], {
            "KAFKA_HOST": kafka_host, "KAFKA_PORT": str(kafka_port),
            "KAFKA_CONTROLLER_PORT": str(controller_port),
            "KAFKA_DATA_DIR": str(paths.sim / "kafka" if sim else Path(
                env.get("KAFKA_DATA_DIR") or data_dir / "kafka"))},
            _priority("kafka"), STOP_WAIT_S["kafka"]))
    fetcher_env = {"DW_FETCH_MODE": "live"}
    fetcher_waits = list(wait_kafka)
    if sim:
        courts = paths.sim / "courts.csv"
        programs.append(Program("simulator", [
            py, "-m", "services.simulator", "serve", "--host", "127.0.0.1",
            "--port", str(settings.simulator_port), "--seed", str(sim.seed),
            "--as-of", sim.as_of.isoformat(), "--end", sim.end.isoformat(),
            "--scale", str(sim.scale), "--courts-limit", str(sim.courts_limit),
            "--live-speed", str(sim.live_speed), "--write-courts", str(courts),
            "--write-truth", str(paths.sim / "truth.json")], {"PYTHONUNBUFFERED": "1"},
            _priority("simulator"), STOP_WAIT_S["simulator"]))
        # The sites' "today" is the simulator's clock, not the wall clock: the fetcher's
        # windows end where the corpus does, and its recent receipt and decision windows
        # reach as far before the clock's start as they would before a real today (a
        # decision can show up to 120 days late).
        span = (sim.end - sim.as_of).days
        fetcher_env.update({
            "DW_COURTS_FILE": str(courts), "DW_FETCH_END": sim.end.isoformat(),
            "DW_RECENT_DAYS": str(span + 120), "DW_DECISION_DAYS": str(span + 180)})
        # One host serves every simulated court, at demo speed: no politeness limits.
        for name, value in (("DW_LIVE_INTERVAL_S", "30"), ("DW_HOST_RATE_PER_S", "1000"),
                            ("DW_MAX_CONCURRENCY", "32"), ("DW_LIVE_BUDGET_PER_HOUR", "0")):
            fetcher_env[name] = env.get(name, value)
        fetcher_waits += ["--http", f"{sim_url}/_sim/health", "--file", str(courts)]
    programs += [
        service("aggregator", wait_kafka),
        service("parser", wait_kafka),
        service("alerts", wait_kafka),
        service("dashboard", []),
        service("fetcher", fetcher_waits, fetcher_env),
    ]
    return Plan(
        state_dir=str(state), mode="simulator" if sim else "live", bootstrap=bootstrap,
        local_broker=local, clickhouse_url=clickhouse_url,
        dashboard_url=f"http://{shown_host}:{ports['dashboard']}/", simulator_url=sim_url,
        parser_group=env.get("DW_PARSER_GROUP", PARSER_GROUP),
        aggregator_group=env.get("DW_AGGREGATOR_GROUP", AGGREGATOR_GROUP), ports=ports,
        start_secs=settings.up_start_secs, start_retries=settings.up_start_retries,
        log_max_bytes=settings.up_log_max_bytes, log_backups=settings.up_log_backups,
        programs=sorted(programs, key=lambda p: p.priority))


def _value(text: str, what: str) -> str:
    """A value for the configuration file: '%' is supervisord's expansion character."""
    if any(c in text for c in '"\n\r'):
        raise UpError(f"{what}: {text!r} cannot go into supervisord's configuration")
    return text.replace("%", "%%")


def render(plan: Plan) -> str:
    """supervisord's configuration for ``plan``."""
    p = Paths(Path(plan.state_dir))
    lines = [
        "; Generated by `docketwatch up` (launcher/supervise.py) on every start: do not edit.",
        "; Settings come from DW_* variables; secrets only ever from the environment.",
        "[supervisord]",
        f"logfile={_value(str(p.log), 'logfile')}",
        "logfile_maxbytes=10MB",
        "logfile_backups=3",
        "loglevel=info",
        f"pidfile={_value(str(p.pidfile), 'pidfile')}",
        f"directory={_value(str(REPO_ROOT), 'directory')}",
        f"childlogdir={_value(str(p.logs), 'childlogdir')}",
        "identifier=docketwatch",
        "umask=022",
        "",
        "; XML-RPC on a unix socket open to its owner only; no TCP port at all.",
        "[unix_http_server]",
        f"file={_value(str(p.sock), 'socket')}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{_value(str(p.sock), 'socket')}",
    ]
    for prog in plan.programs:
        command = " ".join(shlex.quote(_value(a, prog.name)) for a in prog.command)
        environment = ",".join(f'{k}="{_value(v, k)}"' for k, v in sorted(prog.env.items()))
        lines += [
            "",
            f"[program:{prog.name}]",
            f"command={command}",
            f"directory={_value(str(REPO_ROOT), 'directory')}",
            f"priority={prog.priority}",
            "autostart=true",
            "autorestart=true",
            f"startsecs={plan.start_secs}",
            f"startretries={plan.start_retries}",
            "stopsignal=TERM",
            f"stopwaitsecs={prog.stop_wait_s}",
            # SIGTERM to the service alone: it stops its own children (the parser its parse
            # processes, which also die with it); a service that overruns stopwaitsecs is
            # SIGKILLed with its whole process group.
            "stopasgroup=false",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={_value(str(p.service_log(prog.name)), 'log')}",
            f"stdout_logfile_maxbytes={plan.log_max_bytes}",
            f"stdout_logfile_backups={plan.log_backups}",
            f"environment={environment}",
        ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- supervisord


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (its children, theirs, ...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        out.append(child)
        todo += children.get(child, [])
    return sorted(out)


class Supervisord:
    """The supervisord of one state directory, through its XML-RPC unix socket."""

    def __init__(self, state_dir: Path) -> None:
        self.paths = Paths(state_dir)

    def rpc(self) -> Any:
        from supervisor.xmlrpc import SupervisorTransport

        transport = SupervisorTransport(None, None, f"unix://{self.paths.sock}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)

    def pid(self) -> int | None:
        """supervisord's pid, if it is running."""
        try:
            pid = int(self.paths.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        if not _alive(pid):
            return None
        with contextlib.suppress(OSError):
            if b"supervisord" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                return None  # a stale pid file naming someone else
        return pid

    def answers(self) -> bool:
        try:
            return bool(self.rpc().supervisor.getState()["statename"] == "RUNNING")
        except (OSError, xmlrpc.client.Error):
            return False

    def processes(self) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in self.rpc().supervisor.getAllProcessInfo()}

    def plan(self) -> Plan:
        try:
            return Plan.from_json(self.paths.plan.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UpError(f"nothing was started in {self.paths.root} "
                          "(docketwatch up; DW_UP_DIR)") from None


# supervisord's log: "2025-01-31 12:00:00,123 INFO spawned: 'parser' with pid 42"
_LOG = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ \w+ (.*)$")
_STARTED = re.compile(r"^supervisord started with pid (\d+)")
_SPAWNED = re.compile(r"^spawned: '([^']+)' with pid (\d+)")
_EXITED = re.compile(r"^(exited|stopped): (\S+) (.*)$")


@dataclass
class History:
    """What supervisord's log says about each program since supervisord last started."""

    spawns: dict[str, list[datetime]] = field(default_factory=dict)
    last_exit: dict[str, str] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)  # each program's latest pid

    def restarts(self, name: str) -> int:
        return max(0, len(self.spawns.get(name, [])) - 1)

    def recent_restarts(self, name: str, now: datetime, window_s: float) -> int:
        spawns = self.spawns.get(name, [])[1:]
        return sum(1 for t in spawns if (now - t).total_seconds() <= window_s)


def history(paths: Paths) -> History:
    """Restarts and last exits, read from supervisord's log (and its rotated files) back to
    its latest start."""
    files = [paths.log, *(paths.log.with_name(f"{paths.log.name}.{i}") for i in range(1, 4))]
    chunks: list[list[str]] = []
    for f in files:  # newest first
        try:
            lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            break
        chunks.append(lines)
        if any(_STARTED.match(m.group(2)) for line in lines if (m := _LOG.match(line))):
            break
    out = History()
    for line in (x for lines in reversed(chunks) for x in lines):
        m = _LOG.match(line)
        if not m:
            continue
        at, text = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"), m.group(2)
        if _STARTED.match(text):
            out = History()
        elif s := _SPAWNED.match(text):
            out.spawns.setdefault(s.group(1), []).append(at)
            out.pids[s.group(1)] = int(s.group(2))
        elif e := _EXITED.match(text):
            out.last_exit[e.group(2)] = f"{e.group(1)} {e.group(3)} at {m.group(1)}"
    return out


# ----------------------------------------------------------------------------- up


def _port_taken(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def check_startable(plan: Plan) -> None:
    paths = Paths(Path(plan.state_dir))
    if len(str(paths.sock)) > SOCKET_PATH_MAX:
        raise UpError(f"{paths.sock} is too long for a unix socket; set a shorter DW_UP_DIR")
    taken = [f"{name} {port}" for name, port in plan.ports.items() if _port_taken(port)]
    if taken:
        raise UpError("port(s) already in use on 127.0.0.1: " + ", ".join(taken)
                      + " (another docketwatch, or a leftover of one; or set the ports: "
                      "docs/operations.md)")


def prepare(plan: Plan) -> Paths:
    """The state directory (0700), the configuration and the plan, written for a start."""
    paths = Paths(Path(plan.state_dir))
    paths.root.mkdir(parents=True, exist_ok=True)
    paths.root.chmod(0o700)
    paths.logs.mkdir(exist_ok=True)
    if plan.mode == "simulator":
        # The simulator's clock starts again at --as-of: data of an earlier run would be
        # ahead of the sites. A simulated run always starts from nothing.
        shutil.rmtree(paths.sim, ignore_errors=True)
        (paths.sim / "data").mkdir(parents=True)
    paths.sock.unlink(missing_ok=True)  # a stale socket of a supervisord that died
    paths.conf.write_text(render(plan), encoding="utf-8")
    paths.plan.write_text(plan.to_json(), encoding="utf-8")
    return paths


def fetch_broker() -> None:
    """The Kafka jars (Maven Central, the first time only)."""
    subprocess.run([str(BROKER_SCRIPT), "fetch"], check=True, cwd=REPO_ROOT)


def supervisord_command(paths: Paths, *, foreground: bool) -> list[str]:
    return [sys.executable, "-m", "supervisor.supervisord", *(["-n"] if foreground else []),
            "-c", str(paths.conf)]


def start_daemon(plan: Plan, timeout: float = 30.0) -> int:
    """Start supervisord as a daemon on ``plan``; its pid once it answers."""
    paths = prepare(plan)
    with paths.out.open("ab") as out:
        # supervisord forks: this returns when its parent has exited.
        done = subprocess.run(supervisord_command(paths, foreground=False), cwd=REPO_ROOT,
                              stdout=out, stderr=subprocess.STDOUT, check=False)
    sup = Supervisord(paths.root)
    deadline = time.monotonic() + timeout
    while done.returncode == 0 and time.monotonic() < deadline:
        pid = sup.pid()
        if pid is not None and sup.answers():
            return pid
        time.sleep(0.1)
    said = paths.out.read_text(errors="replace").strip().splitlines() if paths.out.exists() \
        else []
    raise UpError(f"supervisord did not start (see {paths.out} and {paths.log}): "
                  + (said[-1] if said else "no output"))


def run_foreground(plan: Plan) -> None:
    """Become supervisord (for systemd): it starts everything and runs until SIGTERM."""
    paths = prepare(plan)
    os.chdir(REPO_ROOT)
    command = supervisord_command(paths, foreground=True)
    os.execv(command[0], command)  # noqa: S606 (supervisord, a fixed command)


def readiness(plan: Plan) -> dict[str, str]:
    """What must answer before ``up`` says the monitor is up: the store (the aggregator's
    ClickHouse HTTP interface, or the server's), the dashboard, the simulator."""
    urls = {"store": plan.clickhouse_url.rstrip("/") + "/ping",
            "dashboard": plan.dashboard_url + "health"}
    if plan.simulator_url:
        urls["simulator"] = plan.simulator_url + "/_sim/health"
    return urls


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (our own URLs)
            return bool(resp.status == 200)
    except OSError:
        return False


def wait_started(sup: Supervisord, plan: Plan, timeout: float,
                 say: Callable[[str], None]) -> bool:
    """Until every program is RUNNING and the store, the dashboard (and the simulator)
    answer (True), or a program is given up (FATAL) or the deadline passes (False)."""
    deadline = time.monotonic() + timeout
    shown: dict[str, str] = {}
    waiting = readiness(plan)
    while time.monotonic() < deadline:
        procs = sup.processes()
        for name in PROGRAMS:
            if name in procs and shown.get(name) != procs[name]["statename"]:
                shown[name] = procs[name]["statename"]
                if shown[name] in ("RUNNING", "FATAL"):
                    say(f"  {name}: {shown[name]} (pid {procs[name]['pid']})"
                        if shown[name] == "RUNNING" else f"  {name}: FATAL")
        if any(p["statename"] == "FATAL" for p in procs.values()):
            return False
        for what, url in list(waiting.items()):
            if _answers(url):
                say(f"  {what} answers ({url})")
                del waiting[what]
        if not waiting and all(p["statename"] == "RUNNING" for p in procs.values()):
            return True
        time.sleep(0.5)
    return False


# ----------------------------------------------------------------------------- status


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = int(seconds)
    if s < 120:
        return f"{s}s"
    if s < 7200:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 172800:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600}h"


def _lags(plan: Plan) -> dict[str, Any]:
    from docketwatch.contract import TOPIC_CASE_EVENTS, TOPIC_RAW_PAGES
    from docketwatch.kafka import group_position

    async def read() -> dict[str, int]:
        parser = await group_position(plan.bootstrap, plan.parser_group, TOPIC_RAW_PAGES,
                                      timeout_s=10)
        aggregator = await group_position(plan.bootstrap, plan.aggregator_group,
                                          TOPIC_CASE_EVENTS, timeout_s=10)
        return {"parser": parser.backlog(), "aggregator": aggregator.backlog()}

    try:
        return asyncio.run(read())
    except Exception as exc:  # no broker, no topic yet, a timeout: said, not raised
        return {"error": f"Kafka at {plan.bootstrap}: {type(exc).__name__}: {exc}"
                .splitlines()[0][:200]}


COURTS_SQL = """
SELECT court_code, s.1 AS state, toString(s.2) AS last_fetch,
       toInt64(dateDiff('second', s.2, now64(6))) AS fetch_age_s,
       ifNull(toString(s.3), '') AS last_new_case,
       if(isNull(s.3), NULL, toInt64(dateDiff('second', assumeNotNull(s.3), now64(6))))
           AS new_case_age_s
FROM
(
    SELECT court_code, argMax((state, checked_at, last_new_case), checked_at) AS s
    FROM court_health FINAL
    GROUP BY court_code
)
ORDER BY court_code
"""
FRESHNESS_SQL = """
SELECT toString(latest_observed_at), toString(docket_date),
       toInt64(dateDiff('second', latest_observed_at, now64(6)))
FROM publication_status
"""


def _store(plan: Plan) -> dict[str, Any]:
    import logging

    from docketwatch.reader import Reader, ReaderSettings, StoreError, StoreUnreachable

    logging.getLogger("clickhouse_connect").setLevel(logging.ERROR)
    reader = Reader(ReaderSettings(clickhouse_url=plan.clickhouse_url,
                                   clickhouse_timeout_s=20))
    try:
        courts = [dict(zip(("court", "state", "last_fetch", "fetch_age_s", "last_new_case",
                            "new_case_age_s"), r, strict=True))
                  for r in reader.rows(COURTS_SQL)]
        fresh = reader.rows(FRESHNESS_SQL)
    except StoreUnreachable as exc:
        return {"error": f"the store is not up yet ({exc})"}
    except StoreError as exc:
        return {"error": f"the store cannot answer yet ({exc})"}
    finally:
        reader.close()
    out: dict[str, Any] = {"courts": courts}
    if fresh and fresh[0][0] and not fresh[0][0].startswith("1970"):
        out["newest_event_at"], out["docket_date"], out["newest_event_age_s"] = fresh[0]
    ages = [c["fetch_age_s"] for c in courts]
    out["stalest_fetch_age_s"] = max(ages) if ages else None
    return out


def collect_status(state_dir: Path) -> dict[str, Any]:
    """What ``docketwatch status`` shows, as data; ``problems`` decides its exit code."""
    sup = Supervisord(state_dir)
    plan = sup.plan()
    out: dict[str, Any] = {"state_dir": str(state_dir), "mode": plan.mode, "up": False,
                           "dashboard_url": plan.dashboard_url, "services": {},
                           "problems": []}
    pid = sup.pid()
    if pid is None or not sup.answers():
        out["problems"].append(f"docketwatch is not up (no supervisord in {state_dir})")
        if pid is None and (left := orphans(sup.paths)):
            out["orphans"] = left
            out["problems"].append(
                "supervisord has died, but programs it started still run: "
                + ", ".join(f"{n} (pid {p})" for n, p in left.items())
                + "; docketwatch down stops them")
        return out
    out["up"], out["supervisord_pid"] = True, pid
    procs = sup.processes()
    hist = history(sup.paths)
    now = datetime.now()
    for name in PROGRAMS:
        if name not in procs:
            continue
        info = procs[name]
        state = info["statename"]
        service = {
            "state": state, "pid": info["pid"] or None,
            "uptime_s": info["now"] - info["start"] if state == "RUNNING" else None,
            "restarts": hist.restarts(name),
            "last_exit": hist.last_exit.get(name, ""),
            "note": info.get("spawnerr") or "",
        }
        out["services"][name] = service
        if state in BAD_STATES:
            why = service["note"] or service["last_exit"] or info.get("description", "")
            out["problems"].append(f"{name} is {state}: {why} "
                                   f"(docketwatch logs {name})")
        elif (n := hist.recent_restarts(name, now, CRASH_LOOP_WINDOW_S)) >= CRASH_LOOP_RESTARTS:
            out["problems"].append(
                f"{name} restarted {n} times in the last {CRASH_LOOP_WINDOW_S // 60} minutes "
                f"(a crash loop?): {service['last_exit']} (docketwatch logs {name})")
    if plan.local_broker and out["services"].get("kafka", {}).get("state") != "RUNNING":
        out["lag"] = {"error": "the local broker is not running"}
    else:
        out["lag"] = _lags(plan)
    out["store"] = _store(plan)
    return out


def print_status(status: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    head = (f"docketwatch up ({status['mode']}), state {status['state_dir']}"
            + (f", supervisord pid {status['supervisord_pid']}" if status["up"] else ""))
    console.print(head, soft_wrap=True, highlight=False)
    if status["services"]:
        table = Table("service", "state", "pid", "uptime", "restarts", "last exit")
        for name, s in status["services"].items():
            style = "green" if s["state"] == "RUNNING" else (
                "red" if s["state"] in BAD_STATES else "yellow")
            table.add_row(name, f"[{style}]{s['state']}[/{style}]", str(s["pid"] or ""),
                          _age(s["uptime_s"]), str(s["restarts"]), s["last_exit"] or s["note"])
        console.print(table)
    if status["up"]:
        lag = status["lag"]
        console.print("consumer lag: " + (
            lag["error"] if "error" in lag else
            f"parser {lag['parser']} raw pages, aggregator {lag['aggregator']} case events"),
            soft_wrap=True, highlight=False)
        store = status["store"]
        if "error" in store:
            console.print(f"store: {store['error']}", soft_wrap=True, highlight=False)
        else:
            console.print(
                "freshness: newest case event " + (
                    f"{store['newest_event_at']} UTC ({_age(store['newest_event_age_s'])} ago, "
                    f"docket date {store['docket_date']})" if "newest_event_at" in store
                    else "none yet")
                + (f"; stalest court fetch {_age(store['stalest_fetch_age_s'])} ago"
                   if store["stalest_fetch_age_s"] is not None else ""),
                soft_wrap=True, highlight=False)
            if store["courts"]:
                table = Table("court", "state", "last fetch (UTC)", "ago", "last new case",
                              "ago")
                for c in store["courts"]:
                    table.add_row(c["court"], c["state"], c["last_fetch"][:19],
                                  _age(c["fetch_age_s"]), c["last_new_case"][:19],
                                  _age(c["new_case_age_s"]))
                console.print(table)
            else:
                console.print("courts: no court checked yet")
        console.print(f"dashboard: {status['dashboard_url']}", highlight=False)
    for problem in status["problems"]:
        console.print(f"[red]problem:[/red] {problem}", soft_wrap=True, highlight=False)


# ----------------------------------------------------------------------------- down


_STOPPED = re.compile(r"^stopped: (\S+) \((.*)\)$")


def _stop_line(paths: Paths, name: str) -> str:
    """How supervisord says ``name`` last stopped ("exit status 0", "terminated by SIGKILL")."""
    try:
        lines = paths.log.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return ""
    for line in reversed(lines):
        m = _LOG.match(line)
        if m and (s := _STOPPED.match(m.group(2))) and s.group(1) == name:
            return s.group(2)
    return ""


def orphans(paths: Paths) -> dict[str, int]:
    """Programs still running although their supervisord is not (it was killed: its children
    live on), by their latest pid in its log, each checked to be that program still."""
    marks = {name: f"services.{name}".encode() for name in PROGRAMS}
    marks["kafka"] = b"kafka.Kafka"
    out = {}
    for name, pid in history(paths).pids.items():
        with contextlib.suppress(OSError):
            if name in marks and _alive(pid) and marks[name] in Path(
                    f"/proc/{pid}/cmdline").read_bytes():
                out[name] = pid
    return out


def _stop_orphans(left: dict[str, int], say: Callable[[str], None]) -> int:
    """What supervisord would have done: SIGTERM in order, SIGKILL to the group after the
    program's stop budget."""
    code = 0
    for name in (n for n in STOP_ORDER if n in left):
        pid = left[name]
        say(f"stopping {name} (pid {pid}) ...")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_S[name]
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)  # supervisord made it a group leader
            say(f"  {name} did not stop within {STOP_WAIT_S[name]}s and was killed")
            code = 1
        else:
            say(f"  {name} stopped")
    return code


def down(state_dir: Path, say: Callable[[str], None], timeout: float = 60.0) -> int:
    """Stop every program in order, each gracefully, then supervisord; 0 when nothing had to
    be killed and nothing is left behind."""
    sup = Supervisord(state_dir)
    pid = sup.pid()
    if pid is None:
        sup.paths.sock.unlink(missing_ok=True)
        left = orphans(sup.paths)
        if left:
            say("supervisord is not running, but programs it started are: "
                + ", ".join(f"{n} (pid {p})" for n, p in left.items()))
            return _stop_orphans(left, say)
        say(f"docketwatch is not up (no supervisord in {state_dir})")
        return 0
    rpc = sup.rpc()
    procs = sup.processes()
    tree = set(descendants(pid))
    code = 0
    for name in STOP_ORDER:
        if name not in procs or procs[name]["statename"] not in ("RUNNING", "STARTING",
                                                                 "BACKOFF"):
            continue
        t0 = time.monotonic()
        say(f"stopping {name} ...")
        try:
            rpc.supervisor.stopProcess(name, True)
        except xmlrpc.client.Fault as fault:  # it stopped (or died) meanwhile
            say(f"  {name}: {fault.faultString}")
            continue
        how = _stop_line(sup.paths, name)
        say(f"  {name} stopped in {time.monotonic() - t0:.1f}s ({how or 'stopped'})")
        if "SIGKILL" in how:
            say(f"  {name} did not stop within {STOP_WAIT_S[name]}s and was killed")
            code = 1
    rpc.supervisor.shutdown()
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        say(f"supervisord (pid {pid}) has not exited within {timeout:.0f}s")
        return 1
    deadline = time.monotonic() + 10
    while (behind := sorted(p for p in tree if _alive(p))) and time.monotonic() < deadline:
        time.sleep(0.1)
    if behind:
        say(f"processes left behind: {', '.join(map(str, behind))}")
        return 1
    say(f"supervisord (pid {pid}) has exited; everything is stopped")
    return code


# ----------------------------------------------------------------------------- logs


def tail(path: Path, lines: int, end: int | None = None) -> bytes:
    """The last ``lines`` lines of ``path`` (of its first ``end`` bytes)."""
    if lines <= 0:
        return b""
    with path.open("rb") as f:
        pos = f.seek(0, os.SEEK_END) if end is None else end
        data = b""
        while pos > 0 and data.count(b"\n") <= lines:
            step = min(65536, pos)
            pos -= step
            f.seek(pos)
            data = f.read(step) + data
    return b"\n".join(data.split(b"\n")[-lines - 1:]) if data else b""


def follow(path: Path, out: BinaryIO, *, since: int, stop: Callable[[], bool] = lambda: False,
           interval: float = 0.5) -> None:
    """Write what is in ``path`` from byte ``since`` on, and all that is appended, to ``out``
    until ``stop()``, across rotations (a new file under the name is read from its start)."""
    f = path.open("rb")
    f.seek(since)
    try:
        while not stop():
            chunk = f.read()
            if chunk:
                out.write(chunk)
                out.flush()
                continue
            with contextlib.suppress(FileNotFoundError):
                st = path.stat()
                if st.st_ino != os.fstat(f.fileno()).st_ino or st.st_size < f.tell():
                    f.close()
                    f = path.open("rb")
                    continue
            time.sleep(interval)
    finally:
        f.close()
