"""The store's ClickHouse HTTP interface, served by the aggregator in embedded mode.

chDB lets one process open a data directory, and this process owns it: readers (the CLI,
``docketwatch report``, the dashboard, the alerts service, and people's own ClickHouse
clients) reach the store through ClickHouse's HTTP protocol here (services/aggregator/
chhttp), every query checked by the SQL guard (store/guard.py: read-only by construction)
and run on reader connections of its own, ``DW_CLICKHOUSE_HTTP_MAX_QUERIES`` at most, so
queries never take the writers' connections. With a ClickHouse server
(``DW_CLICKHOUSE_DSN=http://…``) readers use the server itself and nothing is served here.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from mode import Service

from docketwatch.store.guard import (
    Answer,
    GuardedQuery,
    Limits,
    Refused,
    policy_for,
    run_guarded,
)
from services.aggregator import metrics
from services.aggregator.chhttp import make_app, serve, server_info
from services.aggregator.chhttp.settings import ClickHouseHttpSettings
from services.aggregator.db import Connections

log = logging.getLogger("docketwatch.aggregator.query")


class QueryInterface(Service):
    """Starts the HTTP interface once the store is open; stops it before the worker ends."""

    def __init__(self, db: Connections, settings: ClickHouseHttpSettings, limits: Limits,
                 database: str | None = None) -> None:
        super().__init__()
        self.db = db
        self.settings = settings
        self.limits = limits
        self.database = database
        self.runner: web.AppRunner | None = None

    async def run(self, query: GuardedQuery) -> Answer:
        def guarded(client: Any) -> Answer:
            return run_guarded(client, query, self.limits, policy_for(client, self.database))

        outcome = "error"
        try:
            answer = await self.db.read(guarded)
            outcome = "ok"
            return answer
        except Refused:
            outcome = "refused"
            raise
        finally:
            metrics.SQL_QUERIES.labels(outcome).inc()

    async def on_start(self) -> None:
        info = await self.db.read(server_info)
        app = make_app(self.run, self.settings, info)
        self.runner = await serve(app, self.settings)
        log.info("ClickHouse HTTP interface on http://%s:%s (read-only)",
                 self.settings.clickhouse_http_host, self.settings.clickhouse_http_port)

    async def on_stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
