"""Numbers ready to publish: every table downloads as CSV and XLSX with the API's values,
every chart as SVG and PNG with the source line and provisional months marked; and the
headline numbers are honest (complete months only, rates kept to 6 places)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest

from docketwatch import i18n
from docketwatch.store.definitions import FIGURES, display_rate
from services.dashboard.api import CASE_ROW, ENDPOINTS
from tests.dashboard import png
from tests.dashboard.conftest import Dashboard

pytestmark = pytest.mark.integration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = ["/summary", "/received?category=refusal&from=2023-01&to=2024-06", "/decisions",
          "/verdicts-per-working-day?category=all", "/suspended-share", "/year-over-year",
          "/courts", "/regions", "/cases?article=337&limit=20", "/alerts?state=all",
          "/alerts?state=log"]
SVG_NS = "{http://www.w3.org/2000/svg}"


def fetch(dashboard: Dashboard, path: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(dashboard.url + path, timeout=60) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def with_format(path: str, fmt: str) -> str:
    return path + ("&" if "?" in path else "?") + f"format={fmt}"


def as_of(dashboard: Dashboard) -> str:
    return str(dashboard.api("/summary")["data"][0]["latest_observed_at"])[:10]


def _schema(path: str) -> dict[str, Any]:
    bare = path.split("?")[0].removeprefix("/api/v1")
    row = CASE_ROW if bare == "/cases" else next(e.row for e in ENDPOINTS if e.path == bare)
    return {**row, "at": {"type": "string"}}


def _joined(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def _guarded(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def want_csv(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return _guarded(_joined(value))


def want_xlsx(value: Any, schema: dict[str, Any]) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if schema.get("format") == "date":
        return datetime.fromisoformat(value)  # openpyxl reads a date cell as a datetime
    return _guarded(_joined(value))


def headers_ok(headers: dict[str, str], content_type: str, ext: str) -> None:
    assert headers["Content-Type"].startswith(content_type), headers
    disposition = headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="docketwatch-[A-Za-z0-9-]+\.' + ext + '"',
                        disposition), disposition


@pytest.mark.parametrize("path", TABLES)
def test_csv_is_the_api_rows(dashboard: Dashboard, path: str) -> None:
    rows = dashboard.api(path)["data"]
    assert rows or path.startswith("/alerts"), path
    status, body, headers = fetch(dashboard, "/api/v1" + with_format(path, "csv"))
    assert status == 200, body[:300]
    headers_ok(headers, "text/csv; charset=utf-8", "csv")
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    parsed = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    columns = list(rows[0]) if rows else [c for c in _schema(path) if c != "at"]
    assert parsed[0] == columns
    assert parsed[1:] == [[want_csv(r[c]) for c in columns] for r in rows]


@pytest.mark.parametrize("path", TABLES)
def test_xlsx_reloads_with_the_api_values(dashboard: Dashboard, path: str) -> None:
    payload = dashboard.api(path)
    rows, schema = payload["data"], _schema(path)
    status, body, headers = fetch(dashboard, "/api/v1" + with_format(path, "xlsx"))
    assert status == 200, body[:300]
    headers_ok(headers, XLSX, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["data", "about"]
    sheet = [list(r) for r in book["data"].iter_rows(values_only=True)]
    columns = list(rows[0]) if rows else [c for c in schema if c != "at"]
    assert sheet[0] == columns
    assert sheet[1:] == [[want_xlsx(r[c], schema.get(c, {})) for c in columns] for r in rows]
    # numbers are numbers, dates are dates: the cell types, not only the values
    for r, cells in zip(rows, book["data"].iter_rows(min_row=2), strict=True):
        for c, cell in zip(columns, cells, strict=True):
            if isinstance(r[c], int | float) and not isinstance(r[c], bool):
                assert cell.data_type == "n", (c, cell.value)
            if schema.get(c, {}).get("format") == "date" and r[c] is not None:
                assert cell.is_date and cell.number_format == "yyyy-mm-dd", c
    about = {r[0]: r[1] for r in book["about"].iter_rows(values_only=True) if r and r[0]}
    assert about["source"] == f"docketwatch, sudrf.ru dockets, as of {as_of(dashboard)}"
    if payload.get("sql"):
        assert about["sql"] == payload["sql"]
    for c in columns:
        if c in FIGURES:
            assert about[c] == FIGURES[c], c


def test_other_tables_download(dashboard: Dashboard) -> None:
    case = dashboard.api("/cases?limit=1")["data"][0]
    sources = dashboard.api("/cases/" + quote(case["case_key"], safe=""))["sources"]
    status, body, _ = fetch(dashboard, "/api/v1/cases/" + quote(case["case_key"], safe="")
                            + "?format=csv")
    assert status == 200
    parsed = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert parsed[1:] == [[want_csv(v) for v in s.values()] for s in sources]
    health = dashboard.api("/source-health")
    status, body, _ = fetch(dashboard, "/api/v1/source-health?format=xlsx")
    assert status == 200
    sheet = list(openpyxl.load_workbook(io.BytesIO(body))["data"].iter_rows(values_only=True))
    pages = [r["court_code"] for r in health["pages"]["data"]]
    only_fetcher = sorted({r["court_code"] for r in health["fetcher"]["data"]} - set(pages))
    assert [r[0] for r in sheet[1:]] == pages + only_fetcher
    assert sheet[1][2] == health["pages"]["data"][0]["pages"]


def test_bad_format_is_a_400(dashboard: Dashboard) -> None:
    status, body, _ = fetch(dashboard, "/api/v1/courts?format=pdf")
    assert status == 400 and b"format" in body


CHARTS = ["/charts/received", "/charts/received?category=refusal", "/charts/decisions",
          "/charts/per-day?category=all", "/charts/yoy", "/charts/suspended"]


def _svg_texts(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    assert root.tag == SVG_NS + "svg"
    return ["".join(t.itertext()) for t in root.iter(SVG_NS + "text")]


@pytest.mark.parametrize("chart", CHARTS)
def test_chart_svg_has_the_source_line_and_marks_provisional_months(dashboard: Dashboard,
                                                                     chart: str) -> None:
    name, _, query = chart.partition("?")
    status, body, headers = fetch(dashboard, f"/api/v1{name}.svg" + (f"?{query}" if query
                                                                     else ""))
    assert status == 200, body[:300]
    headers_ok(headers, "image/svg+xml", "svg")
    texts = _svg_texts(body)
    assert f"docketwatch, sudrf.ru dockets, as of {as_of(dashboard)}" in texts
    # the page draws the same JSON: its provisional months are the marked ones
    page = fetch(dashboard, "/")[1].decode()
    ids = {"received": "chart-received", "decisions": "chart-decisions",
           "per-day": "chart-per-day", "yoy": "chart-yoy", "suspended": "chart-suspended"}
    if not query:  # the overview's charts (category refusal)
        block = re.search(r'<script type="application/json" id="' + ids[name.split("/")[-1]]
                          + r'">(.*?)</script>', page, re.S)
        assert block, name
        data = json.loads(block[1])
        marked = [lab for lab, p in zip(data["labels"], data["provisional"], strict=True) if p]
        assert marked, "the simulated docket ends with provisional months"
        for label in marked:
            assert f'id="provisional-{label}"' in body.decode(), label
        assert "provisional month: the courts are still publishing it" in texts
        assert data["labels"][0] in texts


def test_chart_png_is_a_sane_image(dashboard: Dashboard) -> None:
    status, body, headers = fetch(dashboard, "/api/v1/charts/received.png")
    assert status == 200
    headers_ok(headers, "image/png", "png")
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, _ = png.pixels(body)
    assert (width, height) == (1600, 960)
    colours = png.colour_counts(body, step=4)
    white = colours[(255, 255, 255)] / sum(colours.values())
    assert 0.3 < white < 0.98 and len(colours) > 20  # drawn on, not blank


def test_court_chart_and_bad_chart_requests(dashboard: Dashboard) -> None:
    court = dashboard.api("/courts")["data"][0]["court_code"]
    status, body, _ = fetch(dashboard, f"/api/v1/charts/decisions.svg?court={court}")
    assert status == 200 and f"court {court}" in _svg_texts(body)
    assert fetch(dashboard, "/api/v1/charts/nope.svg")[0] == 404
    assert fetch(dashboard, f"/api/v1/charts/per-day.png?court={court}")[0] == 400
    assert fetch(dashboard, "/api/v1/charts/received.svg?category=x")[0] == 400


def test_every_download_link_on_the_pages_works(dashboard: Dashboard) -> None:
    court = dashboard.api("/courts")["data"][0]
    case = dashboard.api("/cases?limit=1")["data"][0]["case_key"]
    pages = ["/", "/courts", "/regions", "/cases?article=337", "/alerts", "/sources",
             f"/courts/{court['court_code']}", "/regions/" + quote(court["region"], safe=""),
             "/cases/" + quote(case, safe="")]
    seen = set()
    for page in pages:
        status, body, _ = fetch(dashboard, page)
        assert status == 200, page
        links = [html.unescape(h) for h in re.findall(r'href="(/api/v1/[^"]+)"', body.decode())
                 if "format=" in h or "/charts/" in h]
        assert links, page
        for link in links:
            if link in seen:
                continue
            seen.add(link)
            status, _, headers = fetch(dashboard, link)
            assert status == 200, (page, link)
            assert headers["Content-Disposition"].startswith("attachment;"), link
    assert any(".svg" in s for s in seen) and any("format=xlsx" in s for s in seen)


def test_headline_change_is_the_latest_complete_month(dashboard: Dashboard) -> None:
    rows = dashboard.api("/year-over-year?category=refusal")["data"]
    status = {r["month"]: r["status"] for r in rows}
    want = [r for r in rows if r["yoy_change"] is not None and r["status"] == "complete"
            and status.get(f"{int(r['month'][:4]) - 1}{r['month'][4:]}") == "complete"][-1]
    assert rows[-1]["status"] == "provisional"  # so the rule is tested, not the default
    assert want["month"] < rows[-1]["month"]
    page = fetch(dashboard, "/")[1].decode()
    match = re.search(r'data-yoy-month="([^"]+)">refusal received in ([^<]+)<br><small>latest '
                      r'complete month', page)
    assert match and match[1] == want["month"][:7], match
    with i18n.using("en"):  # the month as people write it: "July 2024"
        assert match[2] == i18n.format_month(want["month"]), match
    assert f'>{want["yoy_change"]:+d}</span>' in page


@pytest.mark.parametrize("category", ["refusal", "all"])
def test_per_day_keeps_six_places(dashboard: Dashboard, category: str) -> None:
    rows = dashboard.api(f"/verdicts-per-working-day?category={category}")["data"]
    for r in rows:
        exact = (Decimal(r["verdicts"]) / Decimal(r["working_days"])).quantize(
            Decimal("0.000001"), rounding=ROUND_DOWN)
        assert Decimal(str(r["per_day"])) == exact, r
    shown = {display_rate(r["per_day"]) for r in rows if r["verdicts"] > 0}
    assert "0.0" not in shown  # one verdict in a month never reads as none
    assert any(Decimal(str(r["per_day"])) != Decimal(str(r["per_day"])).quantize(
        Decimal("0.1")) for r in rows)  # the store no longer holds one decimal place
