"""Prometheus metrics of the parser."""

from prometheus_client import Counter, Histogram

PAGES = Counter("docketwatch_parser_pages_total",
                "Raw records read, by page state (window manifests: 'window_manifest')", ["state"])
EVENTS = Counter("docketwatch_parser_events_total", "Case events emitted, by type", ["type"])
DEAD = Counter("docketwatch_parser_dead_letters_total", "Pages dead-lettered, by error", ["error"])
UNKNOWN_DECISIONS = Counter(
    "docketwatch_parser_unknown_decisions_total", "Decision texts no rule recognised"
)
PARSE_SECONDS = Histogram("docketwatch_parser_parse_seconds", "Time to parse one page")
UNREADABLE_SENTENCES = Counter(
    "docketwatch_parser_unreadable_sentences_total",
    "Verdict acts whose punishment could not be read (kept for review, never guessed)",
)
BATCH_RETRIES = Counter(
    "docketwatch_parser_batch_retries_total",
    "Batches of raw pages processed again after a Kafka error (nothing is skipped)",
)
