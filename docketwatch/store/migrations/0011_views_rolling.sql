-- Rolling 3- and 12-month sums and year-over-year change of monthly_measures, on a dense
-- month grid (months without cases count 0) from the first to the last month with data.
-- A window that would reach before the first month of data is NULL rather than a partial
-- sum, and so is the year-ago value in the first 12 months.
CREATE OR REPLACE VIEW monthly_rolling AS
SELECT
    measure,
    category,
    month,
    value,
    if(idx >= 2, sum_3m_raw, NULL) AS sum_3m,
    if(idx >= 11, sum_12m_raw, NULL) AS sum_12m,
    if(idx >= 12, prev_raw, NULL) AS value_year_ago,
    if(idx >= 12, toInt64(value) - toInt64(prev_raw), NULL) AS yoy_change,
    if(idx >= 12 AND prev_raw > 0,
       round((toDecimal64(value, 4) - prev_raw) * 100 / prev_raw, 1), NULL) AS yoy_change_pct,
    if(toLastDayOfMonth(month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        g.measure AS measure,
        g.category AS category,
        g.month AS month,
        g.idx AS idx,
        ifNull(v.value, 0) AS value,
        sum(ifNull(v.value, 0)) OVER (
            PARTITION BY g.measure, g.category ORDER BY g.month
            ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS sum_3m_raw,
        sum(ifNull(v.value, 0)) OVER (
            PARTITION BY g.measure, g.category ORDER BY g.month
            ROWS BETWEEN 11 PRECEDING AND CURRENT ROW) AS sum_12m_raw,
        lagInFrame(ifNull(v.value, 0), 12) OVER (
            PARTITION BY g.measure, g.category ORDER BY g.month
            ROWS BETWEEN 12 PRECEDING AND CURRENT ROW) AS prev_raw
    FROM
    (
        SELECT s.measure AS measure, s.category AS category,
               addMonths(b.lo, b.n) AS month, b.n AS idx
        FROM (SELECT DISTINCT measure, category FROM monthly_measures) AS s
        CROSS JOIN
        (
            SELECT lo, arrayJoin(range(toUInt32(dateDiff('month', lo, hi)) + 1)) AS n
            FROM (SELECT min(month) AS lo, max(month) AS hi FROM monthly_measures)
        ) AS b
    ) AS g
    LEFT JOIN
    (
        SELECT measure, category, month, toNullable(value) AS value FROM monthly_measures
    ) AS v ON v.measure = g.measure AND v.category = g.category AND v.month = g.month
) AS r
CROSS JOIN publication_status AS p;
