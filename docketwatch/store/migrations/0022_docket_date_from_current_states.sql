-- The docket's date is measured on the cases' current states, not on every observation
-- ever made: a receipt date the site later corrected (a typo, a re-registration) must not
-- keep the docket's date, and with it which months count as complete, where the
-- superseded observation put it. Found by the property tests of the counting rules
-- (tests/aggregator/test_properties.py): a case first observed with receipt 2023-04-01,
-- then corrected to 2023-01-01, left January 2023 "complete" with no evidence for it.
CREATE OR REPLACE VIEW publication_status AS
SELECT
    latest_observed_at,
    publication_delay_days,
    subtractDays(docket_date, publication_delay_days) AS complete_through,
    docket_date
FROM
(
    SELECT
        (SELECT max(observed_at) FROM case_events) AS latest_observed_at,
        (
            SELECT least(toDate32(max(observed_at)),
                         toDate32(greatest(max(ifNull(receipt_date, toDate32('1970-01-01'))),
                                           max(ifNull(decision_date, toDate32('1970-01-01'))))))
            FROM case_state FINAL
        ) AS docket_date,
        (
            SELECT toUInt32OrZero(argMax(value, updated_at))
            FROM store_settings
            WHERE key = 'publication_delay_days'
        ) AS publication_delay_days
);
