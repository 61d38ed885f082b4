"""Walks each court's criminal first-instance docket window by window, page by page.

Every response is published raw (the evidence behind every count). A window is recorded as
done only after its pages were acknowledged by Kafka and its rows add up to the site's own
counter, so a restart resumes exactly where the crawl stood.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer

from docketwatch.contract import (
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    DeadLetter,
    PageKind,
    PageState,
    RawPage,
    sha256_hex,
)
from docketwatch.sudrf import (
    ROWS_PER_PAGE,
    content_fingerprint,
    count_rows,
    encode_query,
    list_params,
    read_counter,
)
from services.fetcher import metrics
from services.fetcher.courts import Court
from services.fetcher.http import Fetched, HostNotAllowed, PoliteClient, Retryable
from services.fetcher.settings import FetcherSettings
from services.fetcher.state import CrawlState
from services.fetcher.windows import Window, month_windows

log = logging.getLogger(__name__)

VERSION = "fetcher/1"
_BLOCKING = {PageState.CAPTCHA, PageState.WRONG_CAPTCHA, PageState.WAF_BLOCK}


@dataclass
class WindowResult:
    total: int
    rows: int
    state: PageState


@dataclass
class PassReport:
    pages: int = 0
    published: int = 0
    windows: int = 0
    incomplete: list[str] = field(default_factory=list)
    blocked: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


class Crawler:
    def __init__(
        self,
        settings: FetcherSettings,
        courts: list[Court],
        client: PoliteClient,
        producer: AIOKafkaProducer,
        state: CrawlState,
    ) -> None:
        self._s = settings
        self._courts = courts
        self._client = client
        self._producer = producer
        self._state = state

    async def run_pass(self, *, force: bool = False) -> PassReport:
        report = PassReport()
        windows = month_windows(self._s.fetch_start, self._s.end_date())
        await asyncio.gather(*(self._crawl_court(c, windows, report, force) for c in self._courts))
        return report

    async def _crawl_court(
        self, court: Court, windows: list[Window], report: PassReport, force: bool
    ) -> None:
        recent_from = self._s.end_date() - timedelta(days=self._s.recent_days)
        for w in windows:
            is_recent = w.end >= recent_from
            if not force and not is_recent and self._state.window_done(court.vnkod, "receipt",
                                                                       *w.key):
                continue
            try:
                result = await self._crawl_window(court, w, report, force)
            except (Retryable, HostNotAllowed, OSError, ValueError, TimeoutError) as exc:
                # The court is unreachable for now: the window stays not-done and is
                # retried on the next pass; nothing already published is lost.
                reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
                log.warning("%s %s..%s failed: %s", court.vnkod, *w.key, reason)
                report.failed[court.vnkod] = str(reason)
                self._state.set_health(court.vnkod, "failing", error=str(reason))
                metrics.COURT_STATE.labels(court.vnkod).set(0)
                await self._dead_letter(court, w, exc)
                return
            if result.state in _BLOCKING:
                # Never guess a captcha: mark the court and leave it until a person clears it.
                report.blocked[court.vnkod] = result.state.value
                self._state.set_health(court.vnkod, result.state.value)
                metrics.COURT_STATE.labels(court.vnkod).set(0)
                return
            report.windows += 1
            self._state.set_health(court.vnkod, "ok")
            metrics.COURT_STATE.labels(court.vnkod).set(1)

    async def _crawl_window(
        self, court: Court, w: Window, report: PassReport, force: bool, attempt: int = 1
    ) -> WindowResult:
        date_from, date_to = w.sudrf()
        page, rows, total = 1, 0, 0
        pending: list[tuple[str, str, asyncio.Future[object] | None]] = []
        while True:
            params = list_params(page=page, entry_from=date_from, entry_to=date_to)
            url = f"{court.base_url}/modules.php?{encode_query(params)}"
            fetched = await self._client.get(url)
            report.pages += 1
            metrics.PAGES.labels(fetched.state.value).inc()
            pending.append(await self._publish(court, fetched, dict(params), force))
            if fetched.state in _BLOCKING:
                await self._settle(pending, report)
                return WindowResult(0, 0, fetched.state)
            if fetched.state == PageState.EMPTY:
                break
            if fetched.state != PageState.OK:
                raise Retryable(f"unexpected page state {fetched.state.value} at {url}")
            counter = read_counter(fetched.text)
            if counter is None:
                raise Retryable(f"no counter at {url}")
            total = counter
            rows += count_rows(fetched.text)
            if page >= math.ceil(total / ROWS_PER_PAGE):
                break
            page += 1
        await self._settle(pending, report)
        if rows != total:
            if attempt < 2:
                return await self._crawl_window(court, w, report, True, attempt + 1)
            metrics.INCOMPLETE.inc()
            report.incomplete.append(f"{court.vnkod} {date_from}-{date_to}: {rows}/{total}")
            log.warning("%s %s-%s: %d rows for a counter of %d", court.vnkod, date_from,
                        date_to, rows, total)
            return WindowResult(total, rows, PageState.OK)
        self._state.mark_window(court.vnkod, "receipt", *w.key, total, rows)
        return WindowResult(total, rows, PageState.OK)

    async def _publish(
        self, court: Court, f: Fetched, params: dict[str, str], force: bool
    ) -> tuple[str, str, asyncio.Future[object] | None]:
        fingerprint = content_fingerprint(f.text)
        if not force and self._state.page_hash(f.url) == fingerprint:
            metrics.UNCHANGED.inc()
            return f.url, fingerprint, None
        page = RawPage(
            page_id=sha256_hex(f"{court.vnkod}|{f.url}|{f.fetched_at.isoformat()}".encode()),
            court_code=court.vnkod,
            url=f.url,
            params=params,
            kind=PageKind.LIST,
            fetched_at=f.fetched_at,
            http_status=f.status,
            state=f.state,
            charset=f.charset,
            sha256=sha256_hex(f.body),
            body=f.body,
        )
        fut = await self._producer.send(TOPIC_RAW_PAGES, page.to_bytes(), key=court.vnkod.encode())
        return f.url, fingerprint, fut

    async def _settle(
        self, pending: list[tuple[str, str, asyncio.Future[object] | None]], report: PassReport
    ) -> None:
        """Wait for Kafka's acks, then remember the pages as published."""
        for url, fingerprint, fut in pending:
            if fut is not None:
                await fut
                report.published += 1
                metrics.PUBLISHED.inc()
            self._state.set_page_hash(url, fingerprint)
        pending.clear()

    async def _dead_letter(self, court: Court, w: Window, exc: BaseException) -> None:
        letter = DeadLetter(
            stage="fetcher",
            error_type=type(exc).__name__,
            error=f"{court.vnkod} window {w.key[0]}..{w.key[1]}: {exc}",
            stage_version=VERSION,
            court_code=court.vnkod,
            url=court.base_url,
            created_at=datetime.now(UTC),
            payload=b"",
        )
        await self._producer.send_and_wait(TOPIC_DEAD_LETTERS, letter.to_bytes(),
                                           key=court.vnkod.encode())
