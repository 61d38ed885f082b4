"""The aiohttp application: pages, /api/v1, static files, /health and /metrics."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

from docketwatch import http_guard
from docketwatch.i18n import _
from docketwatch.reader import Reader
from services.dashboard import (
    api,
    appeals,
    downloads,
    figures,
    openapi,
    params,
    queries,
    render,
    views,
)
from services.dashboard.backend import (
    Backend,
    QueryFailed,
    ReaderBackend,
    StoreUnavailable,
)
from services.dashboard.data import STORE, Store
from services.dashboard.lang import language
from services.dashboard.params import BadInput
from services.dashboard.settings import DashboardSettings

log = logging.getLogger("docketwatch.dashboard")
STATIC = Path(__file__).resolve().parent / "static"
REQUESTS = Counter("docketwatch_dashboard_requests_total", "HTTP requests served",
                   ["route", "status"])
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# No inline script or style anywhere, so the policy can forbid both: even markup that got
# past escaping could not run.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def _is_api(request: web.Request) -> bool:
    return request.path.startswith(api.PREFIX)


def _error(request: web.Request, status: int, message: str) -> web.Response:
    if _is_api(request):
        return web.json_response({"error": message}, status=status, dumps=_dumps)
    return views.render(request, "error.html", status=status, status_code=status,
                        message=message)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route.resource
    name = route.canonical if route is not None else "unmatched"
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except BadInput as exc:
        status = 400
        return _error(request, 400, str(exc))
    except StoreUnavailable as exc:
        status = 503
        return _error(request, 503, f"the store is unreachable: {exc}")
    except QueryFailed as exc:
        log.exception("query failed on %s", request.path)
        return _error(request, 500, f"query failed: {exc}")
    except web.HTTPException as exc:
        status = exc.status
        if exc.status >= 400:
            return _error(request, exc.status, exc.text or exc.reason)
        raise
    finally:
        REQUESTS.labels(name, str(status)).inc()


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")


def _download_format(request: web.Request) -> str | None:
    fmt = (request.query.get("format") or "json").strip().lower()
    if fmt == "json":
        return None
    if fmt not in downloads.FORMATS:
        raise BadInput("format must be json, csv or xlsx")
    return fmt


def _attachment(body: bytes, content_type: str, name: str) -> web.Response:
    response = web.Response(body=body, content_type=content_type)
    if content_type == downloads.CSV_TYPE:
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _json_route(endpoint: api.Endpoint) -> Handler:
    async def handle(request: web.Request) -> web.Response:
        fmt = _download_format(request)
        store = request.app[STORE]
        payload = await endpoint.handler(store, request)
        if payload is None:
            raise web.HTTPNotFound(text="not found")
        if fmt is None:
            return web.json_response(payload, dumps=_dumps)
        table = downloads.table(endpoint, payload)
        as_of = await store.as_of()
        values = [*request.match_info.values(),
                  *(v for k, v in request.query.items() if k != "format")]
        name = downloads.filename(endpoint, values, as_of, fmt)
        if fmt == "csv":
            body = downloads.to_csv(table)
        else:
            body = await asyncio.to_thread(
                downloads.to_xlsx, table, title=_(endpoint.summary),
                source=render.source_line(as_of), what=_(endpoint.summary),
                request=str(request.rel_url))
        return _attachment(body, downloads.FORMATS[fmt], name)

    return handle


async def _chart(request: web.Request) -> web.Response:
    name, ext = request.match_info["name"], request.match_info["ext"]
    if name not in figures.NAMES:
        raise web.HTTPNotFound(text=f"no chart {name}; charts: {', '.join(figures.NAMES)}")
    q = request.query
    if name == "received":
        category = params.category(q, None)
    elif name == "decisions":
        category = params.category(q, "refusal")
    else:
        category = params.category(q, "refusal", allow_all=True)
    filters = queries.Filters(court=params.court(q), region=params.region(q))
    store = request.app[STORE]
    try:
        figure = await figures.build(store, name, category, filters)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    as_of = await store.as_of()
    court = _("court {code}").format(code=filters.court) if filters.court else ""
    where = " · ".join(x for x in (court, filters.region or "") if x)
    body = await asyncio.to_thread(render.draw, figure, as_of, ext, where)
    values = [name, *(v for v in (category, filters.court, filters.region) if v)]
    stem = "-".join(p for p in (re.sub(r"[^A-Za-z0-9]+", "-", v).strip("-") for v in
                                ["docketwatch-chart", *values, as_of]) if p)
    return _attachment(body, render.FORMATS[ext], f"{stem}.{ext}")


async def _openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi.document(), dumps=_dumps)


async def _health(request: web.Request) -> web.Response:
    store = request.app[STORE]
    started = time.perf_counter()
    body: dict[str, Any] = {"service": "dashboard", "status": "ok",
                            "backend": store.backend.name}
    try:
        await store.backend.query("SELECT 1", {})
        body["store"] = "ok"
        body["store_ms"] = round((time.perf_counter() - started) * 1000, 1)
    except (StoreUnavailable, QueryFailed) as exc:
        # The dashboard itself is alive; pages show the outage instead of failing health.
        body["store"] = f"unavailable: {exc}"
    return web.json_response(body)


async def _metrics(request: web.Request) -> web.Response:
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def make_backend(settings: DashboardSettings) -> Backend:
    del settings  # the reader has its own settings (DW_CLICKHOUSE_*)
    return ReaderBackend(Reader())


def browser_guard(settings: DashboardSettings) -> http_guard.BrowserGuard:
    """Its own pages and links to them pass; what another site's page makes the browser
    load (charts in ``<img>``, downloads, the API) and rebound names are refused."""
    return http_guard.BrowserGuard.build(
        settings.dashboard_host, settings.dashboard_hostname_list(),
        hostnames_setting="DW_DASHBOARD_HOSTNAMES", same_origin=True, navigation=True)


def create_app(backend: Backend, settings: DashboardSettings) -> web.Application:
    guard = http_guard.middleware("dashboard", browser_guard(settings))
    app = web.Application(middlewares=[guard, errors, language], client_max_size=64 * 1024)
    app[STORE] = Store(backend)
    app[views.JINJA] = views.environment()
    app.on_response_prepare.append(_security_headers)

    async def close_backend(_: web.Application) -> None:
        await backend.close()

    app.on_cleanup.append(close_backend)
    app.router.add_get("/health", _health)
    app.router.add_get("/metrics", _metrics)
    app.router.add_get(f"{api.PREFIX}/openapi.json", _openapi)
    app.router.add_get(api.PREFIX + "/charts/{name:[a-z-]+}.{ext:svg|png}", _chart)
    for endpoint in (*api.ENDPOINTS, *appeals.ENDPOINTS):
        app.router.add_get(api.PREFIX + (endpoint.route or endpoint.path), _json_route(endpoint))
    for path, handler in (*views.ROUTES, *appeals.ROUTES):
        app.router.add_get(path, handler)
    app.router.add_static("/static", STATIC)
    return app


async def serve(settings: DashboardSettings) -> None:
    """Serve until SIGTERM or SIGINT, then finish in-flight requests and close."""
    app = create_app(make_backend(settings), settings)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=10)
    await runner.setup()
    site = web.TCPSite(runner, settings.dashboard_host, settings.dashboard_port)
    await site.start()
    log.info("dashboard on http://%s:%s (%s)", settings.dashboard_host,
             settings.dashboard_port, app[STORE].backend.name)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("dashboard shutting down")
    await runner.cleanup()
