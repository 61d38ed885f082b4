"""The dashboard's numbers against the court simulator's truth, not against the dashboard's
own SQL: the API's listings, and the overview's headline figures as a reader sees them.

A wrong number anywhere between the store and the page (a view, a dashboard query, a
template) fails here: e.g. a headline that counted every decision as "sentenced".
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from markupsafe import escape

from docketwatch.roster import ROSTER
from docketwatch.store.definitions import FIGURES
from launcher.verify import month_status
from tests.dashboard.conftest import Dashboard

pytestmark = pytest.mark.integration


def _truth(dashboard: Dashboard) -> dict[str, Any]:
    return dashboard.stack.truth()


def _complete_through(truth: dict[str, Any], dashboard: Dashboard) -> date:
    (delay,), = dashboard.sql("SELECT publication_delay_days FROM publication_status")
    return date.fromisoformat(truth["docket_date"]) - timedelta(days=int(delay))


def test_headline_figures_are_the_truths(dashboard: Dashboard) -> None:
    truth = _truth(dashboard)
    cases = truth["cases"]
    want = {
        "cases": len(cases),
        "refusal_cases": sum(c["category"] == "refusal" for c in cases),
        "refusal_verdicts": sum(c["category"] == "refusal" and c["decision_class"] == "verdict"
                                for c in cases),
        "courts_with_cases": len({c["court"] for c in cases}),
    }
    assert want["refusal_verdicts"] < want["refusal_cases"] - 10  # the corpus tells them apart
    payload = dashboard.api("/summary")
    summary = payload["data"][0]
    assert {k: summary[k] for k in want} == want
    # Each number travels with its definition.
    assert payload["definitions"] == {k: FIGURES[k] for k in (*want, "complete_through")}
    assert summary["complete_through"] == _complete_through(truth, dashboard).isoformat()

    # The overview page as drawn: each headline's number next to its label.
    status, page, _ = dashboard.get("/")
    assert status == 200
    shown = {label: int(re.sub(r"\D", "", value)) for value, label in re.findall(
        r'<span class="value">([^<]*)</span><span class="label">([^<]*)', page)}
    for key in (*want, "complete_through"):
        assert f'<span class="definition">{escape(FIGURES[key])}</span>' in page, key
    assert shown == {"refusal-to-serve cases": want["refusal_cases"],
                     "of them sentenced": want["refusal_verdicts"],
                     "cases of all kinds": want["cases"],
                     "courts with cases": want["courts_with_cases"]}


def test_received_per_month_and_category_is_the_truths(dashboard: Dashboard) -> None:
    truth = _truth(dashboard)
    through = _complete_through(truth, dashboard)
    want = {(f"{r['month']}-01", r["category"]): (r["value"], month_status(r["month"], through))
            for r in truth["monthly_measures"]
            if r["measure"] == "received" and r["category"] != "all"}
    got = {(r["month"], r["category"]): (r["cases"], r["status"])
           for r in dashboard.api("/received")["data"]}
    assert got == want
    assert {s for _, s in want.values()} == {"complete", "provisional"}


@pytest.mark.parametrize("category", ["refusal", "military"])
def test_decisions_by_class_are_the_truths(dashboard: Dashboard, category: str) -> None:
    want: Counter[tuple[str, str]] = Counter()
    for r in _truth(dashboard)["monthly_decided"]:
        if r["category"] == category:
            want[(f"{r['month']}-01", r["decision_class"])] += r["cases"]
    got = {(r["month"], r["decision_class"]): r["cases"]
           for r in dashboard.api(f"/decisions?category={category}")["data"]}
    assert got == dict(want)
    assert len({c for _, c in want}) >= 3  # verdicts and other classes both present


@pytest.mark.parametrize("category", ["refusal", "all"])
def test_verdicts_per_working_day_are_the_truths(dashboard: Dashboard, category: str) -> None:
    want = [(f"{r['month']}-01", r["verdicts"], r["working_days"], Decimal(r["per_day"]))
            for r in _truth(dashboard)["verdicts_per_working_day"]
            if r["category"] == category]
    got = [(r["month"], r["verdicts"], r["working_days"],
            # the store keeps 6 places; the published figure is rounded when compared
            Decimal(str(r["per_day"])).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
           for r in dashboard.api(f"/verdicts-per-working-day?category={category}")["data"]]
    assert got == want
    assert len(want) > 12


def test_courts_and_regions_are_the_truths(dashboard: Dashboard) -> None:
    cases = _truth(dashboard)["cases"]
    per_court: dict[str, Counter[str]] = {}
    for c in cases:
        n = per_court.setdefault(c["court"], Counter())
        n["cases"] += 1
        refusal = c["category"] == "refusal"
        n["refusal_cases"] += refusal
        n["refusal_verdicts"] += refusal and c["decision_class"] == "verdict"
        n["refusal_pending"] += refusal and c["decision_date"] is None
    keys = ("cases", "refusal_cases", "refusal_verdicts", "refusal_pending")
    got = {r["court_code"]: {k: r[k] for k in keys} for r in dashboard.api("/courts")["data"]}
    assert got == {court: {k: n[k] for k in keys} for court, n in per_court.items()}

    with ROSTER.open(encoding="utf-8") as fh:
        region_of = {r["vnkod"]: r["seat_subject"] for r in csv.DictReader(fh)}
    regions: dict[str, Counter[str]] = {}
    for court, n in per_court.items():
        r = regions.setdefault(region_of[court], Counter())
        r["courts"] += 1
        for k in ("cases", "refusal_cases", "refusal_verdicts"):
            r[k] += n[k]
    got_regions = {r["region"]: {k: r[k] for k in ("courts", "cases", "refusal_cases",
                                                   "refusal_verdicts")}
                   for r in dashboard.api("/regions")["data"]}
    assert got_regions == {region: dict(n) for region, n in regions.items()}


def test_year_over_year_values_are_the_truths(dashboard: Dashboard) -> None:
    received = {f"{r['month']}-01": r["value"] for r in _truth(dashboard)["monthly_measures"]
                if r["measure"] == "received" and r["category"] == "refusal"}
    rows = dashboard.api("/year-over-year")["data"]
    # A dense grid: months with no case count 0.
    assert {r["month"]: r["value"] for r in rows} == {
        r["month"]: received.get(r["month"], 0) for r in rows}
    assert {m for m, n in received.items() if n} <= {r["month"] for r in rows}
    for r in rows:
        y, m = int(r["month"][:4]), r["month"][5:]
        ago = f"{y - 1}-{m}"
        if r["value_year_ago"] is not None:
            assert r["value_year_ago"] == received.get(ago, 0), r
            assert r["yoy_change"] == r["value"] - r["value_year_ago"], r
