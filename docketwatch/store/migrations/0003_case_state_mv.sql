CREATE MATERIALIZED VIEW IF NOT EXISTS case_state_mv TO case_state AS
SELECT
    case_key,
    bitShiftLeft(toUInt128(toUnixTimestamp64Micro(observed_at)), 64) + content_hash AS version,
    event_id,
    event_type,
    observed_at,
    parser_version,
    court_code,
    case_number,
    case_uid,
    receipt_date,
    decision_date,
    decision_class,
    decision_text,
    decision_ground,
    entry_into_force_date,
    judge,
    n_defendants,
    articles,
    defendant_articles,
    source_page_id,
    source_url
FROM case_events;
