"""What a web page in the user's browser could make the browser send to the dashboard, and
to a service's /health and /metrics: sent over real HTTP to the running processes.

Refused before any handler runs (the dashboard's own request counter does not move, its
refusal counter does): foreign and null Origin, DNS rebinding (a Host naming another
site), a chart or a spreadsheet loaded by another site's ``<img>``/``fetch`` (Sec-Fetch-Site
cross-site), an iframe. Still served: the user's own requests (no browser headers, typed
address, same-origin requests, a same-origin Origin) and a link from another site opened
as a page (a top-level navigation)."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlsplit

import pytest

from tests.dashboard.conftest import Dashboard

pytestmark = pytest.mark.integration

CHART = "/api/v1/charts/received.png"
XLSX = "/api/v1/received?format=xlsx"
CROSS_SITE_IMAGE = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors",
                    "Sec-Fetch-Dest": "image"}


def send(port: int, path: str, headers: dict[str, str], host: str | None = None,
         method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or f"127.0.0.1:{port}")
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", "0")
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def _port(dashboard: Dashboard) -> int:
    port = urlsplit(dashboard.url).port
    assert port is not None
    return port


def counter(text: str, name: str, **labels: str) -> float:
    """One sample of a Prometheus text exposition (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and ",".join(sorted(match.group(1).split(","))) == want:
            return float(match.group(2))
    return 0.0


def metrics(port: int) -> str:
    status, _, body = send(port, "/metrics", {})
    assert status == 200
    return body.decode()


@pytest.mark.parametrize("path,headers,host,reason", [
    ("/", {}, "evil.example", "host"),
    (CHART, {}, "evil.example:{port}", "host"),
    ("/api/v1/alerts", {}, "127.0.0.1:1", "host"),  # the right name on another port
    ("/", {}, "127.0.0.1:{port}@evil.example", "host"),
    (XLSX, {"Origin": "https://evil.example"}, None, "origin"),
    ("/api/v1/source-health", {"Origin": "null"}, None, "origin"),
    (CHART, CROSS_SITE_IMAGE, None, "cross-site"),
    (XLSX, {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors",
            "Sec-Fetch-Dest": "empty"}, None, "cross-site"),
    ("/", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
           "Sec-Fetch-Dest": "iframe"}, None, "cross-site"),
    ("/", {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors",
           "Sec-Fetch-Dest": "script"}, None, "cross-site"),
], ids=["rebound-host", "rebound-host-port", "wrong-port", "userinfo-host", "foreign-origin",
        "null-origin", "cross-site-img-chart", "cross-site-fetch-xlsx", "cross-site-iframe",
        "same-site-script"])
def test_browser_borne_requests_are_refused_before_any_handler(
        dashboard: Dashboard, path: str, headers: dict[str, str], host: str | None,
        reason: str) -> None:
    port = _port(dashboard)
    before = metrics(port)
    status, reply, body = send(port, path, headers, host.format(port=port) if host else None)
    after = metrics(port)
    assert status == 403, body[:300]
    assert not body.startswith(b"\x89PNG") and b"PK" not in body[:4]
    assert "access-control-allow-origin" not in reply
    assert reply.get("x-content-type-options") == "nosniff"
    assert counter(after, "docketwatch_http_refused_total", server="dashboard", reason=reason) \
        == counter(before, "docketwatch_http_refused_total", server="dashboard",
                   reason=reason) + 1
    served = [line for line in after.splitlines()
              if line.startswith("docketwatch_dashboard_requests_total")
              and "/metrics" not in line]
    assert served == [line for line in before.splitlines()
                      if line.startswith("docketwatch_dashboard_requests_total")
                      and "/metrics" not in line], "a handler ran"


@pytest.mark.parametrize("path,headers,host", [
    (CHART, {}, None),  # curl, scripts
    (CHART, {}, "localhost:{port}"),
    (CHART, {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "no-cors",
             "Sec-Fetch-Dest": "image"}, None),  # the dashboard's own <img>
    ("/", {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate",
           "Sec-Fetch-Dest": "document"}, None),  # the address typed in
    ("/", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
           "Sec-Fetch-Dest": "document"}, None),  # a link in a newsroom's document
    ("/api/v1/received", {"Origin": "http://127.0.0.1:{port}",
                                  "Sec-Fetch-Site": "same-origin"}, None),
], ids=["no-browser", "localhost", "same-origin-img", "typed-address", "link-from-elsewhere",
        "same-origin-origin"])
def test_the_users_own_requests_are_served(dashboard: Dashboard, path: str,
                                           headers: dict[str, str], host: str | None) -> None:
    port = _port(dashboard)
    filled = {k: v.format(port=port) for k, v in headers.items()}
    status, reply, body = send(port, path, filled, host.format(port=port) if host else None)
    assert status == 200, body[:300]
    if path == CHART:
        assert body.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        assert len(body) > 100
    assert "access-control-allow-origin" not in reply  # readable by its own pages only


def test_a_post_from_a_foreign_form_is_refused(dashboard: Dashboard) -> None:
    port = _port(dashboard)
    status, _, _ = send(port, "/", {"Origin": "https://evil.example",
                                    "Content-Type": "application/x-www-form-urlencoded",
                                    "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
                                    "Sec-Fetch-Dest": "document"}, method="POST")
    assert status == 403


@pytest.mark.parametrize("service", ["aggregator", "parser"])
def test_service_health_and_metrics_are_closed_to_web_pages(dashboard: Dashboard,
                                                            service: str) -> None:
    stack = dashboard.stack
    port = stack.ops_ports[service]
    assert send(port, "/health", {})[0] == 200
    for headers, host in [({}, "evil.example"), ({}, f"evil.example:{port}"),
                          ({"Origin": "https://evil.example"}, None),
                          ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors",
                            "Sec-Fetch-Dest": "empty"}, None)]:
        for path in ("/health", "/metrics"):
            status, _, body = send(port, path, headers, host)
            assert status == 403, (path, headers, host, body[:200])
            assert b"docketwatch_" not in body and b"status" not in body
    text = send(port, "/metrics", {})[2].decode()
    assert counter(text, "docketwatch_http_refused_total", server=service, reason="host") == 4
