"""``docketwatch up``'s supervision without the pipeline: the configuration supervisord reads
(parsed by supervisord's own option parser), a service that always crashes ending FATAL and
reported by ``status`` with a non-zero exit, the restart history read from supervisord's
log, and ``logs`` (tail, follow across a rotation)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

from launcher import supervise as sv
from launcher.stack import free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
SECRETS = {"DW_TELEGRAM_TOKEN": "tg-s3cret-token", "DW_CLICKHOUSE_PASSWORD": "ch-s3cret-pw"}


def parsed(conf: Path) -> ServerOptions:
    """The configuration as supervisord itself reads it."""
    options = ServerOptions()
    options.realize(args=["-c", str(conf)])
    return options


def programs(options: ServerOptions) -> dict[str, object]:
    return {pc.name: pc for g in options.process_group_configs for pc in g.process_configs}


def test_simulator_config_as_supervisord_reads_it(tmp_path: Path) -> None:
    settings = sv.UpSettings(up_dir=tmp_path / "up", simulator_port=18090)
    env = {**SECRETS, "DW_DASHBOARD_PORT": "19110", "KAFKA_PORT": "19092"}
    plan = sv.make_plan(settings, sv.SimOptions(seed=3, scale=0.5, courts_limit=7), env)
    paths = sv.prepare(plan)
    assert oct(paths.root.stat().st_mode & 0o777) == "0o700"
    options = parsed(paths.conf)

    # XML-RPC on a unix socket for its owner only, and no TCP server at all
    assert [(s["family"].name, s["file"], s["chmod"]) for s in options.server_configs] == [
        ("AF_UNIX", str(paths.sock), 0o700)]
    assert "inet_http_server" not in paths.conf.read_text()
    assert options.logfile == str(paths.log) and options.pidfile == str(paths.pidfile)

    progs = programs(options)
    # start order = priority; supervisord stops in the reverse order, one group at a time
    by_priority = sorted(progs.values(), key=lambda pc: pc.priority)  # type: ignore[attr-defined]
    assert [pc.name for pc in by_priority] == list(sv.PROGRAMS)  # type: ignore[attr-defined]
    assert sv.STOP_ORDER == ("fetcher", "dashboard", "alerts", "parser", "aggregator",
                             "simulator", "kafka")
    for name, pc in progs.items():
        p: ServerOptions = pc  # type: ignore[assignment]
        assert p.autorestart is RestartUnconditionally, name  # type: ignore[attr-defined]
        assert (p.startsecs, p.startretries) == (10, 5), name  # type: ignore[attr-defined]
        assert p.stopsignal == signal.SIGTERM, name  # type: ignore[attr-defined]
        assert p.stopwaitsecs == sv.STOP_WAIT_S[name], name  # type: ignore[attr-defined]
        assert (p.stopasgroup, p.killasgroup) == (False, True), name  # type: ignore
        assert p.redirect_stderr is True, name  # type: ignore[attr-defined]
        assert p.stdout_logfile == str(paths.logs / f"{name}.log")  # type: ignore
        assert (p.stdout_logfile_maxbytes, p.stdout_logfile_backups) == (50 << 20, 5)  # type: ignore
        assert p.directory == str(sv.REPO_ROOT)  # type: ignore[attr-defined]
    # the parser and the aggregator get a minute for their graceful shutdown
    assert (sv.STOP_WAIT_S["parser"], sv.STOP_WAIT_S["aggregator"]) == (60, 60)

    fetcher = progs["fetcher"].environment  # type: ignore[attr-defined]
    courts = str(paths.sim / "courts.csv")
    assert {k: fetcher[k] for k in ("DW_FETCH_MODE", "DW_COURTS_FILE", "DW_FETCH_END",
                                    "DW_RECENT_DAYS", "DW_DECISION_DAYS",
                                    "DW_KAFKA_BOOTSTRAP", "DW_DASHBOARD_PORT",
                                    "DW_DATA_DIR")} == {
        "DW_FETCH_MODE": "live", "DW_COURTS_FILE": courts, "DW_FETCH_END": "2025-03-01",
        "DW_RECENT_DAYS": "210", "DW_DECISION_DAYS": "270",
        "DW_KAFKA_BOOTSTRAP": "127.0.0.1:19092",
        "DW_DASHBOARD_PORT": "19110", "DW_DATA_DIR": str(paths.sim / "data")}
    # the fetcher waits for the broker, the simulator and its roster before it starts
    assert progs["fetcher"].command.split(" -- ")[0].split()[1:] == [  # type: ignore
        "-m", "launcher.waitfor", "--tcp", "127.0.0.1:19092",
        "--http", "http://127.0.0.1:18090/_sim/health", "--file", courts]
    simulator = progs["simulator"].command  # type: ignore[attr-defined]
    assert " --seed 3 " in simulator and " --scale 0.5 " in simulator
    assert " --courts-limit 7 " in simulator and " --live-speed 20.0 " in simulator
    assert progs["kafka"].environment["KAFKA_PORT"] == "19092"  # type: ignore[attr-defined]
    assert progs["kafka"].command == f"{sv.BROKER_SCRIPT} run"  # type: ignore[attr-defined]

    # secrets stay in the environment: never in the config or the plan
    for secret in SECRETS.values():
        assert secret not in paths.conf.read_text()
        assert secret not in paths.plan.read_text()
    assert sv.Plan.from_json(paths.plan.read_text()) == plan


def test_external_cluster_and_odd_paths(tmp_path: Path) -> None:
    odd = tmp_path / "data 100%"
    env = {"DW_KAFKA_BOOTSTRAP": "k1:9092,k2:9092", "DW_DATA_DIR": str(odd),
           "DW_CLICKHOUSE_DSN": "http://ch:8123", "DW_CLICKHOUSE_URL": "http://ch:8123"}
    plan = sv.make_plan(sv.UpSettings(up_dir=tmp_path / "up"), None, env)
    # neither a broker's nor the embedded store's port is ours to take
    assert sorted(plan.ports) == ["aggregator", "alerts", "dashboard", "fetcher", "parser"]
    assert sv.readiness(plan) == {"store": "http://ch:8123/ping",
                                  "dashboard": "http://127.0.0.1:9110/health"}
    progs = programs(parsed(sv.prepare(plan).conf))
    # no local broker, no simulator; nobody waits for a broker port
    assert list(progs) == ["aggregator", "parser", "alerts", "dashboard", "fetcher"]
    assert all("waitfor" not in pc.command for pc in progs.values())  # type: ignore
    for pc in progs.values():
        assert pc.environment["DW_KAFKA_BOOTSTRAP"] == "k1:9092,k2:9092"  # type: ignore
        assert pc.environment["DW_DATA_DIR"] == str(odd)  # type: ignore
    assert progs["fetcher"].environment["DW_FETCH_MODE"] == "live"  # type: ignore
    assert "DW_COURTS_FILE" not in progs["fetcher"].environment  # type: ignore
    assert plan.dashboard_url == "http://127.0.0.1:9110/"
    with pytest.raises(sv.UpError, match="cannot go into"):
        sv.render(sv.make_plan(sv.UpSettings(up_dir=tmp_path / "q"), None,
                               {"DW_DATA_DIR": 'a"b'}))


def test_a_service_that_always_crashes_ends_fatal_and_status_says_so(tmp_path: Path) -> None:
    state = tmp_path / "up"
    # A start counts as failed only if the service exits within start_secs: long enough that
    # a loaded machine's slow import (5 s and more seen) cannot make a refused start look
    # like a run that began and then crashed.
    settings = sv.UpSettings(up_dir=state, up_start_secs=60, up_start_retries=2)
    plan = sv.make_plan(settings, None, {})
    dashboard = plan.program("dashboard")
    dashboard.env["DW_DASHBOARD_PORT"] = "not-a-port"  # its settings refuse it at every start
    plan.programs = [dashboard]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("DW_")},
           "DW_UP_DIR": str(state)}
    pid = sv.start_daemon(plan)
    try:
        sup = sv.Supervisord(state)
        wait_until(lambda: sup.processes()["dashboard"]["statename"] == "FATAL", timeout=90,
                   interval=0.2, what="dashboard FATAL")
        got = subprocess.run([sys.executable, "-m", "launcher.cli", "status", "--format", "json"],
                             cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert got.returncode == 1, got.stdout + got.stderr
        status = json.loads(got.stdout)
        service = status["services"]["dashboard"]
        # one start and startretries more, each refused: restarts = startretries
        assert (service["state"], service["pid"], service["uptime_s"], service["restarts"]) == (
            "FATAL", None, None, 2)
        assert service["last_exit"].startswith("exited (exit status 1; not expected) at ")
        assert status["problems"][0].startswith("dashboard is FATAL: ")
        assert status["lag"] == {"error": "the local broker is not running"}
        assert status["store"]["error"].startswith("the store is not up yet")
        table = subprocess.run([sys.executable, "-m", "launcher.cli", "status"], cwd=REPO,
                               env=env, capture_output=True, text=True, timeout=60)
        assert table.returncode == 1
        assert "problem: dashboard is FATAL" in " ".join(table.stdout.split())
        row = next(line for line in table.stdout.splitlines() if "│ dashboard" in line)
        assert [c.strip() for c in row.split("│")][1:6] == ["dashboard", "FATAL", "", "—", "2"]
        # its log holds why
        log = subprocess.run([sys.executable, "-m", "launcher.cli", "logs", "dashboard", "-n",
                              "3"], cwd=REPO, env=env, capture_output=True, text=True,
                             timeout=60)
        assert log.returncode == 0 and "int_parsing" in log.stdout
    finally:
        stopped = subprocess.run([sys.executable, "-m", "launcher.cli", "down"], cwd=REPO,
                                 env=env, capture_output=True, text=True, timeout=120)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not sv._alive(pid)
    gone = subprocess.run([sys.executable, "-m", "launcher.cli", "status"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert gone.returncode == 3 and "docketwatch is not up" in gone.stdout


LOG = """\
2025-01-31 11:00:00,001 INFO supervisord started with pid 10
2025-01-31 11:00:01,001 INFO spawned: 'parser' with pid 11
2025-01-31 11:00:05,001 WARN exited: parser (terminated by SIGKILL; not expected)
2025-01-31 11:59:00,001 INFO supervisord started with pid 20
2025-01-31 12:00:00,001 INFO spawned: 'parser' with pid 21
2025-01-31 12:00:01,001 INFO spawned: 'fetcher' with pid 22
2025-01-31 12:01:00,001 WARN exited: parser (exit status 1; not expected)
2025-01-31 12:01:00,101 INFO spawned: 'parser' with pid 23
2025-01-31 12:05:00,001 WARN exited: parser (exit status 1; not expected)
2025-01-31 12:05:00,101 INFO spawned: 'parser' with pid 24
2025-01-31 12:09:00,001 WARN exited: parser (exit status 1; not expected)
2025-01-31 12:09:00,101 INFO spawned: 'parser' with pid 25
"""


def test_restarts_since_supervisord_last_started(tmp_path: Path) -> None:
    paths = sv.Paths(tmp_path)
    # the older half in the rotated file: read back to supervisord's latest start
    head, tail_ = LOG.split("2025-01-31 12:01:00,001")
    paths.log.with_name("supervisord.log.1").write_text(head)
    paths.log.write_text("2025-01-31 12:01:00,001" + tail_)
    h = sv.history(paths)
    assert (h.restarts("parser"), h.restarts("fetcher"), h.restarts("kafka")) == (3, 0, 0)
    assert h.last_exit["parser"] == "exited (exit status 1; not expected) at 2025-01-31 12:09:00"
    now = datetime(2025, 1, 31, 12, 10, 0)
    assert h.recent_restarts("parser", now, 600) == 3  # 12:01, 12:05, 12:09: a crash loop
    assert h.recent_restarts("parser", now, 300) == 2


def test_logs_tail_and_follow_across_rotation(tmp_path: Path) -> None:
    log = tmp_path / "parser.log"
    log.write_bytes(b"".join(b"line %d\n" % i for i in range(1, 2001)))
    assert sv.tail(log, 3) == b"line 1998\nline 1999\nline 2000\n"
    assert sv.tail(log, 0) == b""
    end = log.stat().st_size
    with log.open("ab") as f:
        f.write(b"written after the tail\n")
    assert sv.tail(log, 1, end) == b"line 2000\n"
    out = io.BytesIO()
    done = threading.Event()
    follower = threading.Thread(target=sv.follow, args=(log, out),
                                kwargs={"since": end, "stop": done.is_set, "interval": 0.05})
    follower.start()
    try:
        with log.open("ab") as f:
            f.write(b"appended\n")
        wait_until(lambda: out.getvalue() == b"written after the tail\nappended\n",
                   timeout=10, interval=0.02, what="appended line followed")
        log.rename(log.with_name("parser.log.1"))  # supervisord rotates: a new file
        log.write_bytes(b"after rotation\n")
        wait_until(lambda: out.getvalue()
                   == b"written after the tail\nappended\nafter rotation\n", timeout=10,
                   interval=0.02, what="rotated file followed")
    finally:
        done.set()
        follower.join(timeout=10)
    assert not follower.is_alive()


def test_programs_of_a_killed_supervisord_are_reported_and_stopped(tmp_path: Path) -> None:
    state = tmp_path / "up"
    port = free_port()
    plan = sv.make_plan(sv.UpSettings(up_dir=state, up_start_secs=1), None,
                        {"DW_DASHBOARD_PORT": str(port)})
    plan.programs = [plan.program("dashboard")]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("DW_")},
           "DW_UP_DIR": str(state)}
    top = sv.start_daemon(plan)
    sup = sv.Supervisord(state)
    try:
        info = wait_until(lambda: (p := sup.processes()["dashboard"])["statename"] == "RUNNING"
                          and p, timeout=60, interval=0.2, what="dashboard running")
        dashboard = int(info["pid"])
        os.kill(top, signal.SIGKILL)  # supervisord dies; the service it started lives on
        wait_until(lambda: not sv._alive(top), timeout=10, interval=0.05, what="gone")
        assert sv._alive(dashboard)
        got = subprocess.run([sys.executable, "-m", "launcher.cli", "status", "--format",
                              "json"], cwd=REPO, env=env, capture_output=True, text=True,
                             timeout=60)
        assert got.returncode == 3
        status = json.loads(got.stdout)
        assert status["orphans"] == {"dashboard": dashboard}
        assert status["problems"][1] == (
            f"supervisord has died, but programs it started still run: dashboard (pid "
            f"{dashboard}); docketwatch down stops them")
        stopped = subprocess.run([sys.executable, "-m", "launcher.cli", "down"], cwd=REPO,
                                 env=env, capture_output=True, text=True, timeout=120)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        assert stopped.stdout.splitlines()[-1].strip() == "dashboard stopped"
        assert not sv._alive(dashboard)
        again = subprocess.run([sys.executable, "-m", "launcher.cli", "down"], cwd=REPO,
                               env=env, capture_output=True, text=True, timeout=60)
        assert again.returncode == 0 and "docketwatch is not up" in again.stdout
    finally:
        for pid in sv.orphans(sup.paths).values():  # only what this test started
            os.kill(pid, signal.SIGKILL)
