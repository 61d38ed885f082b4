"""Prometheus metrics of the fetcher (scraped from /metrics)."""

from prometheus_client import Counter, Gauge, Histogram

PAGES = Counter("docketwatch_fetcher_pages_total", "Pages fetched, by kind and state",
                ["kind", "state"])
PUBLISHED = Counter("docketwatch_fetcher_published_total", "Pages published to the raw topic")
UNCHANGED = Counter("docketwatch_fetcher_unchanged_total", "Pages skipped: content unchanged")
RETRIES = Counter("docketwatch_fetcher_retries_total", "Retried requests, by reason", ["reason"])
INCOMPLETE = Counter(
    "docketwatch_fetcher_incomplete_windows_total",
    "Windows left incomplete (retried next pass): rows that did not add up to the site's "
    "counter after retries, an empty answer no control confirmed, or a range whose "
    "counter its windows do not add up to (reason: rows, empty, mismatch)", ["reason"],
)
CONTROLS = Counter("docketwatch_fetcher_control_requests_total",
                   "Requests for a range's counter that check the windows' totals", ["kind"])
RECONCILED = Counter("docketwatch_fetcher_reconciliations_total",
                     "Checks of a court's windows against the site's counter for the whole "
                     "range, by outcome", ["kind", "outcome"])
REFETCHES = Counter("docketwatch_fetcher_window_refetches_total",
                    "Windows fetched again because rows and counter disagreed")
SUSPECT_EMPTY = Counter("docketwatch_fetcher_suspect_empty_total",
                        "Empty answers re-requested because rows were expected")
WINDOWS = Counter("docketwatch_fetcher_windows_total", "Windows completed, by kind", ["kind"])
NEW_CASES = Counter("docketwatch_fetcher_new_cases_total", "Rows of cases not seen before")
LATENCY = Histogram("docketwatch_fetcher_request_seconds", "Request latency")
COURT_STATE = Gauge(
    "docketwatch_fetcher_court_up", "1 if the court's last window pass succeeded", ["court"]
)
COURT_IN_STATE = Gauge(
    "docketwatch_fetcher_court_state", "1 for the court's current state (ok, incomplete, failing, "
    "captcha, blocked, circuit_open), 0 for the others", ["court", "state"])
COURTS_BY_STATE = Gauge("docketwatch_fetcher_courts", "Courts per current state", ["state"])
OVERSIZED = Counter(
    "docketwatch_fetcher_oversized_pages_total",
    "Pages refused for their size, never published (their window is recorded as failed and "
    "retried on the next pass, with a dead letter): by where, 'http' (a body over "
    "DW_MAX_BODY_BYTES) or 'record' (a raw-page record over the record limit)", ["where"])
MANIFESTS = Counter("docketwatch_fetcher_window_manifests_total",
                    "Complete receipt windows accounted for (manifests sent or unchanged)")
COURT_REQUESTS = Counter("docketwatch_fetcher_court_requests_total",
                         "Requests to a court's site (list pages, counters, cards)", ["court"])
LIVE_POLLS = Counter("docketwatch_fetcher_live_polls_total",
                     "Live-mode polls: 'full' (every due window and the counter checks) or "
                     "'hot' (the newest windows only)", ["kind"])
HOT_INTERVAL = Gauge("docketwatch_fetcher_hot_interval_seconds",
                     "A court's current pause between polls of its newest windows", ["court"])
BUDGET_USED = Gauge("docketwatch_fetcher_budget_used",
                    "A court's requests in the last hour (DW_LIVE_BUDGET_PER_HOUR)", ["court"])
BUDGET_DEFERRALS = Counter("docketwatch_fetcher_budget_deferrals_total",
                           "Live polls put off because the court's hourly request budget "
                           "would not cover them", ["kind"])
SKIMMED = Counter("docketwatch_fetcher_windows_skimmed_total",
                  "Windows a hot poll left at their first page: the counter as at their last "
                  "complete fetch and every row on it known and unchanged")
HOT_RANGES = Counter("docketwatch_fetcher_hot_ranges_total",
                     "Hot polls' single requests for the range of a court's newest windows "
                     "of one kind: 'unchanged' (its counter as the windows' totals and every "
                     "row on its first page known, so no window of it was read) or 'changed'",
                     ["kind", "result"])
