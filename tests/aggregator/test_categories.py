"""One definition of the categories (issue 19): the store's views (migration 0020) give the
same article group and case category as docketwatch.categories, and the by-category counts
of a month add up to its cases. Real chDB, exact values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.categories import (
    CATEGORIES,
    MILITARY_CHAPTER,
    REFUSAL_ARTICLES,
    article_group,
    case_category,
    in_military_chapter,
)
from docketwatch.contract import ActStatus, DecisionClass, EventType
from docketwatch.store import migrate
from docketwatch.store.migrations import load_migrations
from docketwatch.store.reference import ARTICLE_NAMES, seed_reference
from docketwatch.store.settings import set_publication_delay_days
from docketwatch.store.sink import write_events
from launcher.verify import published
from services.simulator.corpus import build_corpus
from services.simulator.courts import load_courts
from services.simulator.truth import truth

from .conftest import new_database
from .factories import make_event
from .test_sentences import K, sentence, with_act

# Odd article texts: the two rules must agree on these too (digits only before the first
# dot; an overflowing number is not in chapter 33).
EDGE_ARTICLES = (
    "", "331", "352", "352.1", "352.1.2", "330", "353", "30", "33", "3370", "337.1", "0337",
    "+337", " 337", "337 ", "٣٣٧", "4294967633", "18446744073709551953", ".337", "abc", "105",
    "205.1", "228.1",
)
ALL_ARTICLES = tuple(dict.fromkeys([*ARTICLE_NAMES, *EDGE_ARTICLES]))

# Article lists of one case: (defendant → articles). Every single article, then mixes.
MIXES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("337", "105"),),  # refusal wins over other
    (("334", "105"),),  # military wins over other
    (("334", "338"),),  # refusal wins over military
    (("337", "338"),),
    (("352.1", "205.1"),),
    (("105",), ("332",)),  # two defendants: the case is refusal
    (("105",), ("339",)),
    (("105", "228"),),
    (("", "105"),),
    (("",),),
    (),  # no defendant, no article
    ((),),  # a defendant without articles
    (("30", "337"),),
    (("353", "330", "0337"),),
    (("+337", "337.1"),),
)
CASES: tuple[tuple[tuple[str, ...], ...], ...] = (
    *(((a,),) for a in ALL_ARTICLES), *MIXES,
)
# Articles only an act names (on no card, not in article_names).
ACT_ONLY = ("341.1", "158")


def flat(arts: Sequence[Sequence[str]]) -> list[str]:
    return [a for d in arts for a in d]


def q(client: Client, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in client.query(sql, parameters=params).result_rows]


# ------------------------------------------------------------------ the Python rule


def test_article_group() -> None:
    assert {a: article_group(a) for a in ("332", "337", "338")} == dict.fromkeys(
        ("332", "337", "338"), "refusal")
    for n in MILITARY_CHAPTER:
        if str(n) not in REFUSAL_ARTICLES:
            assert article_group(str(n)) == "military", n
    assert article_group("352.1") == "military"
    assert article_group("337.1") == "military"  # not one of the three refusal articles
    for a in ("330", "353", "30", "105", "205.1", "+337", " 337", "٣٣٧", "4294967633"):
        assert article_group(a) == "other", a
    assert article_group("") == "unknown"
    assert in_military_chapter("337") and not in_military_chapter("3370")


def test_case_category_is_the_first_that_applies() -> None:
    assert case_category(["337", "105"]) == "refusal"
    assert case_category(["334", "338"]) == "refusal"
    assert case_category(["105", "334"]) == "military"
    assert case_category(["105", "228.1"]) == "other"
    assert case_category([]) == "unknown"
    assert case_category([""]) == "unknown"
    assert case_category(["", "105"]) == "other"
    assert case_category(iter(["352.1"])) == "military"
    assert CATEGORIES == ("refusal", "military", "other", "unknown")


# ------------------------------------------------------------------ SQL = Python


@pytest.fixture
def loaded(store: Client) -> Client:
    """One case per article list, received in July 2024; every third one decided (verdict)
    in September with a read act, whose article is not always the card's (ACT_ONLY first,
    then ALL_ARTICLES rotated)."""
    events = []
    for i, arts in enumerate(CASES):
        number = f"1-{i}/2024"
        received = make_event(number, observed="2024-08-01T10:00:00", receipt=date(2024, 7, 2),
                              arts=arts, event_type=EventType.RECEIVED)
        events.append(received)
        if i % 3 == 0:
            decided = make_event(number, observed="2024-09-20T10:00:00",
                                 receipt=date(2024, 7, 2), decision=date(2024, 9, 2 + i % 20),
                                 decision_class=DecisionClass.VERDICT, arts=arts,
                                 event_type=EventType.DECIDED)
            act_articles = (*ACT_ONLY, *ALL_ARTICLES[7:], *ALL_ARTICLES[:7])
            act_article = act_articles[(i // 3) % len(act_articles)] or "105"
            kind = K.SUSPENDED if i % 2 else K.FINE
            extra = {"term_months": 12} if kind == K.SUSPENDED else {"fine_rub": 10_000}
            events.append(with_act(decided, ActStatus.VERDICT,
                                   [sentence(1, kind, act_article, **extra)]))
    write_events(store, events)
    return store


def test_sql_case_category_equals_python(loaded: Client) -> None:
    want = {f"1-{i}/2024": case_category(flat(arts)) for i, arts in enumerate(CASES)}
    got = dict(q(loaded, "SELECT case_number, category FROM cases"))
    assert got == want
    assert set(want.values()) == set(CATEGORIES)  # the data covers every category
    # case_articles repeats the case's category on each of its rows
    rows = q(loaded, "SELECT c.case_number, a.category FROM case_articles AS a "
                     "INNER JOIN cases AS c ON c.case_key = a.case_key")
    assert {(n, cat) for n, cat in rows} == set(want.items())


def test_sql_article_group_equals_python(loaded: Client) -> None:
    rows = q(loaded, "SELECT c.case_number, a.article, a.article_group FROM case_articles AS a "
                     "INNER JOIN cases AS c ON c.case_key = a.case_key")
    want = set()
    for i, arts in enumerate(CASES):
        articles = list(dict.fromkeys(flat(arts))) or [""]
        want |= {(f"1-{i}/2024", a, article_group(a)) for a in articles}
    assert set(rows) == want
    per_case = q(loaded, "SELECT articles, article_groups FROM cases")
    for articles, groups in per_case:
        assert groups == [article_group(a) for a in articles]
    # `articles` lists every named, carded or act article once, with the same group
    listed = q(loaded, "SELECT article, article_group FROM articles")
    assert len(listed) == len({a for a, _ in listed})
    known = {*ARTICLE_NAMES, *ACT_ONLY, *(a for arts in CASES for a in flat(arts))} - {""}
    assert dict(listed) == {a: article_group(a) for a in known}
    named = q(loaded, "SELECT article, article_group FROM article_names FINAL")
    assert dict(named) == {a: article_group(a) for a in ARTICLE_NAMES}


def test_sql_punishment_groups_equal_python(loaded: Client) -> None:
    rows = q(loaded, "SELECT DISTINCT article, article_group FROM monthly_punishments")
    assert {"341.1": "military", "158": "other"}.items() <= dict(rows).items()
    assert dict(rows) == {a: article_group(a) for a, _ in rows}


# ------------------------------------------------------------------ categories add up


def test_by_category_counts_sum_to_the_cases(loaded: Client) -> None:
    set_publication_delay_days(loaded, 0)
    n_cases = len(CASES)
    by_cat = dict(q(loaded, "SELECT category, toUInt64(sum(cases)) "
                            "FROM monthly_received_by_category GROUP BY category"))
    assert by_cat == Counter(case_category(flat(arts)) for arts in CASES)
    assert sum(by_cat.values()) == n_cases

    # monthly_measures: for every measure and month, 'all' = the sum of the categories
    rows = q(loaded, "SELECT measure, toString(month), category, value FROM monthly_measures")
    totals: Counter[tuple[str, str]] = Counter()
    alls: dict[tuple[str, str], int] = {}
    for measure, month, category, value in rows:
        if category == "all":
            alls[(measure, month)] = value
        else:
            assert category in CATEGORIES
            totals[(measure, month)] += value
    assert alls == dict(totals)
    assert alls[("received", "2024-07-01")] == n_cases
    decided = sum(v for (m, _), v in alls.items() if m == "decisions")
    assert decided == len(range(0, n_cases, 3))

    # decisions by category: each decided case once
    dec = q(loaded, "SELECT toUInt64(sum(cases)) FROM monthly_decisions_by_category")
    assert dec == [(decided,)]
    # verdicts per working day: 'all' verdicts = the sum of the categories' verdicts
    per_day = q(loaded, "SELECT toString(month), category, verdicts FROM verdicts_per_working_day")
    by_month: Counter[str] = Counter()
    for month, category, verdicts in per_day:
        by_month[month] += verdicts if category != "all" else -verdicts
    assert set(by_month.values()) == {0}
    # suspended_share: a defendant counts once, in their case's category, and once in 'all'
    shares = q(loaded, "SELECT toString(month), category, punished, suspended "
                       "FROM suspended_share")
    acc: dict[str, Counter[str]] = {}
    for month, category, punished, suspended in shares:
        sign = -1 if category == "all" else 1
        acc.setdefault(month, Counter()).update(
            {"punished": sign * punished, "suspended": sign * suspended})
    assert all(set(c.values()) <= {0} for c in acc.values())
    assert {cat for _, cat, _, _ in shares} <= {*CATEGORIES, "all"}


def test_rolling_all_equals_the_sum_of_the_categories(loaded: Client) -> None:
    rows = q(loaded, "SELECT measure, toString(month), category, value, sum_3m "
                     "FROM monthly_rolling")
    acc: Counter[tuple[str, str, str]] = Counter()
    for measure, month, category, value, sum_3m in rows:
        sign = -1 if category == "all" else 1
        acc[(measure, month, "value")] += sign * value
        acc[(measure, month, "sum_3m")] += sign * (sum_3m or 0)
    assert set(acc.values()) == {0}


# ------------------------------------------------------------------ store = simulator truth


def test_store_by_category_counts_equal_the_simulator_truth(store: Client) -> None:
    """The simulator's truth and the store count categories by the same rule: the truth's
    visible cases, written to the store as events, give the truth's by-category rows."""
    courts = [c for c in load_courts() if c.vnkod in ("61GV0001", "25GV0004", "27GV0001")]
    t = truth(build_corpus(seed=7, courts=courts, scale=0.01), date(2024, 12, 27))
    cases = t["cases"]
    assert any(len({article_group(a) for a in c["articles"]}) > 1 for c in cases)
    events = [
        make_event(
            c["case_number"], uid=c["case_uid"], court=c["court"],
            observed="2024-12-27T00:00:00", receipt=date.fromisoformat(c["receipt_date"]),
            decision=date.fromisoformat(c["decision_date"]) if c["decision_date"] else None,
            decision_class=DecisionClass(c["decision_class"]) if c["decision_class"] else None,
            arts=[[a["article"] for a in d] for d in c["defendants"]],
        )
        for c in cases
    ]
    write_events(store, events)
    got = q(store, "SELECT formatDateTime(month, '%Y-%m'), category, court_code, "
                   "toUInt64(sum(cases)) FROM monthly_received_by_category GROUP BY 1, 2, 3")
    want = {(r["month"], r["category"], r["court"]): r["cases"]
            for r in t["monthly_received_by_category"]}
    assert {(m, cat, court): n for m, cat, court, n in got} == want
    got = q(store, "SELECT formatDateTime(month, '%Y-%m'), decision_class, category, "
                   "court_code, toUInt64(sum(cases)) FROM monthly_decisions_by_category "
                   "GROUP BY 1, 2, 3, 4")
    want_decided = {(r["month"], r["decision_class"], r["category"], r["court"]): r["cases"]
                    for r in t["monthly_decided"]}
    assert {(m, dc, cat, court): n for m, dc, cat, court, n in got} == want_decided
    got = q(store, "SELECT toString(toYear(month)), category, toUInt64(sum(value)) "
                   "FROM monthly_measures WHERE measure = 'received' AND category != 'all' "
                   "GROUP BY 1, 2")
    want_year = {(r["year"], r["category"]): r["cases"]
                 for r in t["summary"]["received_by_year"]}
    assert {(y, cat): n for y, cat, n in got} == want_year
    assert dict(q(store, "SELECT case_uid, category FROM cases")) == {
        c["case_uid"]: c["category"] for c in cases}
    # The national views, the year summaries and the provisional months too (what the e2e
    # tests compare after the real pipeline, here on the store alone).
    differences = published(
        lambda sql, params: [list(r) for r in store.query(sql, parameters=params).result_rows],
        t)
    assert set(differences) == {"publication_status", "monthly_measures",
                                "verdicts_per_working_day", "year_summary 2022",
                                "year_summary 2023", "year_summary 2024"}
    assert all(d == [] for d in differences.values()), differences
    assert len(t["verdicts_per_working_day"]) > 50
    assert {r[0] for r in q(store, "SELECT DISTINCT status FROM monthly_measures")} \
        == {"complete", "provisional"}


# ------------------------------------------------------------------ upgrading a store


def test_upgrade_from_0019_renames_the_article_group_and_reruns(chdb_dsn: str) -> None:
    """A store at 0019 (article_names.category seeded, cases in) takes 0020: the column is
    renamed with its rows, the seed finds nothing to rewrite, and re-running 0020's
    statements (a crash half-way) changes nothing."""
    client = new_database(chdb_dsn)
    assert migrate(client, seed=False, until=19) == list(range(1, 20))
    client.insert("article_names", [[a, n, article_group(a), datetime.now(UTC)]
                                    for a, n in ARTICLE_NAMES.items()],
                  column_names=["article", "name", "category", "loaded_at"])
    write_events(client, [make_event("1-1/2024", observed="2024-08-01T10:00:00",
                                     receipt=date(2024, 7, 2), arts=[["337", "105"]])])
    assert migrate(client, seed=False, until=20) == [20]
    assert seed_reference(client)["article_names"] is False
    [m20] = [m for m in load_migrations() if m.version == 20]
    for statement in m20.statements():
        client.command(statement)
    assert dict(q(client, "SELECT article, article_group FROM article_names FINAL")) == {
        a: article_group(a) for a in ARTICLE_NAMES}
    assert q(client, "SELECT category, toUInt64(sum(cases)) FROM monthly_received_by_category "
                     "GROUP BY category") == [("refusal", 1)]
    client.command(f"DROP DATABASE IF EXISTS `{client.database}` SYNC")
    client.close()
