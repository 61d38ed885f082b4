"""The review dockets: the criminal appeal module of the district and fleet courts (OV) and
of the Appellate Military Court (50AV0000), the criminal cassation module of the Cassation
Military Court (54KV0000).

Each is walked like a first-instance docket, with the same client (so the same per-host
politeness and retries), the same completeness rule (a receipt window is done when its
distinct rows add up to the site's counter, and is fetched again otherwise), the same
captcha and block handling, and the card of every new or changed row. What differs:

* the queries (``docketwatch.sudrf.query.review_list_params`` / ``review_card_params``);
* the windows' kind, ``review-<module>``, so their state never mixes with the court's
  first-instance windows;
* no window manifest: the parser's manifest check is about first-instance cases, and a
  review list does not list those;
* the windows are then checked against the site's counter of the whole range and of each
  year (``reconcile.py``), as the first-instance ones are; what does not add up is logged,
  counted (``docketwatch_fetcher_incomplete_windows_total``), listed in the pass report and
  fetched again on the next pass, but the court's health stays the first-instance crawl's.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from docketwatch.contract import PageKind, PageState
from docketwatch.sudrf import ListRow
from docketwatch.sudrf.query import (
    REVIEW_MODULES,
    review_card_params,
    review_list_params,
    review_modules,
)
from services.fetcher import metrics
from services.fetcher.captcha import CaptchaSolver
from services.fetcher.courts import Court
from services.fetcher.crawler import FETCH_ERRORS, PassReport
from services.fetcher.health import HealthBook
from services.fetcher.http import PoliteClient
from services.fetcher.publisher import Pending, Publisher
from services.fetcher.reconcile import Ledger, Reconciler
from services.fetcher.schedule import RequestBudget
from services.fetcher.settings import FetcherSettings
from services.fetcher.state import CrawlState
from services.fetcher.window import CARD_BATCH, CourtBlocked, WindowCrawler, _remember
from services.fetcher.windows import Window, month_windows

log = logging.getLogger(__name__)


def review_kind(module: str) -> str:
    return f"review-{module}"


class ReviewWindowCrawler(WindowCrawler):
    """A :class:`WindowCrawler` over one review module's receipt windows."""

    module: str = "appeal"

    def _list_query(self, iface: str, w: Window, page: int) -> list[tuple[str, str]]:
        d_from, d_to = w.sudrf()
        return review_list_params(self.module, page=page, entry_from=d_from, entry_to=d_to)

    async def _cards(self, court: Court, iface: str, rows: list[ListRow], force: bool) -> int:
        todo = [r for r in rows
                if force or self._state.row_fingerprint(court.vnkod, r.key) != r.fingerprint]
        pending = Pending()
        gate = asyncio.Semaphore(max(1, self._s.card_concurrency))

        async def one(r: ListRow) -> None:
            async with gate:
                query = review_card_params(self.module, r.case_id, r.case_uid)
                f, sent = await self._checked(court, query, PageKind.CARD, force, pending)
                if f.state is PageState.OK:
                    sent.after = _remember(self._state, court.vnkod, r)

        for i in range(0, len(todo), CARD_BATCH):
            await asyncio.gather(*(one(r) for r in todo[i:i + CARD_BATCH]))
            await self._pub.settle(pending)
        return len(todo)


class ReviewCrawler:
    """Every review module of every court that holds one: a pass, or live rounds."""

    def __init__(self, windows: dict[str, ReviewWindowCrawler], courts: list[Court]) -> None:
        self._w = windows
        self._courts = [c for c in courts if review_modules(c.vnkod)]

    @property
    def courts(self) -> list[Court]:
        """The courts that hold a review module (none: nothing to do)."""
        return self._courts

    def plan(self, court: Court, module: str, force: bool) -> list[Window]:
        s = self._w[module]._s
        end = s.end_date()
        recent_from = end - timedelta(days=s.recent_days)
        stale_before = (datetime.now(UTC) - timedelta(days=s.resweep_days)
                        if s.resweep_days > 0 else None)
        state = self._w[module]._state
        due: list[Window] = []
        for w in month_windows(s.fetch_start, end, review_kind(module)):
            done_at = state.window_done_at(court.vnkod, w.kind, *w.key)
            if (force or done_at is None or w.end >= recent_from
                    or (stale_before is not None and done_at < stale_before)):
                due.append(w)
        return due

    async def crawl_court(self, court: Court, report: PassReport, force: bool) -> None:
        for module in review_modules(court.vnkod):
            crawler = self._w[module]
            s = crawler._s
            kind = review_kind(module)
            every = month_windows(s.fetch_start, s.end_date(), kind)
            ledger = Ledger(court.vnkod, kind, every)
            ledger.totals = {w: crawler._state.window_total(court.vnkod, kind, *w.key)
                             for w in every}
            for w in self.plan(court, module, force):
                try:
                    outcome = await crawler.crawl(court, w, force=force)
                except CourtBlocked as exc:
                    # The first-instance crawl marks and reports the court; here, stop.
                    report.blocked[court.vnkod] = exc.state.value
                    log.warning("%s %s blocked: %s", court.vnkod, w.label(), exc.reason)
                    return
                except FETCH_ERRORS as exc:
                    report.failed[court.vnkod] = f"{w.label()}: {exc}"
                    log.warning("%s %s failed: %s", court.vnkod, w.label(), exc)
                    continue
                report.cards += outcome.cards
                report.windows += outcome.complete
                ledger.record(w, outcome)
            # The first-instance rule: the windows against the site's counter of the whole
            # range, then of each year; an empty answer alone never makes a window done.
            try:
                checked = await Reconciler(crawler, crawler._state, s.fetch_start).reconcile(
                    court, ledger, force)
            except CourtBlocked as exc:
                report.blocked[court.vnkod] = exc.state.value
                return
            except FETCH_ERRORS as exc:
                report.failed[court.vnkod] = f"{kind} control: {exc}"
                continue
            report.windows += checked.confirmed
            report.controls += checked.controls
            for w, reason, note in checked.incomplete:
                metrics.INCOMPLETE.labels(reason).inc()
                report.incomplete.append({"court": court.vnkod, "kind": w.kind,
                                          "date_from": w.key[0], "date_to": w.key[1],
                                          "reason": reason, "note": note})
                log.warning("%s %s incomplete: %s", court.vnkod, w.label(), note)

    async def run_pass(self, *, force: bool = False) -> PassReport:
        report = PassReport()
        await asyncio.gather(*(self.crawl_court(c, report, force) for c in self._courts))
        return report

    async def run_live(self, stop: asyncio.Event, interval_s: float) -> None:
        async def loop(court: Court) -> None:
            while not stop.is_set():
                await self.crawl_court(court, PassReport(), False)
                try:
                    await asyncio.wait_for(stop.wait(), interval_s)
                except TimeoutError:
                    pass

        await asyncio.gather(*(loop(c) for c in self._courts))


def review_windows(settings: FetcherSettings, client: PoliteClient, publisher: Publisher,
                   state: CrawlState, solver: CaptchaSolver, health: HealthBook,
                   budget: RequestBudget | None = None) -> dict[str, ReviewWindowCrawler]:
    """One window crawler per review module, sharing the client (politeness), publisher,
    state and captcha solver of the first-instance crawl."""
    out: dict[str, ReviewWindowCrawler] = {}
    for module in REVIEW_MODULES:
        crawler = ReviewWindowCrawler(settings, client, publisher, state, solver, health,
                                      budget)
        crawler.module = module
        out[module] = crawler
    return out
