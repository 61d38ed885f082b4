"""The read-only dashboard and JSON API (``python -m services.dashboard``).

It never opens the store itself: in embedded mode chDB allows one process per data
directory and the aggregator owns it, so every query goes through the aggregator's
read-only ``POST /sql`` endpoint; with a ClickHouse server it reads the server directly
through the same read-only guard (``run_readonly_query``).
"""
