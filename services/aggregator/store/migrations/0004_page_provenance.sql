-- One row per fetched page: enough to cite a number's sources and find the raw page again.
-- Rows come from RawPage metadata (detail = 2: knows the page state and HTTP status) or are
-- derived from a CaseEvent's SourceRef (detail = 1: state unknown, stored as ''). The
-- richer row wins; equal-detail rows for one page_id are identical by construction
-- (page_id hashes court, url and fetch time).
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
