"""The default corpus reproduces the figures CALIBRATION.md lists as exact."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from services.simulator.corpus import Corpus
from services.simulator.truth import truth

from .conftest import AS_OF


@pytest.fixture(scope="module")
def t(full_corpus: Corpus) -> dict[str, Any]:
    return truth(full_corpus, AS_OF)


def refusal_by_month(t: dict[str, Any]) -> Counter[str]:
    out: Counter[str] = Counter()
    for r in t["monthly_received_by_category"]:
        if r["category"] == "refusal":
            out[r["month"]] += r["cases"]
    return out


def test_yearly_refusal_totals(t: dict[str, Any]) -> None:
    months = refusal_by_month(t)
    by_year = Counter({y: 0 for y in ("2022", "2023", "2024")})
    for m, n in months.items():
        by_year[m[:4]] += n
    assert by_year == {"2022": 170, "2023": 5_517, "2024": 10_308}
    assert sum(by_year.values()) == 15_995  # "almost 16,000" since Feb 2022


def test_monthly_shape(t: dict[str, Any]) -> None:
    m = refusal_by_month(t)
    assert m["2024-07"] == 1_076
    assert m["2024-07"] == max(m.values())
    assert m["2024-08"] < m["2024-07"] and m["2024-09"] < m["2024-07"]
    assert m["2024-10"] > 1_000
    assert m["2024-05"] == 929
    may = Counter()
    for r in t["monthly_received"]:
        if r["month"] == "2024-05" and r["article"] in ("332", "337", "338"):
            may[r["article"]] += r["cases"]
    assert may == {"337": 844, "332": 43, "338": 42}


def test_sentences_and_other_decisions(t: dict[str, Any]) -> None:
    s = t["summary"]
    assert s["refusal_sentenced"] == 13_897
    assert s["refusal_sentenced_by_article"] == {"332": 975, "337": 12_460, "338": 563}
    assert s["refusal_other_decisions"] == 175
    assert s["refusal_received_by_article"]["332"] == 1_037
    assert s["refusal_received_by_article"]["338"] == 683
    verdicts = Counter()
    for r in t["monthly_decided"]:
        if r["category"] == "refusal" and r["decision_class"] == "verdict":
            verdicts[r["month"]] += r["cases"]
    assert verdicts["2024-07"] == 900  # 39.1 a working day over July's 23
    assert verdicts["2024-03"] == 684
    other = Counter()
    for r in t["monthly_decided"]:
        if r["category"] == "refusal" and r["decision_class"] != "verdict":
            other[r["decision_class"]] += r["cases"]
    assert other == {
        "terminated": 70,
        "returned_to_prosecutor": 45,
        "transferred": 35,
        "other_ruling": 25,
    }


def test_latest_months_are_incomplete(full_corpus: Corpus) -> None:
    """Cases received in December 2024 keep appearing after 27 December."""
    dec = [c for c in full_corpus.cases if c.kind == "refusal" and c.receipt_date.month == 12
           and c.receipt_date.year == 2024]  # fmt: skip
    later = [c for c in dec if c.published_at > AS_OF]
    assert len(dec) - len(later) == 586
    assert len(later) > 50


def test_court_skew(t: dict[str, Any]) -> None:
    per_court: Counter[str] = Counter()
    for r in t["monthly_received_by_category"]:
        if r["category"] == "refusal":
            per_court[r["court"]] += r["cases"]
    counts = sorted(per_court.values(), reverse=True)
    # The top tenth of courts carries several times its share.
    assert sum(counts[:10]) > 0.25 * sum(counts)
    assert per_court["61GV0001"] > 3 * (sum(counts) / len(counts))
