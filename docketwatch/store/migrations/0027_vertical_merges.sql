-- Issue 20, bounded memory: the wide tables merge column by column. A horizontal merge
-- (ClickHouse's choice under 131,072 rows) holds a read buffer per column per part and a
-- write buffer per column at once: about 300 MB of the aggregator's peak while a backlog's
-- small parts merge, measured with the embedded engine (docs/performance.md). A vertical
-- merge reads one column at a time, for the same result.
ALTER TABLE case_events MODIFY SETTING
    vertical_merge_algorithm_min_rows_to_activate = 1,
    vertical_merge_algorithm_min_columns_to_activate = 1;
ALTER TABLE case_state MODIFY SETTING
    vertical_merge_algorithm_min_rows_to_activate = 1,
    vertical_merge_algorithm_min_columns_to_activate = 1;
ALTER TABLE appeal_events MODIFY SETTING
    vertical_merge_algorithm_min_rows_to_activate = 1,
    vertical_merge_algorithm_min_columns_to_activate = 1;
