-- The year in the shape of the published table: one line per refusal article (332, 337,
-- 338) and 'refusal' for the category total (a case with two of these articles counts
-- once). received = receipt_date in the year; sentenced = decision_class 'verdict' with
-- decision_date in the year; other_decisions = any other (or unclassified) decision in
-- the year. *_since = the same from `since` to the end of the year. record_month = the
-- line's month with most cases received in the year (earliest on a tie).
-- Usage: SELECT * FROM year_summary(year = 2024, since = '2022-02-24')
CREATE OR REPLACE VIEW year_summary AS
WITH
    makeDate32({year:UInt16}, 1, 1) AS y0,
    makeDate32({year:UInt16} + 1, 1, 1) AS y1,
    toDate32({since:Date}) AS s0,
    base AS
    (
        SELECT case_key, article AS line, receipt_date, decision_date, decision_class
        FROM case_articles WHERE category = 'refusal'
        UNION ALL
        SELECT DISTINCT case_key, 'refusal' AS line, receipt_date, decision_date, decision_class
        FROM case_articles WHERE category = 'refusal'
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
