"""The ClickHouse HTTP interface as an aiohttp application (see the package's docstring)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from multidict import CIMultiDictProxy

from docketwatch import http_guard
from docketwatch.http_guard import BrowserGuard, is_loopback
from docketwatch.store.guard import GuardedQuery, Refused, engine_refusal
from services.aggregator.chhttp import compression, protocol
from services.aggregator.chhttp.auth import Credentials, cors_headers
from services.aggregator.chhttp.errors import ChError, error_body, http_status
from services.aggregator.chhttp.settings import ClickHouseHttpSettings

log = logging.getLogger("docketwatch.chhttp")


class AnswerLike(Protocol):
    """What ``run`` returns (the guard's Answer): the engine's output and its format."""

    @property
    def body(self) -> bytes: ...

    @property
    def fmt(self) -> str: ...


Runner = Callable[[GuardedQuery], Awaitable[AnswerLike]]


class ConfigError(ValueError):
    """The interface cannot start with these settings."""


@dataclass(frozen=True)
class ServerInfo:
    """What the engine says of itself, for headers and error bodies."""

    version: str
    timezone: str
    display_name: str = "docketwatch"


def server_info(client: Any, display_name: str = "docketwatch") -> ServerInfo:
    """The engine's version and timezone (a blocking query on a clickhouse-connect client)."""
    version, timezone = client.query("SELECT version(), timezone()").result_rows[0]
    return ServerInfo(str(version), str(timezone), display_name)


_OK = b"Ok.\n"
_STATE = web.AppKey("chhttp", object)
_POLL_S = 0.05  # how often a running query looks whether its client is still there
_COMPRESS_IN_THREAD = 256 << 10  # bodies larger than this are compressed off the loop


class Slots:
    """At most ``size`` queries at once, first come first served; a waiter gives up after
    ``timeout`` seconds. Correct under cancellation (a slot handed to a waiter that was
    cancelled meanwhile goes back)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = size
        self._waiters: collections.deque[asyncio.Future[bool]] = collections.deque()

    @property
    def busy(self) -> int:
        return self.size - self._free

    async def acquire(self, timeout: float) -> bool:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return True
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(timeout, _give_up, waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result():
                self.release()
            raise
        finally:
            timer.cancel()
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    def release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return
        self._free += 1


def _give_up(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)


class _ClientGone(Exception):
    pass


@dataclass
class _State:
    run: Runner
    settings: ClickHouseHttpSettings
    server: ServerInfo
    browser: BrowserGuard
    credentials: Credentials
    slots: Slots
    secret: str

    def scrub(self, text: str) -> str:
        """``text`` without the configured password in it (belt and braces)."""
        return text.replace(self.secret, "[HIDDEN]") if self.secret else text


def make_app(run: Runner, settings: ClickHouseHttpSettings,
             server: ServerInfo) -> web.Application:
    """The ClickHouse HTTP interface. ``run`` executes a query through the guard on the
    store's reader connections and returns its Answer, or raises Refused (or a
    clickhouse-connect error carrying a ClickHouse code). On a client that goes away, the
    awaitable ``run`` returned is cancelled.

    Raises ConfigError when bound to a non-loopback address without a password.
    """
    secret = settings.clickhouse_http_secret()
    host = settings.clickhouse_http_host
    if not secret and not is_loopback(host):
        raise ConfigError(
            f"the ClickHouse HTTP interface is to listen on {host!r}, which is not a loopback "
            "address, and DW_CLICKHOUSE_HTTP_PASSWORD is not set: set a password (and give "
            "it to clients), or listen on 127.0.0.1")
    state = _State(
        run=run, settings=settings, server=server,
        browser=BrowserGuard.build(host, settings.clickhouse_http_hostname_list(),
                                   settings.clickhouse_http_origin_list(),
                                   hostnames_setting="DW_CLICKHOUSE_HTTP_HOSTNAMES",
                                   origins_setting="DW_CLICKHOUSE_HTTP_ORIGINS"),
        credentials=Credentials(settings.clickhouse_http_user, secret),
        slots=Slots(settings.clickhouse_http_max_queries), secret=secret)
    app = web.Application(
        middlewares=[http_guard.middleware("clickhouse-http", state.browser, _refused),
                     _cors_middleware],
        client_max_size=settings.clickhouse_http_max_body_bytes,
        # Content-Encoding is decoded here (compression.decode, with the body limit), not by
        # aiohttp, so every coding ClickHouse accepts is handled one way.
        handler_args={"max_line_size": settings.clickhouse_http_max_uri_bytes,
                      "max_field_size": 64 << 10, "auto_decompress": False},
    )
    app[_STATE] = state
    app.router.add_route("*", "/ping", _ping)
    app.router.add_route("*", "/replicas_status", _ping)
    app.router.add_route("*", "/{tail:.*}", _query)
    return app


def _state(request: web.Request) -> _State:
    state = request.app[_STATE]
    assert isinstance(state, _State)
    return state


def _base_headers(state: _State) -> dict[str, str]:
    return {"X-ClickHouse-Server-Display-Name": state.server.display_name,
            "X-Content-Type-Options": "nosniff"}


def error_response(state: _State, request: web.Request, error: ChError,
                   query_id: str | None = None) -> web.Response:
    headers = {**_base_headers(state), "X-ClickHouse-Exception-Code": str(error.code),
               **cors_headers(state.browser, request.headers.get("Origin"))}
    if query_id:
        headers["X-ClickHouse-Query-Id"] = query_id
    if error.name == "REQUIRED_PASSWORD":
        headers["WWW-Authenticate"] = 'Basic realm="ClickHouse server HTTP API"'
    scrubbed = ChError(error.code, state.scrub(error.message), error.name)
    return web.Response(status=_status(error), headers=headers,
                        content_type="text/plain", charset="utf-8",
                        text=error_body(scrubbed, state.server.version))


def _status(error: ChError) -> int:
    return http_status(error.code)


def _refused(request: web.Request, refused: http_guard.Refused) -> web.Response:
    """A browser-borne request gets ClickHouse's ACCESS_DENIED, as any refusal does."""
    return error_response(_state(request), request, ChError.of("ACCESS_DENIED", refused.message))


@web.middleware
async def _cors_middleware(request: web.Request,
                           handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                           ) -> web.StreamResponse:
    """CORS preflight and headers, for the configured origins only (after the guard)."""
    state = _state(request)
    cors = cors_headers(state.browser, request.headers.get("Origin"))
    if request.method == "OPTIONS":
        return web.Response(status=204, headers={**_base_headers(state), **cors})
    response = await handler(request)
    if cors and "Vary" in response.headers:
        cors["Vary"] = f"{response.headers['Vary']}, {cors['Vary']}"
    response.headers.update(cors)
    return response


async def _ping(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    if request.method not in ("GET", "HEAD"):
        return _no_handle(state, request)
    return web.Response(body=_OK, headers=_base_headers(state),
                        content_type="text/html", charset="utf-8")


def _no_handle(state: _State, request: web.Request) -> web.Response:
    text = (f"There is no handle {request.path[:200]}\n\nUse / or /ping for health checks.\n"
            "Send queries with the POST method or GET /?query=...\n")
    return web.Response(status=404, text=text, headers=_base_headers(state),
                        content_type="text/plain", charset="utf-8")


async def _read_body(request: web.Request, limit: int) -> bytes:
    """The raw body, at most ``limit`` bytes (ClickHouse's QUERY_IS_TOO_LARGE past it)."""
    if request.content_length is not None and request.content_length > limit:
        raise ChError.of("QUERY_IS_TOO_LARGE", f"Request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.content.iter_chunked(64 << 10):
        total += len(chunk)
        if total > limit:
            raise ChError.of("QUERY_IS_TOO_LARGE", f"Request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _header(headers: CIMultiDictProxy[str], name: str) -> str | None:
    value = headers.get(name)
    return value if value else None


async def _parse(request: web.Request, state: _State) -> protocol.Parsed:
    parsed = protocol.Parsed(database=_header(request.headers, "X-ClickHouse-Database"),
                             default_format=_header(request.headers, "X-ClickHouse-Format"),
                             query_id=request.headers.get("X-ClickHouse-Query-Id", ""))
    parsed.add(request.query.items())
    if request.method == "POST":
        limit = state.settings.clickhouse_http_max_body_bytes
        raw = await _read_body(request, limit)
        raw = compression.decode(raw, request.headers.get("Content-Encoding", ""), limit)
        if request.content_type == "multipart/form-data":
            content_type = request.headers.get("Content-Type", "")
            parsed.add(protocol.multipart_fields(content_type, raw), external=True)
        else:
            if parsed.decompress and raw:
                raw = compression.native_decompress(raw, limit, parsed.verify_checksums)
            parsed.body_text = _text(raw, parsed.query_param)
    parsed.finish()
    return parsed


def _text(raw: bytes, query_param: str | None) -> str:
    """The body as query text. Data after a statement in the ``query`` parameter (an INSERT's
    rows) may be binary; it is passed on with undecodable bytes replaced, for the guard to
    refuse the statement. A body that is the whole query must be UTF-8."""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        if query_param:
            return raw.decode(errors="replace")
        raise ChError.of("CANNOT_PARSE_TEXT", "The query is not valid UTF-8 text") from None


def engine_error(exc: BaseException) -> ChError:
    """The ClickHouse error in an exception raised by ``run``."""
    if isinstance(exc, ChError):
        return exc
    code = getattr(exc, "code", None)
    name, message = getattr(exc, "name", None), getattr(exc, "message", None)
    if isinstance(exc, Refused) or (isinstance(code, int) and isinstance(name, str)
                                    and isinstance(message, str)):
        return ChError(int(exc.code), str(exc.message), str(exc.name))  # type: ignore[attr-defined]
    text = str(exc)
    if "Code: " in text:  # an engine message: read as the guard reads the engine's own
        refused = engine_refusal(text, code if isinstance(code, int) and code > 0 else None)
        return ChError(refused.code, refused.message, refused.name)
    if isinstance(code, int) and code > 0:
        return ChError(code, text.strip().rstrip(".") or type(exc).__name__)
    return ChError.of("STD_EXCEPTION", f"Internal error in the query's execution "
                      f"({type(exc).__name__}); see the server log")


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def _execute(request: web.Request, state: _State, query: GuardedQuery) -> AnswerLike:
    """``run`` in a slot; cancelled when the client goes away."""
    task = asyncio.ensure_future(state.run(query))
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=_POLL_S)
            if done:
                return task.result()
            if _client_gone(request):
                raise _ClientGone
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task


async def _query(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    if request.method not in ("GET", "HEAD", "POST"):
        return _no_handle(state, request)
    if request.method in ("GET", "HEAD") and "query" not in request.query:
        if request.path == "/":  # a health check, answered without credentials
            return web.Response(body=_OK, headers=_base_headers(state),
                                content_type="text/html", charset="utf-8")
        return _no_handle(state, request)
    started = time.monotonic_ns()
    query_id: str | None = None
    try:
        state.credentials.check(request.headers, request.query)
        parsed = await _parse(request, state)
        query_id = parsed.query_id
        sql = parsed.sql
        if sql is None or not sql.strip():
            raise ChError.of("SYNTAX_ERROR", "Empty query")
        query = GuardedQuery(sql=sql, params=parsed.params, settings=parsed.settings,
                             default_format=parsed.default_format, database=parsed.database)
        if not await state.slots.acquire(state.settings.clickhouse_http_queue_wait_s):
            raise ChError.of("TOO_MANY_SIMULTANEOUS_QUERIES",
                             f"Too many simultaneous queries. Maximum: {state.slots.size}")
        log.debug("query %s started (%d of %d slots busy)", query_id, state.slots.busy,
                  state.slots.size)
        try:
            answer = await _execute(request, state, query)
        finally:
            state.slots.release()
    except _ClientGone:
        log.info("query %s: the client went away; its run was cancelled", query_id)
        return web.Response(status=499, headers=_base_headers(state))
    except ChError as refused:
        log.info("query %s refused: %s (%d)", query_id, refused.name, refused.code)
        return error_response(state, request, refused, query_id)
    except Exception as exc:  # Refused, the engine's own errors, or a fault of ours
        failed = engine_error(exc)
        if failed.name == "STD_EXCEPTION":
            log.error("query %s failed: %s", query_id, state.scrub(repr(exc))[:2000])
        else:
            log.info("query %s failed: %s (%d)", query_id, failed.name, failed.code)
        return error_response(state, request, failed, query_id)
    assert query_id is not None
    return await _result(request, state, parsed, answer, query_id, started)


async def _result(request: web.Request, state: _State, parsed: protocol.Parsed,
                  answer: AnswerLike, query_id: str, started_ns: int) -> web.Response:
    body = answer.body
    headers = {
        **_base_headers(state),
        "X-ClickHouse-Query-Id": query_id,
        "X-ClickHouse-Format": answer.fmt,
        "X-ClickHouse-Timezone": state.server.timezone,
        "X-ClickHouse-Summary": protocol.summary(
            _summary_of(answer), len(body), time.monotonic_ns() - started_ns),
        "Content-Type": getattr(answer, "content_type", None) or protocol.content_type(
            answer.fmt),
    }
    coding = compression.choose_coding(request.headers.get("Accept-Encoding", "")) \
        if parsed.http_compression else None
    if parsed.compress or coding:
        body = await _maybe_in_thread(_compress, body, parsed.compress, coding,
                                      parsed.zlib_level)
    if coding:
        headers["Content-Encoding"] = coding
        headers["Vary"] = "Accept-Encoding"
    return web.Response(body=body, headers=headers)


def _summary_of(answer: AnswerLike) -> dict[str, object] | None:
    summary = getattr(answer, "summary", None)
    return dict(summary) if isinstance(summary, Mapping) else None


def _compress(body: bytes, native: bool, coding: str | None, level: int) -> bytes:
    if native:
        body = compression.native_compress(body)
    if coding:
        body = compression.encode(body, coding, level)
    return body


async def _maybe_in_thread(fn: Callable[..., bytes], body: bytes, *args: Any) -> bytes:
    if len(body) > _COMPRESS_IN_THREAD:
        return await asyncio.to_thread(fn, body, *args)
    return fn(body, *args)


class AccessLog(AbstractAccessLogger):
    """An access log without query strings (they may carry ``password``) or headers."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse,
            time: float) -> None:
        self.logger.info("%s %s %s %d %d %.3fs", request.remote, request.method,
                         request.path, response.status, response.body_length, time)


async def serve(app: web.Application, settings: ClickHouseHttpSettings) -> web.AppRunner:
    """Listen on DW_CLICKHOUSE_HTTP_HOST:PORT (port 0: any free port, see bound_port)."""
    runner = web.AppRunner(app, access_log_class=AccessLog, handler_cancellation=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.clickhouse_http_host, settings.clickhouse_http_port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def bound_port(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise RuntimeError("the ClickHouse HTTP interface is not listening")
