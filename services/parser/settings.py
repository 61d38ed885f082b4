"""Parser settings (environment, prefix ``DW_``)."""

from __future__ import annotations

from pydantic import Field

from docketwatch.settings import CommonSettings


class ParserSettings(CommonSettings):
    parser_ops_port: int = Field(9102, description="/health and /metrics port")
    parser_group: str = Field("docketwatch-parser", description="consumer group / faust app id")
    keep_names: bool = Field(False, description="store defendants' names (off: privacy)")
