-- The state of every verdict's act (issue 10). See VIEWS.md, "Act states".
-- * published: an act text was read on the card (act_status not NULL)
-- * pending:   no act read yet, and the verdict is within the act horizon, so the fetcher
--              still re-polls it on every pass
-- * withheld:  no act read, and the verdict is past the horizon: the act is taken as never
--              to be published (for official use only, or simply not published)
-- The horizon repeats the fetcher's rule (services/fetcher/windows.py,
-- decision_horizon_start): verdicts decided from the first day of the month
-- act_horizon_days before the docket's date on are re-polled. The docket's date is
-- publication_status.docket_date (the newest date the dockets show, never the wall
-- clock). Keep store setting act_horizon_days equal to the fetcher's DW_ACT_HORIZON_DAYS
-- (set_act_horizon_days); the default, 180, is the fetcher's default (DW_DECISION_DAYS).
INSERT INTO store_settings (key, value, updated_at)
VALUES ('act_horizon_days', '180', toDateTime64('1970-01-01 00:00:00', 6, 'UTC'));

-- One row per case whose current decision is a verdict.
-- act_seen_at: first observation of an act text (min observed_at over case_events), NULL
-- when none was read.
CREATE OR REPLACE VIEW act_states AS
SELECT
    c.case_key AS case_key,
    c.court_code AS court_code,
    c.case_number AS case_number,
    assumeNotNull(c.decision_date) AS decision_date,
    c.act_status AS act_status,
    if(f.case_key != '', toNullable(f.act_seen_at), NULL) AS act_seen_at,
    h.horizon_days AS horizon_days,
    h.horizon_start AS horizon_start,
    multiIf(
        c.act_status IS NOT NULL, 'published',
        assumeNotNull(c.decision_date) < h.horizon_start, 'withheld',
        'pending'
    ) AS act_state
FROM cases AS c
LEFT JOIN
(
    SELECT case_key, min(observed_at) AS act_seen_at
    FROM case_events FINAL
    WHERE act_status IS NOT NULL
    GROUP BY case_key
) AS f ON f.case_key = c.case_key
CROSS JOIN
(
    SELECT
        s.horizon_days AS horizon_days,
        toStartOfMonth(subtractDays(p.docket_date, s.horizon_days)) AS horizon_start
    FROM publication_status AS p
    CROSS JOIN
    (
        SELECT toUInt32OrZero(argMax(value, updated_at)) AS horizon_days
        FROM store_settings
        WHERE key = 'act_horizon_days'
    ) AS s
) AS h
WHERE c.decision_class = 'verdict' AND c.decision_date IS NOT NULL;

-- Verdicts per month of verdict by act state; verdicts = published + pending + withheld.
CREATE OR REPLACE VIEW monthly_act_states AS
SELECT
    m.month AS month,
    m.verdicts AS verdicts,
    m.published AS published,
    m.pending AS pending,
    m.withheld AS withheld,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(decision_date) AS month,
        count() AS verdicts,
        countIf(act_state = 'published') AS published,
        countIf(act_state = 'pending') AS pending,
        countIf(act_state = 'withheld') AS withheld
    FROM act_states
    GROUP BY month
) AS m
CROSS JOIN publication_status AS p;
