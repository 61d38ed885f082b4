"""The OpenAPI 3 document of /api/v1, generated from api.ENDPOINTS."""

from __future__ import annotations

from typing import Any

from docketwatch.i18n import LANGS
from services.dashboard import appeals, downloads, figures, render
from services.dashboard.api import ENDPOINTS, PREFIX, Endpoint, listing_schema

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}


def _response_schema(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.shape == "custom" and endpoint.response is not None:
        return endpoint.response
    return listing_schema(endpoint.row, optional=endpoint.shape == "optional")


FORMAT_PARAM = {
    "name": "format", "in": "query", "required": False,
    "description": "json (default); csv (UTF-8 with BOM, header row) or xlsx (numbers as "
                   "numbers, dates as dates, an 'about' sheet with the source, SQL and "
                   "definitions) download the table as an attachment. Text cells starting "
                   "with =, +, -, @, tab or CR get a leading apostrophe (formula injection).",
    "schema": {"type": "string", "enum": ["json", *downloads.FORMATS]}}
LANG_PARAM = {
    "name": "lang", "in": "query", "required": False,
    "description": "language of the human-readable fields (definitions; a download's column "
                   "headers and about sheet; a chart's text): ru or en. Default: the dw_lang "
                   "cookie, else the server's DW_LANG. Keys and values never change.",
    "schema": {"type": "string", "enum": list(LANGS)}}
CHART_PATH = "/charts/{name}.{ext}"


def _chart_operation() -> dict[str, Any]:
    return {
        "operationId": "chart",
        "summary": "A dashboard chart as a file to publish (print-friendly, with the source "
                   "line and provisional months marked), drawn from the same data as the page",
        "parameters": [
            {"name": "name", "in": "path", "required": True, "description": "the chart",
             "schema": {"type": "string", "enum": list(figures.NAMES)}},
            {"name": "ext", "in": "path", "required": True, "description": "file format",
             "schema": {"type": "string", "enum": list(render.FORMATS)}},
            {"name": "category", "in": "query", "required": False,
             "description": "the category (received: none = every category stacked)",
             "schema": {"type": "string"}},
            {"name": "court", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "received and decisions only: one court"},
            {"name": "region", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "received and decisions only: one region"},
            LANG_PARAM],
        "responses": {
            "200": {"description": "the chart", "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in render.FORMATS.values()}},
            "400": {"description": "invalid parameter",
                    "content": {"application/json": {"schema": ERROR_REF}}},
            "404": {"description": "no such chart",
                    "content": {"application/json": {"schema": ERROR_REF}}}},
    }


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK",
                "content": {"application/json": {"schema": _response_schema(endpoint)}}},
        "400": {"description": "invalid parameter",
                "content": {"application/json": {"schema": ERROR_REF}}},
        "503": {"description": "the store is unreachable",
                "content": {"application/json": {"schema": ERROR_REF}}},
    }
    parameters = [{"name": p.name, "in": p.location, "required": p.required or
                   p.location == "path", "description": p.description,
                   "schema": p.schema} for p in endpoint.params]
    parameters.append(LANG_PARAM)
    if endpoint.operation_id in downloads.TABLES:
        parameters.append(FORMAT_PARAM)
        for fmt, content_type in downloads.FORMATS.items():
            responses["200"]["content"][content_type] = {
                "schema": {"type": "string", "format": "binary",
                           "description": f"format={fmt}: the rows as a download"}}
    if any(p.location == "path" for p in endpoint.params):
        responses["404"] = {"description": "no such item", "content": {
            "application/json": {"schema": ERROR_REF}}}
    return {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "parameters": parameters,
        "responses": responses,
    }


def document(version: str = "1.0.0") -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "docketwatch API",
            "version": version,
            "description": (
                "Read-only counts of Russian military-court cases from the public sudrf.ru "
                "dockets (see VIEWS.md for the counting rules). Listing answers carry the SQL "
                "statement and parameters that produced them: `docketwatch sql` gives the "
                "same rows. Months whose status is `provisional` may still grow."),
            "license": {"name": "MIT"},
        },
        "servers": [{"url": PREFIX}],
        "paths": {**{e.path: {"get": _operation(e)}
                     for e in (*ENDPOINTS, *appeals.ENDPOINTS)},
                  CHART_PATH: {"get": _chart_operation()}},
        "components": {"schemas": {"Error": ERROR}},
    }
