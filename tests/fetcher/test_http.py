"""The polite client over real HTTP on loopback: registry guard, size cap, retries, UA."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from docketwatch.contract import PageState
from services.fetcher.http import HostNotAllowed, PoliteClient, Retryable
from services.fetcher.settings import FetcherSettings

PAGE = ("<html><body><table id='tablcont'></table>Всего по запросу найдено — 0."
        "</body></html>").encode("cp1251")


@pytest.fixture
async def server(unused_tcp_port: int) -> AsyncIterator[tuple[str, dict[str, int | str]]]:
    seen: dict[str, int | str] = {"flaky": 0}

    async def flaky(request: web.Request) -> web.Response:
        seen["flaky"] = int(seen["flaky"]) + 1
        seen["ua"] = request.headers.get("User-Agent", "")
        if int(seen["flaky"]) < 3:
            return web.Response(status=503, headers={"Retry-After": "0"})
        return web.Response(body=PAGE, content_type="text/html", charset="windows-1251")

    async def huge(_: web.Request) -> web.Response:
        return web.Response(body=b"x" * 5000)

    async def down(_: web.Request) -> web.Response:
        return web.Response(status=500)

    app = web.Application()
    app.router.add_get("/flaky", flaky)
    app.router.add_get("/huge", huge)
    app.router.add_get("/down", down)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    yield f"127.0.0.1:{unused_tcp_port}", seen
    await runner.cleanup()


def settings(**kw: object) -> FetcherSettings:
    return FetcherSettings(host_rate_per_s=1000, max_retries=3, max_body_bytes=4096, **kw)


async def test_retries_5xx_then_reads_the_page(server: tuple[str, dict[str, int | str]]) -> None:
    host, seen = server
    async with PoliteClient(settings(), {host}) as client:
        got = await client.get(f"http://{host}/flaky")
    assert seen["flaky"] == 3
    assert got.state == PageState.OK
    assert "Mozilla/5.0" in str(seen["ua"])


async def test_gives_up_after_max_retries(server: tuple[str, dict[str, int | str]]) -> None:
    host, _ = server
    async with PoliteClient(settings(), {host}) as client:
        with pytest.raises(Retryable, match="http_500"):
            await client.get(f"http://{host}/down")


async def test_refuses_hosts_outside_the_registry(server: tuple[str, dict[str, int | str]]) -> None:
    host, _ = server
    async with PoliteClient(settings(), {"court.example"}) as client:
        with pytest.raises(HostNotAllowed):
            await client.get(f"http://{host}/flaky")


async def test_refuses_oversize_bodies(server: tuple[str, dict[str, int | str]]) -> None:
    host, _ = server
    async with PoliteClient(settings(), {host}) as client:
        with pytest.raises(ValueError, match="exceeds 4096"):
            await client.get(f"http://{host}/huge")
