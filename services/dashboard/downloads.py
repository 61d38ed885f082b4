"""Tables to publish: every /api/v1 table as CSV or XLSX (``?format=csv|xlsx``).

The rows are the JSON answer's rows, unchanged but for what a spreadsheet needs:
* CSV: UTF-8 with a byte-order mark (Excel then reads Cyrillic correctly), a header row of
  column names, numbers written as the JSON writes them;
* XLSX (openpyxl): integers and decimals as numbers, dates as dates, a header row; a second
  sheet "about" with the source line, the request, the SQL and parameters that produced
  the rows, and the definition of each number column (docketwatch.store.definitions).
  Timestamps stay text as the API serves them (UTC, microseconds): Excel keeps times only
  to the millisecond.
* Lists (articles) are joined with "; ", objects (alert labels) as "key=value; …".

Cells from the store are hostile text (whatever a court site showed). A text cell that
starts with =, +, -, @, tab or carriage return gets a leading apostrophe (OWASP, CSV
injection), in CSV and XLSX alike, so no spreadsheet evaluates it as a formula; characters
XML cannot carry (control characters) become U+FFFD in XLSX.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import openpyxl.cell._writer
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Font

from docketwatch.i18n import column, gettext, pgettext
from docketwatch.store.definitions import FIGURES
from services.dashboard.api import (
    CASE_ROW,
    COURT_ROW,
    HEALTH_ROW,
    PAGE_HEALTH_ROW,
    SOURCE_ROW,
    STAMP,
    Endpoint,
)


def _exact_string(value: Any) -> str:
    """openpyxl writes numbers with "%.16g", which loses the 17th significant digit of some
    doubles (30.769999999999996 became 30.77); repr() is the shortest text that reads back
    as the same double, so the XLSX holds exactly the API's number."""
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return str(safe_string(value))


openpyxl.cell._writer.safe_string = _exact_string

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_TEXT = 32767  # Excel's limit on one cell's text
Payload = Mapping[str, Any]
Schema = dict[str, Any]


@dataclass(frozen=True)
class Table:
    columns: list[str]
    types: dict[str, Schema]  # column → JSON-schema fragment (api.py)
    rows: list[dict[str, Any]]
    sql: str = ""
    params: Mapping[str, Any] | None = None


def guard(text: str) -> str:
    """OWASP CSV injection: a cell that a spreadsheet would read as a formula gets a
    leading apostrophe, which makes it text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _listing(endpoint: Endpoint, payload: Payload) -> Table:
    rows = list(payload.get("data") or [])
    columns = list(rows[0]) if rows else list(endpoint.row)
    types = {**endpoint.row, "at": STAMP}  # the alert log has "at" for first_at/last_at
    return Table(columns, types, rows, str(payload.get("sql", "")), payload.get("params"))


def _cases(endpoint: Endpoint, payload: Payload) -> Table:
    rows = list(payload["data"])
    return Table(list(CASE_ROW), CASE_ROW, rows, str(payload["sql"]), payload["params"])


def _case(endpoint: Endpoint, payload: Payload) -> Table:
    return Table(list(SOURCE_ROW), SOURCE_ROW, list(payload["sources"]))


def _court(endpoint: Endpoint, payload: Payload) -> Table:
    stats = payload.get("stats")
    return Table(list(COURT_ROW), COURT_ROW, [stats] if stats else [])


HEALTH_COLUMNS: dict[str, Schema] = {
    **PAGE_HEALTH_ROW, "state": HEALTH_ROW["state"], "checked_at": HEALTH_ROW["checked_at"],
    "last_success": HEALTH_ROW["last_success"],
    "fetcher_last_new_case": HEALTH_ROW["last_new_case"],
    "last_error": HEALTH_ROW["last_error"], "pages_ok": HEALTH_ROW["pages_ok"],
    "pages_failed": HEALTH_ROW["pages_failed"]}


def _source_health(endpoint: Endpoint, payload: Payload) -> Table:
    """The pages' statistics and the fetcher's records side by side, per court (as the
    Sources page shows them)."""
    fetcher = {r["court_code"]: r for r in payload["fetcher"].get("data") or []}
    rows = []
    for page in payload["pages"]["data"]:
        f = fetcher.pop(page["court_code"], None) or {}
        rows.append({**{c: page.get(c) for c in PAGE_HEALTH_ROW}, **_fetcher_part(f)})
    for code, f in sorted(fetcher.items()):
        rows.append({"court_code": code, "court_name": None, "pages": None,
                     "last_fetch": None, "last_new_case": None, **_fetcher_part(f)})
    return Table(list(HEALTH_COLUMNS), HEALTH_COLUMNS, rows)


def _fetcher_part(f: Mapping[str, Any]) -> dict[str, Any]:
    return {"state": f.get("state"), "checked_at": f.get("checked_at"),
            "last_success": f.get("last_success"),
            "fetcher_last_new_case": f.get("last_new_case"),
            "last_error": f.get("last_error"), "pages_ok": f.get("pages_ok"),
            "pages_failed": f.get("pages_failed")}


# operationId → how its answer becomes one table
TABLES: dict[str, Callable[[Endpoint, Payload], Table]] = {
    "summary": _listing, "received": _listing, "decisions": _listing,
    "verdictsPerWorkingDay": _listing, "suspendedShare": _listing, "yearOverYear": _listing,
    "courts": _listing, "regions": _listing, "alerts": _listing, "cases": _cases,
    "case": _case, "court": _court, "sourceHealth": _source_health,
}


def table(endpoint: Endpoint, payload: Payload) -> Table:
    return TABLES[endpoint.operation_id](endpoint, payload)


def _kind(schema: Schema | None) -> str:
    schema = schema or {}
    kind = schema.get("type")
    if kind == "string" and schema.get("format") == "date":
        return "date"
    return {"integer": "int", "number": "num", "boolean": "bool", "array": "list",
            "object": "map"}.get(str(kind), "text")


def _joined(value: Any, kind: str) -> str:
    if kind == "map" and isinstance(value, Mapping):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    if kind == "list" and isinstance(value, Sequence) and not isinstance(value, str):
        return "; ".join(_joined(v, "list") if isinstance(v, list) else str(v)
                         for v in value)
    return str(value)


def csv_cell(value: Any, schema: Schema | None) -> str:
    """A value as CSV text: numbers as JSON writes them, text guarded."""
    kind = _kind(schema)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and kind in ("int", "num"):
        return json.dumps(value)
    if kind == "date":
        return guard(str(value))
    return guard(_joined(value, kind))


def xlsx_cell(value: Any, schema: Schema | None) -> Any:
    """A value as an XLSX cell value: a number, a date, a bool or guarded text."""
    kind = _kind(schema)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and kind in ("int", "num"):
        return value
    if kind == "date":
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            pass
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", guard(_joined(value, kind)))
    return text[:XLSX_MAX_TEXT]


def to_csv(t: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column(c) for c in t.columns])  # headers in the reader's language
    for row in t.rows:
        writer.writerow([csv_cell(row.get(c), t.types.get(c)) for c in t.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(t: Table, *, title: str, source: str, request: str, what: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "data"
    ws.append([column(c) for c in t.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    dates = [i for i, c in enumerate(t.columns, start=1) if _kind(t.types.get(c)) == "date"]
    for row in t.rows:
        ws.append([xlsx_cell(row.get(c), t.types.get(c)) for c in t.columns])
    for i in dates:
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            cell.number_format = "yyyy-mm-dd"
    for i, name in enumerate(t.columns):
        letter = ws.cell(row=1, column=i + 1).column_letter
        ws.column_dimensions[letter].width = max(10, min(48, len(name) + 4))

    about = wb.create_sheet("about")
    lines: list[list[Any]] = [
        [pgettext("workbook", "title"), title], [pgettext("workbook", "source"), source],
        [pgettext("workbook", "what"), what], [pgettext("workbook", "request"), request]]
    if t.sql:
        lines += [["sql", t.sql],
                  ["params", json.dumps(t.params or {}, ensure_ascii=False, default=str)]]
    lines += [[], [pgettext("workbook", "column"), pgettext("workbook", "definition")]]
    lines += [[column(c), gettext(FIGURES[c])] for c in t.columns if c in FIGURES]
    for line in lines:
        about.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", guard(str(v))) for v in line])
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def filename(endpoint: Endpoint, values: Sequence[str], as_of: str, ext: str) -> str:
    """``docketwatch-received-refusal-2024-12-27.csv``: ASCII letters, digits and dashes
    only (a region in Cyrillic drops out), so no header or path can be smuggled in."""
    parts = ["docketwatch", endpoint.operation_id]
    parts += [p for p in (_UNSAFE.sub("-", v).strip("-")[:40] for v in values) if p]
    parts.append(_UNSAFE.sub("-", as_of).strip("-"))
    return "-".join(p for p in parts if p) + "." + ext
