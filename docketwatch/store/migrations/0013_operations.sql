-- Operational records that arrive over Kafka next to the case events: the fetcher's court
-- health, the alert lifecycle and every dead letter. All are append-only logs made
-- idempotent by a ReplacingMergeTree over a key that identifies the record itself, so a
-- redelivered batch changes nothing.
CREATE TABLE IF NOT EXISTS court_health_log
(
    court_code LowCardinality(String),
    state LowCardinality(String),
    checked_at DateTime64(6, 'UTC'),
    last_success Nullable(DateTime64(6, 'UTC')),
    last_new_case Nullable(DateTime64(6, 'UTC')),
    last_error Nullable(String),
    pages_ok UInt32,
    pages_failed UInt32,
    inserted_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree
ORDER BY (court_code, checked_at, state)
SETTINGS non_replicated_deduplication_window = 10000;

-- Latest health per court (read with FINAL).
CREATE TABLE IF NOT EXISTS court_health
(
    court_code LowCardinality(String),
    state LowCardinality(String),
    checked_at DateTime64(6, 'UTC'),
    last_success Nullable(DateTime64(6, 'UTC')),
    last_new_case Nullable(DateTime64(6, 'UTC')),
    last_error Nullable(String),
    pages_ok UInt32,
    pages_failed UInt32
)
ENGINE = ReplacingMergeTree(checked_at)
ORDER BY court_code;

CREATE MATERIALIZED VIEW IF NOT EXISTS court_health_mv TO court_health AS
SELECT court_code, state, checked_at, last_success, last_new_case, last_error, pages_ok,
       pages_failed
FROM court_health_log;

CREATE TABLE IF NOT EXISTS alert_history
(
    alert_id String,
    rule LowCardinality(String),
    labels Map(String, String),
    status LowCardinality(String),
    severity LowCardinality(String),
    summary String,
    value Nullable(Float64),
    baseline Nullable(Float64),
    provisional Bool,
    at DateTime64(6, 'UTC'),
    inserted_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree
ORDER BY (alert_id, at, status)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS dead_letters
(
    letter_id String,
    stage LowCardinality(String),
    error_type LowCardinality(String),
    error String,
    stage_version LowCardinality(String),
    source_topic Nullable(String),
    source_partition Nullable(Int32),
    source_offset Nullable(Int64),
    court_code Nullable(String),
    url Nullable(String),
    created_at DateTime64(6, 'UTC'),
    payload_bytes UInt32,
    inserted_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree
ORDER BY letter_id
SETTINGS non_replicated_deduplication_window = 10000;
