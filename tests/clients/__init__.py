"""Tests of the aggregator's ClickHouse HTTP interface with real ClickHouse clients."""
