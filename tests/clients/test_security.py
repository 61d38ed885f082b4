"""Browsers kept out, credentials as ClickHouse takes them, no secret ever shown."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.clients.conftest import PASSWORD, VERSION, Reply, Server, start_server, stop

QUERY = "/?query=SELECT%20count()%20FROM%20cases"
AUTH_FAILED = ("Code: 516. DB::Exception: Authentication failed: password is incorrect, or "
               f"there is no user with such name. (AUTHENTICATION_FAILED) (version {VERSION})\n")
GOOD = {"X-ClickHouse-User": "grafana", "X-ClickHouse-Key": PASSWORD}


def assert_denied(reply: Reply) -> None:
    assert (reply.status, reply.code) == (403, 497), reply
    assert reply.text.startswith("Code: 497. DB::Exception: ")
    assert not any(h.startswith("access-control-") for h in reply.headers)


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/json"])
def test_foreign_origin_post_is_refused(server: Server, content_type: str) -> None:
    mark = len(server.log_text())
    for origin in ("https://evil.example", "null", f"http://localhost:{server.port + 1}"):
        reply = server.request("POST", "/", "SELECT count() FROM cases",
                               {"Origin": origin, "Content-Type": content_type})
        assert_denied(reply)
    assert "query " not in server.log_text()[mark:]  # nothing reached the query


def test_foreign_origin_get_and_preflight_are_refused(server: Server) -> None:
    assert_denied(server.request("GET", QUERY, headers={"Origin": "https://evil.example"}))
    assert_denied(server.request("GET", "/ping", headers={"Origin": "https://evil.example"}))
    assert_denied(server.request("OPTIONS", "/", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-clickhouse-user"}))


def test_cross_site_requests_without_origin_are_refused(server: Server) -> None:
    """<img>/<script> GETs and navigations carry Sec-Fetch-Site but no Origin."""
    for site in ("cross-site", "same-site"):
        assert_denied(server.request("GET", QUERY, headers={"Sec-Fetch-Site": site,
                                                            "Sec-Fetch-Mode": "no-cors"}))
    for site in ("same-origin", "none"):  # the user typed the address
        reply = server.request("GET", QUERY, headers={"Sec-Fetch-Site": site})
        assert (reply.status, reply.body) == (200, b"5\n")
        assert reply.headers["x-content-type-options"] == "nosniff"


def test_host_must_name_the_server(server: Server) -> None:
    port = server.port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}",
                 f"localhost.evil.example:{port}", "127.0.0.2", f"user@127.0.0.1:{port}"):
        assert_denied(server.request("GET", QUERY, host=host))
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "localhost",
                 "127.0.0.1", f"LOCALHOST:{port}"):
        reply = server.request("GET", QUERY, host=host)
        assert (reply.status, reply.body) == (200, b"5\n"), host


def test_allowed_origin_and_extra_host_name(auth_server: Server) -> None:
    reply = auth_server.request("GET", QUERY, headers={**GOOD, "Origin": "https://dash.example"})
    assert (reply.status, reply.body) == (200, b"5\n")
    assert reply.headers["access-control-allow-origin"] == "https://dash.example"
    assert reply.headers["vary"] == "Origin"
    preflight = auth_server.request("OPTIONS", "/", headers={
        "Origin": "https://other.example:8443", "Access-Control-Request-Method": "POST"})
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "https://other.example:8443"
    assert_denied(auth_server.request("GET", QUERY, headers={**GOOD,
                                                             "Origin": "https://dash.example.evil"}))
    reply = auth_server.request("GET", QUERY, headers=GOOD,
                                host=f"aggregator.internal:{auth_server.port}")
    assert (reply.status, reply.body) == (200, b"5\n")


def test_credentials(auth_server: Server) -> None:
    basic = base64.b64encode(f"grafana:{PASSWORD}".encode()).decode()
    accepted = [
        auth_server.request("GET", QUERY, headers=GOOD),
        auth_server.request("GET", QUERY, headers={"Authorization": f"Basic {basic}"}),
        auth_server.request("GET", f"{QUERY}&user=grafana&password={quote(PASSWORD)}"),
        auth_server.request("POST", f"/?user=grafana&password={quote(PASSWORD)}",
                            "SELECT count() FROM cases"),
    ]
    for reply in accepted:
        assert (reply.status, reply.body) == (200, b"5\n")
    wrong_basic = base64.b64encode(b"grafana:guess").decode()
    refused = [
        auth_server.request("GET", QUERY),  # nothing: user default, empty password
        auth_server.request("GET", QUERY, headers={"X-ClickHouse-User": "grafana",
                                                   "X-ClickHouse-Key": "guess"}),
        auth_server.request("GET", QUERY, headers={"X-ClickHouse-User": "default",
                                                   "X-ClickHouse-Key": PASSWORD}),
        auth_server.request("GET", QUERY, headers={"Authorization": f"Basic {wrong_basic}"}),
        auth_server.request("GET", f"{QUERY}&user=grafana&password=guess"),
        auth_server.request("GET", f"{QUERY}&user=grafana&password={quote(PASSWORD[:-1])}"),
    ]
    for reply in refused:
        assert (reply.status, reply.code, reply.text) == (403, 516, AUTH_FAILED)
    bearer = auth_server.request("GET", QUERY, headers={"Authorization": "Bearer abc"})
    assert (bearer.status, bearer.code) == (403, 516)
    mixed = auth_server.request("GET", f"{QUERY}&user=grafana&password={quote(PASSWORD)}",
                                headers=GOOD)
    assert (mixed.status, mixed.code) == (403, 516)
    assert "simultaneously" in mixed.text
    # /ping answers without credentials, as ClickHouse's does
    assert auth_server.request("GET", "/ping").body == b"Ok.\n"


def test_no_password_on_a_loopback_server(server: Server) -> None:
    assert server.request("GET", QUERY, headers={"X-ClickHouse-User": "default"}).body == b"5\n"
    reply = server.request("GET", QUERY, headers={"X-ClickHouse-User": "default",
                                                  "X-ClickHouse-Key": "x"})
    assert (reply.status, reply.code) == (403, 516)


def test_the_password_is_never_shown(auth_server: Server) -> None:
    mark = len(auth_server.log_text())
    encoded = quote(PASSWORD)
    replies = [
        auth_server.request("GET", f"{QUERY}&user=grafana&password={encoded}"),
        auth_server.request("GET", f"{QUERY}&user=grafana&password={encoded}x"),
        auth_server.request("GET", f"{QUERY}&user={encoded}"),
        auth_server.request("POST", "/", f"SELECT * FROM `{PASSWORD}`", GOOD),  # echoed?
        auth_server.request("POST", "/", f"SELEC '{PASSWORD}'", GOOD),
        auth_server.request("POST", "/", "SELECT 1", {**GOOD, "Origin": "https://evil.example"}),
    ]
    assert [r.status for r in replies] == [200, 403, 403, 404, 400, 403]
    assert "[HIDDEN]" in replies[3].text
    for reply in replies:
        assert PASSWORD not in reply.body.decode(errors="replace")
        assert PASSWORD not in str(reply.headers)
        assert encoded not in reply.body.decode(errors="replace")
    log = auth_server.log_text()[mark:]
    assert "GET / 200" in log  # the access log names the path only
    assert PASSWORD not in log and encoded not in log


def test_refuses_to_start_on_a_public_address_without_a_password(tmp_path: Path) -> None:
    proc, port, log = start_server(tmp_path, {"DW_CLICKHOUSE_HTTP_HOST": "0.0.0.0"})
    stop(proc)
    assert port is None
    assert proc.returncode == 2
    text = log.read_text()
    assert "cannot start: the ClickHouse HTTP interface is to listen on '0.0.0.0', which is " \
           "not a loopback address, and DW_CLICKHOUSE_HTTP_PASSWORD is not set" in text
