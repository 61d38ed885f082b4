-- One row per CaseEvent. event_id is deterministic (contract.event_id), so a redelivered,
-- replayed or re-batched event collapses to one row.
--
-- Which copy survives: the one with the EARLIEST observed_at (the first-seen time, which
-- "as known on date D" queries and publication-delay statistics rely on), ties broken by
-- content_hash so the survivor does not depend on arrival order. ReplacingMergeTree keeps
-- the row with the MAX version, hence the inverted timestamp in the high 64 bits.
-- inserted_at is informational (the wall clock of the surviving insert) and is not part of
-- the version: it is the one column a replay may change.
--
-- non_replicated_deduplication_window makes a plain (non-replicated) MergeTree remember
-- the block ids of the last N inserts, so insert_deduplication_token works (without it the
-- token is silently ignored).
CREATE TABLE IF NOT EXISTS case_events
(
    event_id String,
    event_type LowCardinality(String),
    case_key String,
    observed_at DateTime64(6, 'UTC'),
    parser_version LowCardinality(String),
    schema_version UInt16,
    court_code LowCardinality(String),
    case_number String,
    case_uid Nullable(String),
    case_id Nullable(String),
    receipt_date Nullable(Date32),
    decision_date Nullable(Date32),
    decision_class LowCardinality(Nullable(String)),
    decision_text Nullable(String),
    decision_ground Nullable(String),
    entry_into_force_date Nullable(Date32),
    judge Nullable(String),
    has_act Bool,
    published_at Nullable(DateTime64(6, 'UTC')),
    modified_at Nullable(DateTime64(6, 'UTC')),
    -- Full defendants (articles with parts, points, attempt/preparation) as contract JSON.
    defendants_json String,
    card_events_json String,
    -- Derived by ClickHouse from defendants_json at insert (C++ is ~10x faster than doing
    -- it per event in Python): distinct article numbers per defendant and per case, in
    -- order of appearance, as CaseSnapshot.articles defines them (tested to agree).
    defendant_articles Array(Array(String)) DEFAULT arrayMap(
        d -> arrayDistinct(arrayMap(a -> JSONExtractString(a, 'article'),
                                    JSONExtractArrayRaw(d, 'articles'))),
        JSONExtractArrayRaw(defendants_json)),
    articles Array(String) DEFAULT arrayDistinct(arrayFlatten(defendant_articles)),
    n_defendants UInt16 DEFAULT length(JSONExtractArrayRaw(defendants_json)),
    source_page_id String,
    source_url String,
    source_sha256 String,
    source_fetched_at DateTime64(6, 'UTC'),
    -- Computed by ClickHouse (not the client) so every writer hashes identically.
    content_hash UInt64 DEFAULT sipHash64(tuple(
        event_id, event_type, case_key, observed_at, parser_version, schema_version,
        court_code, case_number, case_uid, case_id, receipt_date, decision_date,
        decision_class, decision_text, decision_ground, entry_into_force_date, judge, has_act,
        published_at, modified_at, defendants_json, card_events_json, source_page_id,
        source_url, source_sha256, source_fetched_at)),
    version UInt128 MATERIALIZED
        bitShiftLeft(toUInt128(0x7FFFFFFFFFFFFFFF - toUnixTimestamp64Micro(observed_at)), 64)
        + content_hash,
    inserted_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY event_id
SETTINGS non_replicated_deduplication_window = 10000;
