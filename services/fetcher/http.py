"""Polite HTTP to court sites: per-host spacing, global cap, retries with backoff."""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from docketwatch.contract import PageState
from docketwatch.sudrf import decode_page
from docketwatch.sudrf.classify import classify_page
from services.fetcher import metrics
from services.fetcher.pacing import HostPacer
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


class BodyTooLarge(ValueError):
    """A response over DW_MAX_BODY_BYTES: refused, never published (it could not fit a
    raw-page record), and reported like a failed request."""


class PoliteClient:
    def __init__(self, settings: FetcherSettings, allowed_hosts: set[str]) -> None:
        self._s = settings
        self._allowed = allowed_hosts
        self.pacer = HostPacer(settings.host_rate_per_s, settings.jitter)
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

    async def get(self, url: str, *, proxy: str | None = None) -> Fetched:
        host = urlsplit(url).netloc
        if host not in self._allowed:
            raise HostNotAllowed(f"{host} is not in the court registry")

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, Retryable) and exc.retry_after is not None:
                return min(exc.retry_after, 120.0)
            return wait_random_exponential(multiplier=self._s.backoff_s, max=60)(state)

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
                return await self._get_once(url, host, proxy or self._s.proxy)
        raise AssertionError("unreachable")  # tenacity re-raises on exhaustion

    async def _get_once(self, url: str, host: str, proxy: str | None) -> Fetched:
        assert self._session is not None
        async with self.pacer.slot(host), self._global:
            t0 = time.perf_counter()
            # Redirects are not followed: they could lead off the registry's hosts.
            async with self._session.get(url, allow_redirects=False, proxy=proxy) as resp:
                body = await self._read_capped(resp)
                metrics.LATENCY.observe(time.perf_counter() - t0)
                fetched_at = datetime.now(UTC)
                if resp.status >= 500 or resp.status == 429:
                    raise Retryable(f"http_{resp.status}",
                                    retry_after_seconds(resp.headers.get("Retry-After")))
                text, _ = decode_page(body)
                state = classify_page(text) if resp.status == 200 else PageState.HTTP_ERROR
                if resp.status == 403 and ("некорректен" in text or "заблокирован" in text):
                    state = PageState.WAF_BLOCK
                if state in (PageState.TRUNCATED, PageState.SITE_DOWN):
                    raise Retryable(state.value)
                return Fetched(url, resp.status, body, resp.charset, state, text, fetched_at)

    async def _read_capped(self, resp: aiohttp.ClientResponse) -> bytes:
        limit = self._s.max_body_bytes
        if resp.content_length is not None and resp.content_length > limit:
            metrics.OVERSIZED.labels("http").inc()
            raise BodyTooLarge(f"{resp.url}: body of {resp.content_length} bytes exceeds "
                               f"{limit} (DW_MAX_BODY_BYTES)")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(65536):
            size += len(chunk)
            if size > limit:
                metrics.OVERSIZED.labels("http").inc()
                raise BodyTooLarge(f"{resp.url}: body exceeds {limit} bytes "
                                   "(DW_MAX_BODY_BYTES)")
            chunks.append(chunk)
        return b"".join(chunks)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
