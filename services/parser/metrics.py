"""Prometheus metrics of the parser."""

from prometheus_client import Counter, Histogram

PAGES = Counter("docketwatch_parser_pages_total",
                "Raw records read, by page state (window manifests: 'window_manifest')", ["state"])
EVENTS = Counter("docketwatch_parser_events_total", "Case events emitted, by type", ["type"])
DEAD = Counter("docketwatch_parser_dead_letters_total", "Pages dead-lettered, by error", ["error"])
UNKNOWN_DECISIONS = Counter(
    "docketwatch_parser_unknown_decisions_total", "Decision texts no rule recognised"
)
PARSE_SECONDS = Histogram("docketwatch_parser_parse_seconds",
                          "Time to parse one page (in a parse process)")
PARSE_TIMEOUTS = Counter(
    "docketwatch_parser_parse_timeouts_total",
    "Pages that took longer to parse than DW_PARSER_PAGE_TIMEOUT_S (dead-lettered)")
PARSE_RESTARTS = Counter(
    "docketwatch_parser_parse_process_restarts_total",
    "Parse processes replaced, by reason (timeout, crash, exit, start_failed)", ["reason"])
RECORDS_TOO_LARGE = Counter(
    "docketwatch_parser_records_too_large_total",
    "Pages whose case events would exceed the record limit (dead-lettered, RecordTooLarge)")
UNREADABLE_SENTENCES = Counter(
    "docketwatch_parser_unreadable_sentences_total",
    "Verdict acts whose punishment could not be read (kept for review, never guessed)",
)
BATCH_RETRIES = Counter(
    "docketwatch_parser_batch_retries_total",
    "Batches of raw pages processed again after a Kafka error (nothing is skipped)",
)
