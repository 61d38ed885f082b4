-- per_day keeps its precision in the store; rounding is the display's (issue 17).
-- 0010 stored round(verdicts / working_days, 1), so 1 verdict in 22 working days read 0.0.
--
-- Decimal(18, 6), not Float64: the quotient is truncated at the 6th decimal place (an error
-- below 0.000001, exact whenever the quotient has 6 places or fewer), so rounding it
-- half away from zero to 5 places or fewer gives the same figure as rounding the exact
-- quotient: a tie such as 3 / 20 = 0.15 stays 0.15 (a Float64 holds 0.1499999…, which
-- rounds down to 0.1). toDecimalString(per_day, 1) is the published one-decimal figure.
-- The exact rate is verdicts / working_days, both in the row.
CREATE OR REPLACE VIEW verdicts_per_working_day AS
SELECT
    v.month AS month,
    v.category AS category,
    v.value AS verdicts,
    w.working_days AS working_days,
    toDecimal64(v.value, 6) / w.working_days AS per_day,
    v.status AS status
FROM (SELECT * FROM monthly_measures WHERE measure = 'verdicts') AS v
INNER JOIN working_days_monthly AS w ON w.month = v.month;
