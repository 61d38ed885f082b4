"""Walks each court's criminal first-instance docket, window by window, court by court.

Every response is published raw (the evidence behind every count). A window is recorded as
done only after its pages were acknowledged by Kafka and its rows add up to the site's own
counter, so a restart resumes exactly where the crawl stood. Courts run concurrently; one
court's windows run one after the other (the host spacing makes that polite anyway).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiohttp

from docketwatch.contract import CourtState, PageState
from docketwatch.kafka import RecordTooLarge
from services.fetcher import metrics
from services.fetcher.blocks import Blocks
from services.fetcher.courts import Court
from services.fetcher.health import HealthBook
from services.fetcher.http import BodyTooLarge, HostNotAllowed, Retryable
from services.fetcher.progress import WindowProgress
from services.fetcher.publisher import Publisher
from services.fetcher.reconcile import Ledger, Reconciler, reason_of, span
from services.fetcher.schedule import FULL, HOT, CourtSchedule
from services.fetcher.settings import FetcherSettings
from services.fetcher.siteclock import SiteClock
from services.fetcher.state import CrawlState, epoch
from services.fetcher.window import CourtBlocked, InterfaceMismatch, WindowCrawler
from services.fetcher.windows import DECISION, RECEIPT, Window, decision_windows, month_windows

log = logging.getLogger(__name__)

# A page too large to publish (BodyTooLarge, RecordTooLarge) fails its window like a failed
# request: recorded (dead letter, court health), retried on the next pass, never fatal.
FETCH_ERRORS = (Retryable, HostNotAllowed, BodyTooLarge, RecordTooLarge, aiohttp.ClientError,
                OSError, ValueError, TimeoutError)
_BLOCK_STATE = {PageState.WAF_BLOCK: CourtState.BLOCKED}
# The span of a court's docket that tells how busy it is when live mode starts.
SEED_DAYS = 90


@dataclass
class PassReport:
    pages: int = 0
    published: int = 0
    windows: int = 0
    skipped: int = 0  # windows already done in an earlier run and not due again
    cards: int = 0
    controls: int = 0  # counter requests that checked the windows (reconcile.py)
    check_pages: int = 0  # every request of those checks (re-asked windows included)
    # {court, kind, date_from, date_to, reason, note} of every window left to the next pass
    incomplete: list[dict[str, str]] = field(default_factory=list)
    blocked: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"pages": self.pages, "published": self.published, "windows": self.windows,
                "skipped": self.skipped, "cards": self.cards, "controls": self.controls,
                "check_pages": self.check_pages,
                "incomplete": self.incomplete, "blocked": self.blocked,
                "failed": self.failed, "seconds": round(self.seconds, 1)}

    def line(self) -> str:
        return (f"fetcher pass: {self.pages} pages fetched, {self.published} published, "
                f"{self.windows} windows, {self.skipped} windows already done, "
                f"{self.cards} cards, {self.controls} control requests, "
                f"blocked={self.blocked}, failed={self.failed}, "
                f"incomplete={len(self.incomplete)} in {self.seconds:.1f} s")


class Crawler:
    def __init__(self, settings: FetcherSettings, courts: list[Court], windows: WindowCrawler,
                 publisher: Publisher, state: CrawlState, blocks: Blocks,
                 health: HealthBook) -> None:
        self._s = settings
        self._courts = courts
        self._w = windows
        self._pub = publisher
        self._state = state
        self._blocks = blocks
        self._health = health
        self._reconciler = Reconciler(windows, state, settings.fetch_start)
        self._clock = SiteClock(settings.site_clock_url)

    # ------------------------------------------------------------------ planning

    def plan(self, court: Court, force: bool, end: date | None = None,
             ) -> tuple[list[Window], int]:
        """Windows due for a court, and how many were skipped as done and not due.

        Due: receipt windows never completed, recent ones (late-published cases), ones
        whose last completion is older than the re-sweep age; recent decision windows
        always (late decisions of cases received long ago).
        """
        end = end or self._s.end_date()
        recent_from = end - timedelta(days=self._s.recent_days)
        stale_before = (datetime.now(UTC) - timedelta(days=self._s.resweep_days)
                        if self._s.resweep_days > 0 else None)
        due: list[Window] = []
        skipped = 0
        for w in month_windows(self._s.fetch_start, end):
            done_at = self._state.window_done_at(court.vnkod, RECEIPT, *w.key)
            if (force or done_at is None or w.end >= recent_from
                    or (stale_before is not None and done_at < stale_before)):
                due.append(w)
            else:
                skipped += 1
        return due + decision_windows(end, self._s.decision_days), skipped

    def hot_windows(self, end: date) -> list[Window]:
        """The newest windows, where new rows appear: the receipt months overlapping the
        last ``DW_LIVE_HOT_RECEIPT_DAYS`` days, as sudrf publishes a case up to weeks after
        its receipt date and no list can be asked by publication date, and the decision
        months overlapping the last ``DW_LIVE_HOT_DAYS``. None when that is 0."""
        if self._s.live_hot_days <= 0:
            return []
        return (_overlapping(month_windows(self._s.fetch_start, end), end,
                             self._s.live_hot_receipt_days)
                + _overlapping(decision_windows(end, self._s.decision_days), end,
                               self._s.live_hot_days))

    async def hot_due(self, court: Court, end: date) -> list[Window]:
        """The newest windows a hot poll reads. Of each kind's several, none when one
        request for their whole range shows it as it was (WindowCrawler.unchanged): the
        range's counter equal to the windows' totals of their last complete fetch, so no
        case was added to any of them (but as another went, which a full pass's counter
        checks settle), and the rows on its first page unchanged. Otherwise every one,
        each skimmed in turn. Two months of receipt windows then cost a request a poll
        while nothing happens, as the current month alone would."""
        due: list[Window] = []
        hot = self.hot_windows(end)
        for kind in (RECEIPT, DECISION):
            ws = [w for w in hot if w.kind == kind]
            totals = [t for w in ws
                      if (t := self._state.window_total(court.vnkod, kind, *w.key)) is not None]
            if len(ws) > 1 and len(totals) == len(ws):
                try:
                    if await self._w.unchanged(court, span(ws), sum(totals)):
                        continue
                except (InterfaceMismatch, *FETCH_ERRORS) as exc:
                    # The windows' own requests retry, switch the interface or report it.
                    log.info("%s %s: %s; reading its windows", court.vnkod,
                             span(ws).label(), exc)
            due += ws
        return due

    def docket_per_day(self, code: str, end: date) -> float:
        """Rows a day that appeared or changed in the court's docket over the last
        SEED_DAYS, as the totals of its windows' last complete fetch show them: cases
        received, and cases decided (a decision changes a case's row). Low by the newest
        weeks, which sudrf publishes late, and by the acts, which no window counts."""
        per_day = 0.0
        for kind, windows in ((RECEIPT, month_windows(self._s.fetch_start, end)),
                              (DECISION, decision_windows(end, self._s.decision_days))):
            months = _overlapping(windows, end, SEED_DAYS)
            if months:
                rows = sum(self._state.window_total(code, kind, *w.key) or 0 for w in months)
                per_day += rows / ((end - months[-1].start).days + 1)
        return per_day

    async def window_end(self) -> date:
        """The last date of this poll's windows: DW_FETCH_END (default: today), and never
        past the sites' own today when their clock is known (DW_SITE_CLOCK_URL)."""
        end = self._s.end_date()
        if self._clock.url is None:
            return end
        return min(end, await self._clock.today())

    # ------------------------------------------------------------------ passes

    async def run_pass(self, *, force: bool = False) -> PassReport | None:
        """One pass over every court (the ``once`` mode and each live round)."""
        report = PassReport()
        pages0, published0 = self._w.pages, self._pub.published
        t0 = time.monotonic()
        with WindowProgress(self._s.progress) as progress:
            await asyncio.gather(*(self.crawl_court(c, report, force, progress)
                                   for c in self._courts))
        report.pages = self._w.pages - pages0
        report.published = self._pub.published - published0
        report.seconds = time.monotonic() - t0
        return report

    async def run_live(self, stop: asyncio.Event) -> PassReport | None:
        """Each court on its own schedule (schedule.py): full passes, and between them polls
        of its newest windows as often as its activity asks and its budget allows; never
        while its circuit is open."""
        budget = self._w.budget

        async def wait(seconds: float) -> None:
            try:
                await asyncio.wait_for(stop.wait(), max(0.0, seconds))
            except TimeoutError:
                pass

        async def loop(court: Court) -> None:
            code = court.vnkod
            # Without newest windows there is nothing to poll between full passes.
            hot = self._s.live_hot_days > 0
            sched = CourtSchedule(self._s.live_interval_s,
                                  self._s.live_hot_min_s if hot else math.inf,
                                  self._s.live_hot_max_s if hot else math.inf,
                                  self._s.live_budget_per_hour, self._s.live_activity_s)
            first = True
            while not stop.is_set():
                kind, at = sched.next(time.monotonic())
                if not first:
                    metrics.HOT_INTERVAL.labels(code).set(sched.hot_interval())
                    free = budget.free_at(code, sched.cost(kind))
                    if free > at:
                        metrics.BUDGET_DEFERRALS.labels(kind).inc()
                        at = free
                _, open_until = self._state.breaker(code)
                await wait(max(at - time.monotonic(), open_until - epoch()))
                if stop.is_set():
                    break
                started = time.monotonic()
                pages0 = self._w.court_pages[code]
                report = PassReport()
                end = await self.window_end()
                await self.crawl_court(court, report, False, WindowProgress(False), end=end,
                                       hot=kind == HOT)
                pages = self._w.court_pages[code] - pages0
                metrics.LIVE_POLLS.labels(kind).inc()
                log.info("%s %s: %d pages, %d windows, %d cards%s", code,
                         "live pass" if kind == FULL else "hot poll", pages, report.windows,
                         report.cards, f", failed: {report.failed}" if report.failed else "")
                if first:
                    # The catch-up pass is a backfill, not a live poll: neither its cost nor
                    # its new rows say anything about the court's live pace.
                    sched.full_cost = len(self.plan(court, False, end)[0]) + 2.0
                    # A hot poll that finds nothing reads one page of each kind's windows.
                    sched.hot_cost = max(1.0, float(len({w.kind for w in
                                                         self.hot_windows(end)})))
                    budget.enforce(code)
                if kind == FULL:
                    sched.set_docket(self.docket_per_day(code, end))
                sched.record(kind, started, pages, report.cards,
                             jitter=random.uniform(0.9, 1.1), learn=not first)
                metrics.BUDGET_USED.labels(code).set(budget.used(code))
                first = False

        await asyncio.gather(*(loop(c) for c in self._courts))
        return None

    async def crawl_court(self, court: Court, report: PassReport, force: bool,
                          progress: WindowProgress, *, end: date | None = None,
                          hot: bool = False) -> CourtState:
        """A court's pass: its due windows, then the counter checks. A ``hot`` poll fetches
        only the newest windows that changed (hot_due) and checks no counter: what it leaves
        unfinished (an empty window, rows short of the counter) waits for the next full
        pass, and it reports the court's health only when it failed."""
        code = court.vnkod
        end = end or self._s.end_date()
        mark = self._blocks.get(code)
        if mark is not None:
            report.blocked[code] = mark.get("state", "blocked")
            return await self._report(code, _court_state(mark.get("state", "")),
                                      f"marked: {mark.get('reason', '')}")
        failures, open_until = self._state.breaker(code)
        if open_until > epoch():
            report.failed[code] = "circuit open"
            return await self._report(code, CourtState.CIRCUIT_OPEN,
                                      f"circuit open for {open_until - epoch():.0f}s more")
        if hot:
            try:
                due, skipped = await self.hot_due(court, end), 0
            except CourtBlocked as exc:
                return await self._blocked(court, exc, report)
        else:
            due, skipped = self.plan(court, force, end)
        report.skipped += skipped
        progress.add(len(due))
        ledgers = self._ledgers(court, end)
        error: str | None = None
        incomplete = 0
        for w in due:
            try:
                outcome = await self._w.crawl(court, w, force=force, skim=hot)
            except CourtBlocked as exc:
                return await self._blocked(court, exc, report)
            except FETCH_ERRORS as exc:
                reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
                error = f"{w.label()}: {reason}"
                log.warning("%s %s failed: %s", code, w.label(), reason)
                report.failed[code] = str(reason)
                await self._pub.dead_letter(code, court.base_url, w.label(), exc)
                failures += 1
                if failures >= self._s.breaker_failures:
                    until = epoch() + self._s.breaker_cooldown_s
                    self._state.set_breaker(code, failures, until)
                    log.warning("%s: %d failed windows in a row, pausing for %.0fs", code,
                                failures, self._s.breaker_cooldown_s)
                    return await self._report(code, CourtState.CIRCUIT_OPEN, error)
                self._state.set_breaker(code, failures, 0.0)
                progress.advance()
                continue
            if failures:
                failures = 0
                self._state.set_breaker(code, 0, 0.0)
            progress.advance()
            report.cards += outcome.cards
            ledgers[w.kind].record(w, outcome)
            report.windows += outcome.complete
        if hot:
            if error is not None:
                return await self._report(code, CourtState.FAILING, error)
            return self._health.current.get(code, CourtState.OK)
        for ledger in ledgers.values():
            pages0 = self._w.court_pages[code]
            try:
                checked = await self._reconciler.reconcile(court, ledger, force)
            except CourtBlocked as exc:
                return await self._blocked(court, exc, report)
            except FETCH_ERRORS as exc:
                error = f"{ledger.kind} control: {type(exc).__name__}: {exc}"
                report.failed[code] = error
                for w, o in ledger.pending.items():
                    incomplete += 1
                    self._incomplete(code, w, reason_of(o), f"{o.note}; {error}", report)
                continue
            report.windows += checked.confirmed
            report.controls += checked.controls
            report.check_pages += self._w.court_pages[code] - pages0
            for w, reason, note in checked.incomplete:
                incomplete += 1
                self._incomplete(code, w, reason, note, report)
        if error is not None:
            return await self._report(code, CourtState.FAILING, error)
        if incomplete:
            left = [f"{i['kind']} {i['date_from']}..{i['date_to']} ({i['reason']})"
                    for i in report.incomplete if i["court"] == code]
            return await self._report(
                code, CourtState.INCOMPLETE,
                f"{incomplete} window(s) incomplete, retried next pass: "
                + ", ".join(left[:6]) + (", …" if len(left) > 6 else ""))
        return await self._report(code, CourtState.OK, None)

    def _ledgers(self, court: Court, end: date) -> dict[str, Ledger]:
        """Every window of each kind's range, with the totals of those done before."""
        out: dict[str, Ledger] = {}
        for kind, windows in ((RECEIPT, month_windows(self._s.fetch_start, end)),
                              (DECISION, decision_windows(end, self._s.decision_days))):
            ledger = Ledger(court.vnkod, kind, windows)
            ledger.totals = {w: self._state.window_total(court.vnkod, kind, *w.key)
                             for w in windows}
            out[kind] = ledger
        return out

    def _incomplete(self, code: str, w: Window, reason: str, note: str,
                    report: PassReport) -> None:
        metrics.INCOMPLETE.labels(reason).inc()
        report.incomplete.append({"court": code, "kind": w.kind, "date_from": w.key[0],
                                  "date_to": w.key[1], "reason": reason, "note": note})
        log.warning("%s %s incomplete: %s", code, w.label(), note)

    async def _blocked(self, court: Court, exc: CourtBlocked, report: PassReport) -> CourtState:
        # Never guess: mark the court and leave it until a solver or a person clears it.
        code = court.vnkod
        state = _BLOCK_STATE.get(exc.state, CourtState.CAPTCHA)
        self._blocks.mark(code, state.value, exc.reason, exc.url)
        report.blocked[code] = state.value
        log.warning("%s marked %s (%s); delete %s to clear", code, state.value, exc.reason,
                    self._blocks.path(code))
        return await self._report(code, state, exc.reason)

    async def _report(self, court: str, state: CourtState, error: str | None) -> CourtState:
        await self._health.report(court, state, error)
        return state


def _overlapping(windows: list[Window], end: date, days: int) -> list[Window]:
    """The windows that overlap the last ``days`` days up to ``end`` (none if 0)."""
    if days <= 0:
        return []
    since = end - timedelta(days=days)
    return [w for w in windows if w.end >= since]


def _court_state(value: str) -> CourtState:
    try:
        return CourtState(value)
    except ValueError:
        return CourtState.BLOCKED
