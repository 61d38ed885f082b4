"""The OpenAPI 3 document of /api/v1, generated from api.ENDPOINTS."""

from __future__ import annotations

from typing import Any

from services.dashboard.api import ENDPOINTS, PREFIX, Endpoint, listing_schema

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}


def _response_schema(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.shape == "custom" and endpoint.response is not None:
        return endpoint.response
    return listing_schema(endpoint.row, optional=endpoint.shape == "optional")


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK",
                "content": {"application/json": {"schema": _response_schema(endpoint)}}},
        "400": {"description": "invalid parameter",
                "content": {"application/json": {"schema": ERROR_REF}}},
        "503": {"description": "the store is unreachable",
                "content": {"application/json": {"schema": ERROR_REF}}},
    }
    if any(p.location == "path" for p in endpoint.params):
        responses["404"] = {"description": "no such item", "content": {
            "application/json": {"schema": ERROR_REF}}}
    return {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "parameters": [{"name": p.name, "in": p.location, "required": p.required or
                        p.location == "path", "description": p.description,
                        "schema": p.schema} for p in endpoint.params],
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
        "paths": {e.path: {"get": _operation(e)} for e in ENDPOINTS},
        "components": {"schemas": {"Error": ERROR}},
    }
