"""The browser-request policy as one function (docketwatch.http_guard.BrowserGuard.check);
the servers that apply it are attacked over HTTP in tests/dashboard/test_http_attacks.py,
tests/dashboard/test_browser_attacks.py and tests/e2e/test_http_attacks.py."""

from __future__ import annotations

import pytest

from docketwatch.http_guard import BrowserGuard, Refused, is_loopback, split_host

PORT = 9110


def guard(**kwargs: object) -> BrowserGuard:
    args: dict[str, object] = {"hostnames_setting": "DW_X_HOSTNAMES"}
    args.update(kwargs)
    bind = str(args.pop("bind", "127.0.0.1"))
    names = args.pop("hostnames", ())
    origins = args.pop("origins", ())
    return BrowserGuard.build(bind, names, origins, **args)  # type: ignore[arg-type]


def reason(g: BrowserGuard, headers: dict[str, str], method: str = "GET") -> str | None:
    try:
        g.check(method, headers, PORT)
    except Refused as refused:
        return refused.reason
    return None


@pytest.mark.parametrize("host,expected", [
    ("127.0.0.1", None), ("127.0.0.1:9110", None), ("LOCALHOST:9110", None),
    ("[::1]:9110", None), ("localhost", None),
    ("127.0.0.1:9111", "host"), ("evil.example", "host"), ("evil.example:9110", "host"),
    ("127.0.0.1:9110@evil.example", "host"), ("127.0.0.1:", "host"), ("[::1", "host"),
    ("127.0.0.1:99999", "host"), ("", "host"), ("127.0.0.2", "host"),
])
def test_host_must_name_this_server(host: str, expected: str | None) -> None:
    assert reason(guard(), {"Host": host}) == expected


def test_configured_names_and_the_bound_address() -> None:
    g = guard(bind="10.1.2.3", hostnames=["dash.example", "proxy.example:443", "::2"])
    assert reason(g, {"Host": "10.1.2.3:9110"}) is None
    assert reason(g, {"Host": "dash.example"}) is None
    assert reason(g, {"Host": "dash.example:9110"}) is None
    assert reason(g, {"Host": "dash.example:8080"}) == "host"
    assert reason(g, {"Host": "proxy.example:443"}) is None
    assert reason(g, {"Host": "proxy.example"}) == "host"  # pinned to its port
    assert reason(g, {"Host": "[::2]:9110"}) is None
    assert reason(guard(bind="0.0.0.0"), {"Host": "0.0.0.0:9110"}) == "host"


def test_origin() -> None:
    plain = guard()
    assert reason(plain, {"Origin": "https://evil.example"}) == "origin"
    assert reason(plain, {"Origin": "null"}) == "origin"
    # Without same_origin, even the server's own origin is foreign (it serves no pages).
    assert reason(plain, {"Host": "127.0.0.1:9110", "Origin": "http://127.0.0.1:9110"}) \
        == "origin"
    own = guard(same_origin=True)
    assert reason(own, {"Host": "127.0.0.1:9110", "Origin": "http://127.0.0.1:9110"}) is None
    assert reason(own, {"Host": "127.0.0.1:9110", "Origin": "http://localhost:9110"}) \
        == "origin"
    assert reason(own, {"Host": "127.0.0.1:9110", "Origin": "file://127.0.0.1:9110"}) \
        == "origin"
    assert reason(own, {"Origin": "http://127.0.0.1:9110"}) == "origin"  # no Host: no own
    listed = guard(origins=["https://newsroom.example/"], origins_setting="DW_X_ORIGINS")
    assert reason(listed, {"Origin": "HTTPS://newsroom.example"}) is None
    assert listed.origin_allowed("https://newsroom.example")
    with pytest.raises(Refused, match="DW_X_ORIGINS"):
        listed.check("GET", {"Origin": "https://evil.example"}, PORT)


@pytest.mark.parametrize("site,mode,dest,method,expected", [
    ("cross-site", "no-cors", "image", "GET", "cross-site"),
    ("same-site", "cors", "empty", "GET", "cross-site"),
    ("cross-site", "navigate", "iframe", "GET", "cross-site"),
    ("cross-site", "navigate", "document", "POST", "cross-site"),
    ("cross-site", "navigate", "document", "GET", None),  # a link, opened as a page
    ("cross-site", "navigate", "document", "HEAD", None),
    ("same-origin", "no-cors", "image", "GET", None),
    ("none", "navigate", "document", "GET", None),
])
def test_fetch_metadata(site: str, mode: str, dest: str, method: str,
                        expected: str | None) -> None:
    headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": dest}
    assert reason(guard(navigation=True), headers, method) == expected
    # A server without pages to link to takes no navigation from another site either.
    strict = reason(guard(), headers, method)
    assert strict == ("cross-site" if site in ("cross-site", "same-site") else None)


def test_the_hint_names_the_setting() -> None:
    with pytest.raises(Refused, match="DW_X_HOSTNAMES"):
        guard().check("GET", {"Host": "evil.example"}, PORT)


@pytest.mark.parametrize("value,expected", [
    ("Example.COM:80", ("example.com", 80)), ("[::1]", ("[::1]", None)),
    ("[::1]:8123", ("[::1]", 8123)), ("host", ("host", None)),
])
def test_split_host(value: str, expected: tuple[str, int | None]) -> None:
    assert split_host(value) == expected


@pytest.mark.parametrize("value", ["a b", "x/y", "a:b", "[::1]x", ":80", "h:0"])
def test_split_host_refuses_malformed(value: str) -> None:
    with pytest.raises(ValueError):
        split_host(value)


@pytest.mark.parametrize("host,expected", [("127.0.0.1", True), ("127.8.9.1", True),
                                           ("::1", True), ("[::1]", True), ("localhost", True),
                                           ("0.0.0.0", False), ("10.0.0.1", False),
                                           ("example.com", False)])
def test_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected
