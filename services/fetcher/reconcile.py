"""A court's windows checked against the site's own counter for their whole range.

sudrf answers «Данных по запросу не обнаружено» at times to a query that has rows, and a
page can lose rows together with its counter. A window is therefore never done on an
empty page's word alone, and one whose rows do not add up to its counter is not given up
on at once. After a court's pass, for each kind of window (receipt, decision):

1. one request reads the counter of the kind's whole range. If it equals the sum of the
   windows' rows (this pass's distinct rows, or the count of the last complete fetch for
   windows not due), every window is confirmed: a count read from a page that lists rows
   cannot be falsely empty, and the windows' rows are real cases that partition the range;
2. otherwise the counter is read again (it may have moved, or been misprinted), and then
   each year of the range is read the same way. A year whose counter still differs has its
   empty windows asked once more; if it still differs, every window of that year is left
   to the next pass (one done earlier is forgotten, so it is fetched again) and reported;
3. a year the site shows nothing for is confirmed when the whole range's counter is fully
   accounted for by the other years;
4. a range the site shows nothing for at all cannot be confirmed from inside: the
   Appellate and Cassation courts hold no first-instance docket by law; a decision range
   is confirmed when the decisions since the start of the crawl equal those before it.

What cannot be confirmed is reported (metric, court health, the pass report) and retried on
the next pass; it is never taken as "no cases".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from docketwatch.sudrf import holds_first_instance
from services.fetcher import metrics
from services.fetcher.courts import Court
from services.fetcher.state import CrawlState
from services.fetcher.window import WindowCrawler, WindowOutcome
from services.fetcher.windows import DECISION, Window

log = logging.getLogger(__name__)


@dataclass
class Ledger:
    """What one pass knows of a court's windows of one kind, newest first."""

    court: str
    kind: str
    windows: list[Window]
    totals: dict[Window, int | None] = field(default_factory=dict)
    # Fetched this pass and not done: empty, or rows short of the counter.
    pending: dict[Window, WindowOutcome] = field(default_factory=dict)

    def record(self, w: Window, outcome: WindowOutcome) -> None:
        self.pending.pop(w, None)
        if outcome.complete:
            self.totals[w] = outcome.total
        else:
            self.totals[w] = outcome.rows
            self.pending[w] = outcome

    def total(self, windows: list[Window]) -> int | None:
        """The windows' rows added up; None when one of them was never counted."""
        found = [self.totals.get(w) for w in windows]
        return None if any(t is None for t in found) else sum(t or 0 for t in found)


def span(windows: list[Window]) -> Window:
    """The range covered by windows listed newest first."""
    return Window(windows[-1].start, windows[0].end, windows[0].kind)


@dataclass
class Reconciled:
    confirmed: int = 0  # pending windows confirmed and recorded as done
    controls: int = 0  # counter requests made
    # (window, reason: empty / rows / mismatch, note), each left to the next pass
    incomplete: list[tuple[Window, str, str]] = field(default_factory=list)


class Reconciler:
    def __init__(self, windows: WindowCrawler, state: CrawlState, fetch_start: date) -> None:
        self._w = windows
        self._state = state
        self._start = fetch_start

    async def reconcile(self, court: Court, ledger: Ledger, force: bool) -> Reconciled:
        out = Reconciled()
        if not ledger.windows:
            return out
        whole = span(ledger.windows)
        count = await self._control(court, whole, force, out)
        if count is not None and count != ledger.total(ledger.windows):
            count = await self._control(court, whole, force, out)  # moved, or misprinted
        total = ledger.total(ledger.windows)
        if count is not None and count == total:
            await self._confirm(court, ledger, ledger.windows, force, out)
            metrics.RECONCILED.labels(ledger.kind, "match").inc()
            return out
        if count is None and total == 0:
            if await self._empty_range(court, whole, force, out):
                await self._confirm(court, ledger, ledger.windows, force, out)
                metrics.RECONCILED.labels(ledger.kind, "empty_confirmed").inc()
            else:
                self._leave(ledger, ledger.windows, out, forget=False,
                            why=f"the site shows no case at all in {whole.label()}, and "
                                "nothing can confirm that")
                metrics.RECONCILED.labels(ledger.kind, "empty_unconfirmed").inc()
            return out
        metrics.RECONCILED.labels(ledger.kind, "mismatch").inc()
        log.info("%s %s: the site counts %s, the windows add up to %s; checking each year",
                 court.vnkod, whole.label(), count, total)
        accounted = 0
        silent: list[list[Window]] = []
        for _, group in groupby(ledger.windows, key=lambda w: w.start.year):
            ws = list(group)
            year_count = await self._year(court, ledger, ws, force, out)
            if year_count is None:
                silent.append(ws)
            else:
                accounted += year_count
        for ws in silent:
            # A year the site shows nothing for, while the whole range's count is fully
            # accounted for by the other years, has nothing.
            if count is not None and count == accounted and ledger.total(ws) == 0:
                await self._confirm(court, ledger, ws, force, out)
            else:
                self._leave(ledger, ws, out, forget=True,
                            why=f"{span(ws).label()} shows no case, but the whole range "
                                f"counts {count} and the other years {accounted}")
        return out

    async def _year(self, court: Court, ledger: Ledger, ws: list[Window], force: bool,
                    out: Reconciled) -> int | None:
        """Check one year's windows; returns the year's counter (None: «no data»)."""
        count = await self._control(court, span(ws), force, out)
        if count is not None and count != ledger.total(ws):
            # A false «no data» rarely repeats: ask the year's empty windows once more,
            # and the year's counter too.
            for w in [w for w, o in ledger.pending.items() if o.unconfirmed_empty and w in ws]:
                ledger.record(w, await self._w.crawl(court, w, force=force))
            count = await self._control(court, span(ws), force, out)
        if count is None:
            return None
        total = ledger.total(ws)
        if total == count:
            await self._confirm(court, ledger, ws, force, out)
        elif total is None:
            # A window of the year failed (and is reported so); the rest stand.
            self._leave(ledger, ws, out, forget=False,
                        why=f"{span(ws).label()}: a window of it could not be fetched")
        else:
            self._leave(ledger, ws, out, forget=True,
                        why=f"{span(ws).label()}: the site counts {count}, the windows add "
                            f"up to {total}")
        return count

    async def _empty_range(self, court: Court, whole: Window, force: bool,
                           out: Reconciled) -> bool:
        if not holds_first_instance(court.vnkod):
            return True
        if whole.kind == DECISION and whole.start > self._start:
            before = Window(self._start, whole.start - timedelta(days=1), DECISION)
            since = Window(self._start, whole.end, DECISION)
            n_before = await self._control(court, before, force, out)
            return n_before is not None and n_before == await self._control(court, since,
                                                                            force, out)
        return False

    async def _control(self, court: Court, w: Window, force: bool,
                       out: Reconciled) -> int | None:
        out.controls += 1
        return await self._w.control(court, w, force)

    async def _confirm(self, court: Court, ledger: Ledger, ws: list[Window], force: bool,
                       out: Reconciled) -> None:
        for w in ws:
            outcome = ledger.pending.pop(w, None)
            if outcome is not None:
                await self._w.finish(court, w, len(outcome.seen), outcome.seen, force)
                ledger.totals[w] = len(outcome.seen)
                out.confirmed += 1

    def _leave(self, ledger: Ledger, ws: list[Window], out: Reconciled, *, forget: bool,
               why: str) -> None:
        """Leave the windows to the next pass and report them: each one not done, or the
        whole span when the rows of windows that looked complete went missing."""
        left = [w for w in ws if w in ledger.pending]
        for w in ws if forget else ():
            self._state.forget_window(ledger.court, w.kind, *w.key)
        for w in left:
            outcome = ledger.pending.pop(w)
            out.incomplete.append((w, reason_of(outcome), f"{outcome.note}; {why}"))
        if not left:
            out.incomplete.append((span(ws), "mismatch", why))


def reason_of(outcome: WindowOutcome) -> str:
    return "empty" if outcome.unconfirmed_empty else "rows"
