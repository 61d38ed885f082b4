"""The JSON API (/api/v1/...): the dashboard's data for machines, described by OpenAPI.

Each endpoint is declared once in ENDPOINTS (path, parameters, row shape); the routes and
the OpenAPI document are both built from that list, so the document cannot drift from
what is served.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from docketwatch.i18n import N_
from services.dashboard import params, queries
from services.dashboard.data import Payload, Store

PREFIX = "/api/v1"
Handler = Callable[[Store, web.Request], Awaitable[Payload | None]]

# JSON-schema fragments for the row descriptions.
STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
NUM: dict[str, Any] = {"type": "number"}
BOOL: dict[str, Any] = {"type": "boolean"}
DATE: dict[str, Any] = {"type": "string", "format": "date"}
STAMP: dict[str, Any] = {"type": "string", "description": "UTC, YYYY-MM-DD hh:mm:ss.ffffff"}
STRS: dict[str, Any] = {"type": "array", "items": STR}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    schema: dict[str, Any]
    location: str = "query"
    required: bool = False


@dataclass(frozen=True)
class Endpoint:
    path: str  # below PREFIX
    operation_id: str
    summary: str
    handler: Handler
    params: tuple[Param, ...] = ()
    row: dict[str, dict[str, Any]] = field(default_factory=dict)
    shape: str = "listing"  # listing | optional | custom
    response: dict[str, Any] | None = None  # the schema, when shape == "custom"
    # aiohttp pattern when it differs from the OpenAPI path (case keys may contain "/")
    route: str | None = None


# A case's one category (docketwatch.categories): the first that applies.
CATEGORY_HELP = ("refusal (the case has an article 332, 337 or 338), military (no refusal "
                 "article, but another article of chapter 33, 331-352), other (no chapter-33 "
                 "article) or unknown (no article read); every case is in exactly one")
P_CATEGORY = Param("category", CATEGORY_HELP, {"type": "string",
                                               "enum": list(queries.CATEGORIES)})
P_CATEGORY_OR_ALL = Param("category", f"{CATEGORY_HELP}, or all (every case)", {
    "type": "string", "enum": [*queries.CATEGORIES, "all"]})
P_COURT = Param("court", "court code (vnkod), e.g. 25OV0000", STR)
P_REGION = Param("region", "the court's region, e.g. Приморский край", STR)
P_FROM = Param("from", "first month, YYYY-MM", {"type": "string", "pattern": r"^\d{4}-\d{2}$"})
P_TO = Param("to", "last month, YYYY-MM", {"type": "string", "pattern": r"^\d{4}-\d{2}$"})
MONTHLY_FILTERS = (P_COURT, P_REGION, P_FROM, P_TO)
COURT_ROW = {"court_code": STR, "court_name": STR, "court_type": STR, "region": STR,
             "cases": INT, "refusal_cases": INT, "refusal_verdicts": INT,
             "refusal_pending": INT, "last_receipt_date": nullable(DATE)}
COURT_INFO = {"court_code": STR, "court_name": STR, "court_type": STR, "region": STR,
              "district_code": nullable(STR)}
CASE_ROW = {"case_key": STR, "court_code": STR, "case_number": STR,
            "receipt_date": nullable(DATE), "decision_date": nullable(DATE),
            "decision_class": nullable(STR), "articles": STRS, "judge": nullable(STR),
            "n_defendants": INT, "last_observed_at": STAMP, "source_url": STR}
CASE_DETAIL = {"case_key": STR, "court_code": STR, "case_number": STR,
               "case_uid": nullable(STR), "receipt_date": nullable(DATE),
               "decision_date": nullable(DATE), "decision_class": nullable(STR),
               "decision_text": nullable(STR), "decision_ground": nullable(STR),
               "entry_into_force_date": nullable(DATE), "judge": nullable(STR),
               "n_defendants": INT, "articles": STRS,
               "defendant_articles": {"type": "array", "items": STRS},
               "last_event_type": STR, "last_observed_at": STAMP, "parser_version": STR,
               "source_page_id": STR, "source_url": STR}
SOURCE_ROW = {"event_id": STR, "event_type": STR, "observed_at": STAMP, "parser_version": STR,
              "page_id": STR, "url": STR, "sha256": STR, "fetched_at": STAMP}
ALERT_ROW = {"alert_id": STR, "rule": STR,
             "labels": {"type": "object", "additionalProperties": STR},
             "status": {"type": "string",
                        "enum": ["firing", "escalated", "resolved", "silenced"]},
             "severity": {"type": "string", "enum": ["info", "warning", "critical"]},
             "summary": STR, "value": nullable(NUM), "baseline": nullable(NUM),
             "provisional": BOOL}
HEALTH_ROW = {"court_code": STR, "state": STR, "checked_at": STAMP,
              "last_success": nullable(STAMP), "last_new_case": nullable(STAMP),
              "last_error": nullable(STR), "pages_ok": INT, "pages_failed": INT}
PAGE_HEALTH_ROW = {"court_code": STR, "court_name": STR, "pages": INT, "last_fetch": STAMP,
                   "last_new_case": nullable(STAMP)}


def rows_schema(row: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "object", "properties": row,
                                        "required": list(row)}}


def listing_schema(row: dict[str, dict[str, Any]], *, optional: bool = False,
                   ) -> dict[str, Any]:
    props: dict[str, Any] = {
        "data": rows_schema(row),
        "sql": {"type": "string", "description": "the statement that produced data; run it "
                "with `docketwatch sql` to reproduce the answer"},
        "params": {"type": "object", "description": "its {name:Type} parameters"},
        "definitions": {"type": "object", "additionalProperties": {"type": "string"},
                        "description": "what each number column means (column → "
                        "definition; docketwatch.store.definitions)"},
    }
    required = ["data", "sql", "params"]
    if optional:
        props["available"] = {"type": "boolean", "description": "false while the store "
                              "has no such table yet (then data is empty)"}
        required = ["available", "data"]
    return {"type": "object", "properties": props, "required": required}


# ------------------------------------------------------------------ handlers


async def _summary(store: Store, request: web.Request) -> Payload:
    return await store.listing(queries.summary())


async def _received(store: Store, request: web.Request) -> Payload:
    q = request.query
    return await store.listing(queries.received(params.filters(q), params.category(q, None)))


async def _decisions(store: Store, request: web.Request) -> Payload:
    q = request.query
    return await store.listing(queries.decisions(params.filters(q),
                                                 params.category(q, "refusal") or "refusal"))


async def _verdicts_per_day(store: Store, request: web.Request) -> Payload:
    category = params.category(request.query, "refusal", allow_all=True) or "refusal"
    return await store.listing(queries.verdicts_per_working_day(category))


async def _suspended_share(store: Store, request: web.Request) -> Payload:
    category = params.category(request.query, "refusal", allow_all=True) or "refusal"
    return await store.listing(queries.suspended_share(category))


async def _year_over_year(store: Store, request: web.Request) -> Payload:
    q = request.query
    category = params.category(q, "refusal", allow_all=True) or "refusal"
    return await store.listing(queries.year_over_year(params.measure(q), category))


async def _courts(store: Store, request: web.Request) -> Payload:
    return await store.listing(queries.courts(region=params.region(request.query)))


async def _court(store: Store, request: web.Request) -> Payload | None:
    return await store.court(params.check_court(request.match_info["code"]))


async def _regions(store: Store, request: web.Request) -> Payload:
    return await store.listing(queries.regions())


async def _cases(store: Store, request: web.Request) -> Payload:
    return await store.cases(params.case_search(request.query))


async def _case(store: Store, request: web.Request) -> Payload | None:
    return await store.case(request.match_info["case_key"])


async def _alerts(store: Store, request: web.Request) -> Payload:
    state = request.query.get("state", "active")
    if state not in ("active", "all", "log"):
        raise params.BadInput("state must be active, all or log")
    return await store.alerts(state, params.integer(request.query, "limit", 200, 1, 5000))


async def _source_health(store: Store, request: web.Request) -> Payload:
    return await store.source_health()


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/summary", "summary", N_("Headline totals and the publication cut-off"), _summary,
             row={"cases": INT, "refusal_cases": INT, "refusal_verdicts": INT,
                  "courts_with_cases": INT, "latest_observed_at": STAMP,
                  "complete_through": DATE}),
    Endpoint("/received", "received", N_("Cases received per month by category (a case counts "
             "once, in its one category, so a month's categories add up to its cases)"),
             _received, (P_CATEGORY, *MONTHLY_FILTERS),
             {"month": DATE, "category": STR, "cases": INT,
              "status": {"type": "string", "enum": ["complete", "provisional"]}}),
    Endpoint("/decisions", "decisions", N_("Cases decided per month by decision class, for one "
             "category (default refusal)"), _decisions, (P_CATEGORY, *MONTHLY_FILTERS),
             {"month": DATE, "decision_class": {"type": "string",
                                                "enum": list(queries.DECISION_CLASSES)},
              "cases": INT, "status": STR}),
    Endpoint("/verdicts-per-working-day", "verdictsPerWorkingDay", N_("Verdicts per official "
             "working day, nationally"), _verdicts_per_day,
             (P_CATEGORY_OR_ALL,),
             {"month": DATE, "verdicts": INT, "working_days": INT, "per_day": NUM,
              "status": STR}),
    Endpoint("/suspended-share", "suspendedShare", N_("Share of suspended sentences among "
             "the punishments read from published verdicts, by month of decision"),
             _suspended_share,
             (P_CATEGORY_OR_ALL,),
             {"month": DATE, "punished": INT, "suspended": INT, "unreadable": INT,
              "suspended_pct": NUM, "status": STR}),
    Endpoint("/year-over-year", "yearOverYear", N_("Monthly values with rolling sums and the "
             "change on the same month a year earlier"), _year_over_year,
             (Param("measure", "what is counted", {"type": "string",
                                                   "enum": list(queries.MEASURES)}),
              P_CATEGORY_OR_ALL),
             {"month": DATE, "year": INT, "month_of_year": INT, "value": INT,
              "sum_3m": nullable(INT), "sum_12m": nullable(INT),
              "value_year_ago": nullable(INT), "yoy_change": nullable(INT),
              "yoy_change_pct": nullable(NUM), "status": STR}),
    Endpoint("/courts", "courts", N_("Per-court totals (courts with at least one case)"), _courts,
             (P_REGION,), COURT_ROW),
    Endpoint("/courts/{code}", "court", N_("One court: directory entry and totals"), _court,
             (Param("code", "court code", STR, "path", True),), shape="custom",
             response={"type": "object", "properties": {
                 "court": nullable({"type": "object", "properties": COURT_INFO}),
                 "stats": nullable({"type": "object", "properties": COURT_ROW})}}),
    Endpoint("/regions", "regions", N_("Per-region totals (region = seat of the court)"),
             _regions, row={"region": STR, "courts": INT, "cases": INT,
                            "refusal_cases": INT, "refusal_verdicts": INT}),
    Endpoint("/cases", "cases", N_("Case search by court, article and case number"), _cases,
             (P_COURT, Param("article", "article number, e.g. 337", STR),
              Param("number", "part of the case number, e.g. 1-12/2024", STR),
              Param("limit", "page size (1-500)", INT), Param("offset", "rows to skip", INT)),
             shape="custom", response={"type": "object", "properties": {
                 **listing_schema(CASE_ROW)["properties"], "total": INT, "limit": INT,
                 "offset": INT}}),
    Endpoint("/cases/{case_key}", "case", N_("One case with the provenance of every event: "
             "source URL, fetch time and sha256 of the page"), _case,
             (Param("case_key", "court + uid or number, e.g. 25OV0000:uid:…", STR, "path",
                    True),), shape="custom", route="/cases/{case_key:.+}",
             response={"type": "object", "properties": {
                 "case": {"type": "object", "properties": CASE_DETAIL},
                 "sources": rows_schema(SOURCE_ROW)}}),
    Endpoint("/alerts", "alerts", N_("Alerts: active (latest state firing or escalated), all "
             "(latest state of every alert) or log (every state change, newest first)"),
             _alerts, (Param("state", "active, all or log", {
                 "type": "string", "enum": ["active", "all", "log"]}),
                       Param("limit", "log only: rows (1-5000)", INT)),
             {**ALERT_ROW, "first_at": STAMP, "last_at": STAMP}, shape="optional"),
    Endpoint("/source-health", "sourceHealth", N_("Per court: pages events came from, last "
             "fetch and last new case (pages), and the fetcher's own health records (pages "
             "fetched and failed)"),
             _source_health, shape="custom", response={"type": "object", "properties": {
                 "pages": listing_schema(PAGE_HEALTH_ROW),
                 "fetcher": listing_schema(HEALTH_ROW, optional=True)}}),
)
