"""One place that runs queries and shapes their answers, for the API and the pages alike.

The HTML views render exactly the payloads the JSON API serves, so a number on a page and
the number from /api/v1 cannot disagree.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from docketwatch.store.definitions import figures_of
from services.dashboard import queries
from services.dashboard.backend import Backend, Result, timed

Payload = dict[str, Any]
NO_DATA = "no data"  # as_of of an empty store


class Store:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def run(self, query: queries.Query) -> Result:
        return await timed(self.backend, query.sql, query.params)

    async def listing(self, query: queries.Query) -> Payload:
        """``{"data": [...], "sql": ..., "params": ..., "definitions": ...}``: the rows, how
        to reproduce them, and what their numbers mean."""
        result = await self.run(query)
        return {"data": result.records(), "sql": query.sql, "params": query.params,
                "definitions": figures_of(result.columns)}

    async def one(self, query: queries.Query) -> dict[str, Any] | None:
        records = (await self.run(query)).records()
        return records[0] if records else None

    async def existing_tables(self) -> set[str]:
        result = await self.run(queries.existing_tables())
        return {str(row[0]) for row in result.rows}

    async def optional_listing(self, table: str, query: queries.Query) -> Payload:
        """A listing over a table others add: ``available: false`` and no rows until then."""
        if table not in await self.existing_tables():
            return {"available": False, "data": []}
        return {"available": True, **await self.listing(query)}

    async def as_of(self) -> str:
        row = await self.one(queries.as_of())
        return str(row["as_of"]) if row and row["as_of"] else NO_DATA

    # -------------------------------------------------------------- composite answers

    async def court(self, code: str) -> Payload | None:
        info = await self.one(queries.court_info(code))
        stats = await self.one(queries.courts(court=code))
        if info is None and stats is None:
            return None
        return {"court": info, "stats": stats}

    async def case(self, case_key: str) -> Payload | None:
        case = await self.one(queries.case_detail(case_key))
        if case is None:
            return None
        sources = await self.listing(queries.case_provenance(case_key))
        return {"case": case, "sources": sources["data"]}

    async def cases(self, search: queries.CaseSearch) -> Payload:
        listing = await self.listing(queries.case_search(search))
        total = await self.one(queries.case_count(search))
        return {**listing, "total": int(total["total"]) if total else 0,
                "limit": search.limit, "offset": search.offset}

    async def source_health(self) -> Payload:
        return {"pages": await self.listing(queries.page_health()),
                "fetcher": await self.optional_listing("court_health", queries.court_health())}

    async def alerts(self, state: str, limit: int = 200) -> Payload:
        if state == "log":
            return await self.optional_listing("alert_history", queries.alert_log(limit))
        return await self.optional_listing(
            "alert_history", queries.alerts_current(active_only=state == "active"))


STORE = web.AppKey("store", Store)
