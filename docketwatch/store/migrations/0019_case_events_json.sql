-- Issue 6: case events go in as the Kafka records' own JSON (JSONEachRow), parsed and
-- checked by ClickHouse, not by Python. case_events_in mirrors the CaseEvent contract
-- (nested objects as named tuples); it stores nothing (Null engine): its materialized view
-- flattens each record into case_events, whose own view fills case_state. The rows are the
-- ones the pydantic path wrote (tested column for column, content_hash included).
--
-- What the insert refuses, so that the aggregator dead-letters it (the whole insert fails,
-- the aggregator then finds the bad records one by one): text that is not JSON, unknown
-- keys at any named level (input_format_skip_unknown_fields = 0 and
-- input_format_json_ignore_unknown_keys_in_named_tuple = 0 are set by the writer), wrong
-- types, unknown enum values (the Enum8 lists are the contract's enums; a test keeps them
-- equal), impossible dates and times, and the constraints below: a schema version this
-- build does not speak, empty identities, lists that are not lists of objects. Dates are
-- read as text and must survive the round trip through Date32 (ClickHouse would turn
-- 2024-13-45 into some other date rather than fail).
-- defendants / events / sentences keep the record's own JSON text: the same bytes the
-- pydantic path wrote (pydantic serialises a list the same way inside a record or alone).
-- Omitted optional keys (sentences, act_status, disappeared_at: left out of records when
-- unset) read as their defaults.
CREATE TABLE IF NOT EXISTS case_events_in
(
    schema_version UInt16,
    event_id String,
    event_type Enum8('received' = 1, 'decided' = 2, 'decision_changed' = 3,
                     'entered_into_force' = 4, 'hearing_scheduled' = 5, 're_received' = 6,
                     'disappeared' = 7, 'reappeared' = 8, 'observed' = 9,
                     'sentence_published' = 10),
    case_key String,
    observed_at DateTime64(6, 'UTC'),
    parser_version String,
    snapshot Tuple(
        court_code String,
        case_number String,
        case_uid Nullable(String),
        case_id Nullable(String),
        receipt_date Nullable(String),
        judge Nullable(String),
        decision_date Nullable(String),
        decision_text Nullable(String),
        decision_class Nullable(Enum8('verdict' = 1, 'terminated' = 2,
                                      'returned_to_prosecutor' = 3, 'transferred' = 4,
                                      'other_ruling' = 5, 'medical_measures' = 6,
                                      'other' = 7)),
        decision_ground Nullable(String),
        entry_into_force_date Nullable(String),
        defendants String,
        has_act Bool,
        events String,
        published_at Nullable(DateTime64(6, 'UTC')),
        modified_at Nullable(DateTime64(6, 'UTC')),
        sentences String,
        act_status Nullable(Enum8('verdict' = 1, 'not_verdict' = 2, 'unreadable' = 3)),
        disappeared_at Nullable(DateTime64(6, 'UTC'))),
    source Tuple(
        page_id String,
        url String,
        sha256 String,
        fetched_at DateTime64(6, 'UTC')),
    CONSTRAINT schema_version_known CHECK schema_version = 1,
    CONSTRAINT identity_present CHECK event_id != '' AND case_key != '' AND parser_version != ''
        AND snapshot.court_code != '' AND snapshot.case_number != '' AND source.page_id != '',
    CONSTRAINT dates_real CHECK
        (isNull(snapshot.receipt_date)
         OR toString(toDate32OrNull(snapshot.receipt_date)) = snapshot.receipt_date)
        AND (isNull(snapshot.decision_date)
             OR toString(toDate32OrNull(snapshot.decision_date)) = snapshot.decision_date)
        AND (isNull(snapshot.entry_into_force_date)
             OR toString(toDate32OrNull(snapshot.entry_into_force_date))
                = snapshot.entry_into_force_date),
    CONSTRAINT lists_of_objects CHECK
        arrayAll(s -> s = '' OR (JSONType(s) = 'Array'
                                 AND arrayAll(e -> JSONType(e) = 'Object',
                                              JSONExtractArrayRaw(s))),
                 [snapshot.defendants, snapshot.events, snapshot.sentences])
)
ENGINE = Null;

CREATE MATERIALIZED VIEW IF NOT EXISTS case_events_in_mv TO case_events AS
SELECT
    event_id,
    toString(event_type) AS event_type,
    case_key,
    observed_at,
    parser_version,
    schema_version,
    snapshot.court_code AS court_code,
    snapshot.case_number AS case_number,
    snapshot.case_uid AS case_uid,
    snapshot.case_id AS case_id,
    toDate32(snapshot.receipt_date) AS receipt_date,
    toDate32(snapshot.decision_date) AS decision_date,
    CAST(snapshot.decision_class, 'Nullable(String)') AS decision_class,
    snapshot.decision_text AS decision_text,
    snapshot.decision_ground AS decision_ground,
    toDate32(snapshot.entry_into_force_date) AS entry_into_force_date,
    snapshot.judge AS judge,
    snapshot.has_act AS has_act,
    snapshot.published_at AS published_at,
    snapshot.modified_at AS modified_at,
    if(snapshot.defendants = '', '[]', snapshot.defendants) AS defendants_json,
    if(snapshot.events = '', '[]', snapshot.events) AS card_events_json,
    CAST(snapshot.act_status, 'Nullable(String)') AS act_status,
    if(snapshot.sentences = '', '[]', snapshot.sentences) AS sentences_json,
    snapshot.disappeared_at AS disappeared_at,
    source.page_id AS source_page_id,
    source.url AS source_url,
    source.sha256 AS source_sha256,
    source.fetched_at AS source_fetched_at
FROM case_events_in;
