"""Who may talk to the interface: browsers kept out, credentials checked as ClickHouse does.

Browser-borne attacks (a web page making the user's browser query a server on the
loopback) are refused before anything else, on every path:

* ``Host`` must name this server: ``127.0.0.1``, ``localhost``, ``[::1]``, the bound address,
  or a name in DW_CLICKHOUSE_HTTP_HOSTNAMES, with no port or the server's port. A page on a
  DNS-rebound name (evil.example resolving to 127.0.0.1) sends ``Host: evil.example``.
* a request with an ``Origin`` that is not in DW_CLICKHOUSE_HTTP_ORIGINS (none by default) is
  refused: browsers send Origin with every cross-origin POST, so text/plain, form and JSON
  posts from a foreign page never reach the query; ``Origin: null`` (sandboxed frames,
  file: pages) is a foreign origin. CORS headers are sent only to an allowed origin.
* ``Sec-Fetch-Site: cross-site`` or ``same-site`` without an allowed Origin is refused: that
  is how a modern browser marks an ``<img>``/``<script>``/navigation GET from another site,
  which carries no Origin. ``same-origin`` and ``none`` (the user typed the address) pass.
* every response has ``X-Content-Type-Options: nosniff``, so a result is never run as a
  script by an older browser that sends neither header.

Credentials, accepted as ClickHouse accepts them: ``X-ClickHouse-User``/``X-ClickHouse-Key``
headers, HTTP Basic, or ``?user=&password=``; mixing the header pair with either of the
others is an error, as in ClickHouse. No credentials means user ``default`` with an empty
password. The one user and its password come from the environment; secrets are compared
in constant time and never logged or echoed (not even the user name a client tried).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from multidict import MultiMapping

from services.aggregator.chhttp.errors import ChError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


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


@dataclass(frozen=True)
class BrowserGuard:
    """The Host, Origin and Sec-Fetch-Site checks (see the module's docstring)."""

    names: frozenset[str]  # host names allowed with no port or the server's port
    pinned: frozenset[tuple[str, int]]  # name:port entries, allowed with that port only
    origins: frozenset[str]

    @classmethod
    def build(cls, bind_host: str, hostnames: Iterable[str],
              origins: Iterable[str]) -> BrowserGuard:
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
                   frozenset(o.strip().rstrip("/").lower() for o in origins if o.strip()))

    def origin_allowed(self, origin: str | None) -> bool:
        return origin is not None and origin.strip().rstrip("/").lower() in self.origins

    def check(self, headers: Mapping[str, str], server_port: int | None) -> None:
        """Raises ChError(ACCESS_DENIED) for a request a browser was made to send."""
        host = headers.get("Host")
        if host is not None:
            try:
                name, port = split_host(host)
            except ValueError:
                raise ChError.of("ACCESS_DENIED", "Malformed Host header") from None
            ok = (name in self.names and (port is None or port == server_port)) or \
                (port is not None and (name, port) in self.pinned)
            if not ok:
                raise ChError.of("ACCESS_DENIED",
                                 "Host header does not name this server (DNS rebinding "
                                 "protection; add the name to DW_CLICKHOUSE_HTTP_HOSTNAMES)")
        origin = headers.get("Origin")
        if origin is not None and not self.origin_allowed(origin):
            raise ChError.of("ACCESS_DENIED",
                             "Requests from web pages of other origins are refused (add the "
                             "origin to DW_CLICKHOUSE_HTTP_ORIGINS to allow one)")
        site = (headers.get("Sec-Fetch-Site") or "").strip().lower()
        if site in ("cross-site", "same-site") and not self.origin_allowed(origin):
            raise ChError.of("ACCESS_DENIED",
                             "Requests that a page of another site made a browser send are "
                             "refused")

    def cors_headers(self, origin: str | None) -> dict[str, str]:
        """CORS headers for an allowed origin (none for any other)."""
        if not self.origin_allowed(origin):
            return {}
        assert origin is not None
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": (
                "Authorization, Content-Type, Content-Encoding, Accept-Encoding, "
                "X-ClickHouse-User, X-ClickHouse-Key, X-ClickHouse-Database, "
                "X-ClickHouse-Format, X-ClickHouse-Query-Id, X-ClickHouse-Quota"),
            "Access-Control-Expose-Headers": (
                "X-ClickHouse-Query-Id, X-ClickHouse-Format, X-ClickHouse-Timezone, "
                "X-ClickHouse-Summary, X-ClickHouse-Exception-Code, "
                "X-ClickHouse-Server-Display-Name"),
            "Access-Control-Max-Age": "600",
            "Vary": "Origin",
        }


@dataclass(frozen=True)
class Credentials:
    """The configured user; ``password`` empty means none is set."""

    user: str
    password: str

    def check(self, headers: Mapping[str, str], params: MultiMapping[str]) -> str:
        """The authenticated user's name; raises ChError(AUTHENTICATION_FAILED)."""
        user, password = _offered(headers, params)
        user_ok = hmac.compare_digest(user.encode(), self.user.encode())
        password_ok = hmac.compare_digest(password.encode(), self.password.encode())
        if not (user_ok and password_ok):
            raise ChError.of("AUTHENTICATION_FAILED",
                             "Authentication failed: password is incorrect, or there is no "
                             "user with such name")
        return self.user


def _offered(headers: Mapping[str, str], params: MultiMapping[str]) -> tuple[str, str]:
    """(user, password) as the request offers them, by ClickHouse's rules."""
    header_user = headers.get("X-ClickHouse-User", "")
    header_key = headers.get("X-ClickHouse-Key", "")
    has_headers = bool(header_user or header_key)
    authorization = headers.get("Authorization", "")
    in_params = "user" in params or "password" in params
    if has_headers and (authorization or in_params):
        raise ChError.of("AUTHENTICATION_FAILED",
                         "Invalid authentication: it is not allowed to use "
                         "X-ClickHouse HTTP headers and other authentication methods "
                         "simultaneously")
    if has_headers:
        return header_user or "default", header_key
    if authorization:
        if in_params:
            raise ChError.of("AUTHENTICATION_FAILED",
                             "Invalid authentication: it is not allowed to use "
                             "Authorization HTTP header and authentication via parameters "
                             "simultaneously")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "basic":
            raise ChError.of("AUTHENTICATION_FAILED",
                             "Invalid authentication: only the Basic scheme of the "
                             "Authorization header is supported")
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise ChError.of("AUTHENTICATION_FAILED",
                             "Invalid authentication: malformed Basic credentials") from None
        user, _, password = decoded.partition(":")
        return user or "default", password
    return params.get("user") or "default", params.get("password", "")
