-- The suspended share keeps its precision in the store, like per_day (0023): rounding is the
-- display's. 0015/0020 stored round(suspended / punished, 4). Decimal(18, 6), for the
-- reason 0023 gives: a tie rounds the same as the exact quotient would.
CREATE OR REPLACE VIEW suspended_share AS
SELECT
    m.month AS month,
    m.category AS category,
    m.punished AS punished,
    m.suspended AS suspended,
    m.unreadable AS unreadable,
    if(m.punished = 0, NULL, toDecimal64(m.suspended, 6) / m.punished) AS share,
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
