-- Issue 19 (item 3): ONE definition of the categories, the same as docketwatch/categories.py
-- (the simulator's truth and the dashboard use that module; tests check that SQL and Python
-- give the same answer). See VIEWS.md, "Counting rules".
--
-- * An ARTICLE's group: 'refusal' = arts. 332, 337, 338; 'military' = the other articles of
--   chapter 33, 331-352 (the number before the first dot, digits only: 352.1 is
--   military); 'other' = any other article; 'unknown' for an empty article.
-- * A CASE's category is exclusive, the first that applies: 'refusal' if any of its
--   articles is refusal; else 'military' if any is military; else 'other' if it has an
--   article; 'unknown' when no article was parsed. Every case has exactly one category, so
--   the by-category counts of a month add up to the month's cases.
--
-- Column names say which is which: `category` is always the CASE's category (cases,
-- case_articles, case_sentences and every *_by_category / measure view); `article_group`
-- is the ARTICLE's group, carried by the per-article views (case_articles, articles,
-- monthly_received, monthly_received_defendants, monthly_decisions, monthly_punishments),
-- whose `category` column (the article's group before this migration) is renamed so.
--
-- Where the rule is written: the group of an article in exactly two places, `cases`
-- (article_groups, for the case's own articles: every count reads it) and `articles` (the
-- lookup for any article the store knows: named, on a card or in an act); the case's
-- category in one place, `cases.category`. Everything else reads those columns.

ALTER TABLE article_names RENAME COLUMN IF EXISTS category TO article_group;

-- The current state of every case, one row per case_key (0017's columns), plus
-- article_groups (the group of each of `articles`, in the same order) and category.
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
    disappeared_at,
    -- the article rule (the same text as in `articles` below)
    arrayMap(a -> multiIf(
        a = '', 'unknown',
        a IN ('332', '337', '338'), 'refusal',
        match(splitByChar('.', a)[1], '^[0-9]+$')
            AND toUInt32OrZero(splitByChar('.', a)[1]) BETWEEN 331 AND 352, 'military',
        'other'
    ), articles) AS article_groups,
    -- the case rule: exclusive, in order of precedence
    multiIf(
        has(article_groups, 'refusal'), 'refusal',
        has(article_groups, 'military'), 'military',
        has(article_groups, 'other'), 'other',
        'unknown'
    ) AS category
FROM case_state FINAL;

-- The counting fact: one row per (case, distinct article). A case with no parsed article
-- keeps one row with article '' (article_group and category 'unknown') so it is never
-- silently dropped. article_group = the article's group; category = the case's category
-- (the same on every row of a case).
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
    if(g = '', 'unknown', g) AS article_group,
    c.category AS category,
    toUInt32(arrayCount(d -> has(d, article), c.defendant_articles)) AS defendants
FROM cases AS c
LEFT ARRAY JOIN c.articles AS article, c.article_groups AS g
LEFT JOIN (SELECT code, region FROM courts FINAL) AS r ON r.code = c.court_code;

-- Every article number known by name, seen on a card or in an act, with its group.
CREATE OR REPLACE VIEW articles AS
SELECT
    a.article AS article,
    n.name AS name,
    -- the article rule (the same text as in `cases` above)
    multiIf(
        a.article = '', 'unknown',
        a.article IN ('332', '337', '338'), 'refusal',
        match(splitByChar('.', a.article)[1], '^[0-9]+$')
            AND toUInt32OrZero(splitByChar('.', a.article)[1]) BETWEEN 331 AND 352, 'military',
        'other'
    ) AS article_group
FROM
(
    SELECT DISTINCT arrayJoin(articles) AS article FROM case_state FINAL
    UNION DISTINCT
    SELECT DISTINCT arrayJoin(arrayFlatten(arrayMap(
        s -> arrayMap(x -> JSONExtractString(x, 'article'), JSONExtractArrayRaw(s, 'articles')),
        JSONExtractArrayRaw(sentences_json)))) AS article
    FROM case_state FINAL
    WHERE act_status IS NOT NULL
    UNION DISTINCT
    SELECT article FROM article_names FINAL
) AS a
LEFT JOIN (SELECT article, name FROM article_names FINAL) AS n ON n.article = a.article
WHERE a.article != '';

-- Monthly counting views. Rules (see VIEWS.md):
-- * a case counts in the month of its receipt_date (decisions: of its decision_date),
-- * per-article views (monthly_received, monthly_received_defendants, monthly_decisions)
--   count a case once under each of its articles (never sum their article rows) and carry
--   the article's group,
-- * *_by_category views count every case once, in its one category,
-- * every row carries status 'complete' or 'provisional' (see publication_status).

CREATE OR REPLACE VIEW monthly_received AS
SELECT
    m.month AS month,
    m.article AS article,
    m.article_group AS article_group,
    m.court_code AS court_code,
    m.region AS region,
    m.cases AS cases,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(receipt_date)) AS month,
        article, article_group, court_code, region,
        uniqExact(case_key) AS cases
    FROM case_articles
    WHERE receipt_date IS NOT NULL
    GROUP BY month, article, article_group, court_code, region
) AS m
CROSS JOIN publication_status AS p;

CREATE OR REPLACE VIEW monthly_received_by_category AS
SELECT
    m.month AS month,
    m.category AS category,
    m.court_code AS court_code,
    m.region AS region,
    m.cases AS cases,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(c.receipt_date)) AS month,
        c.category AS category, c.court_code AS court_code, r.region AS region,
        uniqExact(c.case_key) AS cases
    FROM cases AS c
    LEFT JOIN (SELECT code, region FROM courts FINAL) AS r ON r.code = c.court_code
    WHERE c.receipt_date IS NOT NULL
    GROUP BY month, category, court_code, region
) AS m
CROSS JOIN publication_status AS p;

CREATE OR REPLACE VIEW monthly_received_defendants AS
SELECT
    m.month AS month,
    m.article AS article,
    m.article_group AS article_group,
    m.court_code AS court_code,
    m.region AS region,
    m.cases AS cases,
    m.defendants AS defendants,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(receipt_date)) AS month,
        article, article_group, court_code, region,
        uniqExact(case_key) AS cases,
        toUInt64(sum(defendants)) AS defendants
    FROM case_articles
    WHERE receipt_date IS NOT NULL
    GROUP BY month, article, article_group, court_code, region
) AS m
CROSS JOIN publication_status AS p;

-- A decided case = one with a decision_date; decision_class NULL shows as 'unclassified'.
CREATE OR REPLACE VIEW monthly_decisions AS
SELECT
    m.month AS month,
    m.decision_class AS decision_class,
    m.article AS article,
    m.article_group AS article_group,
    m.court_code AS court_code,
    m.region AS region,
    m.cases AS cases,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(decision_date)) AS month,
        ifNull(decision_class, 'unclassified') AS decision_class,
        article, article_group, court_code, region,
        uniqExact(case_key) AS cases
    FROM case_articles
    WHERE decision_date IS NOT NULL
    GROUP BY month, decision_class, article, article_group, court_code, region
) AS m
CROSS JOIN publication_status AS p;

CREATE OR REPLACE VIEW monthly_decisions_by_category AS
SELECT
    m.month AS month,
    m.decision_class AS decision_class,
    m.category AS category,
    m.court_code AS court_code,
    m.region AS region,
    m.cases AS cases,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(c.decision_date)) AS month,
        ifNull(c.decision_class, 'unclassified') AS decision_class,
        c.category AS category, c.court_code AS court_code, r.region AS region,
        uniqExact(c.case_key) AS cases
    FROM cases AS c
    LEFT JOIN (SELECT code, region FROM courts FINAL) AS r ON r.code = c.court_code
    WHERE c.decision_date IS NOT NULL
    GROUP BY month, decision_class, category, court_code, region
) AS m
CROSS JOIN publication_status AS p;

-- National monthly totals in long form: measure in (received, verdicts, other_decisions,
-- decisions), category in (refusal, military, other, unknown, all). Each case counts once
-- in its category and once in 'all', so 'all' = refusal + military + other + unknown.
-- Months with no cases are absent here (monthly_rolling fills them with 0),
-- verdicts_per_working_day and monthly_rolling read this view.
CREATE OR REPLACE VIEW monthly_measures AS
WITH case_categories AS
(
    SELECT case_key, cat AS category, receipt_date, decision_date, decision_class
    FROM cases
    ARRAY JOIN [category, 'all'] AS cat
)
SELECT
    m.measure AS measure,
    m.category AS category,
    m.month AS month,
    m.value AS value,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT 'received' AS measure, category, toStartOfMonth(assumeNotNull(receipt_date)) AS month,
           uniqExact(case_key) AS value
    FROM case_categories WHERE receipt_date IS NOT NULL
    GROUP BY category, month
    UNION ALL
    SELECT 'decisions' AS measure, category, toStartOfMonth(assumeNotNull(decision_date)) AS month,
           uniqExact(case_key) AS value
    FROM case_categories WHERE decision_date IS NOT NULL
    GROUP BY category, month
    UNION ALL
    SELECT 'verdicts' AS measure, category, toStartOfMonth(assumeNotNull(decision_date)) AS month,
           uniqExact(case_key) AS value
    FROM case_categories WHERE decision_date IS NOT NULL AND decision_class = 'verdict'
    GROUP BY category, month
    UNION ALL
    SELECT 'other_decisions' AS measure, category,
           toStartOfMonth(assumeNotNull(decision_date)) AS month, uniqExact(case_key) AS value
    FROM case_categories
    WHERE decision_date IS NOT NULL AND ifNull(decision_class, '') != 'verdict'
    GROUP BY category, month
) AS m
CROSS JOIN publication_status AS p;

-- The year in the shape of the published table: one line per refusal article (332, 337,
-- 338: the cases charged under it) and 'refusal' for the category total (the refusal
-- cases: a case with two of these articles counts once). received = receipt_date in the
-- year; sentenced = decision_class 'verdict' with decision_date in the year,
-- other_decisions = any other (or unclassified) decision in the year. *_since = the same
-- from `since` to the end of the year. record_month = the line's month with most cases
-- received in the year (earliest on a tie).
-- Usage: SELECT * FROM year_summary(year = 2024, since = '2022-02-24')
CREATE OR REPLACE VIEW year_summary AS
WITH
    makeDate32({year:UInt16}, 1, 1) AS y0,
    makeDate32({year:UInt16} + 1, 1, 1) AS y1,
    toDate32({since:Date}) AS s0,
    base AS
    (
        SELECT case_key, article AS line, receipt_date, decision_date, decision_class
        FROM case_articles WHERE article_group = 'refusal'
        UNION ALL
        SELECT case_key, 'refusal' AS line, receipt_date, decision_date, decision_class
        FROM cases WHERE category = 'refusal'
    )
SELECT
    t.line AS line,
    t.received AS received,
    t.sentenced AS sentenced,
    t.other_decisions AS other_decisions,
    t.received_since AS received_since,
    t.sentenced_since AS sentenced_since,
    t.other_decisions_since AS other_decisions_since,
    r.month AS record_month,
    r.cases AS record_month_received
FROM
(
    SELECT
        line,
        uniqExactIf(case_key, receipt_date >= y0 AND receipt_date < y1) AS received,
        uniqExactIf(case_key, decision_date >= y0 AND decision_date < y1
                    AND decision_class = 'verdict') AS sentenced,
        uniqExactIf(case_key, decision_date >= y0 AND decision_date < y1
                    AND ifNull(decision_class, '') != 'verdict') AS other_decisions,
        uniqExactIf(case_key, receipt_date >= s0 AND receipt_date < y1) AS received_since,
        uniqExactIf(case_key, decision_date >= s0 AND decision_date < y1
                    AND decision_class = 'verdict') AS sentenced_since,
        uniqExactIf(case_key, decision_date >= s0 AND decision_date < y1
                    AND ifNull(decision_class, '') != 'verdict') AS other_decisions_since
    FROM base
    GROUP BY line
) AS t
LEFT JOIN
(
    SELECT line, month, cases
    FROM
    (
        SELECT line, toStartOfMonth(assumeNotNull(receipt_date)) AS month,
               uniqExact(case_key) AS cases
        FROM base
        WHERE receipt_date >= y0 AND receipt_date < y1
        GROUP BY line, month
    )
    ORDER BY cases DESC, month ASC
    LIMIT 1 BY line
) AS r ON r.line = t.line
ORDER BY t.line = 'refusal', t.line;

-- One row per (case, defendant sentence) of every case with a read act (0015), plus the
-- case's category: a defendant counts in the category of their case.
CREATE OR REPLACE VIEW case_sentences AS
SELECT
    c.case_key AS case_key,
    c.court_code AS court_code,
    r.region AS region,
    c.decision_date AS decision_date,
    c.decision_class AS decision_class,
    c.act_status AS act_status,
    toUInt16(JSONExtractUInt(s, 'index')) AS defendant_index,
    arrayDistinct(arrayMap(a -> JSONExtractString(a, 'article'),
                           JSONExtractArrayRaw(s, 'articles'))) AS act_articles,
    if(notEmpty(act_articles), act_articles,
       if(length(c.sents) = length(c.defendant_articles), c.defendant_articles[i], c.articles)
    ) AS articles,
    JSONExtractRaw(s, 'punishment') AS p,
    JSONExtractString(p, 'kind') AS kind,
    JSONExtract(p, 'term_months', 'Nullable(UInt32)') AS term_months,
    JSONExtract(p, 'probation_months', 'Nullable(UInt32)') AS probation_months,
    JSONExtract(p, 'colony_regime', 'Nullable(String)') AS colony_regime,
    JSONExtract(p, 'fine_rub', 'Nullable(UInt64)') AS fine_rub,
    JSONExtract(p, 'deduction_percent', 'Nullable(UInt8)') AS deduction_percent,
    JSONExtract(p, 'base_kind', 'Nullable(String)') AS base_kind,
    JSONExtractBool(p, 'replaced') AS replaced,
    JSONExtractBool(p, 'combined_with_previous') AS combined_with_previous,
    JSONExtract(p, 'reason', 'Nullable(String)') AS reason,
    JSONExtractString(p, 'raw') AS raw,
    c.category AS category
FROM
(
    SELECT *, JSONExtractArrayRaw(sentences_json) AS sents
    FROM cases
    WHERE act_status IS NOT NULL
) AS c
ARRAY JOIN c.sents AS s, arrayEnumerate(c.sents) AS i
LEFT JOIN (SELECT code, region FROM courts FINAL) AS r ON r.code = c.court_code;

-- Punishments per month of verdict x article x court x kind (0015); article_group is the
-- article's group, looked up in `articles` (which lists every article of every act).
CREATE OR REPLACE VIEW monthly_punishments AS
SELECT
    m.month AS month,
    m.article AS article,
    m.article_group AS article_group,
    m.court_code AS court_code,
    m.region AS region,
    m.kind AS kind,
    m.cases AS cases,
    m.defendants AS defendants,
    m.median_term_months AS median_term_months,
    m.median_probation_months AS median_probation_months,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(s.decision_date)) AS month,
        s.article AS article,
        if(s.article = '', 'unknown', g.article_group) AS article_group,
        s.court_code AS court_code, s.region AS region, s.kind AS kind,
        uniqExact(s.case_key) AS cases,
        count() AS defendants,
        round(quantileExactInclusive(0.5)(s.term_months), 1) AS median_term_months,
        round(quantileExactInclusive(0.5)(s.probation_months), 1) AS median_probation_months
    FROM
    (
        SELECT case_key, court_code, region, decision_date, kind, term_months,
               probation_months, article
        FROM case_sentences
        LEFT ARRAY JOIN articles AS article
        WHERE decision_class = 'verdict' AND decision_date IS NOT NULL
    ) AS s
    LEFT JOIN (SELECT article, article_group FROM articles) AS g ON g.article = s.article
    GROUP BY month, article, article_group, court_code, region, kind
) AS m
CROSS JOIN publication_status AS p;

-- Share of suspended sentences among the punished, per month of verdict, nationally.
-- Counted over defendants: punished = kinds other than 'acquitted' and 'unreadable',
-- share = suspended / punished rounded to 4 places (NULL when nobody was punished).
-- category: a defendant counts once, in the category of their case, and once in 'all'
-- ('all' = the sum of the categories).
CREATE OR REPLACE VIEW suspended_share AS
SELECT
    m.month AS month,
    m.category AS category,
    m.punished AS punished,
    m.suspended AS suspended,
    m.unreadable AS unreadable,
    if(m.punished = 0, NULL, round(m.suspended / m.punished, 4)) AS share,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(decision_date)) AS month,
        cat AS category,
        countIf(kind NOT IN ('acquitted', 'unreadable')) AS punished,
        countIf(kind = 'suspended') AS suspended,
        countIf(kind = 'unreadable') AS unreadable
    FROM case_sentences
    ARRAY JOIN [category, 'all'] AS cat
    WHERE decision_class = 'verdict' AND decision_date IS NOT NULL
    GROUP BY month, cat
) AS m
CROSS JOIN publication_status AS p;
