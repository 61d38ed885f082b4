-- The publication-delay window is measured back from the docket's own date, not from the
-- wall clock: the newest receipt or decision date the sites show, capped by the time we
-- looked. In production both are about today; against the simulator (whose docket stands
-- at an "as of" date in the past) only the docket date gives the right provisional months.
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
            FROM case_events
        ) AS docket_date,
        (
            SELECT toUInt32OrZero(argMax(value, updated_at))
            FROM store_settings
            WHERE key = 'publication_delay_days'
        ) AS publication_delay_days
);
