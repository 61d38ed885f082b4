"""Health and Prometheus endpoints, the same for every service.

Each service runs one :class:`OpsServer` on ``DW_OPS_HOST`` (127.0.0.1 by default) and its
own port. ``/health`` is liveness plus whatever the service reports through ``health``;
``/metrics`` is the Prometheus text format of the default registry. Both are closed to web
pages in the user's browser (docketwatch.http_guard): a DNS-rebound page cannot read them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from docketwatch import http_guard

log = logging.getLogger(__name__)

HealthFn = Callable[[], Mapping[str, Any]]
Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]


class OpsServer:
    def __init__(
        self,
        service: str,
        host: str,
        port: int,
        health: HealthFn | None = None,
        routes: list[Route] | None = None,
        hostnames: Iterable[str] = (),
    ) -> None:
        self.service = service
        self.host = host
        self.port = port
        self._health = health
        self._runner: web.AppRunner | None = None
        guard = http_guard.BrowserGuard.build(host, hostnames,
                                              hostnames_setting="DW_OPS_HOSTNAMES")
        self.app = web.Application(client_max_size=1024 * 1024,
                                   middlewares=[http_guard.middleware(service, guard)])
        self.app.router.add_get("/health", self._handle_health)
        self.app.router.add_get("/metrics", self._handle_metrics)
        for method, path, handler in routes or []:
            self.app.router.add_route(method, path, handler)

    async def _handle_health(self, _: web.Request) -> web.Response:
        body: dict[str, Any] = {"service": self.service, "status": "ok"}
        if self._health is not None:
            body.update(self._health())
        return web.json_response(body, status=200 if body.get("status") == "ok" else 503)

    async def _handle_metrics(self, _: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("%s ops endpoint on http://%s:%s", self.service, self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
