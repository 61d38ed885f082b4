"""Polite HTTP to court sites: per-host rate limit, global cap, retries with backoff."""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiohttp
from aiolimiter import AsyncLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from docketwatch.contract import PageState
from docketwatch.sudrf import classify_page, decode_page
from services.fetcher import metrics
from services.fetcher.settings import FetcherSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    body: bytes
    charset: str | None
    state: PageState
    text: str
    fetched_at: datetime


class Retryable(Exception):
    """A response worth asking again for: 5xx, timeout, cut body, outage page."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class HostNotAllowed(ValueError):
    pass


class PoliteClient:
    def __init__(self, settings: FetcherSettings, allowed_hosts: set[str]) -> None:
        self._s = settings
        self._allowed = allowed_hosts
        self._limiters: dict[str, AsyncLimiter] = {}
        self._global = asyncio.Semaphore(settings.max_concurrency)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> PoliteClient:
        ssl_ctx: ssl.SSLContext | bool = True
        if self._s.ca_bundle:
            ssl_ctx = ssl.create_default_context()
            ssl_ctx.load_verify_locations(cafile=str(self._s.ca_bundle))
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._s.request_timeout_s),
            headers={"User-Agent": self._s.user_agent, "Accept-Language": "ru-RU,ru;q=0.9"},
            connector=aiohttp.TCPConnector(limit=self._s.max_concurrency, ssl=ssl_ctx),
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._session is not None:
            await self._session.close()

    def _limiter(self, host: str) -> AsyncLimiter:
        if host not in self._limiters:
            rate = self._s.host_rate_per_s
            # Rates below 1/s are expressed as one request per 1/rate seconds.
            self._limiters[host] = (
                AsyncLimiter(1, 1 / rate) if rate < 1 else AsyncLimiter(rate, 1)
            )
        return self._limiters[host]

    async def get(self, url: str) -> Fetched:
        host = urlsplit(url).netloc
        if host not in self._allowed:
            raise HostNotAllowed(f"{host} is not in the court registry")

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, Retryable) and exc.retry_after is not None:
                return min(exc.retry_after, 120.0)
            return wait_random_exponential(multiplier=0.5, max=60)(state)

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            reason = exc.reason if isinstance(exc, Retryable) else type(exc).__name__
            metrics.RETRIES.labels(reason).inc()

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._s.max_retries),
            wait=wait,
            retry=retry_if_exception_type((Retryable, aiohttp.ClientError, asyncio.TimeoutError)),
            before_sleep=before_sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._get_once(url, host)
        raise AssertionError("unreachable")  # tenacity re-raises on exhaustion

    async def _get_once(self, url: str, host: str) -> Fetched:
        assert self._session is not None
        # Jitter keeps many courts from being hit in lock-step.
        await asyncio.sleep(random.uniform(0, 0.05 / max(self._s.host_rate_per_s, 0.05)))
        async with self._global, self._limiter(host):
            t0 = time.perf_counter()
            async with self._session.get(url, allow_redirects=False) as resp:
                body = await self._read_capped(resp)
                metrics.LATENCY.observe(time.perf_counter() - t0)
                fetched_at = datetime.now(UTC)
                if resp.status >= 500 or resp.status == 429:
                    ra = resp.headers.get("Retry-After")
                    retry_after = float(ra) if ra and ra.isdigit() else None
                    raise Retryable(f"http_{resp.status}", retry_after)
                text, _ = decode_page(body)
                state = classify_page(text) if resp.status == 200 else PageState.HTTP_ERROR
                if resp.status == 403 and "некорректен" in text:
                    state = PageState.WAF_BLOCK
                if state in (PageState.TRUNCATED, PageState.SITE_DOWN):
                    raise Retryable(state.value)
                return Fetched(url, resp.status, body, resp.charset, state, text, fetched_at)

    async def _read_capped(self, resp: aiohttp.ClientResponse) -> bytes:
        limit = self._s.max_body_bytes
        if resp.content_length is not None and resp.content_length > limit:
            raise ValueError(f"body of {resp.content_length} bytes exceeds {limit}")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(65536):
            size += len(chunk)
            if size > limit:
                raise ValueError(f"body exceeds {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
