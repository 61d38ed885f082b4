-- Issue 5: a case a complete fetch of its receipt window no longer lists gets a
-- 'disappeared' event whose snapshot carries disappeared_at (the window manifest's fetch
-- time); a page that shows it again gives 'reappeared' with disappeared_at back to NULL.
-- The column joins the event log, case_state (MV re-created, as in 0014) and the `cases`
-- view; `disappeared_cases` lists the cases gone now. A vanished case keeps counting in
-- every view: it was received, and the raw pages that showed it stay citable.
ALTER TABLE case_events
    ADD COLUMN IF NOT EXISTS disappeared_at Nullable(DateTime64(6, 'UTC')) AFTER sentences_json;

ALTER TABLE case_events
    MODIFY COLUMN content_hash UInt64 DEFAULT sipHash64(tuple(
        event_id, event_type, case_key, observed_at, parser_version, schema_version,
        court_code, case_number, case_uid, case_id, receipt_date, decision_date,
        decision_class, decision_text, decision_ground, entry_into_force_date, judge, has_act,
        published_at, modified_at, defendants_json, card_events_json, source_page_id,
        source_url, source_sha256, source_fetched_at, act_status, sentences_json,
        disappeared_at));

ALTER TABLE case_state
    ADD COLUMN IF NOT EXISTS disappeared_at Nullable(DateTime64(6, 'UTC')) AFTER sentences_json;

DROP VIEW IF EXISTS case_state_mv;

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
    act_status,
    sentences_json,
    disappeared_at,
    source_page_id,
    source_url
FROM case_events;

CREATE OR REPLACE VIEW cases AS
SELECT
    case_key,
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
    event_id AS last_event_id,
    event_type AS last_event_type,
    observed_at AS last_observed_at,
    parser_version,
    source_page_id,
    source_url,
    act_status,
    sentences_json,
    disappeared_at
FROM case_state FINAL;

-- Cases the site listed once and lists no more, with the page that last showed them
-- (the newest event that is not the disappearance itself).
CREATE OR REPLACE VIEW disappeared_cases AS
SELECT
    c.case_key AS case_key,
    c.court_code AS court_code,
    c.case_number AS case_number,
    c.receipt_date AS receipt_date,
    c.decision_class AS decision_class,
    c.disappeared_at AS disappeared_at,
    c.source_url AS manifest_url,
    s.last_seen_at AS last_seen_at,
    s.last_seen_url AS last_seen_url
FROM cases AS c
LEFT JOIN (
    SELECT case_key, max(observed_at) AS last_seen_at,
           argMax(source_url, observed_at) AS last_seen_url
    FROM case_events FINAL
    WHERE event_type != 'disappeared'
    GROUP BY case_key
) AS s ON s.case_key = c.case_key
WHERE c.disappeared_at IS NOT NULL;
