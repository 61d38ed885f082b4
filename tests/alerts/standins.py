"""Local stand-ins for what the alerts service notifies, on free loopback ports.

* :class:`BotApi`: the Telegram Bot API's ``POST /bot<token>/sendMessage``, answering as
  Telegram does (``{"ok": true, "result": {"message_id": …}}``; 404 for a wrong token),
  or with scripted answers (a 4xx, a 5xx, a malformed reply) to test the receiver.
* :class:`Webhook`: records every JSON POST (docketwatch's webhook, Alertmanager's).
* :class:`Alertmanager`: the real Prometheus Alertmanager (built by ``make alertmanager``)
  with a minimal config whose webhook receiver points at a :class:`Webhook`.
* :class:`InThread`: runs an aiohttp stand-in in its own thread and event loop, for tests
  that drive services as processes (synchronous code).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import threading
import urllib.request
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from docketwatch.settings import REPO_ROOT
from launcher.stack import free_port, wait_until

Reply = tuple[int, str]  # HTTP status, body


class _Server:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> web.Application:
        raise NotImplementedError

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class BotApi(_Server):
    def __init__(self, token: str, port: int | None = None) -> None:
        super().__init__(port)
        self.token = token
        self.requests: list[dict[str, Any]] = []  # every sendMessage body, answered or not
        self.messages: list[dict[str, Any]] = []  # those answered ok (as Telegram would post)
        self.script: list[Reply] = []  # answers to give first, in order
        self.decide: Callable[[dict[str, Any]], Reply | None] | None = None
        self.stall: asyncio.Event | None = None  # if set: answer only once it is set

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/sendMessage", self._send)
        return app

    async def _send(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 404,
                                      "description": "Not Found"}, status=404)
        body = json.loads(await request.read())
        self.requests.append(body)
        if self.stall is not None:
            await self.stall.wait()
        reply = self.script.pop(0) if self.script else (
            self.decide(body) if self.decide is not None else None)
        if reply is not None:
            return web.Response(status=reply[0], text=reply[1],
                                content_type="application/json")
        self.messages.append(body)
        return web.json_response({"ok": True, "result": {
            "message_id": len(self.messages), "chat": {"id": body["chat_id"]},
            "text": body["text"]}})


class Webhook(_Server):
    def __init__(self, port: int | None = None) -> None:
        super().__init__(port)
        self.received: list[dict[str, Any]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.append(json.loads(await request.read()))
        return web.json_response({"ok": True})


def telegram_groups(messages: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """Group title → (rule, scope) of each listed alert, read back from the message text."""
    out = {}
    rule_of = {"Spike": "monthly_spike", "All-time monthly record": "monthly_record"}
    for m in messages:
        head, *lines = m["text"].split("\n")
        title = head.split(" ", 1)[1].rsplit(":", 1)[0]
        assert title not in out, f"group {title!r} notified twice"
        out[title] = [(rule_of[summary.split(":", 1)[0]], where)
                      for _, where, summary in (line.split(" · ", 2) for line in lines)]
    return out


def groups_notified(received: list[dict[str, Any]], status: str
                    ) -> dict[str, list[tuple[str, str]]]:
    """Group → (rule, scope) of each alert, from Alertmanager's webhook notifications."""
    out = {}
    for n in received:
        if n["status"] != status:
            continue
        assert n["groupLabels"]["group"] not in out, "a group notified twice"
        out[n["groupLabels"]["group"]] = sorted(
            (a["labels"]["alertname"], a["annotations"]["scope"]) for a in n["alerts"])
    return out


class _Startable(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class InThread:
    """Stand-ins served from a thread of their own (for synchronous tests)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 30) -> Any:
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return fut.result(timeout)

    def start(self, server: _Startable) -> None:
        self.run(server.start())

    def stop(self, server: _Startable) -> None:
        self.run(server.stop())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


# --------------------------------------------------------------------------- Alertmanager

FETCH = REPO_ROOT / "deploy" / "alertmanager" / "fetch.sh"


def alertmanager_binary() -> Path:
    """Built by ``make alertmanager`` (a prerequisite of ``make test``)."""
    out = subprocess.run([str(FETCH), "path"], capture_output=True, text=True, check=False)
    path = out.stdout.strip()
    if out.returncode != 0 or not path:
        raise RuntimeError("Alertmanager is not built: run `make alertmanager` "
                           "(deploy/alertmanager/fetch.sh)")
    return Path(path)


DEPLOYED_CONFIG = REPO_ROOT / "deploy" / "alertmanager" / "alertmanager.yml"


def alertmanager_config(webhook_url: str) -> str:
    """deploy/alertmanager/alertmanager.yml as shipped, with waits of a second and the
    test's webhook as the receiver's URL."""
    text = DEPLOYED_CONFIG.read_text(encoding="utf-8")
    text = re.sub(r"(group_wait|group_interval): \S+", r"\1: 1s", text)
    text = re.sub(r"repeat_interval: \S+", "repeat_interval: 1h", text)
    text, n = re.subn(r"- url: \S+", f"- url: {webhook_url}", text)
    assert n == 1, "deploy/alertmanager/alertmanager.yml: one webhook url expected"
    return text


class Alertmanager:
    def __init__(self, workdir: Path, webhook_url: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.workdir = workdir
        self.webhook_url = webhook_url
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "alertmanager.yml"
        config.write_text(alertmanager_config(self.webhook_url), encoding="utf-8")
        with (self.workdir / "alertmanager.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [str(alertmanager_binary()), f"--config.file={config}",
                 f"--storage.path={self.workdir / 'data'}",
                 f"--web.listen-address=127.0.0.1:{self.port}",
                 "--cluster.listen-address=",  # no gossip port: a single instance
                 "--log.level=warn"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                env=dict(os.environ))

        def ready() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise ChildProcessError(f"alertmanager exited with {self.proc.returncode}; "
                                        f"see {self.workdir / 'alertmanager.log'}")
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as r:
                return bool(r.status == 200)

        wait_until(ready, timeout=60, interval=0.1, what="alertmanager ready")

    def alerts(self) -> list[dict[str, Any]]:
        """GET /api/v2/alerts: what Alertmanager holds now (active and suppressed)."""
        with urllib.request.urlopen(f"{self.url}/api/v2/alerts", timeout=5) as r:
            data: list[dict[str, Any]] = json.loads(r.read())
        return data

    def metric(self, name: str) -> float:
        """Sum of one of Alertmanager's own metrics over its label sets."""
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=5) as r:
            text = r.read().decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name + "{") or line.startswith(name + " "))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
