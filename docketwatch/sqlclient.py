"""Client of the aggregator's read-only SQL endpoint (embedded mode's only way in)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit


class SqlError(RuntimeError):
    """The endpoint refused or failed the query; the message is ClickHouse's or the guard's."""


class EndpointUnreachable(SqlError):
    pass


def post_sql(url: str, sql: str, params: dict[str, Any] | None = None,
             timeout: float = 60) -> tuple[list[str], list[list[Any]]]:
    if urlsplit(url).scheme not in ("http", "https"):
        raise SqlError(f"{url}: only http(s) endpoints are allowed")
    data = json.dumps({"sql": sql, "params": params or {}}).encode()
    req = urllib.request.Request(url, data=data,  # noqa: S310 (scheme checked above)
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            body = json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        raw = exc.read() or b"{}"
        try:
            message = json.loads(raw).get("error", str(exc))
        except ValueError:
            message = str(exc)
        raise SqlError(message) from None
    except urllib.error.URLError as exc:
        raise EndpointUnreachable(f"{url} is unreachable ({exc.reason})") from None
    return body["columns"], body["rows"]
