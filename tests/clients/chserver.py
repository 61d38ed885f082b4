"""The ClickHouse HTTP interface on a small chDB store, in its own process (chDB hosts one
engine per process, and the test session may hold another).

    python -m tests.clients.chserver DATA_DIR

Settings come from the environment (DW_CLICKHOUSE_HTTP_*), as in the aggregator. Prints
``READY <port>`` once listening; logs (all of them, DEBUG) go to stderr; ends on SIGTERM.
The store: default.cases (5 rows) and the view default.cases_by_court. A query with the
comment ``/* hold Ns */`` keeps its reader thread N seconds before it runs (a slow query).
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docketwatch.store import (
    connect,
    guard,
)
from services.aggregator.chhttp import (
    ClickHouseHttpSettings,
    bound_port,
    make_app,
    serve,
    server_info,
)

HOLD = re.compile(r"/\* hold ([0-9.]+)s \*/")
SCHEMA = [
    """CREATE TABLE IF NOT EXISTS default.cases (
        case_id UInt32, court LowCardinality(String), article String, opened Date,
        defendants UInt8, note Nullable(String)
    ) ENGINE = MergeTree ORDER BY case_id""",
    """INSERT INTO default.cases VALUES
        (1, 'Moscow Garrison', '337.5', '2024-01-15', 1, NULL),
        (2, 'Moscow Garrison', '338', '2024-02-03', 2, 'it''s "quoted"'),
        (3, 'Kaliningrad Garrison', '337.5', '2024-02-20', 1, NULL),
        (4, 'Tver Garrison', '352.1', '2024-03-01', 1, 'tab\there'),
        (5, 'Tver Garrison', '337.5', '2024-03-09', 3, NULL)""",
    """CREATE VIEW IF NOT EXISTS default.cases_by_court AS
        SELECT court, count() AS cases, sum(defendants) AS defendants
        FROM default.cases GROUP BY court""",
]


def main() -> None:
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    data = Path(sys.argv[1]).resolve()
    dsn = f"chdb://{data}"
    admin = connect(dsn)
    for statement in SCHEMA:
        admin.command(statement)
    settings = ClickHouseHttpSettings()
    readers = [connect(dsn) for _ in range(settings.clickhouse_http_max_queries)]
    pool = ThreadPoolExecutor(max_workers=len(readers), thread_name_prefix="reader")
    idle: list = list(readers)
    limits = guard.Limits()
    # the guard's policy over the store's database (the stand-in has none)
    policy = guard.policy_for(admin, "default")

    def execute(query: guard.GuardedQuery) -> guard.Answer:
        hold = HOLD.search(query.sql)
        if hold:  # a slow query on demand, whatever functions the guard allows
            time.sleep(float(hold[1]))
        client = idle.pop()
        try:
            return guard.run_guarded(client, query, limits, policy)
        finally:
            idle.append(client)

    async def run(query: guard.GuardedQuery) -> guard.Answer:
        return await asyncio.get_running_loop().run_in_executor(pool, execute, query)

    async def serve_until_stopped() -> None:
        app = make_app(run, settings, server_info(admin))
        runner = await serve(app, settings)
        print(f"READY {bound_port(runner)}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        await stop.wait()
        await runner.cleanup()

    try:
        asyncio.run(serve_until_stopped())
    except Exception as exc:
        print(f"chserver: cannot start: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


if __name__ == "__main__":
    main()
