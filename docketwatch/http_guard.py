"""Who may talk to a server of ours from a browser: one policy for every HTTP endpoint.

Every server we run (the dashboard, the aggregator's ClickHouse HTTP interface, each
service's /health and /metrics) listens on the loopback by default, where the attackers
are a hostile local user and any web page open in the user's browser. Browser-borne
requests are refused before any handler runs:

* ``Host`` must name this server: ``127.0.0.1``, ``localhost``, ``[::1]``, the bound address,
  or a configured name, with no port or the server's port. A page on a DNS-rebound name
  (evil.example resolving to 127.0.0.1) sends ``Host: evil.example``; without this check it
  could read every answer, since the browser takes it for the page's own origin.
* a request with an ``Origin`` that is not allowed is refused: browsers send Origin with
  every cross-origin POST and every CORS request, so form, text/plain and JSON posts from a
  foreign page never reach a handler. ``Origin: null`` (sandboxed frames, file: pages) is a
  foreign origin. Allowed: the configured origins, and for a server that serves its own
  pages (``same_origin``), the origin naming the Host of the request.
* ``Sec-Fetch-Site: cross-site`` or ``same-site`` is refused: that is how a modern browser
  marks an ``<img>``/``<script>``/``fetch`` from another site, which carries no Origin, so a
  page cannot make the user's machine render charts or spreadsheets in a loop. A server
  with pages people link to (``navigation``) still accepts a top-level navigation
  (``Sec-Fetch-Mode: navigate``, ``Sec-Fetch-Dest: document``, GET or HEAD): a link from
  a newsroom's document opens the page, and the other site can read none of it.

Old browsers send neither Origin on GET nor Sec-Fetch-*; what they can do is covered by
``X-Content-Type-Options: nosniff`` and the servers' own headers (CSP, X-Frame-Options).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import Counter

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
REFUSED = Counter("docketwatch_http_refused_total",
                  "HTTP requests refused as browser-borne (DNS rebinding, foreign origin, "
                  "cross-site)", ["server", "reason"])

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Refused(Exception):
    """A request a browser was made to send. ``reason`` is the metric label."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def is_loopback(host: str) -> bool:
    """True for an address or name that only this machine can reach."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def split_host(value: str) -> tuple[str, int | None]:
    """``Host`` header → (lower-cased name, port or None); IPv6 literals keep their brackets.
    Raises ValueError for a malformed value."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            raise ValueError(value)
        name, rest = value[:end + 1], value[end + 1:]
        if rest and not rest.startswith(":"):
            raise ValueError(value)
        port_text = rest[1:] if rest else ""
    else:
        name, sep, port_text = value.partition(":")
        if sep and not port_text:
            raise ValueError(value)
    if not name or any(c in name for c in "/@ \t\\?#"):
        raise ValueError(value)
    if not port_text:
        return name, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(value)
    return name, int(port_text)


def _bracketed(host: str) -> str:
    name = host.strip().lower()
    if ":" in name and not name.startswith("["):  # a bare IPv6 literal
        return f"[{name}]"
    return name


def _origin(value: str) -> str:
    return value.strip().rstrip("/").lower()


@dataclass(frozen=True)
class BrowserGuard:
    """The Host, Origin and Sec-Fetch-Site checks (see the module's docstring)."""

    names: frozenset[str]  # host names allowed with no port or the server's port
    pinned: frozenset[tuple[str, int]]  # name:port entries, allowed with that port only
    origins: frozenset[str]
    hostnames_setting: str  # the variable that adds names, for the error message
    origins_setting: str | None = None  # the variable that allows origins, if any
    same_origin: bool = False
    navigation: bool = False

    @classmethod
    def build(cls, bind_host: str, hostnames: Iterable[str], origins: Iterable[str] = (), *,
              hostnames_setting: str, same_origin: bool = False,
              origins_setting: str | None = None, navigation: bool = False) -> BrowserGuard:
        names = set(LOOPBACK_NAMES)
        if bind_host.strip() not in ("", "0.0.0.0", "::"):  # noqa: S104 (a comparison)
            names.add(_bracketed(bind_host))
        pinned: set[tuple[str, int]] = set()
        for entry in hostnames:
            entry = entry.strip()
            if not entry:
                continue
            name, port = split_host(_bracketed(entry) if entry.count(":") > 1 else entry)
            if port is None:
                names.add(name)
            else:
                pinned.add((name, port))
        return cls(frozenset(names), frozenset(pinned),
                   frozenset(_origin(o) for o in origins if o.strip()),
                   hostnames_setting, origins_setting, same_origin, navigation)

    def origin_allowed(self, origin: str | None) -> bool:
        """A configured origin (those get CORS headers)."""
        return origin is not None and _origin(origin) in self.origins

    def _own_origin(self, origin: str, host: str | None) -> bool:
        if not self.same_origin or host is None:
            return False
        scheme, sep, rest = _origin(origin).partition("://")
        return bool(sep) and scheme in ("http", "https") and rest == host.strip().lower()

    def check(self, method: str, headers: Mapping[str, str], server_port: int | None) -> None:
        """Raises Refused for a request a browser was made to send."""
        host = headers.get("Host")
        if host is not None:
            try:
                name, port = split_host(host)
            except ValueError:
                raise Refused("host", "Malformed Host header") from None
            ok = (name in self.names and (port is None or port == server_port)) or \
                (port is not None and (name, port) in self.pinned)
            if not ok:
                raise Refused("host", "Host header does not name this server (DNS "
                              f"rebinding protection; add the name to {self.hostnames_setting})")
        origin = headers.get("Origin")
        allowed_origin = origin is not None and (
            self.origin_allowed(origin) or self._own_origin(origin, host))
        if origin is not None and not allowed_origin:
            hint = f" (add the origin to {self.origins_setting} to allow one)" \
                if self.origins_setting else ""
            raise Refused("origin", f"Requests from web pages of other origins are refused{hint}")
        site = (headers.get("Sec-Fetch-Site") or "").strip().lower()
        if site in ("cross-site", "same-site") and not allowed_origin \
                and not self._navigation(method, headers):
            raise Refused("cross-site",
                          "Requests that a page of another site made a browser send are refused")

    def _navigation(self, method: str, headers: Mapping[str, str]) -> bool:
        return (self.navigation and method in ("GET", "HEAD")
                and (headers.get("Sec-Fetch-Mode") or "").strip().lower() == "navigate"
                and (headers.get("Sec-Fetch-Dest") or "").strip().lower() == "document")


def server_port(request: web.Request) -> int | None:
    """The port the request came in on (what an honest Host header names)."""
    transport = request.transport
    sockname = transport.get_extra_info("sockname") if transport is not None else None
    return int(sockname[1]) if isinstance(sockname, tuple) and len(sockname) >= 2 else None


def refuse(request: web.Request, refused: Refused) -> web.Response:
    """The plain answer: 403, the reason as text, never the data."""
    return web.Response(status=403, text=refused.message + "\n",
                        headers={"X-Content-Type-Options": "nosniff"})


def middleware(server: str, guard: BrowserGuard,
               answer: Callable[[web.Request, Refused], web.StreamResponse] = refuse,
               prefix: str = "/") -> Middleware:
    """An aiohttp middleware that runs ``guard`` before every handler of ``server`` under
    ``prefix``, counting and logging each refusal and answering it with ``answer``."""

    @web.middleware
    async def browser_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(prefix):
            return await handler(request)
        try:
            guard.check(request.method, request.headers, server_port(request))
        except Refused as refused:
            REFUSED.labels(server, refused.reason).inc()
            log.warning("%s refused a browser-borne request: %s %s (%s)", server,
                        request.method, request.path[:200], refused.reason)
            return answer(request, refused)
        return await handler(request)

    return browser_guard
