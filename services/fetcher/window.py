"""One window of one court: every list page, completeness, then the cards of new rows.

A window is complete when the distinct rows (by case link) of its pages add up to the
site's own counter. Pages can disagree with each other (a case registered between two
page fetches shifts every row down one place, so one row repeats and another is never
shown), so rows are de-duplicated by case link and a window that does not add up is
fetched again; rows seen on any attempt count, since every one of them is a real case.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from docketwatch.contract import ManifestRow, PageKind, PageState, WindowManifest
from docketwatch.sudrf import (
    ROWS_PER_PAGE,
    STANDARD,
    VNKOD,
    ListRow,
    captcha_challenge,
    card_params,
    encode_query,
    list_layout,
    list_params,
    list_rows,
    read_counter,
)
from services.fetcher import metrics
from services.fetcher.captcha import CaptchaSolver
from services.fetcher.courts import Court
from services.fetcher.health import HealthBook
from services.fetcher.http import Fetched, PoliteClient, Retryable
from services.fetcher.publisher import Pending, Publisher, Sent
from services.fetcher.schedule import RequestBudget
from services.fetcher.settings import FetcherSettings
from services.fetcher.state import CrawlState
from services.fetcher.windows import DECISION, RECEIPT, Window

log = logging.getLogger(__name__)

_BLOCKING = {PageState.CAPTCHA, PageState.WRONG_CAPTCHA, PageState.WAF_BLOCK}
CARD_BATCH = 50  # cards acknowledged (and remembered) in batches of this many


class CourtBlocked(Exception):
    """A captcha or WAF that plain re-requests did not get past: wait for a person."""

    def __init__(self, state: PageState, url: str, reason: str) -> None:
        super().__init__(reason)
        self.state, self.url, self.reason = state, url, reason


class InterfaceMismatch(Exception):
    def __init__(self, interface: str) -> None:
        super().__init__(interface)
        self.interface = interface


@dataclass
class Attempt:
    rows: dict[str, ListRow] = field(default_factory=dict)
    counters: set[int] = field(default_factory=set)
    pages: int = 0
    short: bool = False  # a page after the first came back empty
    skimmed: bool = False  # stopped after a first page that showed nothing new (skim)

    @property
    def total(self) -> int:
        return max(self.counters) if self.counters else 0

    @property
    def consistent(self) -> bool:
        return len(self.counters) <= 1 and not self.short


@dataclass
class WindowOutcome:
    complete: bool
    total: int
    rows: int
    cards: int
    note: str = ""
    # The site said «no data» and nothing contradicted it yet. sudrf says so falsely at
    # times, so the window is done only once a control confirms it (reconcile.py).
    unconfirmed_empty: bool = False
    # Every distinct row seen, for a window that is not done yet (reconcile.py may still
    # confirm it).
    seen: dict[str, ListRow] = field(default_factory=dict)


class WindowCrawler:
    def __init__(self, settings: FetcherSettings, client: PoliteClient, publisher: Publisher,
                 state: CrawlState, solver: CaptchaSolver, health: HealthBook,
                 budget: RequestBudget | None = None) -> None:
        self._s = settings
        self._client = client
        self._pub = publisher
        self._state = state
        self._solver = solver
        self._health = health
        self.pages = 0
        self.court_pages: Counter[str] = Counter()  # a court's windows run one at a time
        # Live mode's requests per court per hour, enforced on every request (schedule.py).
        self.budget = budget or RequestBudget(0)

    def interface(self, court: Court) -> str:
        return self._state.interface(court.vnkod) or court.interface

    async def crawl(self, court: Court, w: Window, *, force: bool,
                    skim: bool = False) -> WindowOutcome:
        """``skim`` (live mode's hot polls): a window complete before whose first page shows
        the same counter and only rows already fetched, unchanged, is left at that page;
        rows that changed further down (an act) or a case added as another went (the
        counter unchanged) wait for the next full pass."""
        for _ in range(2):
            iface = self.interface(court)
            try:
                return await self._crawl(court, iface, w, force, skim)
            except InterfaceMismatch as exc:
                # The registry's 2023 survey is a hint; the site's answer decides.
                log.warning("%s speaks the %s interface, not %s: switching", court.vnkod,
                            exc.interface, iface)
                self._state.set_interface(court.vnkod, exc.interface)
        raise Retryable(f"{court.vnkod}: interface keeps changing")

    async def _crawl(self, court: Court, iface: str, w: Window, force: bool,
                     skim: bool) -> WindowOutcome:
        kind, (d_from, d_to) = w.kind, w.key
        previous = self._state.window_total(court.vnkod, kind, d_from, d_to)
        seen: dict[str, ListRow] = {}
        consensus: int | None = None
        note = ""
        for attempt_no in range(1, max(1, self._s.window_attempts) + 1):
            if attempt_no > 1:
                metrics.REFETCHES.inc()
            pending = Pending()
            att = await self._list(court, iface, w, previous, force, pending,
                                   skim and attempt_no == 1 and not force)
            await self._pub.settle(pending)
            if att.skimmed:
                metrics.SKIMMED.inc()
                return WindowOutcome(False, att.total, len(att.rows), 0,
                                     "first page unchanged")
            seen.update(att.rows)
            if att.consistent:
                consensus = att.total
            if att.consistent and len(att.rows) == att.total:
                break
            note = (f"attempt {attempt_no}: {len(att.rows)} distinct rows, counters "
                    f"{sorted(att.counters)}{', a page came back empty' if att.short else ''}")
            log.info("%s %s does not add up (%s); fetching it again", court.vnkod, w.label(),
                     note)
        complete = consensus is not None and len(seen) == consensus
        if (consensus == 0 and previous and previous > 0 and not seen):
            # Rows were there before and every re-request says «no data»: report, keep the
            # last good count, and try again on the next pass.
            complete, note = False, f"empty, but {previous} rows on the last complete fetch"
        cards = await self._cards(court, iface, list(seen.values()), force)
        total = consensus if consensus is not None else max(len(seen), 0)
        if complete and not seen:
            return WindowOutcome(False, 0, 0, cards, "empty", unconfirmed_empty=True)
        if complete:
            await self.finish(court, w, total, seen, force)
        return WindowOutcome(complete, total, len(seen), cards, note,
                             seen={} if complete else seen)

    async def finish(self, court: Court, w: Window, total: int, seen: dict[str, ListRow],
                     force: bool) -> None:
        """Record a window as done (and, for a receipt window, account for its rows)."""
        if w.kind == RECEIPT and not self._s.articles:
            # Only a complete, unfiltered receipt window says which cases the site lists
            # no more; published before the window is marked done, so a crash re-sends it.
            await self._manifest(court, self.interface(court), w, total, seen, force)
        self._state.mark_window(court.vnkod, w.kind, *w.key, total, len(seen))
        metrics.WINDOWS.labels(w.kind).inc()

    async def control(self, court: Court, w: Window, force: bool) -> int | None:
        """The site's counter for a range (first page only), or None when the site says
        «no data» even after re-asking: a count from a page that lists rows cannot be
        falsely empty, an empty answer proves nothing."""
        f = await self._first_page(court, w, force, self._s.empty_confirmations)
        metrics.CONTROLS.labels(w.kind).inc()
        if f.state is PageState.EMPTY:
            return None
        return _counter(f)

    async def unchanged(self, court: Court, w: Window, expected: int) -> bool:
        """Live mode's hot polls: whether the first page of ``w``, the range of several
        windows, shows their ``expected`` rows in all and only rows fetched before,
        unchanged: the skim of one window (``crawl``) over a range, one request for
        all of it. An empty answer is taken at its word only where no row is expected."""
        f = await self._first_page(court, w, False, 0)
        att = Attempt()
        if f.state is not PageState.EMPTY:
            _read(f, att)
        same = self._as_before(court, att, expected)
        metrics.HOT_RANGES.labels(w.kind, "unchanged" if same else "changed").inc()
        return same

    async def _first_page(self, court: Court, w: Window, force: bool,
                          confirmations: int) -> Fetched:
        iface = self.interface(court)
        pending = Pending()
        f = await self._list_page(court, iface, self._list_query(iface, w, 1), force, pending,
                                  confirmations)
        await self._pub.settle(pending)
        return f

    async def _manifest(self, court: Court, iface: str, w: Window, total: int,
                        seen: dict[str, ListRow], force: bool) -> None:
        manifest = WindowManifest(
            court_code=court.vnkod, date_from=w.start, date_to=w.end, total=total,
            rows=tuple(ManifestRow(case_uid=r.case_uid, case_id=r.case_id, case_number=r.number)
                       for _, r in sorted(seen.items())),
        )
        body = manifest.model_dump_json().encode("utf-8")
        # Named after the window's first list page: the manifest cites where it was read.
        first = f"{court.base_url}/modules.php?{encode_query(self._list_query(iface, w, 1))}"
        f = Fetched(url=f"{first}#window", status=200, body=body, charset="utf-8",
                    state=PageState.OK, text=body.decode("utf-8"), fetched_at=datetime.now(UTC))
        pending = Pending()
        # Unchanged since the last one for this window (same URL, same rows): not re-sent.
        await self._pub.send(court.vnkod, f, {"window_from": w.key[0], "window_to": w.key[1]},
                             PageKind.WINDOW, force, pending)
        await self._pub.settle(pending)
        metrics.MANIFESTS.inc()

    # ------------------------------------------------------------------ list pages

    def _list_query(self, iface: str, w: Window, page: int) -> list[tuple[str, str]]:
        d_from, d_to = w.sudrf()
        dates = ({"result_from": d_from, "result_to": d_to} if w.kind == DECISION
                 else {"entry_from": d_from, "entry_to": d_to})
        return list_params(iface, page=page, articles=self._s.articles, **dates)

    async def _list(self, court: Court, iface: str, w: Window, previous: int | None,
                    force: bool, pending: Pending, skim: bool = False) -> Attempt:
        att = Attempt()
        page = 1
        while True:
            query = self._list_query(iface, w, page)
            # Empty answers are suspect where rows are expected: on later pages, and on
            # a window that had rows; a window never seen is confirmed once.
            if page > 1 or (previous or 0) > 0:
                confirmations = self._s.empty_confirmations
            else:
                confirmations = 1 if previous is None else 0
            f = await self._list_page(court, iface, query, force, pending, confirmations)
            att.pages += 1
            if f.state is PageState.EMPTY:
                if page == 1:
                    att.counters.add(0)
                else:
                    att.short = True
                return att
            _read(f, att)
            if page >= math.ceil(att.total / ROWS_PER_PAGE):
                return att
            if skim and page == 1 and self._as_before(court, att, previous):
                att.skimmed = True
                return att
            page += 1

    async def _list_page(self, court: Court, iface: str, query: list[tuple[str, str]],
                         force: bool, pending: Pending, confirmations: int) -> Fetched:
        tries = 0
        while True:
            f, _ = await self._checked(court, query, PageKind.LIST, force, pending)
            layout = list_layout(f.text)
            if layout is not None and layout != iface:
                raise InterfaceMismatch(layout)
            if f.state is not PageState.EMPTY or tries >= confirmations:
                return f
            tries += 1
            metrics.SUSPECT_EMPTY.inc()
            await asyncio.sleep(random.uniform(0.5, 1.5) * min(tries, 5) * self._pause())

    def _as_before(self, court: Court, att: Attempt, expected: int | None) -> bool:
        """The counter as expected and every row so far fetched before, as it is now."""
        return att.total == expected and all(
            self._state.row_fingerprint(court.vnkod, k) == r.fingerprint
            for k, r in att.rows.items())

    def _pause(self) -> float:
        """A short pause before re-asking; the host spacing applies on top."""
        return min(2.0, self._client.pacer.interval or 0.05)

    async def _checked(self, court: Court, query: list[tuple[str, str]], kind: PageKind,
                       force: bool, pending: Pending) -> tuple[Fetched, Sent]:
        """GET and publish; returns an OK or EMPTY page, raises CourtBlocked otherwise.

        A captcha, wrong-captcha or WAF page is re-requested as is (no answer) a few
        times, as it can be transient; what persists marks the court. Only a configured
        solver ever answers a captcha, once per challenge.
        """
        solved = self._solver.current(court.vnkod) if kind is PageKind.LIST else None
        attempts = max(1, self._s.block_confirmations) * (2 if self._solver.enabled else 1)
        last: Fetched | None = None
        for n in range(attempts):
            q = list(query)
            if solved is not None:
                q += [("captcha", solved.answer), ("captchaid", solved.captcha_id)]
            url = f"{court.base_url}/modules.php?{encode_query(q)}"
            await self.budget.take(court.vnkod)
            f = await self._client.get(url, proxy=court.proxy)
            self.pages += 1
            self.court_pages[court.vnkod] += 1
            metrics.COURT_REQUESTS.labels(court.vnkod).inc()
            metrics.PAGES.labels(kind.value, f.state.value).inc()
            ok = f.state in (PageState.OK, PageState.EMPTY)
            self._health.page(court.vnkod, ok)
            sent = await self._pub.send(court.vnkod, f, dict(q), kind, force, pending)
            if ok:
                return f, sent
            last = f
            if f.state not in _BLOCKING:
                raise Retryable(f"{f.state.value} (HTTP {f.status}) at {url}")
            if f.state is PageState.WRONG_CAPTCHA and solved is not None:
                # Expired (pairs last hours) or misread: ask for a fresh challenge rather
                # than trying another answer to this one.
                self._solver.forget(court.vnkod)
                solved = None
                continue
            if f.state is PageState.CAPTCHA and self._solver.enabled:
                challenge = captcha_challenge(f.text)
                if challenge is not None:
                    solved = await self._solver.solve(court.vnkod, *challenge)
                    if solved is not None:
                        continue
            if n + 1 < attempts:
                await asyncio.sleep(random.uniform(0.5, 1.5) * (n + 1) * self._pause())
        assert last is not None
        raise CourtBlocked(last.state, last.url, f"{last.state.value} on {attempts} requests")

    # ------------------------------------------------------------------ cards

    async def _cards(self, court: Court, iface: str, rows: list[ListRow], force: bool) -> int:
        """Fetch the card of every new or changed row; remember a row only after its
        card was acknowledged, so a crash re-fetches it rather than skipping it."""
        todo: list[ListRow] = []
        for r in rows:
            known = self._state.row_fingerprint(court.vnkod, r.key)
            if known is None:
                metrics.NEW_CASES.inc()
                self._health.new_case(court.vnkod)
            if force or known != r.fingerprint:
                todo.append(r)
        pending = Pending()
        # A few cards in flight per court: with a politeness limit the host spacing still
        # serialises them; without one (benchmarks) they overlap network and Kafka waits.
        gate = asyncio.Semaphore(max(1, self._s.card_concurrency))

        async def one(r: ListRow) -> None:
            async with gate:
                query = card_params(iface, r.case_id, r.case_uid)
                f, sent = await self._checked(court, query, PageKind.CARD, force, pending)
                if f.state is PageState.OK:
                    sent.after = _remember(self._state, court.vnkod, r)

        for i in range(0, len(todo), CARD_BATCH):
            await asyncio.gather(*(one(r) for r in todo[i:i + CARD_BATCH]))
            await self._pub.settle(pending)
        return len(todo)


def _counter(f: Fetched) -> int:
    counter = read_counter(f.text)
    if counter is None:
        raise Retryable(f"no counter at {f.url}")
    return counter


def _read(f: Fetched, att: Attempt) -> None:
    """A list page's counter and rows into ``att``."""
    att.counters.add(_counter(f))
    for row in list_rows(f.text):
        att.rows.setdefault(row.key, row)


def _remember(state: CrawlState, court: str, row: ListRow) -> Callable[[], None]:
    def after() -> None:
        state.set_row_fingerprint(court, row.key, row.fingerprint)
    return after


__all__ = ["STANDARD", "VNKOD", "CourtBlocked", "WindowCrawler", "WindowOutcome"]
