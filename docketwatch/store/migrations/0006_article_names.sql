-- Names of the Criminal Code articles we know by name (chapter 33 and a few others),
-- with their category as computed by reference.article_category(). The category of any
-- other article number seen in the data is computed by the same rule in the
-- case_articles view (0010); a test checks that Python and SQL agree.
CREATE TABLE IF NOT EXISTS article_names
(
    article String,
    name String,
    category LowCardinality(String),
    loaded_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(loaded_at)
ORDER BY article;
