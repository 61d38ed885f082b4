"""Parser settings (environment, prefix ``DW_``)."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, model_validator

from docketwatch.settings import CommonSettings


class ParserSettings(CommonSettings):
    parser_ops_port: int = Field(9102, description="/health and /metrics port")
    keep_names: bool = Field(False, description="store defendants' names (off: privacy)")
    parser_batch_pages: int = Field(
        200, description="raw pages per batch (one wait for Kafka's acks per batch)")
    parser_batch_seconds: float = Field(
        0.2, description="longest wait to fill a batch before processing what came")
    parser_state_cache: int = Field(
        5_000, description="decoded case states kept in memory (a few kB each)")
    parser_page_timeout_s: float = Field(
        5.0, gt=0, description="CPU seconds one page may take to parse (a real page takes "
        "milliseconds); a page over it is dead-lettered as ParseTimeout and its parse "
        "process replaced, while the worker goes on. At most half of DW_STALL_TIMEOUT_S")
    parser_store: Literal["rocksdb://", "memory://"] = Field(
        "rocksdb://", description="where the case table lives: rocksdb:// on disk under "
        "DW_DATA_DIR/<DW_PARSER_GROUP>/worker-N (N: the first slot no live worker holds), "
        "read from its changelog only past what the disk has; memory:// in memory, rebuilt "
        "from the whole changelog at every start")
    parser_rocksdb_memory_mb: int = Field(
        64, ge=6, description="rocksdb://: memory of the case table's caches and write "
        "buffers, shared out over DW_RAW_PARTITIONS (each partition is its own database); "
        "the table's size on disk does not add to it")
    parser_index_cache: int = Field(
        50_000, ge=0, description="cases whose identity (court, number, receipt date) is "
        "kept in memory for window manifests; the others are read from the table when "
        "needed (a few hundred bytes each)")
    parser_processes: int = Field(
        1, ge=1, description="child processes that parse pages (parsing never runs on the "
        "worker's event loop, so no page can stop its Kafka heartbeats)")

    @model_validator(mode="after")
    def _a_page_ends_before_the_stall_watch_fires(self) -> Self:
        if 0 < self.stall_timeout_s < 2 * self.parser_page_timeout_s:
            raise ValueError(
                f"DW_PARSER_PAGE_TIMEOUT_S ({self.parser_page_timeout_s:g}) must be at most half "
                f"of DW_STALL_TIMEOUT_S ({self.stall_timeout_s:g}): the stall watch would "
                "restart a worker waiting on a page, which would then be parsed again")
        return self

    def table_on_disk(self) -> bool:
        return self.parser_store == "rocksdb://"

    def rocksdb_options(self) -> dict[str, Any]:
        """faust's RocksDB options for one partition's database, its share of
        DW_PARSER_ROCKSDB_MEMORY_MB: half for the block cache, half for two write buffers.

        faust's defaults (a 2 GiB block cache and three 64 MiB write buffers per partition)
        would let a table of a few hundred MB fill the process's memory.
        """
        share = (self.parser_rocksdb_memory_mb << 20) // max(1, self.raw_partitions)
        return {"block_cache_size": share // 2, "write_buffer_size": share // 4,
                "max_write_buffer_number": 2, "target_file_size_base": 16 << 20}

    def parser_page_wall_s(self) -> float:
        """Wall time a page may take: a parse process starved of CPU on a crowded machine
        still gets its CPU seconds (ten times the limit, or 30 s more), yet the page is
        answered within half the stall timeout."""
        wall = max(10 * self.parser_page_timeout_s, self.parser_page_timeout_s + 30)
        if self.stall_timeout_s > 0:
            wall = min(wall, self.stall_timeout_s / 2)
        return max(wall, self.parser_page_timeout_s)
