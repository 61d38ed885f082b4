"""Every attack of attack_payloads.py against the SQL guard on the real chDB engine: each is
refused with the right kind of code (or, for parameter injections, stays a value) and
leaves no trace - no secret in any answer or error, no new table or database, no file
written, no connection made.

The positive controls show the instruments work: the same engine without the guard reads
the canary file and the environment (readonly=1 does not stop ``file()``), writes files
with INTO OUTFILE and connects to the listener.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.store.guard import GuardedQuery, Limits, Policy, Refused, run_guarded
from tests.aggregator.attack_payloads import PAYLOADS, TOKENS, Payload, fill

LIMITS = Limits(result_rows=10_000, result_bytes=16 << 20, memory_bytes=256 << 20, seconds=1)
FILE_SECRET = f"canary-file-{secrets.token_hex(12)}"
ENV_SECRET = f"canary-env-{secrets.token_hex(12)}"
ENV_NAME = "DW_GUARD_ATTACK_SECRET"


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it (and answers
    an HTTP request with a small CSV, so that a client that got this far would go on)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                self.connections.append(data or b"(connected)")
                if data.startswith((b"GET", b"HEAD", b"POST")):
                    body = b"a,b\n1,2\n"
                    with contextlib.suppress(OSError):
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n"
                                     b"Connection: close\r\nContent-Length: "
                                     + str(len(body)).encode() + b"\r\n\r\n" + body)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("canary") / "secret.txt"
    path.write_text(FILE_SECRET + "\n")
    before = os.environ.get(ENV_NAME)
    os.environ[ENV_NAME] = ENV_SECRET
    yield path
    if before is None:
        os.environ.pop(ENV_NAME, None)
    else:
        os.environ[ENV_NAME] = before


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("outfiles")


def _objects(client: Client) -> tuple[list[Any], list[Any]]:
    tables = client.query("SELECT database, name, engine FROM system.tables WHERE database "
                          "NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema') "
                          "ORDER BY database, name").result_rows
    databases = client.query("SELECT name FROM system.databases ORDER BY name").result_rows
    return list(tables), list(databases)


def _files(*directories: Path) -> set[Path]:
    return {p for d in directories for p in d.rglob("*")}


def _query(payload: Payload, values: dict[str, str]) -> GuardedQuery:
    return GuardedQuery(
        sql=fill(payload.sql, values),
        params={k: fill(v, values) for k, v in payload.params.items()},
        settings={k: fill(v, values) for k, v in payload.settings.items()},
        default_format=payload.default_format, database=payload.database)


def test_the_payloads_are_many_and_cover_every_class() -> None:
    assert len(PAYLOADS) >= 60
    assert len({p.name for p in PAYLOADS}) == len(PAYLOADS)
    groups = {p.group for p in PAYLOADS}
    assert groups >= {
        "table_function", "function", "describe_explain_show", "dictionary", "multi_statement",
        "outfile", "settings", "session", "param_injection", "ddl_dml", "system_tables",
        "format_schema", "ml_model", "dos", "case_alias", "trick"}
    for p in PAYLOADS:
        assert p.outcome in ("refused", "harmless")
        assert (p.body is not None) == (p.outcome == "harmless"), p.name
        assert p.codes, p.name
    assert set(TOKENS) == {"@@CANARY@@", "@@HOSTPORT@@", "@@OUTDIR@@", "@@STORE@@"}


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_attack(payload: Payload, gstore: Client, admin: Client, policy: Policy,
                canary: Path, listener: Listener, outdir: Path, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> None:
    # The server's working directory: an empty one, so a relative OUTFILE would show.
    monkeypatch.chdir(tmp_path)
    repo_relative = Path(__file__).resolve().parents[2] / "pwned_relative.txt"
    values = {"@@CANARY@@": str(canary), "@@HOSTPORT@@": listener.hostport,
              "@@OUTDIR@@": str(outdir), "@@STORE@@": str(gstore.database)}
    secret = {"x": [FILE_SECRET]}  # what chDB's Python() would read from this frame
    assert secret
    objects = _objects(admin)
    files = _files(outdir, tmp_path)
    courts = gstore.command("SELECT count() FROM courts FINAL")

    query = _query(payload, values)
    if payload.outcome == "refused":
        with pytest.raises(Refused) as info:
            run_guarded(gstore, query, LIMITS, policy)
        error = info.value
        assert error.code in payload.codes, f"{error.code} {error.name}: {error.message}"
        assert error.name.isupper() and error.name.replace("_", "").isalpha()
        seen = f"{error} {error.message!r}"
    else:
        answer = run_guarded(gstore, query, LIMITS, policy)
        assert payload.body is not None
        assert answer.body == fill(payload.body.decode(), values).encode()
        seen = answer.body.decode(errors="replace")

    assert FILE_SECRET not in seen and ENV_SECRET not in seen
    assert _objects(admin) == objects, "a table or database appeared or went"
    assert gstore.command("SELECT count() FROM courts FINAL") == courts
    assert _files(outdir, tmp_path) == files, "a file was written"
    assert not repo_relative.exists()
    assert listener.connections == [], "a connection reached the listener"
    assert canary.read_text() == FILE_SECRET + "\n"


_ENVIRON_SCRIPT = """
import json, sys
import clickhouse_connect
from docketwatch.store.guard import GuardedQuery, Limits, Policy, Refused, run_guarded
client = clickhouse_connect.get_client(dsn="chdb://" + sys.argv[1])
client.command("CREATE DATABASE IF NOT EXISTS store")
client = clickhouse_connect.get_client(dsn="chdb://" + sys.argv[1], database="store")
policy = Policy.load(client)
out = {"refused": [], "control": ""}
for sql in json.loads(sys.argv[2]):
    try:
        answer = run_guarded(client, GuardedQuery(sql), Limits(seconds=2), policy)
        out["refused"].append([sql, 0, answer.body.decode(errors="replace")])
    except Refused as exc:
        out["refused"].append([sql, exc.code, str(exc)])
import chdb
conn = chdb.connect(client._backend.connection_string)
conn.query("SET readonly = 1", "TSV")
out["control"] = conn.query("SELECT file('/proc/self/environ')", "TSVRaw").bytes().decode(
    errors="replace")
conn.close()
print(json.dumps(out))
"""


def test_environment_reads_are_refused(tmp_path: Path) -> None:
    """A secret in the serving process's environment (set before it starts, so that
    /proc/self/environ holds it) cannot be read through the guard; without the guard the
    same engine reads it."""
    import json
    import subprocess
    import sys

    queries = ["SELECT file('/proc/self/environ')",
               "SELECT * FROM file('/proc/self/environ', 'LineAsString')",
               "SELECT * FROM url('file:///proc/self/environ', 'LineAsString')",
               "DESCRIBE TABLE file('/proc/self/environ', 'LineAsString')",
               "SELECT arrayJoin(splitByChar('\\0', file('/proc/self/environ')))",
               "SELECT * FROM file('/proc/1/environ', 'LineAsString')"]
    env = {**os.environ, ENV_NAME: ENV_SECRET}
    done = subprocess.run(
        [sys.executable, "-c", _ENVIRON_SCRIPT, str(tmp_path / "chdb"), json.dumps(queries)],
        env=env, capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert ENV_SECRET in out["control"]  # the secret is there to be read
    assert [code for _, code, _ in out["refused"]] == [497] * len(queries)
    assert ENV_SECRET not in json.dumps(out["refused"])


# --- positive controls: without the guard, the same engine does all of it -------------

def test_control_unguarded_chdb_leaks_reads_and_writes(gstore: Client, canary: Path,
                                                       tmp_path: Path) -> None:
    import chdb

    control = Listener()
    conn = chdb.connect(gstore._backend.connection_string)  # type: ignore[attr-defined]
    try:
        conn.query("SET readonly = 1", "TSV")
        leaked = conn.query(f"SELECT file('{canary}')", "TSVRaw").bytes()
        assert FILE_SECRET.encode() in leaked  # readonly=1 does not stop file()
        environ = conn.query("SELECT file('/proc/self/environ')", "TSVRaw").bytes()
        assert b"PATH=" in environ
        target = tmp_path / "written.txt"
        conn.query(f"SELECT 'x' INTO OUTFILE '{target}'", "TSV")
        assert target.exists()  # chDB writes it even with readonly=1
        # readonly=1 stops SELECT FROM url(), not the schema inference of DESCRIBE
        described = conn.query(
            f"DESCRIBE TABLE url('http://{control.hostport}/x', 'CSVWithNames')", "TSV").bytes()
        assert described.startswith(b"a\tNullable(Int64)")
        assert control.connections and control.connections[0].split(b" ")[1] == b"/x"
    finally:
        conn.close()
        control.close()
