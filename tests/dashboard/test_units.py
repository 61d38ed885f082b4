"""Pure parts: input validation, chart series, JSON-in-HTML escaping, the OpenAPI shape."""

from __future__ import annotations

import json
import re

import pytest

from services.dashboard import api, appeals, charts, figures, openapi, params, queries, views


def test_month_filters_and_validation() -> None:
    f = params.filters({"court": "25ov0000", "from": "2023-01", "to": "2024-12"})
    assert f == queries.Filters(court="25OV0000", since="2023-01-01", until="2024-12-01")
    for bad in ({"from": "2023-13"}, {"to": "23-01"}, {"court": "25OV'0000"},
                {"court": "x" * 40}):
        with pytest.raises(params.BadInput):
            params.filters(bad)
    with pytest.raises(params.BadInput):
        params.category({"category": "all"}, None)
    assert params.category({"category": "all"}, None, allow_all=True) == "all"
    with pytest.raises(params.BadInput):
        params.case_search({"article": "337; DROP"})


def test_user_input_only_travels_as_parameters() -> None:
    hostile = "x' OR 1=1 --"
    search = queries.CaseSearch(court="25OV0000", article="337", number=hostile)
    for q in (queries.case_search(search), queries.case_count(search),
              queries.received(queries.Filters(region=hostile)),
              queries.courts(region=hostile), queries.case_detail(hostile)):
        assert hostile not in q.sql
        assert hostile in q.params.values()
        placeholders = set(re.findall(r"\{(\w+):", q.sql))
        assert placeholders == set(q.params), q.sql


def test_stacked_series_fill_missing_months_with_zero() -> None:
    rows = [{"month": "2024-01-01", "category": "refusal", "cases": 3, "status": "complete"},
            {"month": "2024-03-01", "category": "other", "cases": 2, "status": "provisional"},
            {"month": "2024-03-01", "category": "refusal", "cases": 1,
             "status": "provisional"}]
    chart = charts.stacked(rows, "category", "cases", ("refusal", "military", "other"))
    assert chart["labels"] == ["2024-01", "2024-02", "2024-03"]
    assert chart["provisional"] == [False, False, True]
    assert [(d["key"], d["data"]) for d in chart["datasets"]] == [
        ("refusal", [3, 0, 1]), ("other", [0, 0, 2])]
    assert charts.month_grid(["2023-11-01", "2024-02-01"]) == [
        "2023-11-01", "2023-12-01", "2024-01-01", "2024-02-01"]


def test_year_over_year_lines() -> None:
    rows = [{"year": 2023, "month_of_year": 12, "value": 5},
            {"year": 2024, "month_of_year": 1, "value": 7}]
    chart = charts.year_over_year(rows)
    assert [d["key"] for d in chart["datasets"]] == ["2023", "2024"]
    assert chart["datasets"][0]["data"][11] == 5 and chart["datasets"][1]["data"][0] == 7


def test_chart_json_cannot_close_its_script_block() -> None:
    env = views.environment()
    hostile = "</script><script>alert(1)</script>&<!--"
    fig = figures.Figure("received", "line", hostile, hostile,
                         {"labels": [hostile], "datasets": [], "provisional": [False]}, {})
    html = env.from_string(
        '{% from "macros.html" import chart %}{{ chart("c", fig) }}').render(fig=fig)
    block = re.search(r'<script type="application/json" id="c">(.*?)</script>', html, re.S)
    assert block is not None
    assert "<" not in block[1] and ">" not in block[1] and "&" not in block[1]
    assert json.loads(block[1])["labels"] == [hostile]  # the browser reads it back intact
    assert "<script>alert(1)" not in html


def test_only_http_links() -> None:
    assert views._safe_url("https://vs.sudrf.ru/x?a=1") == "https://vs.sudrf.ru/x?a=1"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", " //x", None):
        assert views._safe_url(bad) is None


def test_openapi_is_built_from_the_endpoint_list() -> None:
    doc = openapi.document()
    endpoints = [*api.ENDPOINTS, *appeals.ENDPOINTS]
    assert list(doc["paths"]) == [e.path for e in endpoints] + [openapi.CHART_PATH]
    for endpoint in endpoints:
        op = doc["paths"][endpoint.path]["get"]
        path_params = set(re.findall(r"\{(\w+)\}", endpoint.path))
        assert {p["name"] for p in op["parameters"] if p["in"] == "path"} == path_params
        lang = next(p for p in op["parameters"] if p["name"] == "lang")
        assert lang["schema"]["enum"] == ["ru", "en"]  # every answer in either language
        schema = op["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["type"] == "object"
    json.dumps(doc)  # serialisable as served
