"""Appeals in the dashboard and the API (issue 16): the monthly appeal views of the store
(VIEWS.md, "Appeals") and each case's chain first instance → appeal → cassation, every step
with the page it was read from.

Kept in a module of its own, registered by ``app.create_app`` beside the other endpoints
and pages; the pages render exactly the payloads the API serves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from docketwatch.store.definitions import view_text
from services.dashboard import downloads
from services.dashboard.api import DATE, INT, NUM, STR, Endpoint, Param, nullable, rows_schema
from services.dashboard.data import STORE, Payload, Store
from services.dashboard.queries import Query

APPEAL_ROW = {"month": DATE, "instance": STR, "result": STR, "appeals": INT}
SHARE_ROW = {"month": DATE, "verdicts": INT, "appealed": INT, "share_appealed": NUM}
CHANGE_ROW = {"month": DATE, "instance": STR, "change": STR, "appeals": INT}
DELAY_ROW = {"month": DATE, "instance": STR, "appeals": INT, "total_days": INT,
             "min_days": INT, "max_days": INT, "median_days": INT}
STEP_ROW = {"instance": STR, "court_code": STR, "case_number": STR,
            "receipt_date": nullable(STR), "decision_date": nullable(STR),
            "result": nullable(STR), "change": nullable(STR), "link_method": nullable(STR),
            "source_url": STR, "source_sha256": STR, "fetched_at": STR}


def monthly_results() -> Query:
    """Refusal cases' decided reviews per month, instance and result, each review once."""
    return Query("""
SELECT toString(toStartOfMonth(decision_date)) AS month, instance, result, count() AS appeals
FROM appeal_cases
WHERE category = 'refusal' AND decision_date IS NOT NULL AND result IS NOT NULL
GROUP BY month, instance, result
ORDER BY month, instance, result
""".strip())


def share() -> Query:
    return Query("""
SELECT toString(month) AS month, verdicts, appealed, share_appealed
FROM refusal_appeal_share ORDER BY month
""".strip())


def changes() -> Query:
    return Query("""
SELECT toString(month) AS month, instance, change, sum(appeals) AS appeals
FROM appeal_changes WHERE category = 'refusal'
GROUP BY month, instance, change ORDER BY month, instance, change
""".strip())


def delays() -> Query:
    return Query("""
SELECT toString(month) AS month, instance, appeals, total_days, min_days, max_days,
       median_days
FROM appeal_delays WHERE category = 'refusal' ORDER BY month, instance
""".strip())


def chain(case_key: str) -> Query:
    """The case itself, then its reviews (appeal before cassation), each with its page."""
    return Query("""
SELECT instance, court_code, case_number, receipt_date, decision_date, result, change,
       link_method, source_url, source_sha256, fetched_at
FROM (
    SELECT 'first' AS instance, c.court_code AS court_code, c.case_number AS case_number,
           toString(c.receipt_date) AS receipt_date,
           toString(c.decision_date) AS decision_date,
           CAST(c.decision_class, 'Nullable(String)') AS result,
           CAST(NULL, 'Nullable(String)') AS change,
           CAST(NULL, 'Nullable(String)') AS link_method, c.source_url AS source_url,
           p.sha256 AS source_sha256, toString(p.fetched_at) AS fetched_at, 0 AS step
    FROM cases AS c
    LEFT JOIN page_sources AS p ON p.page_id = c.source_page_id
    WHERE c.case_key = {case_key:String}
    UNION ALL
    SELECT instance, court_code, appeal_number, toString(receipt_date),
           toString(decision_date), CAST(result, 'Nullable(String)'),
           CAST(change, 'Nullable(String)'), CAST(link_method, 'Nullable(String)'),
           source_url, source_sha256, toString(source_fetched_at),
           if(instance = 'appeal', 1, 2)
    FROM appeal_chain WHERE case_key = {case_key:String}
)
ORDER BY step, receipt_date
""".strip(), {"case_key": case_key})


async def _listing(store: Store, query: Query) -> Payload:
    return await store.listing(query)


async def _appeals(store: Store, request: web.Request) -> Payload:
    results, shares, changed, delayed = await asyncio.gather(
        _listing(store, monthly_results()), _listing(store, share()),
        _listing(store, changes()), _listing(store, delays()))
    return {"results": results, "share": shares, "changes": changed, "delays": delayed}


async def _chain(store: Store, request: web.Request) -> Payload:
    return await store.listing(chain(request.match_info["case_key"]))


def _listing_of(row: dict[str, dict[str, object]]) -> dict[str, object]:
    return {"type": "object", "properties": {"data": rows_schema(row), "sql": STR}}


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/appeals", "appeals", "Refusal cases on review: decided appeals and "
             "cassations per month by result, the share of refusal verdicts appealed, the "
             "changes made and the days from verdict to review decision", _appeals,
             shape="custom", response={"type": "object", "properties": {
                 "results": _listing_of(APPEAL_ROW), "share": _listing_of(SHARE_ROW),
                 "changes": _listing_of(CHANGE_ROW), "delays": _listing_of(DELAY_ROW)}}),
    Endpoint("/appeals/{case_key}", "appealChain", "A case's chain: first instance, appeal, "
             "cassation, each with the page it was read from (URL, sha256, fetch time) and "
             "how the review was linked to the case (uid or court_number)", _chain,
             (Param("case_key", "court + uid or number, e.g. 25GV0001:uid:…", STR, "path",
                    True),), row=STEP_ROW, route="/appeals/{case_key:.+}"),
)


def _results_table(endpoint: Endpoint, payload: Mapping[str, Any]) -> downloads.Table:
    """A download of /appeals is its first listing, the reviews by result."""
    r = payload["results"]
    return downloads.Table(list(APPEAL_ROW), APPEAL_ROW, list(r["data"]), str(r["sql"]),
                           r["params"])


def _chain_table(endpoint: Endpoint, payload: Mapping[str, Any]) -> downloads.Table:
    return downloads.Table(list(STEP_ROW), STEP_ROW, list(payload["data"]),
                           str(payload["sql"]), payload["params"])


# Registered with the other endpoints' downloads (CSV, XLSX).
downloads.TABLES["appeals"] = _results_table
downloads.TABLES["appealChain"] = _chain_table


SHOWN_VIEWS = ("appeal_links", "monthly_appeals", "refusal_appeal_share", "appeal_changes",
               "appeal_delays")


def render(request: web.Request, template: str, **context: Any) -> web.Response:
    from services.dashboard.views import render as render_page  # views imports this module

    return render_page(request, template, **context)


async def appeals_page(request: web.Request) -> web.Response:
    data = await _appeals(request.app[STORE], request)
    return render(request, "appeals.html", **data,
                  definitions={v: view_text(v) for v in SHOWN_VIEWS})


async def case_steps(store: Store, case_key: str) -> list[dict[str, Any]]:
    """The chain of a case for its page (only the first step when it has no review)."""
    rows: list[dict[str, Any]] = (await store.listing(chain(case_key)))["data"]
    return rows


async def chain_page(request: web.Request) -> web.Response:
    data = await _chain(request.app[STORE], request)
    return render(request, "appeal_chain.html", case_key=request.match_info["case_key"],
                  steps=data["data"])


ROUTES = (("/appeals", appeals_page), ("/appeals/{case_key:.+}", chain_page))
