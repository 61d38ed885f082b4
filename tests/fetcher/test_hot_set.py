"""Live mode's newest windows (issue 18, item 4): which windows a hot poll reads, and what
it costs. sudrf publishes a case up to weeks after its receipt date and its list cannot be
asked by publication date, so the hot set reaches two months of receipt windows back; one
request for their whole range tells whether any of them changed. The simulator served
in-process over real HTTP, the real crawler, its pages published to the real broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestServer

from docketwatch.kafka import ensure_topics, make_producer
from launcher.stack import Stack
from services.fetcher.blocks import Blocks
from services.fetcher.captcha import CaptchaSolver
from services.fetcher.courts import Court
from services.fetcher.crawler import Crawler, PassReport
from services.fetcher.health import HealthBook
from services.fetcher.http import PoliteClient
from services.fetcher.progress import WindowProgress
from services.fetcher.publisher import Publisher
from services.fetcher.settings import FetcherSettings
from services.fetcher.state import CrawlState
from services.fetcher.window import WindowCrawler
from services.fetcher.windows import DECISION, RECEIPT
from services.simulator.app import AccessLog, make_app
from services.simulator.clock import SimClock
from services.simulator.corpus import Corpus, build_corpus
from services.simulator.courts import load_courts

START = date(2024, 8, 1)
VNKOD = "25GV0001"
# The day before and the day a case received on 31 October is published (seed 5).
D1, D2 = date(2024, 12, 11), date(2024, 12, 12)


def settings(tmp_path: Path, **kw: Any) -> FetcherSettings:
    base: dict[str, Any] = {"fetch_start": START, "fetch_end": D2, "host_rate_per_s": 0,
                            "state_dir": tmp_path / "state"}
    return FetcherSettings(**{**base, **kw})


def hot(tmp_path: Path, end: date, **kw: Any) -> list[tuple[str, str, str]]:
    s = settings(tmp_path, **kw)
    state = CrawlState(s.state_path())
    try:
        crawler = Crawler(s, [], None, None, state, None, None)  # type: ignore[arg-type]
        return [(w.kind, *w.key) for w in crawler.hot_windows(end)]
    finally:
        state.close()


def test_the_hot_set_is_two_months_of_receipts_and_the_newest_decisions(
        tmp_path: Path) -> None:
    # 3 December: receipts since 4 October (60 days), decisions since 19 November (14).
    assert hot(tmp_path, date(2024, 12, 3)) == [
        (RECEIPT, "2024-12-01", "2024-12-03"), (RECEIPT, "2024-11-01", "2024-11-30"),
        (RECEIPT, "2024-10-01", "2024-10-31"),
        (DECISION, "2024-12-01", "2024-12-03"), (DECISION, "2024-11-01", "2024-11-30")]
    # 31 December: since 1 November and since 17 December.
    assert hot(tmp_path, date(2024, 12, 31)) == [
        (RECEIPT, "2024-12-01", "2024-12-31"), (RECEIPT, "2024-11-01", "2024-11-30"),
        (DECISION, "2024-12-01", "2024-12-31")]
    # The set before (DW_LIVE_HOT_DAYS for both kinds): no receipt window before November.
    assert hot(tmp_path, date(2024, 12, 12), live_hot_receipt_days=14) == [
        (RECEIPT, "2024-12-01", "2024-12-12"), (RECEIPT, "2024-11-01", "2024-11-30"),
        (DECISION, "2024-12-01", "2024-12-12"), (DECISION, "2024-11-01", "2024-11-30")]
    assert hot(tmp_path, date(2024, 12, 12), live_hot_receipt_days=0) == [
        (DECISION, "2024-12-01", "2024-12-12"), (DECISION, "2024-11-01", "2024-11-30")]
    assert hot(tmp_path, date(2024, 12, 12), live_hot_days=0) == []  # full passes only


def test_a_courts_docket_pace_counts_its_cases_received_and_decided(tmp_path: Path) -> None:
    # 2 December: the months overlapping the last 90 days, 1 September on, are 93 days.
    end = date(2024, 12, 2)
    s = settings(tmp_path, fetch_end=end)
    state = CrawlState(s.state_path())
    try:
        crawler = Crawler(s, [], None, None, state, None, None)  # type: ignore[arg-type]
        for month in ("09", "10", "11"):
            last = "30" if month in ("09", "11") else "31"
            state.mark_window(VNKOD, RECEIPT, f"2024-{month}-01", f"2024-{month}-{last}",
                              total=31, rows=31)
            state.mark_window(VNKOD, DECISION, f"2024-{month}-01", f"2024-{month}-{last}",
                              total=62, rows=62)
        state.mark_window(VNKOD, RECEIPT, "2024-12-01", "2024-12-02", total=31, rows=31)
        state.mark_window(VNKOD, DECISION, "2024-12-01", "2024-12-02", total=62, rows=62)
        # August ended more than 90 days before.
        state.mark_window(VNKOD, RECEIPT, "2024-08-01", "2024-08-31", total=900, rows=900)
        assert crawler.docket_per_day(VNKOD, end) == (4 * 31 + 4 * 62) / 93 == 4.0
        assert crawler.docket_per_day("61GV0001", end) == 0.0  # no window done: quiet
    finally:
        state.close()


@dataclass
class Site:
    corpus: Corpus
    clock: SimClock
    log: AccessLog
    crawler: Crawler
    court: Court

    def requests(self, since: int) -> list[tuple[str, ...]]:
        """Requests after the first ``since``: ("receipt" or "decision", from, to, page) of
        a list, ("card", case number) of a card."""
        numbers = {c.case_uid: c.case_number for c in self.corpus.cases}
        out: list[tuple[str, ...]] = []
        for r in list(self.log.records)[since:]:
            q = {k: v[0] for k, v in parse_qs(urlsplit(r.path_qs).query).items()}
            if q["name_op"] == "case":
                out.append(("card", numbers[q["case_uid"]]))
            elif "u1_case__RESULT_DATE1D" in q:
                out.append((DECISION, q["u1_case__RESULT_DATE1D"], q["u1_case__RESULT_DATE2D"],
                            q.get("page", "1")))
            else:
                out.append((RECEIPT, q["u1_case__ENTRY_DATE1D"], q["u1_case__ENTRY_DATE2D"],
                            q.get("page", "1")))
        return out

    async def poll(self, *, hot: bool) -> tuple[PassReport, list[tuple[str, ...]]]:
        n = len(self.log.records)
        report = PassReport()
        await self.crawler.crawl_court(self.court, report, False, WindowProgress(False),
                                       end=D2, hot=hot)
        return report, self.requests(n)


@pytest.fixture
async def site(stack: Stack, tmp_path: Path) -> AsyncIterator[Site]:
    corpus = build_corpus(seed=5, start=START, end=date(2025, 1, 31),
                          courts=[c for c in load_courts() if c.vnkod == VNKOD], scale=0.05)
    clock, log = SimClock(D1), AccessLog()
    server = TestServer(make_app(corpus, clock, None, log))
    await server.start_server()
    s = settings(tmp_path)
    court = Court(VNKOD, "", str(server.make_url(f"/{VNKOD}")))
    state = CrawlState(s.state_path())
    await ensure_topics(stack.bootstrap)
    producer = make_producer(stack.bootstrap, client_id="test-hot-set")
    await producer.start()
    try:
        async with PoliteClient(s, {court.host}) as client:
            publisher = Publisher(producer, state)
            health = HealthBook(state, None, False)
            windows = WindowCrawler(s, client, publisher, state, CaptchaSolver(None), health)
            crawler = Crawler(s, [court], windows, publisher, state,
                              Blocks(tmp_path / "blocked"), health)
            yield Site(corpus, clock, log, crawler, court)
    finally:
        await producer.stop()
        state.close()
        await server.close()


async def test_a_case_published_six_weeks_after_its_receipt_is_found_by_a_hot_poll(
        site: Site) -> None:
    late = [(c.case_number, c.receipt_date) for c in site.corpus.cases
            if c.published_at == D2 and (D2 - c.receipt_date).days >= 40]
    assert late == [("1-221/2024", date(2024, 10, 31))]  # 42 days: in no 14-day hot set
    report, _ = await site.poll(hot=False)  # the catch-up pass, the sites at D1
    assert not report.incomplete and not report.failed
    site.clock.set(D2)

    report, sent = await site.poll(hot=True)
    assert ("card", "1-221/2024") in sent and ("card", "1-336/2024") in sent  # both new
    receipts = [r for r in sent if r[0] == RECEIPT]
    # One request for the range of the two months' windows (it changed), then each window:
    # November, which did not change, at its first page only.
    assert receipts[0] == (RECEIPT, "01.10.2024", "12.12.2024", "1")
    assert {r[1:3] for r in receipts[1:]} == {("01.12.2024", "12.12.2024"),
                                             ("01.11.2024", "30.11.2024"),
                                             ("01.10.2024", "31.10.2024")}
    assert [r for r in receipts if r[1] == "01.11.2024"] == [
        (RECEIPT, "01.11.2024", "30.11.2024", "1")]
    assert not report.failed

    # Nothing new since: one request for each kind's range, and nothing else.
    report, sent = await site.poll(hot=True)
    assert sent == [(RECEIPT, "01.10.2024", "12.12.2024", "1"),
                    (DECISION, "01.11.2024", "12.12.2024", "1")]
    assert (report.cards, report.windows) == (0, 0)


async def test_a_change_on_the_first_page_of_a_range_is_read_without_a_new_case(
        site: Site) -> None:
    await site.poll(hot=False)
    # A row the fetcher has seen differently (as when a decision or act appears on it):
    # the range's counter is as before, but its first page is not.
    state: CrawlState = site.crawler._state
    newest = sorted((c for c in site.corpus.cases
                     if c.published_at <= D1 and c.receipt_date >= date(2024, 10, 1)),
                    key=lambda c: (c.receipt_date, int(c.case_number[2:].split("/")[0])))[-1]
    state.set_row_fingerprint(VNKOD, newest.case_uid.lower(), "stale")
    report, sent = await site.poll(hot=True)
    # Both ranges asked first; the receipt range's first page shows the row, so its windows
    # are read: the one holding the row whole, each other at its first page (the skim).
    assert sent == [(RECEIPT, "01.10.2024", "12.12.2024", "1"),
                    (DECISION, "01.11.2024", "12.12.2024", "1"),
                    (RECEIPT, "01.12.2024", "12.12.2024", "1"), ("card", newest.case_number),
                    (RECEIPT, "01.11.2024", "30.11.2024", "1"),
                    (RECEIPT, "01.10.2024", "31.10.2024", "1")]
    assert report.cards == 1
