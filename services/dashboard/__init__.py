"""The read-only dashboard and JSON API (``python -m services.dashboard``).

It never opens the store itself: every query goes through the store's read client
(docketwatch.reader), ClickHouse's HTTP interface: the aggregator's in embedded mode (chDB
allows one process per data directory and the aggregator owns it), a server's otherwise.
"""
