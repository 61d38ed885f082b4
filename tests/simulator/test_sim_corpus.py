"""Corpus generation: determinism, identifiers, article rules, links, and the truth export."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

from docketwatch.categories import CATEGORIES, article_group, case_category
from services.simulator.articles import MOBILISATION_PARTS
from services.simulator.corpus import MOBILISATION_DATE, Corpus, build_corpus
from services.simulator.courts import Court, load_courts
from services.simulator.truth import truth, write_truth_csv, write_truth_json

from .conftest import AS_OF


def fingerprint(corpus: Corpus) -> list[tuple[object, ...]]:
    return [
        (
            c.court,
            c.case_number,
            c.case_id,
            c.case_uid,
            c.receipt_date,
            c.published_at,
            c.decision_class,
            c.decision_date,
            c.decision_published_at,
            tuple((d.name, tuple(a.text for a in d.articles)) for d in c.defendants),
        )
        for c in corpus.cases
    ]


def test_same_seed_same_corpus_other_seed_other_corpus(small_courts: list[Court]) -> None:
    a = build_corpus(seed=7, courts=small_courts, scale=0.01)
    b = build_corpus(seed=7, courts=small_courts, scale=0.01)
    c = build_corpus(seed=8, courts=small_courts, scale=0.01)
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)
    assert json.dumps(truth(a, AS_OF), sort_keys=True) == json.dumps(
        truth(b, AS_OF), sort_keys=True
    )


def test_roster_and_interfaces(roster: list[Court]) -> None:
    assert len(roster) == 111
    assert Counter(c.type for c in roster) == {"GV": 100, "OV": 9, "AV": 1, "KV": 1}
    assert sorted(c.vnkod for c in roster if c.interface == "vnkod") == [
        "27GV0003", "27GV0005", "27GV0006", "63GV0001", "63GV0007", "77GV0011", "77GV0012",
    ]  # fmt: skip
    assert sum(c.captcha for c in roster) == 15


def test_identifiers(full_corpus: Corpus) -> None:
    numbers = Counter((c.court, c.case_number) for c in full_corpus.cases)
    assert max(numbers.values()) == 1
    assert len({c.case_uid for c in full_corpus.cases}) == len(full_corpus.cases)
    assert len({(c.court, c.case_id) for c in full_corpus.cases}) == len(full_corpus.cases)
    uid_re = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    assert all(uid_re.match(c.case_uid) for c in full_corpus.cases)
    juid_re = re.compile(r"^\d{2}(GV|OV)\d{4}-01-20\d{2}-\d{6}-\d{2}$")
    assert all(juid_re.match(c.judicial_uid) for c in full_corpus.cases)
    # Numbers run in receipt order within a court and year.
    for court, cases in full_corpus.by_court.items():
        by_year: dict[int, list[tuple[date, int]]] = {}
        for c in cases:
            n = int(c.case_number.split("-")[1].split("/")[0])
            assert c.case_number.endswith(f"/{c.receipt_date.year}")
            by_year.setdefault(c.receipt_date.year, []).append((c.receipt_date, n))
        for rows in by_year.values():
            rows.sort(key=lambda r: r[1])
            assert [d for d, _ in rows] == sorted(d for d, _ in rows), court


def test_dates_are_consistent(full_corpus: Corpus) -> None:
    for c in full_corpus.cases:
        assert c.published_at >= c.receipt_date
        assert c.decision_date is not None and c.decision_published_at is not None
        assert c.decision_date >= c.receipt_date
        assert c.decision_published_at >= c.decision_date
        assert c.entry_into_force is not None and c.entry_into_force > c.decision_date
        assert c.receipt_date.weekday() < 6  # working days (a few Saturdays are working)


def test_mobilisation_parts_only_after_24_sep_2022(full_corpus: Corpus) -> None:
    early = late = 0
    for c in full_corpus.cases:
        for d in c.defendants:
            for a in d.articles:
                if a.part in MOBILISATION_PARTS.get(a.article, ()):
                    assert c.receipt_date >= MOBILISATION_DATE
                    late += 1
                elif a.article == "337":
                    early += c.receipt_date < MOBILISATION_DATE
    assert late > 10_000
    assert early > 0


def test_returned_and_transferred_cases_come_back(full_corpus: Corpus) -> None:
    kinds = Counter(c.origin_kind for c in full_corpus.cases if c.origin_kind)
    assert kinds["re_received"] > 20 and kinds["transferred_in"] > 10
    for c in full_corpus.cases:
        if c.origin_uid is None:
            continue
        orig = full_corpus.by_uid[c.origin_uid]
        assert orig.decision_date is not None and c.receipt_date > orig.decision_date
        assert c.refusal_articles == orig.refusal_articles
        if c.origin_kind == "re_received":
            assert orig.decision_class == "returned_to_prosecutor"
            assert c.court == orig.court and c.judicial_uid == orig.judicial_uid
        else:
            assert orig.decision_class == "transferred" and c.court != orig.court


def test_visible_hides_unpublished_cases_and_decisions(small_corpus: Corpus) -> None:
    as_of = date(2024, 6, 30)
    shown = {v.case.case_uid: v for v in small_corpus.visible_cases(as_of)}
    for c in small_corpus.cases:
        v = shown.get(c.case_uid)
        assert (v is not None) == (c.published_at <= as_of)
        if v is None:
            continue
        assert c.decision_published_at is not None
        if c.decision_published_at <= as_of:
            assert (v.decision_class, v.decision_date) == (c.decision_class, c.decision_date)
        else:
            assert v.decision_class is None and v.decision_date is None and not v.has_act


def test_truth_counts_follow_the_visible_cases(small_corpus: Corpus, tmp_path: Path) -> None:
    t = truth(small_corpus, AS_OF)
    cases = t["cases"]
    assert len(cases) == len(small_corpus.visible_cases(AS_OF))
    # monthly_received: once per distinct article per case, in the receipt month.
    want: Counter[tuple[str, str, str]] = Counter()
    for c in cases:
        for a in set(c["articles"]):
            want[(c["receipt_date"][:7], a, c["court"])] += 1
    got = {(r["month"], r["article"], r["court"]): r["cases"] for r in t["monthly_received"]}
    assert got == dict(want)
    assert "30" not in {r["article"] for r in t["monthly_received"]}
    refusal = sum(
        r["cases"] for r in t["monthly_received_by_category"] if r["category"] == "refusal"
    )
    assert refusal == sum(1 for c in cases if {"332", "337", "338"} & set(c["articles"]))
    other = sum(r["cases"] for r in t["monthly_received_by_category"] if r["category"] == "other")
    assert other == sum(1 for c in cases if c["category"] == "other")
    decided = sum(r["cases"] for r in t["monthly_decided"] if r["category"] == "refusal")
    assert decided == sum(
        1 for c in cases if c["category"] == "refusal" and c["decision_class"] is not None
    )
    write_truth_json(t, tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["as_of"] == "2024-12-27"
    paths = write_truth_csv(t, tmp_path / "csv")
    assert [p.name for p in paths] == [
        "monthly_received.csv",
        "monthly_received_by_category.csv",
        "monthly_decided.csv",
        "monthly_decided_by_article.csv",
        "cases.csv",
    ]
    with (tmp_path / "csv" / "cases.csv").open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == len(cases)


def test_truth_categories_are_the_stores_rule(small_corpus: Corpus) -> None:
    """One category per case (docketwatch.categories.case_category, the rule of the store's
    views): a month's by-category rows add up to its visible cases."""
    t = truth(small_corpus, AS_OF)
    cases = t["cases"]
    for c in cases:
        assert c["category"] == case_category(c["articles"]), c["case_number"]
    per_month = Counter(c["receipt_date"][:7] for c in cases)
    by_category: Counter[str] = Counter()
    for r in t["monthly_received_by_category"]:
        assert r["category"] in CATEGORIES
        by_category[r["month"]] += r["cases"]
    assert by_category == per_month
    want = Counter((c["receipt_date"][:7], c["category"], c["court"]) for c in cases)
    got = {(r["month"], r["category"], r["court"]): r["cases"]
           for r in t["monthly_received_by_category"]}
    assert got == dict(want)
    decided = Counter((c["decision_date"][:7], c["decision_class"], c["category"], c["court"])
                      for c in cases if c["decision_class"] is not None)
    assert {(r["month"], r["decision_class"], r["category"], r["court"]): r["cases"]
            for r in t["monthly_decided"]} == dict(decided)
    by_year = Counter((c["receipt_date"][:4], c["category"]) for c in cases)
    assert {(r["year"], r["category"]): r["cases"]
            for r in t["summary"]["received_by_year"]} == dict(by_year)
    assert sum(by_year.values()) == t["summary"]["visible_cases"] == len(cases)
    # the exclusive rule at work: some case has a chapter-33 article besides its refusal one
    # or an ordinary one besides its military one, and still counts once
    assert any(len({article_group(a) for a in c["articles"]}) > 1 for c in cases)


def test_inchoate_article_counts_under_the_main_article() -> None:
    courts = [c for c in load_courts() if c.type == "GV"]
    corpus = build_corpus(seed=3, courts=courts, scale=0.3)
    t = truth(corpus, AS_OF)
    marked = [c for c in t["cases"] if any(a["inchoate"] for d in c["defendants"] for a in d)]
    assert marked
    for c in marked:
        for d in c["defendants"]:
            for a in d:
                if a["inchoate"]:
                    assert a["raw"].startswith("ст. 30 ч.")
                    assert a["article"] != "30" and a["article"] in c["articles"]
