-- Monthly counting views. Rules (see VIEWS.md):
-- * a case counts in the month of its receipt_date (decisions: of its decision_date);
-- * a case with several articles counts once under each article (so never sum the article
--   rows of one month) and once in each category it touches;
-- * a multi-defendant case is one case; *_defendants views count defendants too;
-- * every row carries status 'complete' or 'provisional' (see publication_status).

CREATE OR REPLACE VIEW monthly_received AS
SELECT
    m.month AS month,
    m.article AS article,
    m.category AS category,
    m.court_code AS court_code,
    m.region AS region,
    m.cases AS cases,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(receipt_date)) AS month,
        article, category, court_code, region,
        uniqExact(case_key) AS cases
    FROM case_articles
    WHERE receipt_date IS NOT NULL
    GROUP BY month, article, category, court_code, region
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
        toStartOfMonth(assumeNotNull(receipt_date)) AS month,
        category, court_code, region,
        uniqExact(case_key) AS cases
    FROM case_articles
    WHERE receipt_date IS NOT NULL
    GROUP BY month, category, court_code, region
) AS m
CROSS JOIN publication_status AS p;

CREATE OR REPLACE VIEW monthly_received_defendants AS
SELECT
    m.month AS month,
    m.article AS article,
    m.category AS category,
    m.court_code AS court_code,
    m.region AS region,
    m.cases AS cases,
    m.defendants AS defendants,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(receipt_date)) AS month,
        article, category, court_code, region,
        uniqExact(case_key) AS cases,
        toUInt64(sum(defendants)) AS defendants
    FROM case_articles
    WHERE receipt_date IS NOT NULL
    GROUP BY month, article, category, court_code, region
) AS m
CROSS JOIN publication_status AS p;

-- A decided case = one with a decision_date; decision_class NULL shows as 'unclassified'.
CREATE OR REPLACE VIEW monthly_decisions AS
SELECT
    m.month AS month,
    m.decision_class AS decision_class,
    m.article AS article,
    m.category AS category,
    m.court_code AS court_code,
    m.region AS region,
    m.cases AS cases,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(decision_date)) AS month,
        ifNull(decision_class, 'unclassified') AS decision_class,
        article, category, court_code, region,
        uniqExact(case_key) AS cases
    FROM case_articles
    WHERE decision_date IS NOT NULL
    GROUP BY month, decision_class, article, category, court_code, region
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
        toStartOfMonth(assumeNotNull(decision_date)) AS month,
        ifNull(decision_class, 'unclassified') AS decision_class,
        category, court_code, region,
        uniqExact(case_key) AS cases
    FROM case_articles
    WHERE decision_date IS NOT NULL
    GROUP BY month, decision_class, category, court_code, region
) AS m
CROSS JOIN publication_status AS p;

-- National monthly totals in long form: measure in (received, verdicts, other_decisions,
-- decisions), category in (refusal, military, other, unknown, all); 'all' counts every case
-- once. Months with no cases are absent here (monthly_rolling fills them with 0).
CREATE OR REPLACE VIEW monthly_measures AS
WITH case_categories AS
(
    SELECT DISTINCT case_key, category, receipt_date, decision_date, decision_class
    FROM case_articles
    UNION ALL
    SELECT case_key, 'all' AS category, receipt_date, decision_date, decision_class
    FROM cases
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

-- Verdicts per official working day, e.g. 900 / 23 = 39.1. Rounded half away from zero
-- (Decimal arithmetic, not banker's rounding of a float). Only months covered by
-- working_calendar (2022-2027) appear.
CREATE OR REPLACE VIEW verdicts_per_working_day AS
SELECT
    v.month AS month,
    v.category AS category,
    v.value AS verdicts,
    w.working_days AS working_days,
    round(toDecimal64(v.value, 4) / w.working_days, 1) AS per_day,
    v.status AS status
FROM (SELECT * FROM monthly_measures WHERE measure = 'verdicts') AS v
INNER JOIN working_days_monthly AS w ON w.month = v.month;
