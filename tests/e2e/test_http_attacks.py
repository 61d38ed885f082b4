"""Every attack payload (tests/aggregator/attack_payloads.py) sent the way an attacker on the
machine would: over HTTP to the ClickHouse interface of a running aggregator process that
owns a real store. Each is refused with ClickHouse's error (or stays a harmless value) and
leaves no trace: the canary file and the aggregator's secret environment variable are never
echoed, no table or database appears, no file is written (a given directory, and the
aggregator's own working directory, the repository), and a local listener hears nothing.
Then what a web page in the user's browser could do: foreign Origin, DNS rebinding (Host),
a cross-site fetch without Origin: refused before any query runs."""

from __future__ import annotations

import http.client
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from docketwatch.settings import REPO_ROOT
from launcher.stack import Stack, wait_until
from tests.aggregator.attack_payloads import PAYLOADS, Payload, fill
from tests.aggregator.test_attacks import Listener

pytestmark = pytest.mark.integration

FILE_SECRET = f"canary-file-{secrets.token_hex(12)}"
ENV_SECRET = f"canary-env-{secrets.token_hex(12)}"


def post(stack: Stack, path: str, body: bytes, headers: dict[str, str] | None = None,
         host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", stack.clickhouse_port, timeout=60)
    try:
        conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or f"127.0.0.1:{stack.clickhouse_port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def target(stack: Stack, tmp_path_factory: pytest.TempPathFactory,
           ) -> Iterator[tuple[Stack, dict[str, str], Listener, Path]]:
    canary = tmp_path_factory.mktemp("canary") / "secret.txt"
    canary.write_text(FILE_SECRET + "\n")
    outdir = tmp_path_factory.mktemp("outfiles")
    listener = Listener()
    (stack.workdir / "data").mkdir(parents=True, exist_ok=True)
    # Small limits, so the denial-of-service payloads end in a second.
    stack.start_service("aggregator", {"DW_ATTACK_SECRET": ENV_SECRET,
                                       "DW_READ_MAX_SECONDS": "1", "DW_READ_MAX_ROWS": "10000",
                                       "DW_READ_MAX_MEMORY_BYTES": str(256 << 20)})
    wait_until(lambda: stack.sql("SELECT count() FROM courts FINAL"), timeout=180,
               what="the aggregator's ClickHouse HTTP interface")
    values = {"@@CANARY@@": str(canary), "@@HOSTPORT@@": listener.hostport,
              "@@OUTDIR@@": str(outdir), "@@STORE@@": "default"}
    yield stack, values, listener, outdir
    listener.close()


def _state(stack: Stack, outdir: Path) -> tuple[object, ...]:
    tables = stack.sql("SELECT database, name FROM system.tables WHERE database NOT IN "
                       "('system', 'INFORMATION_SCHEMA', 'information_schema') ORDER BY 1, 2")
    databases = stack.sql("SELECT name FROM system.databases ORDER BY name")
    courts = stack.sql("SELECT count() FROM courts FINAL")
    files = {p for d in (outdir, REPO_ROOT) for p in d.iterdir()}
    return tables, databases, courts, files


# The guard's own test keeps its store in a database of its own, so `default` is another
# database there; here the aggregator's store is `default` and reading it is the point.
SAME_DATABASE_HERE = {"sys_other_database"}


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.name not in SAME_DATABASE_HERE],
                         ids=[p.name for p in PAYLOADS if p.name not in SAME_DATABASE_HERE])
def test_attack_over_http(payload: Payload,
                          target: tuple[Stack, dict[str, str], Listener, Path]) -> None:
    stack, values, listener, outdir = target
    before = _state(stack, outdir)
    query: dict[str, str] = {f"param_{k}": fill(v, values) for k, v in payload.params.items()}
    query.update({k: fill(v, values) for k, v in payload.settings.items()})
    if payload.default_format:
        query["default_format"] = payload.default_format
    if payload.database:
        query["database"] = payload.database
    status, headers, body = post(stack, "/?" + urlencode(query),
                                 fill(payload.sql, values).encode())
    if payload.outcome == "refused":
        assert status != 200, body[:300]
        code = int(headers.get("x-clickhouse-exception-code", "0"))
        assert code in payload.codes, (code, body[:300])
        assert body.startswith(f"Code: {code}. DB::Exception: ".encode()), body[:300]
    else:
        assert status == 200, body[:300]
        assert payload.body is not None
        assert body == fill(payload.body.decode(), values).encode()
    assert FILE_SECRET.encode() not in body and ENV_SECRET.encode() not in body
    assert _state(stack, outdir) == before, "a table, database or file appeared"
    assert listener.connections == [], "a connection reached the listener"


@pytest.mark.parametrize("headers,host", [
    ({"Origin": "https://evil.example", "Content-Type": "text/plain"}, None),
    ({"Origin": "null", "Content-Type": "application/x-www-form-urlencoded"}, None),
    ({"Sec-Fetch-Site": "cross-site"}, None),
    ({}, "evil.example"),  # DNS rebinding: the page's own name resolved to 127.0.0.1
    ({}, "evil.example:8123"),
], ids=["foreign-origin", "null-origin", "cross-site-fetch", "rebound-host", "rebound-host-port"])
def test_browser_requests_are_refused(headers: dict[str, str], host: str | None,
                                      target: tuple[Stack, dict[str, str], Listener, Path],
                                      ) -> None:
    stack, _, _, outdir = target
    before = _state(stack, outdir)
    status, reply, body = post(stack, "/", b"SELECT 'reached' FORMAT TSV", headers, host)
    assert status == 403, body
    assert reply.get("x-clickhouse-exception-code") == "497"
    assert b"reached" not in body
    assert "access-control-allow-origin" not in reply
    assert _state(stack, outdir) == before
