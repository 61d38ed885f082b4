"""A court page carrying a script payload renders inert.

The crafted case arrives the way any case does: a CaseEvent on the case-events topic,
written to the store by the aggregator (the dashboard never writes).
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pytest

from docketwatch.contract import (
    Article,
    CaseSnapshot,
    DecisionClass,
    Defendant,
)
from tests.dashboard import browser
from tests.dashboard.conftest import Dashboard, publish_case

pytestmark = pytest.mark.integration

# Each payload would mark <html> if it ever ran.
SCRIPT = "<script>document.documentElement.setAttribute('data-pwned','script')</script>"
IMG = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">"
CLOSE = "</script><script>document.documentElement.setAttribute('data-pwned','json')</script>"
JS_URL = "javascript:document.documentElement.setAttribute('data-pwned','href')"


@pytest.fixture(scope="module")
def hostile_case(dashboard: Dashboard) -> str:
    court = dashboard.api("/courts")["data"][0]["court_code"]
    number = "1-999/2024" + SCRIPT
    snapshot = CaseSnapshot(
        court_code=court, case_number=number, receipt_date=date(2024, 12, 26), judge=SCRIPT,
        decision_date=date(2024, 12, 27), decision_class=DecisionClass.VERDICT,
        decision_text=IMG, decision_ground=CLOSE,
        defendants=(Defendant(hidden=True, articles=(Article(article="337", raw=IMG),)),))
    return publish_case(dashboard, snapshot, tag="xss", url=JS_URL, sha256="f" * 64)


def _assert_inert(html: str) -> None:
    # The payloads appear only escaped: no live tag, no handler, no javascript: link.
    for payload in (SCRIPT, IMG, CLOSE):
        assert payload not in html
    assert "<script>document" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html.lower()
    assert "&lt;script&gt;document.documentElement.setAttribute(" in html


def test_case_page_escapes_every_field(dashboard: Dashboard, hostile_case: str) -> None:
    status, html, headers = dashboard.get("/cases/" + quote(hostile_case, safe=""))
    assert status == 200
    _assert_inert(html)
    assert "&lt;img src=x onerror=" in html  # decision text, shown as text
    assert "javascript:document" in html  # the URL is shown as text, not as a link
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_search_and_court_pages_escape_the_case(dashboard: Dashboard,
                                                hostile_case: str) -> None:
    court = hostile_case.split(":", 1)[0]
    for path in (f"/cases?court={court}&number=999", f"/courts/{court}"):
        status, html, _ = dashboard.get(path)
        assert status == 200 and "1-999/2024" in html, path
        _assert_inert(html)


def test_api_returns_the_payload_as_data(dashboard: Dashboard, hostile_case: str) -> None:
    case = dashboard.api("/cases/" + quote(hostile_case, safe=""))
    assert case["case"]["judge"] == SCRIPT  # JSON carries the value unchanged
    _, _, headers = dashboard.get("/api/v1/cases/" + quote(hostile_case, safe=""))
    assert headers["Content-Type"].startswith("application/json")


def test_payload_does_not_run_in_the_browser(dashboard: Dashboard, hostile_case: str) -> None:
    court = hostile_case.split(":", 1)[0]
    for path in ("/cases/" + quote(hostile_case, safe=""), f"/cases?court={court}&number=999",
                 f"/courts/{court}", "/"):
        dom = browser.dump_dom(dashboard.url + path)
        html_tag = re.search(r"<html[^>]*>", dom)
        assert html_tag and "data-pwned" not in html_tag[0], (path, html_tag)
        assert re.search(r'data-charts-rendered="\d+"', html_tag[0]), path  # JS did run
