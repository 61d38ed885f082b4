-- Official Russian production calendar (five-day week), one row per day 2022-01-01 ..
-- 2027-12-31, from holidays.country_holidays('RU').is_working_day (working Saturdays from
-- transfers count as working days). Loaded by reference.seed_reference().
CREATE TABLE IF NOT EXISTS working_calendar
(
    date Date,
    is_working_day UInt8,
    holiday_name String,
    loaded_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(loaded_at)
ORDER BY date;
