-- Military courts, loaded by reference.seed_reference() from data/military_courts.csv.
-- loaded_at is the version so a corrected CSV replaces rows on the next start.
CREATE TABLE IF NOT EXISTS courts
(
    code String,
    name String,
    type LowCardinality(String),
    region String,
    region_code String,
    district_code Nullable(String),
    domain String,
    loaded_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(loaded_at)
ORDER BY code;
