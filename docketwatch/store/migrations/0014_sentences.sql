-- Issue 10: the act's reading travels on every CaseEvent snapshot (CaseSnapshot.act_status
-- and .sentences). Columns are added to the event log and to case_state, the case_state
-- materialized view is re-created to carry them (an MV's query cannot be altered), and
-- content_hash covers them. Every statement is re-runnable: a crash half-way through is
-- repaired by the next migrate().
--
-- act_status: NULL = no act text read (none on the card yet, withheld, or only linked),
-- else 'verdict' / 'not_verdict' / 'unreadable' (contract ActStatus).
-- sentences_json: contract JSON of tuple[DefendantSentence] ('[]' when none), raw texts
-- included so that an unreadable punishment can be reviewed from the store.
-- Rows written before this migration read NULL / '[]', which is what they were.
ALTER TABLE case_events
    ADD COLUMN IF NOT EXISTS act_status LowCardinality(Nullable(String)) AFTER card_events_json;

ALTER TABLE case_events
    ADD COLUMN IF NOT EXISTS sentences_json String DEFAULT '[]' AFTER act_status;

-- The new columns join the content hash (the version tiebreak of both tables): two copies
-- of one event that differ only in their reading must not tie. Stored hashes of existing
-- rows are kept (a DEFAULT applies at insert only).
ALTER TABLE case_events
    MODIFY COLUMN content_hash UInt64 DEFAULT sipHash64(tuple(
        event_id, event_type, case_key, observed_at, parser_version, schema_version,
        court_code, case_number, case_uid, case_id, receipt_date, decision_date,
        decision_class, decision_text, decision_ground, entry_into_force_date, judge, has_act,
        published_at, modified_at, defendants_json, card_events_json, source_page_id,
        source_url, source_sha256, source_fetched_at, act_status, sentences_json));

ALTER TABLE case_state
    ADD COLUMN IF NOT EXISTS act_status LowCardinality(Nullable(String)) AFTER defendant_articles;

ALTER TABLE case_state
    ADD COLUMN IF NOT EXISTS sentences_json String DEFAULT '[]' AFTER act_status;

-- Re-create the MV with the new columns. Between the DROP and the CREATE an insert would
-- not reach case_state: migrate() runs before the aggregator consumes (single writer).
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
    source_page_id,
    source_url
FROM case_events;

-- cases (0009) gains the two columns; every other column is unchanged.
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
    sentences_json
FROM case_state FINAL;
