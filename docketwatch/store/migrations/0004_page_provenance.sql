-- One row per fetched page, from RawPage metadata written by Sink.write_provenance (the
-- fetcher/parser side knows the page state and HTTP status; pages that produced no event,
-- such as captchas and errors, only appear here). Pages that produced events are also
-- known from case_events.source_*; the page_sources view (0009) merges both.
-- detail = 2 for RawPage rows (1 is used by page_sources for event-derived rows); rows for
-- one page_id are identical by construction (page_id hashes court, url and fetch time).
CREATE TABLE IF NOT EXISTS page_provenance
(
    page_id String,
    court_code LowCardinality(String),
    url String,
    sha256 String,
    fetched_at DateTime64(6, 'UTC'),
    state LowCardinality(String),
    kind LowCardinality(String),
    http_status UInt16,
    detail UInt8,
    inserted_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree(detail)
ORDER BY page_id
SETTINGS non_replicated_deduplication_window = 10000;
