"""The store: schema and migrations, the sink, views, reports and the read-side guard.

Works unchanged against an embedded chDB data directory (``chdb:///abs/dir``) and a
ClickHouse server (``http://host:8123``); see VIEWS.md for the user-facing views.
"""

from docketwatch.store.client import connect
from docketwatch.store.migrations import migrate
from docketwatch.store.report import YearSummary, format_year_summary, year_summary
from docketwatch.store.sink import dedup_token, write_events

__all__ = [
    "YearSummary",
    "connect",
    "dedup_token",
    "format_year_summary",
    "migrate",
    "write_events",
    "year_summary",
]
