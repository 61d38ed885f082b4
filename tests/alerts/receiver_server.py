"""A real HTTP receiver on 127.0.0.1 (free port) that records what it is sent."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from launcher.stack import free_port


class RecordingServer:
    def __init__(self, fail_first: int = 0) -> None:
        self.port = free_port()
        self.received: list[tuple[str, Any]] = []
        self.fail_first = fail_first
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.Response:
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=503)
        self.received.append((request.path, json.loads(await request.read())))
        return web.json_response({"ok": True})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
