-- Latest known state of each case: the snapshot of its most recently observed event.
-- Version = observed_at (microseconds) in the high 64 bits, content_hash as a deterministic
-- tiebreak in the low 64 bits (two events from one page share observed_at), so redelivery,
-- reordering and replays select the same row.
--
-- Fed by a materialized view on case_events (0003) rather than by a second insert from the
-- sink: the state is derived in the same insert as the event, cannot drift from the event
-- log, and can be rebuilt from case_events with one INSERT ... SELECT.
CREATE TABLE IF NOT EXISTS case_state
(
    case_key String,
    version UInt128,
    event_id String,
    event_type LowCardinality(String),
    observed_at DateTime64(6, 'UTC'),
    parser_version LowCardinality(String),
    court_code LowCardinality(String),
    case_number String,
    case_uid Nullable(String),
    receipt_date Nullable(Date32),
    decision_date Nullable(Date32),
    decision_class LowCardinality(Nullable(String)),
    decision_text Nullable(String),
    decision_ground Nullable(String),
    entry_into_force_date Nullable(Date32),
    judge Nullable(String),
    n_defendants UInt16,
    articles Array(String),
    defendant_articles Array(Array(String)),
    source_page_id String,
    source_url String
)
ENGINE = ReplacingMergeTree(version)
ORDER BY case_key;
