-- A parser fix re-parses old pages (operations.md, "Replay after a parser fix"): the new
-- parser's events carry the same observed_at (the page's fetch time) as the old parser's,
-- and until now the tie between them was broken by the content hash, i.e. at random. The
-- corrected snapshot of a case whose page is never fetched again won half the time, and an
-- event whose id the fix did not change kept the old content in the event log half the
-- time. Now, at the same observed_at, the newer parser version wins; the content hash
-- still breaks ties within one version (its high 32 bits).
--
-- parser_rank: the version's numbers (sudrf-MAJOR.MINOR.PATCH) packed in 32 bits, 12/10/10
-- bits each; a version without numbers (tests' "test-…") ranks 0.
ALTER TABLE case_events
    ADD COLUMN IF NOT EXISTS parser_rank UInt32 MATERIALIZED
        least(toUInt32OrZero(splitByChar('.', extract(parser_version, '(\\d+(?:\\.\\d+)*)'))[1]), 4095) * 1048576
        + least(toUInt32OrZero(splitByChar('.', extract(parser_version, '(\\d+(?:\\.\\d+)*)'))[2]), 1023) * 1024
        + least(toUInt32OrZero(splitByChar('.', extract(parser_version, '(\\d+(?:\\.\\d+)*)'))[3]), 1023);

-- The latest observation wins a case's state; then the newer parser; then the hash.
ALTER TABLE case_events
    ADD COLUMN IF NOT EXISTS state_version UInt128 MATERIALIZED
        bitShiftLeft(toUInt128(toUnixTimestamp64Micro(observed_at)), 64)
        + bitShiftLeft(toUInt128(parser_rank), 32) + bitShiftRight(content_hash, 32);

-- One event id: its first observation wins (as before); then the newer parser; then the hash.
ALTER TABLE case_events
    MODIFY COLUMN version UInt128 MATERIALIZED
        bitShiftLeft(toUInt128(0x7FFFFFFFFFFFFFFF - toUnixTimestamp64Micro(observed_at)), 64)
        + bitShiftLeft(toUInt128(parser_rank), 32) + bitShiftRight(content_hash, 32);

ALTER TABLE case_events MATERIALIZE COLUMN parser_rank SETTINGS mutations_sync = 2;

ALTER TABLE case_events MATERIALIZE COLUMN state_version SETTINGS mutations_sync = 2;

ALTER TABLE case_events MATERIALIZE COLUMN version SETTINGS mutations_sync = 2;

DROP VIEW IF EXISTS case_state_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS case_state_mv TO case_state AS
SELECT
    case_key, state_version AS version, event_id, event_type, observed_at, parser_version,
    court_code, case_number, case_uid, receipt_date, decision_date, decision_class,
    decision_text, decision_ground, entry_into_force_date, judge, n_defendants, articles,
    defendant_articles, act_status, sentences_json, disappeared_at, source_page_id, source_url
FROM case_events;

-- Every state rebuilt under the new order: rows of the old one would compare at random
-- against it (the aggregator migrates before it consumes, so nothing is inserted between
-- these two statements; after a crash between them, the migration runs again whole).
TRUNCATE TABLE case_state;

INSERT INTO case_state
(
    case_key, version, event_id, event_type, observed_at, parser_version,
    court_code, case_number, case_uid, receipt_date, decision_date, decision_class,
    decision_text, decision_ground, entry_into_force_date, judge, n_defendants, articles,
    defendant_articles, act_status, sentences_json, disappeared_at, source_page_id, source_url
)
SELECT
    case_key, state_version AS version, event_id, event_type, observed_at, parser_version,
    court_code, case_number, case_uid, receipt_date, decision_date, decision_class,
    decision_text, decision_ground, entry_into_force_date, judge, n_defendants, articles,
    defendant_articles, act_status, sentences_json, disappeared_at, source_page_id, source_url
FROM case_events;

CREATE OR REPLACE VIEW cases_as_of AS
SELECT
    case_key,
    -- a tuple keeps NULL fields of the latest event (argMax on a Nullable column skips NULLs)
    s.1 AS court_code,
    s.2 AS case_number,
    s.3 AS receipt_date,
    s.4 AS decision_date,
    s.5 AS decision_class,
    s.6 AS articles,
    s.7 AS n_defendants,
    last_observed_at
FROM
(
    SELECT
        case_key,
        argMax(
            (court_code, case_number, receipt_date, decision_date, decision_class, articles,
             n_defendants),
            state_version
        ) AS s,
        max(observed_at) AS last_observed_at
    FROM case_events FINAL
    WHERE observed_at <= {as_of:DateTime64(6, 'UTC')}
    GROUP BY case_key
);
