"""Prometheus metrics of the aggregator."""

from prometheus_client import Counter, Gauge, Histogram

EVENTS_WRITTEN = Counter("docketwatch_aggregator_events_written_total",
                         "Case events inserted into ClickHouse (before deduplication)")
BATCHES = Counter("docketwatch_aggregator_batches_total", "Insert batches")
OPS_WRITTEN = Counter("docketwatch_aggregator_ops_records_written_total",
                      "Court health, alert and dead-letter records inserted into ClickHouse "
                      "(before deduplication)", ["topic"])
DEAD = Counter("docketwatch_aggregator_dead_letters_total",
               "Records dead-lettered (the contract or the store refused them), by error; "
               "unreadable_dead_letter: a dead letter refused, logged only", ["error"])
INSERT_SECONDS = Histogram("docketwatch_aggregator_insert_seconds", "ClickHouse insert latency")
SQL_QUERIES = Counter("docketwatch_aggregator_sql_queries_total",
                      "Queries of the ClickHouse HTTP interface, by outcome (ok, refused: the "
                      "guard or the engine said no, error)", ["outcome"])
LAST_INSERT = Gauge("docketwatch_aggregator_last_insert_timestamp", "Unix time of last insert")
CONSUMER_LAG = Gauge("docketwatch_consumer_lag", "Records not yet committed", ["group", "topic"])
PURGES = Counter("docketwatch_aggregator_allocator_purges_total",
                 "Purges of the embedded engine's allocator (RSS over DW_AGGREGATOR_RSS_TARGET)")
PURGE_SECONDS = Counter("docketwatch_aggregator_allocator_purge_seconds_total",
                        "Time spent in those purges")
PURGED_BYTES = Counter("docketwatch_aggregator_allocator_purged_bytes_total",
                       "RSS those purges returned to the system")
