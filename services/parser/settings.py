"""Parser settings (environment, prefix ``DW_``)."""

from __future__ import annotations

from pydantic import Field

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
