-- Issue 16: appeals. See VIEWS.md, "Appeals". Both record types are contract schema
-- version 2, on topics of their own; the v1 tables and their way in are untouched.
--
-- 1. The УИД of first-instance cards (CaseUid, topic docketwatch.case-uids.v1): the same on
--    every instance's card of one case, so appeals link by it. One row per case and УИД.
CREATE TABLE IF NOT EXISTS case_uid_events
(
    event_id String,
    case_key String,
    court_code LowCardinality(String),
    case_number String,
    judicial_uid String,
    observed_at DateTime64(6, 'UTC'),
    parser_version LowCardinality(String),
    schema_version UInt16,
    source_page_id String,
    source_url String,
    source_sha256 String,
    source_fetched_at DateTime64(6, 'UTC'),
    version UInt64 MATERIALIZED 0x7FFFFFFFFFFFFFFF - toUnixTimestamp64Micro(observed_at),
    inserted_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY event_id
SETTINGS non_replicated_deduplication_window = 10000;

-- 2. Appeal events (AppealEvent, schema version 2, topic docketwatch.appeal-events.v1): one
--    row per event id; the first observation of an id wins, as in case_events. Written by
--    the aggregator's low-volume loop (docketwatch/store/appeal_sink.py).
CREATE TABLE IF NOT EXISTS appeal_events
(
    event_id String,
    event_type LowCardinality(String),
    appeal_key String,
    observed_at DateTime64(6, 'UTC'),
    parser_version LowCardinality(String),
    schema_version UInt16,
    court_code LowCardinality(String),
    instance LowCardinality(String),
    appeal_number String,
    case_uid Nullable(String),
    case_id Nullable(String),
    judicial_uid Nullable(String),
    receipt_date Nullable(Date32),
    judge Nullable(String),
    lower_court_name Nullable(String),
    lower_court_code Nullable(String),
    lower_case_number Nullable(String),
    lower_judge Nullable(String),
    hearing_dates Array(Date32),
    decision_date Nullable(Date32),
    result_text Nullable(String),
    result LowCardinality(Nullable(String)),
    change LowCardinality(Nullable(String)),
    change_text Nullable(String),
    articles Array(String),
    published_at Nullable(DateTime64(6, 'UTC')),
    modified_at Nullable(DateTime64(6, 'UTC')),
    source_page_id String,
    source_url String,
    source_sha256 String,
    source_fetched_at DateTime64(6, 'UTC'),
    version UInt64 MATERIALIZED 0x7FFFFFFFFFFFFFFF - toUnixTimestamp64Micro(observed_at),
    inserted_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY event_id
SETTINGS non_replicated_deduplication_window = 10000;

-- 3. Each first-instance case's УИД: the latest one its cards showed.
CREATE OR REPLACE VIEW case_judicial_uids AS
SELECT case_key, argMax(uid, observed_at) AS judicial_uid
FROM (SELECT case_key, judicial_uid AS uid, observed_at FROM case_uid_events FINAL
      WHERE judicial_uid != '')
GROUP BY case_key;

-- 4. The current state of every appeal: its latest observation (then the newer parser).
CREATE OR REPLACE VIEW appeals AS
SELECT
    appeal_key,
    s.1 AS court_code, s.2 AS instance, s.3 AS appeal_number, s.4 AS judicial_uid,
    s.5 AS receipt_date, s.6 AS lower_court_name, s.7 AS lower_court_code,
    s.8 AS lower_case_number, s.9 AS hearing_dates, s.10 AS decision_date,
    s.11 AS result_text, s.12 AS result, s.13 AS change, s.14 AS change_text,
    s.15 AS articles, s.16 AS source_page_id, s.17 AS source_url, s.18 AS source_sha256,
    s.19 AS source_fetched_at, s.20 AS case_uid, s.21 AS judge,
    last_observed_at
FROM
(
    SELECT
        appeal_key,
        -- a tuple keeps the NULL fields of the latest observation (argMax skips NULLs)
        argMax((court_code, instance, appeal_number, judicial_uid, receipt_date,
                lower_court_name, lower_court_code, lower_case_number, hearing_dates,
                decision_date, result_text, result, change, change_text, articles,
                source_page_id, source_url, source_sha256, source_fetched_at, case_uid,
                judge),
               (observed_at, parser_version)) AS s,
        max(observed_at) AS last_observed_at
    FROM appeal_events FINAL
    GROUP BY appeal_key
);

-- 5. The link of each appeal to its first-instance case, made whenever both are known (a
--    view, not a link written once: an appeal that arrives before its case links as soon
--    as the case does). By УИД when the appeal card shows one and a case has it
--    (link_method 'uid'); else by the first-instance court, resolved from the name the
--    card shows, and the first-instance number ('court_number'); else unlinked (NULL).
--    The appeal's own number never links: it is the higher court's.
CREATE OR REPLACE VIEW appeal_links AS
SELECT
    a.appeal_key AS appeal_key,
    a.court_code AS court_code,
    a.instance AS instance,
    a.appeal_number AS appeal_number,
    a.judicial_uid AS judicial_uid,
    a.lower_court_code AS lower_court_code,
    a.lower_case_number AS lower_case_number,
    multiIf(by_uid.case_key != '', by_uid.case_key,
            by_number.case_key != '', by_number.case_key, NULL) AS case_key,
    multiIf(by_uid.case_key != '', 'uid', by_number.case_key != '', 'court_number',
            NULL) AS link_method
FROM appeals AS a
LEFT JOIN
(
    -- A case returned to the prosecutor comes back under the same УИД as a new docket
    -- entry: the one with a verdict (else the latest received) is the one reviewed.
    SELECT u.judicial_uid AS judicial_uid,
           argMax(u.case_key, (c.decision_class = 'verdict', c.receipt_date, u.case_key))
               AS case_key
    FROM case_judicial_uids AS u
    INNER JOIN cases AS c ON c.case_key = u.case_key
    GROUP BY u.judicial_uid
) AS by_uid ON by_uid.judicial_uid = a.judicial_uid
LEFT JOIN
(
    SELECT court_code, case_number, min(case_key) AS case_key FROM cases
    GROUP BY court_code, case_number
) AS by_number
    ON by_number.court_code = a.lower_court_code
    AND by_number.case_number = a.lower_case_number
SETTINGS join_use_nulls = 0;

-- 6. Every appeal with its link and the first-instance case's facts; an unlinked appeal
--    keeps its own articles and has no first-instance facts.
CREATE OR REPLACE VIEW appeal_cases AS
SELECT
    a.appeal_key AS appeal_key, a.court_code AS court_code, a.instance AS instance,
    a.appeal_number AS appeal_number, a.receipt_date AS receipt_date,
    a.hearing_dates AS hearing_dates, a.decision_date AS decision_date,
    a.result AS result, a.result_text AS result_text, a.change AS change,
    a.change_text AS change_text, a.judicial_uid AS judicial_uid,
    a.lower_court_name AS lower_court_name, l.case_key AS case_key,
    l.link_method AS link_method, c.court_code AS case_court_code,
    c.case_number AS case_number, c.decision_date AS verdict_date,
    c.decision_class AS case_decision_class,
    if(l.case_key IS NULL, a.articles, c.articles) AS articles,
    if(l.case_key IS NULL,
       multiIf(hasAny(a.articles, ['332', '337', '338']), 'refusal',
               arrayExists(x -> match(splitByChar('.', x)[1], '^[0-9]+$')
                   AND toUInt32OrZero(splitByChar('.', x)[1]) BETWEEN 331 AND 352,
                   a.articles), 'military',
               length(a.articles) > 0, 'other', 'unknown'),
       c.category) AS category,
    a.source_page_id AS source_page_id, a.source_url AS source_url,
    a.source_sha256 AS source_sha256, a.source_fetched_at AS source_fetched_at
FROM appeals AS a
INNER JOIN appeal_links AS l ON l.appeal_key = a.appeal_key
LEFT JOIN cases AS c ON c.case_key = l.case_key
SETTINGS join_use_nulls = 1;

-- 7. Decided appeals per month of the appeal decision, instance, result, and article of
--    the first-instance case (once under each article: do not add up the articles).
CREATE OR REPLACE VIEW monthly_appeals AS
SELECT
    toStartOfMonth(decision_date) AS month,
    instance,
    result,
    arrayJoin(if(empty(articles), [''], articles)) AS article,
    count() AS appeals
FROM appeal_cases
WHERE decision_date IS NOT NULL AND result IS NOT NULL
GROUP BY month, instance, result, article;

-- 8. Refusal verdicts per month of the verdict, and how many of them were appealed (a
--    linked appeal-instance review exists, decided or not).
CREATE OR REPLACE VIEW refusal_appeal_share AS
SELECT
    toStartOfMonth(c.decision_date) AS month,
    count() AS verdicts,
    countIf(ap.case_key != '') AS appealed,
    round(appealed / verdicts, 6) AS share_appealed
FROM cases AS c
LEFT JOIN
(
    SELECT DISTINCT case_key FROM appeal_links
    WHERE instance = 'appeal' AND case_key IS NOT NULL
) AS ap ON ap.case_key = c.case_key
WHERE c.category = 'refusal' AND c.decision_class = 'verdict' AND c.decision_date IS NOT NULL
GROUP BY month
SETTINGS join_use_nulls = 0;

-- 9. Sentences changed on review per month of the decision, by instance and kind of change
--    ('other' when the card does not say how).
CREATE OR REPLACE VIEW appeal_changes AS
SELECT
    toStartOfMonth(decision_date) AS month,
    instance,
    category,
    ifNull(change, 'other') AS change,
    count() AS appeals
FROM appeal_cases
WHERE result = 'changed' AND decision_date IS NOT NULL
GROUP BY month, instance, category, change;

-- 10. Days from the first-instance decision to the review's decision, per month of the
--     review's decision and instance, for decided appeals linked to a decided case.
--     median_days is the lower median (the middle day, or the lower of the two middle ones).
CREATE OR REPLACE VIEW appeal_delays AS
SELECT
    toStartOfMonth(decision_date) AS month,
    instance,
    category,
    count() AS appeals,
    sum(days) AS total_days,
    min(days) AS min_days,
    max(days) AS max_days,
    toInt64(quantileExactLow(0.5)(days)) AS median_days
FROM
(
    SELECT decision_date, instance, category,
           toInt64(dateDiff('day', verdict_date, decision_date)) AS days
    FROM appeal_cases
    WHERE decision_date IS NOT NULL AND verdict_date IS NOT NULL AND result IS NOT NULL
)
GROUP BY month, instance, category;

-- 11. Each first-instance case's chain: its reviews in order (appeal, then cassation).
CREATE OR REPLACE VIEW appeal_chain AS
SELECT
    case_key, appeal_key, court_code, instance, appeal_number, receipt_date, hearing_dates,
    decision_date, result, change, link_method, source_page_id, source_url, source_sha256,
    source_fetched_at
FROM appeal_cases
WHERE case_key IS NOT NULL;
