-- Issue 15: page_provenance (0004) goes: nothing ever wrote it (the Sink that was to write
-- it is gone; the raw pages themselves, with their states, are in the raw topic). The pages a
-- number can be traced to are the pages the events name, so page_sources (0009) is now made
-- from case_events alone: one row per page, with n_events = the events read from it. Its
-- state, kind and http_status columns, which only page_provenance could fill and which were
-- therefore always empty, go with the table; a page's fetch outcome per court is in
-- court_health (pages_ok, pages_failed), from the fetcher.
--
-- The view first, so that nothing reads the table when it is dropped. Re-runnable.
CREATE OR REPLACE VIEW page_sources AS
SELECT
    source_page_id AS page_id,
    toString(any(court_code)) AS court_code,
    any(source_url) AS url,
    any(source_sha256) AS sha256,
    any(source_fetched_at) AS fetched_at,
    toUInt64(count()) AS n_events
FROM case_events FINAL
GROUP BY source_page_id;

DROP TABLE IF EXISTS page_provenance SYNC;
