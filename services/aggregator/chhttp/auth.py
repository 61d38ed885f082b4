"""Who may talk to the interface: browsers kept out (docketwatch.http_guard), CORS for the
configured origins only, credentials checked as ClickHouse does.

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
from collections.abc import Mapping
from dataclasses import dataclass

from multidict import MultiMapping

from docketwatch.http_guard import BrowserGuard
from services.aggregator.chhttp.errors import ChError


def cors_headers(guard: BrowserGuard, origin: str | None) -> dict[str, str]:
    """CORS headers for an allowed origin (none for any other)."""
    if not guard.origin_allowed(origin):
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
