"""Property tests of the counting rules: for random small dockets, every published view
equals a direct recount in Python of the cases' latest states (VIEWS.md, rules 1–5).

Each example is written to the store as case events (some cases corrected by a later
observation, so the latest state must win), then the views are read and recounted.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docketwatch.categories import REFUSAL_ARTICLES, case_category
from docketwatch.contract import DecisionClass
from docketwatch.settings import COUNT_SINCE
from docketwatch.store.sink import write_events
from launcher.verify import month_status

from .factories import make_event

COURTS = ("25GV0001", "27GV0003", "52OV0000")
ARTICLES = ("332", "337", "338", "334", "352.1", "105", "158")
FIRST, LAST = date(2023, 1, 1), date(2024, 12, 31)
_examples = itertools.count()


@dataclass(frozen=True)
class Case:
    court: str
    number: str
    receipt: date
    decision: date | None
    decision_class: DecisionClass | None
    defendants: tuple[tuple[str, ...], ...]
    first_receipt: date | None  # an earlier observation said this (a later one corrected it)

    @property
    def articles(self) -> set[str]:
        return {a for d in self.defendants for a in d}

    @property
    def category(self) -> str:
        return case_category(self.articles)


@st.composite
def cases(draw: st.DrawFn) -> list[Case]:
    out = []
    for i in range(draw(st.integers(1, 18))):
        receipt = FIRST + timedelta(days=draw(st.integers(0, (LAST - FIRST).days)))
        decided = draw(st.booleans())
        decision = min(LAST, receipt + timedelta(days=draw(st.integers(0, 300)))) \
            if decided else None
        klass = draw(st.sampled_from(list(DecisionClass))) if decided else None
        defendants = tuple(
            tuple(draw(st.lists(st.sampled_from(ARTICLES), min_size=1, max_size=2,
                                unique=True)))
            for _ in range(draw(st.integers(1, 2))))
        corrected = draw(st.booleans())
        first = FIRST + timedelta(days=draw(st.integers(0, (LAST - FIRST).days))) \
            if corrected else None
        out.append(Case(draw(st.sampled_from(COURTS)), f"1-{i}/2024", receipt, decision,
                        klass, defendants, first))
    return out


def _write(store: Client, docket: list[Case]) -> None:
    # Each example's observation times are its own, so that no insert block repeats an
    # earlier example's bytes (the store deduplicates identical blocks).
    n = next(_examples)
    late = f"2025-06-01T00:{n // 60 % 60:02d}:{n % 60:02d}"
    early = f"2025-05-01T00:{n // 60 % 60:02d}:{n % 60:02d}"
    store.command("TRUNCATE TABLE case_events")
    store.command("TRUNCATE TABLE case_state")
    events = []
    for c in docket:
        arts = [list(d) for d in c.defendants]
        if c.first_receipt is not None:
            events.append(make_event(c.number, court=c.court, observed=early,
                                     receipt=c.first_receipt, arts=arts))
        events.append(make_event(c.number, court=c.court, observed=late, receipt=c.receipt,
                                 decision=c.decision, decision_class=c.decision_class,
                                 arts=arts))
    write_events(store, events)


def _rows(store: Client, sql: str, **params: Any) -> Counter[tuple[Any, ...]]:
    return Counter({tuple(r[:-1]): int(r[-1])
                    for r in store.query(sql, parameters=params).result_rows})


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(docket=cases())
def test_every_view_is_a_recount_of_the_cases(store: Client, docket: list[Case]) -> None:
    # One store for all examples (hypothesis reuses the fixture), emptied by each.
    _write(store, docket)

    received: Counter[tuple[Any, ...]] = Counter()
    by_category: Counter[tuple[Any, ...]] = Counter()
    decided: Counter[tuple[Any, ...]] = Counter()
    measures: Counter[tuple[Any, ...]] = Counter()
    for c in docket:
        month = _month(c.receipt)
        for a in c.articles:
            received[(month, a, c.court)] += 1
        by_category[(month, c.category, c.court)] += 1
        for cat in (c.category, "all"):
            measures[("received", cat, month)] += 1
        if c.decision is not None:
            klass = c.decision_class.value if c.decision_class else "unclassified"
            decided[(_month(c.decision), klass, c.category, c.court)] += 1
            for cat in (c.category, "all"):
                measures[("decisions", cat, _month(c.decision))] += 1
                verdict = c.decision_class is DecisionClass.VERDICT
                measures[("verdicts" if verdict else "other_decisions", cat,
                          _month(c.decision))] += 1

    assert _rows(store, "SELECT formatDateTime(month, '%Y-%m'), article, court_code, "
                        "sum(cases) FROM monthly_received GROUP BY 1, 2, 3") == received
    assert _rows(store, "SELECT formatDateTime(month, '%Y-%m'), category, court_code, "
                        "sum(cases) FROM monthly_received_by_category GROUP BY 1, 2, 3") \
        == by_category
    assert _rows(store, "SELECT formatDateTime(month, '%Y-%m'), decision_class, category, "
                        "court_code, sum(cases) FROM monthly_decisions_by_category "
                        "GROUP BY 1, 2, 3, 4") == decided

    # Provisional: months ending within the publication delay of the docket's newest date.
    (delay,), = store.query("SELECT publication_delay_days FROM publication_status").result_rows
    newest = max(d for c in docket for d in (c.receipt, c.decision) if d is not None)
    through = newest - timedelta(days=int(delay))
    got = {(m, cat, month): (v, s) for m, cat, month, v, s in store.query(
        "SELECT measure, category, formatDateTime(month, '%Y-%m'), value, status "
        "FROM monthly_measures").result_rows}
    assert got == {k: (v, month_status(k[2], through)) for k, v in measures.items()}

    # The published year table (2024, cumulative since COUNT_SINCE).
    lines: dict[str, list[Case]] = {a: [] for a in sorted(REFUSAL_ARTICLES)} | {"refusal": []}
    for c in docket:
        for a in REFUSAL_ARTICLES & c.articles:
            lines[a].append(c)
        if c.category == "refusal":
            lines["refusal"].append(c)
    want = {}
    y0, y1 = date(2024, 1, 1), date(2025, 1, 1)
    for line, members in lines.items():
        if not members:
            continue
        def count(start: date, kind: str, members: list[Case] = members) -> int:
            if kind == "received":
                return sum(start <= c.receipt < y1 for c in members)
            verdict = kind == "sentenced"
            return sum(c.decision is not None and start <= c.decision < y1
                       and (c.decision_class is DecisionClass.VERDICT) == verdict
                       for c in members)
        months = Counter(_month(c.receipt) for c in members if y0 <= c.receipt < y1)
        record = min(months.items(), key=lambda kv: (-kv[1], kv[0])) if months else None
        want[line] = (count(y0, "received"), count(y0, "sentenced"), count(y0, "other"),
                      count(COUNT_SINCE, "received"), count(COUNT_SINCE, "sentenced"),
                      count(COUNT_SINCE, "other"),
                      record[0] if record else None, record[1] if record else 0)
    got_lines = {r[0]: (*map(int, r[1:7]), r[7] if r[8] else None, int(r[8])) for r in store.query(
        "SELECT line, received, sentenced, other_decisions, received_since, sentenced_since, "
        "other_decisions_since, formatDateTime(record_month, '%Y-%m'), record_month_received "
        "FROM year_summary(year = 2024, since = {since:Date})",
        parameters={"since": COUNT_SINCE}).result_rows}
    assert got_lines == want

