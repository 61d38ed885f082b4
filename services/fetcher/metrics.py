"""Prometheus metrics of the fetcher (scraped from /metrics)."""

from prometheus_client import Counter, Gauge, Histogram

PAGES = Counter("docketwatch_fetcher_pages_total", "Pages fetched, by state", ["state"])
PUBLISHED = Counter("docketwatch_fetcher_published_total", "Pages published to the raw topic")
UNCHANGED = Counter("docketwatch_fetcher_unchanged_total", "Pages skipped: content unchanged")
RETRIES = Counter("docketwatch_fetcher_retries_total", "Retried requests, by reason", ["reason"])
INCOMPLETE = Counter(
    "docketwatch_fetcher_incomplete_windows_total",
    "Windows whose rows did not add up to the site's counter after retries",
)
LATENCY = Histogram("docketwatch_fetcher_request_seconds", "Request latency")
COURT_STATE = Gauge(
    "docketwatch_fetcher_court_up", "1 if the court's last window succeeded", ["court"]
)
