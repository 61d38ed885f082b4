-- Core views. Every user-facing view reads case_state / case_events / reference tables
-- with FINAL, so unmerged duplicates (redelivery, replay) never reach a count.

-- The current state of every case, one row per case_key.
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
    source_url
FROM case_state FINAL;

CREATE OR REPLACE VIEW court_regions AS
SELECT code AS court_code, name AS court_name, type AS court_type, region, district_code
FROM courts FINAL;

-- The counting fact: one row per (case, distinct article). A case with no parsed article
-- keeps one row with article '' and category 'unknown' so it is never silently dropped.
-- The category rule lives here (and in reference.article_category(), tested to agree):
-- 332/337/338 = refusal to serve; other chapter-33 articles 331-352 (incl. 352.1) =
-- military; anything else = other.
CREATE OR REPLACE VIEW case_articles AS
SELECT
    c.case_key AS case_key,
    c.court_code AS court_code,
    r.region AS region,
    c.receipt_date AS receipt_date,
    c.decision_date AS decision_date,
    c.decision_class AS decision_class,
    c.n_defendants AS n_defendants,
    article,
    multiIf(
        article = '', 'unknown',
        article IN ('332', '337', '338'), 'refusal',
        toUInt32OrZero(splitByChar('.', article)[1]) BETWEEN 331 AND 352, 'military',
        'other'
    ) AS category,
    toUInt32(arrayCount(d -> has(d, article), c.defendant_articles)) AS defendants
FROM cases AS c
LEFT ARRAY JOIN c.articles AS article
LEFT JOIN (SELECT code, region FROM courts FINAL) AS r ON r.code = c.court_code;

-- Every article number known by name or seen in the data, with its category.
CREATE OR REPLACE VIEW articles AS
SELECT
    a.article AS article,
    n.name AS name,
    multiIf(
        a.article = '', 'unknown',
        a.article IN ('332', '337', '338'), 'refusal',
        toUInt32OrZero(splitByChar('.', a.article)[1]) BETWEEN 331 AND 352, 'military',
        'other'
    ) AS category
FROM
(
    SELECT DISTINCT arrayJoin(articles) AS article FROM case_state FINAL
    UNION DISTINCT
    SELECT article FROM article_names FINAL
) AS a
LEFT JOIN (SELECT article, name FROM article_names FINAL) AS n ON n.article = a.article;

-- Official working days per month.
CREATE OR REPLACE VIEW working_days_monthly AS
SELECT
    toStartOfMonth(date) AS month,
    toUInt32(sum(is_working_day)) AS working_days,
    toUInt32(count()) AS calendar_days
FROM working_calendar FINAL
GROUP BY month;

-- Which months are complete. latest_observed_at = the latest fetch time that produced any
-- event (max() is insensitive to duplicate rows). A month is complete when its last day
-- is at least publication_delay_days before that date; otherwise provisional.
CREATE OR REPLACE VIEW publication_status AS
SELECT
    latest_observed_at,
    publication_delay_days,
    subtractDays(toDate32(latest_observed_at), publication_delay_days) AS complete_through
FROM
(
    SELECT
        (SELECT max(observed_at) FROM case_events) AS latest_observed_at,
        (
            SELECT toUInt32OrZero(argMax(value, updated_at))
            FROM store_settings
            WHERE key = 'publication_delay_days'
        ) AS publication_delay_days
);

-- Traceability: every event behind a case, with the page it came from.
CREATE OR REPLACE VIEW case_sources AS
SELECT
    e.case_key AS case_key,
    e.event_id AS event_id,
    e.event_type AS event_type,
    e.observed_at AS observed_at,
    e.parser_version AS parser_version,
    e.source_page_id AS page_id,
    e.source_url AS url,
    e.source_sha256 AS sha256,
    e.source_fetched_at AS fetched_at
FROM case_events AS e FINAL;

-- First time each case was seen, for publication-delay statistics.
CREATE OR REPLACE VIEW case_first_seen AS
SELECT
    case_key,
    min(observed_at) AS first_seen_at,
    argMin(receipt_date, observed_at) AS receipt_date_first_seen
FROM case_events FINAL
GROUP BY case_key;

-- "As known on date D": the latest state of every case from events observed up to as_of.
-- Usage: SELECT * FROM cases_as_of(as_of = '2024-12-27 00:00:00')
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
            bitShiftLeft(toUInt128(toUnixTimestamp64Micro(observed_at)), 64) + content_hash
        ) AS s,
        max(observed_at) AS last_observed_at
    FROM case_events FINAL
    WHERE observed_at <= {as_of:DateTime64(6, 'UTC')}
    GROUP BY case_key
);

-- Every page a number can be traced to: RawPage metadata (page_provenance, detail 2) and
-- the pages named by events (case_events.source_*, detail 1); per page_id the most
-- detailed row wins.
CREATE OR REPLACE VIEW page_sources AS
SELECT
    page_id,
    argMax(court_code, detail) AS court_code,
    argMax(url, detail) AS url,
    argMax(sha256, detail) AS sha256,
    argMax(fetched_at, detail) AS fetched_at,
    argMax(state, detail) AS state,
    argMax(kind, detail) AS kind,
    argMax(http_status, detail) AS http_status,
    toUInt64(countIf(detail = 1)) AS n_events
FROM
(
    SELECT page_id, toString(court_code) AS court_code, url, sha256, fetched_at,
           toString(state) AS state, toString(kind) AS kind, http_status, detail
    FROM page_provenance FINAL
    UNION ALL
    SELECT source_page_id, toString(court_code), source_url, source_sha256,
           source_fetched_at, '', '', toUInt16(0), toUInt8(1)
    FROM case_events FINAL
)
GROUP BY page_id;
