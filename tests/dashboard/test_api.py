"""The JSON API answers exactly what the store answers, asked directly through the
aggregator's SQL endpoint (`docketwatch sql`), for the same question."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest

from docketwatch.settings import REPO_ROOT
from launcher.stack import wait_until
from services.dashboard import queries
from tests.dashboard.conftest import Dashboard

pytestmark = pytest.mark.integration

LISTINGS = ["/summary", "/received", "/received?category=refusal&from=2023-01&to=2024-06",
            "/decisions", "/decisions?category=military", "/verdicts-per-working-day",
            "/verdicts-per-working-day?category=all", "/suspended-share",
            "/suspended-share?category=all", "/year-over-year",
            "/year-over-year?measure=verdicts&category=all", "/courts", "/regions",
            "/cases?article=337&limit=20"]


def rows(payload: dict) -> list[list]:
    return [list(r.values()) for r in payload["data"]]


@pytest.mark.parametrize("path", LISTINGS)
def test_listing_equals_its_own_sql_run_through_the_endpoint(dashboard: Dashboard,
                                                             path: str) -> None:
    payload = dashboard.api(path)
    assert payload["data"], f"{path} is empty: the corpus should fill it"
    assert rows(payload) == dashboard.sql(payload["sql"], payload["params"])


def test_received_equals_docketwatch_sql_cli(dashboard: Dashboard) -> None:
    """The literal `docketwatch sql … --format json` gives the API's rows."""
    payload = dashboard.api("/received?category=refusal")
    cli = Path(sys.executable).parent / "docketwatch"
    out = subprocess.run(
        [str(cli), "sql", payload["sql"], "--param", "category=refusal", "--format", "json"],
        check=True, capture_output=True, text=True, cwd=REPO_ROOT,
        env={**os.environ, "DW_CLICKHOUSE_URL": dashboard.clickhouse_url,
             "PYTHONPATH": str(REPO_ROOT)})
    assert [json.loads(line) for line in out.stdout.splitlines()] == payload["data"]


def test_received_refusal_equals_monthly_measures(dashboard: Dashboard) -> None:
    """Cross-check against a different view: national refusal cases per month."""
    api = [(r["month"], r["cases"], r["status"])
           for r in dashboard.api("/received?category=refusal")["data"]]
    direct = dashboard.sql(
        "SELECT toString(month), value, status FROM monthly_measures "
        "WHERE measure = 'received' AND category = 'refusal' ORDER BY month")
    assert api == [tuple(r) for r in direct]


def test_received_stack_is_the_number_of_cases(dashboard: Dashboard) -> None:
    """Each case is in one category, so a month's stack (the overview chart's bar) is the
    number of cases received that month: the same as counting `cases`, and as 'all'."""
    stack: Counter[str] = Counter()
    for r in dashboard.api("/received")["data"]:
        assert r["category"] in queries.CATEGORIES
        stack[r["month"]] += r["cases"]
    direct = dashboard.sql(
        "SELECT toString(toStartOfMonth(receipt_date)) AS m, count() FROM cases "
        "WHERE receipt_date IS NOT NULL GROUP BY m")
    assert stack == dict(map(tuple, direct))
    everything = dashboard.sql(
        "SELECT toString(month), value FROM monthly_measures "
        "WHERE measure = 'received' AND category = 'all'")
    assert stack == dict(map(tuple, everything))
    # the chart as drawn: every bar (the sum of its datasets) is its month's cases
    status, page, _ = dashboard.get("/")
    assert status == 200
    found = re.search(r'<script type="application/json" id="chart-received">(.*?)</script>',
                      page, re.S)
    assert found is not None
    chart = json.loads(found[1])
    bars = [sum(d["data"][i] for d in chart["datasets"]) for i in range(len(chart["labels"]))]
    assert bars == [stack.get(f"{m}-01", 0) for m in chart["labels"]]
    assert sum(bars) == sum(stack.values()) > 0


def test_decisions_by_class_equal_a_count_over_cases(dashboard: Dashboard) -> None:
    api = [(r["month"], r["decision_class"], r["cases"])
           for r in dashboard.api("/decisions?category=refusal")["data"]]
    direct = dashboard.sql(
        "SELECT toString(toStartOfMonth(decision_date)) AS m, "
        "ifNull(decision_class, 'unclassified') AS c, count() FROM cases "
        "WHERE decision_date IS NOT NULL AND hasAny(articles, ['332', '337', '338']) "
        "GROUP BY m, c ORDER BY m, c")
    assert api == [tuple(r) for r in direct]


def test_verdicts_per_working_day_are_exact(dashboard: Dashboard) -> None:
    api = dashboard.api("/verdicts-per-working-day")["data"]
    direct = dashboard.sql(
        "SELECT toString(month), verdicts, working_days, per_day FROM verdicts_per_working_day "
        "WHERE category = {c:String} ORDER BY month", {"c": "refusal"})
    assert [(r["month"], r["verdicts"], r["working_days"]) for r in api] == \
        [(m, v, w) for m, v, w, _ in direct]
    # The endpoint sends Decimal as text ("1.2000"); the API sends the same number.
    assert [Decimal(str(r["per_day"])) for r in api] == [Decimal(p) for *_, p in direct]


def test_year_over_year_matches_monthly_rolling(dashboard: Dashboard) -> None:
    api = dashboard.api("/year-over-year")["data"]
    direct = dashboard.sql(
        "SELECT toString(month), value, value_year_ago, yoy_change FROM monthly_rolling "
        "WHERE measure = 'received' AND category = 'refusal' ORDER BY month")
    assert [(r["month"], r["value"], r["value_year_ago"], r["yoy_change"]) for r in api] == \
        [tuple(r) for r in direct]


def test_per_court_and_per_region_totals(dashboard: Dashboard) -> None:
    courts = {r["court_code"]: (r["cases"], r["refusal_cases"])
              for r in dashboard.api("/courts")["data"]}
    direct = dashboard.sql(
        "SELECT court_code, count(), countIf(hasAny(articles, ['332', '337', '338'])) "
        "FROM cases GROUP BY court_code")
    assert courts == {c: (n, r) for c, n, r in direct}
    regions = {r["region"]: r["cases"] for r in dashboard.api("/regions")["data"]}
    direct = dashboard.sql(
        "SELECT r.region, count() FROM cases AS c "
        "LEFT JOIN court_regions AS r ON r.court_code = c.court_code GROUP BY r.region")
    assert regions == dict(map(tuple, direct))
    court = next(iter(courts))
    detail = dashboard.api(f"/courts/{court}")
    assert detail["stats"]["cases"] == courts[court][0]
    assert detail["court"]["court_code"] == court


def test_case_search_and_provenance(dashboard: Dashboard) -> None:
    court = dashboard.api("/courts")["data"][0]["court_code"]
    found = dashboard.api(f"/cases?court={court}&article=337&limit=500")
    direct = dashboard.sql(
        "SELECT case_key FROM cases WHERE court_code = {c:String} AND has(articles, '337')",
        {"c": court})
    assert found["total"] == len(direct) > 0
    assert {r["case_key"] for r in found["data"]} == {k for (k,) in direct}
    number = found["data"][0]["case_number"]
    by_number = dashboard.api(f"/cases?number={quote(number)}")
    assert number in {r["case_number"] for r in by_number["data"]}

    key = found["data"][0]["case_key"]
    case = dashboard.api(f"/cases/{quote(key, safe='')}")
    assert case["case"]["case_key"] == key
    direct = dashboard.sql(
        "SELECT url, sha256, toString(fetched_at) FROM case_sources "
        "WHERE case_key = {k:String} ORDER BY observed_at, event_id", {"k": key})
    assert [(s["url"], s["sha256"], s["fetched_at"]) for s in case["sources"]] == \
        [tuple(r) for r in direct]
    assert all(len(s["sha256"]) == 64 for s in case["sources"])


def test_alerts_and_court_health_follow_the_store(dashboard: Dashboard) -> None:
    """Answers equal the store's once its tables exist; an empty state before that."""
    tables = {t for (t,) in dashboard.sql(
        "SELECT name FROM system.tables WHERE database = currentDatabase()")}
    if "alert_history" in tables:
        # The alert records were published before the dashboard started; wait for them.
        wait_until(lambda: dashboard.api("/alerts?state=log")["data"], timeout=60,
                   what="alerts in the store")
    for path in ("/alerts", "/alerts?state=all", "/alerts?state=log"):
        payload = dashboard.api(path)
        assert payload["available"] == ("alert_history" in tables)
        if payload["available"]:
            assert rows(payload) == dashboard.sql(payload["sql"], payload["params"])
        else:
            assert payload["data"] == []
    if "alert_history" in tables:
        active = dashboard.api("/alerts")["data"]
        assert [a["alert_id"] for a in active] == ["test-surge"]  # test-stale was resolved
    fetcher = dashboard.api("/source-health")["fetcher"]
    assert fetcher["available"] == ("court_health" in tables)


def test_bad_input_is_a_clear_400(dashboard: Dashboard) -> None:
    for path, word in [("/received?category=nope", "category"), ("/received?from=2024-13",
                       "from"), ("/cases?article=abc", "article"), ("/cases?limit=0", "limit"),
                       ("/courts/not%20a%20court", "court")]:
        status, body, _ = dashboard.get("/api/v1" + path)
        assert status == 400 and word in json.loads(body)["error"], (path, body)
    status, body, _ = dashboard.get("/api/v1/cases/" + quote("nope:no:1", safe=""))
    assert status == 404


def test_openapi_documents_every_api_route(dashboard: Dashboard) -> None:
    doc = dashboard.api("/openapi.json")
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/summary", "/received", "/decisions",
                                 "/verdicts-per-working-day", "/suspended-share",
                                 "/year-over-year", "/courts",
                                 "/courts/{code}", "/regions", "/cases", "/cases/{case_key}",
                                 "/alerts", "/source-health", "/charts/{name}.{ext}",
                                 "/appeals", "/appeals/{case_key}"}
    for path, item in doc["paths"].items():
        if "{" not in path:
            status, _, _ = dashboard.get("/api/v1" + path)
            assert status == 200, path
        assert "200" in item["get"]["responses"]


def test_health_and_metrics(dashboard: Dashboard) -> None:
    status, body, _ = dashboard.get("/health")
    assert status == 200 and json.loads(body)["store"] == "ok"
    status, body, _ = dashboard.get("/metrics")
    assert status == 200 and "docketwatch_dashboard_requests_total" in body
