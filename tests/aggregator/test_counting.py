"""Counting rules on a hand-made dataset (dataset.py); expected values worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.contract import DecisionClass
from docketwatch.store.definitions import display_rate
from docketwatch.store.settings import set_publication_delay_days
from docketwatch.store.sink import write_events

from .dataset import hand_dataset
from .factories import COURT_REGION, make_event

JUL, AUG, JUN = date(2024, 7, 1), date(2024, 8, 1), date(2024, 6, 1)


@pytest.fixture
def loaded(store: Client) -> Client:
    write_events(store, hand_dataset())
    return store


def q(client: Client, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in client.query(sql, parameters=params).result_rows]


def test_received_per_article(loaded: Client) -> None:
    rows = q(loaded, "SELECT month, article, article_group, toUInt64(sum(cases)) "
                     "FROM monthly_received WHERE toYear(month) = 2024 GROUP BY ALL "
                     "ORDER BY month, article")
    assert rows == [
        (JUN, "334", "military", 1),
        (JUL, "", "unknown", 1),
        (JUL, "105", "other", 1),
        (JUL, "205.1", "other", 1),
        (JUL, "337", "refusal", 3),  # A, B, D (I moved to August)
        (JUL, "338", "refusal", 1),
        (AUG, "332", "refusal", 1),
        (AUG, "337", "refusal", 1),
    ]


def test_received_by_court_and_region(loaded: Client) -> None:
    rows = q(loaded, "SELECT court_code, region, cases FROM monthly_received "
                     "WHERE month = {m:Date} AND article = '332'", m=AUG)
    assert rows == [("27GV0001", "Хабаровский край", 1)]
    rows = q(loaded, "SELECT DISTINCT region FROM monthly_received WHERE month = {m:Date}", m=JUL)
    assert rows == [(COURT_REGION,)]


def test_received_by_category_counts_a_case_once(loaded: Client) -> None:
    rows = q(loaded, "SELECT month, category, toUInt64(sum(cases)) "
                     "FROM monthly_received_by_category WHERE toYear(month) = 2024 "
                     "GROUP BY ALL ORDER BY month, category")
    assert rows == [
        (JUN, "military", 1),
        (JUL, "other", 1),  # E (D, under 337 and 105, is a refusal case only)
        (JUL, "refusal", 3),  # A, B, D: B has 337 and 338 but is one case
        (JUL, "unknown", 1),
        (AUG, "refusal", 2),
    ]
    # the 'all' measure counts every case once: the sum of the categories
    rows = q(loaded, "SELECT month, value FROM monthly_measures WHERE measure = 'received' "
                     "AND category = 'all' AND toYear(month) = 2024 ORDER BY month")
    assert rows == [(JUN, 1), (JUL, 5), (AUG, 2)]


def test_defendants(loaded: Client) -> None:
    rows = q(loaded, "SELECT article, cases, defendants FROM monthly_received_defendants "
                     "WHERE month = {m:Date} AND article_group = 'refusal' ORDER BY article",
             m=JUL)
    assert rows == [("337", 3, 4), ("338", 1, 1)]  # B: 2 defendants under 337, 1 under 338


def test_decisions(loaded: Client) -> None:
    rows = q(loaded, "SELECT month, decision_class, article, cases FROM monthly_decisions "
                     "WHERE toYear(month) = 2024 ORDER BY month, decision_class, article")
    sep, oct_ = date(2024, 9, 1), date(2024, 10, 1)
    assert rows == [
        (sep, "verdict", "332", 1),
        (sep, "verdict", "337", 1),
        (oct_, "returned_to_prosecutor", "337", 1),
        (oct_, "returned_to_prosecutor", "338", 1),
    ]
    rows = q(loaded, "SELECT month, decision_class, toUInt64(sum(cases)) "
                     "FROM monthly_decisions_by_category WHERE category = 'refusal' "
                     "GROUP BY ALL ORDER BY month")
    assert rows == [
        (date(2023, 12, 1), "verdict", 1),
        (sep, "verdict", 2),
        (oct_, "returned_to_prosecutor", 1),
    ]


def test_verdicts_per_working_day(loaded: Client) -> None:
    rows = q(loaded, "SELECT month, verdicts, working_days, per_day "
                     "FROM verdicts_per_working_day WHERE category = 'refusal' ORDER BY month")
    # December 2023: 1/21; September 2024: 2/21. The store keeps 6 places (migration 0023);
    # 1/21 used to be stored rounded to 0.0.
    assert rows == [
        (date(2023, 12, 1), 1, 21, Decimal("0.047619")),
        (date(2024, 9, 1), 2, 21, Decimal("0.095238")),
    ]
    # Shown rounded: one place, two significant digits below 1; never 0.0 for a verdict.
    assert [display_rate(r[3]) for r in rows] == ["0.048", "0.095"]
    published = q(loaded, "SELECT toDecimalString(per_day, 1) FROM verdicts_per_working_day "
                          "WHERE category = 'refusal' ORDER BY month")
    assert published == [("0.0",), ("0.1",)]  # the one-decimal figure (launcher/verify.py)


def test_per_day_rounds_half_away_from_zero_at_display(store: Client) -> None:
    # 3 verdicts / 20 working days (March 2024) = 0.15 exactly: a Float64 would hold
    # 0.1499999… and round to 0.1; the Decimal keeps the tie and rounds it up.
    events = [
        make_event(f"1-{i}/2024", observed="2024-08-15T00:00:00", receipt=date(2024, 1, 10),
                   decision=date(2024, 3, 5), decision_class=DecisionClass.VERDICT)
        for i in range(3)
    ]
    write_events(store, events)
    rows = q(store, "SELECT per_day, toDecimalString(per_day, 1) FROM verdicts_per_working_day"
                    " WHERE category = 'refusal'")
    assert rows == [(Decimal("0.15"), "0.2")]
    assert display_rate(rows[0][0]) == "0.15"


def test_published_rate_examples(store: Client) -> None:
    # FIGURES.md: March 2024, 684 sentences / 20 working days = 34.2; about 900 in July
    # 2024 / 23 = 39.1
    events = [
        make_event(f"1-{i}/2024", observed="2024-08-15T00:00:00", receipt=date(2024, 1, 10),
                   decision=decision, decision_class=DecisionClass.VERDICT)
        for i, decision in enumerate([date(2024, 3, 5)] * 684 + [date(2024, 7, 9)] * 900)
    ]
    write_events(store, events)
    rows = q(store, "SELECT month, verdicts, working_days, per_day FROM verdicts_per_working_day"
                    " WHERE category = 'refusal' ORDER BY month")
    # The store keeps 6 places; the published figures are rounded when compared.
    assert rows == [
        (date(2024, 3, 1), 684, 20, Decimal("34.2")),
        (date(2024, 7, 1), 900, 23, Decimal("39.130434")),
    ]
    assert [display_rate(r[3]) for r in rows] == ["34.2", "39.1"]


def test_late_event_updates_its_month_and_as_of(loaded: Client) -> None:
    key = "25GV0001:no:1-9/2024"
    assert q(loaded, "SELECT receipt_date FROM cases WHERE case_key = {k:String}", k=key) == [
        (date(2024, 8, 1),)
    ]
    assert q(loaded, "SELECT receipt_date FROM cases_as_of(as_of = '2024-08-05 00:00:00') "
                     "WHERE case_key = {k:String}", k=key) == [(date(2024, 7, 31),)]
    assert q(loaded, "SELECT count() FROM cases_as_of(as_of = '2024-07-05 00:00:00')") == [(5,)]
    first = q(loaded, "SELECT first_seen_at, receipt_date_first_seen FROM case_first_seen "
                      "WHERE case_key = {k:String}", k=key)
    # chDB decodes DateTime64('UTC') as naive datetimes holding UTC wall time
    assert [(r[0].replace(tzinfo=None), r[1]) for r in first] == [
        (datetime(2024, 8, 2, 9, 0), date(2024, 7, 31))
    ]


def test_provisional_months(loaded: Client) -> None:
    def statuses() -> dict[date, str]:
        return dict(q(loaded, "SELECT DISTINCT month, status FROM monthly_measures "
                              "WHERE toYear(month) = 2024"))

    # latest observation 2024-10-05; default delay 60 days → complete through 2024-08-06
    assert statuses() == {
        JUN: "complete", JUL: "complete", AUG: "provisional",
        date(2024, 9, 1): "provisional", date(2024, 10, 1): "provisional",
    }
    set_publication_delay_days(loaded, 30)  # → complete through 2024-09-05
    assert statuses()[AUG] == "complete"
    assert statuses()[date(2024, 9, 1)] == "provisional"
    for view in ("monthly_received", "monthly_received_by_category", "monthly_decisions",
                 "monthly_received_defendants", "monthly_decisions_by_category",
                 "verdicts_per_working_day", "monthly_rolling"):
        got = q(loaded, f"SELECT DISTINCT status FROM {view} WHERE month = {{m:Date}}", m=AUG)
        assert got in ([("complete",)], []), view


def test_traceability(loaded: Client) -> None:
    rows = q(loaded, "SELECT event_type, url FROM case_sources WHERE case_key = {k:String} "
                     "ORDER BY observed_at", k="25GV0001:no:1-1/2024")
    assert [r[0] for r in rows] == ["received", "decided"]
    urls = [r[1] for r in rows]
    prov = q(loaded, "SELECT url, n_events FROM page_sources WHERE url IN {u:Array(String)} "
                     "ORDER BY fetched_at", u=urls)
    assert prov == [(u, 1) for u in urls]
