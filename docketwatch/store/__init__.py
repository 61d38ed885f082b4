"""ClickHouse store layer of the aggregator: schema, sink, views, reports, read-only SQL.

Works unchanged against an embedded chDB data directory (``chdb:///abs/dir``) and a
ClickHouse server (``http://host:8123``); see VIEWS.md for the user-facing views.
"""

from docketwatch.store.client import connect
from docketwatch.store.migrations import migrate
from docketwatch.store.readonly import ReadonlyQueryError, run_readonly_query
from docketwatch.store.report import YearSummary, format_year_summary, year_summary
from docketwatch.store.sink import Sink, batch_token, write_events, write_provenance

__all__ = [
    "ReadonlyQueryError",
    "Sink",
    "YearSummary",
    "batch_token",
    "connect",
    "format_year_summary",
    "migrate",
    "run_readonly_query",
    "write_events",
    "write_provenance",
    "year_summary",
]
