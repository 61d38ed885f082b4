-- Tunables the views read. Change with settings.set_setting(); the latest updated_at wins.
CREATE TABLE IF NOT EXISTS store_settings
(
    key String,
    value String,
    updated_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY key;

-- Months whose last day is within this many days of the latest observation are
-- 'provisional': sudrf.ru publishes records weeks to months late.
INSERT INTO store_settings (key, value, updated_at)
VALUES ('publication_delay_days', '60', toDateTime64('1970-01-01 00:00:00', 6, 'UTC'));
