"""Settings shared by every service, read from the environment (prefix ``DW_``).

Each service extends :class:`CommonSettings` with its own fields; README's "Settings" table
lists them all with their defaults. Secrets (proxy passwords, bot tokens) only ever come
from the environment, never from files in the repository.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from docketwatch.i18n import DEFAULT_LANG, Lang

REPO_ROOT = Path(__file__).resolve().parent.parent


# The consumer groups' default names, defined once: each service reads its own (and the
# others', for lag) from the same DW_* variables, so a renamed group is renamed for all.
PARSER_GROUP = "docketwatch-parser"
# ClickHouse's own HTTP port: where a server listens and where the aggregator serves the
# embedded store, so a reader's URL is the same either way.
CLICKHOUSE_HTTP_PORT = 8123
AGGREGATOR_GROUP = "docketwatch-aggregator"
# Where the published figures' cumulative columns start, and the crawl's backfill: the
# day of the full-scale invasion of Ukraine.
COUNT_SINCE = date(2022, 2, 24)


def ops_group(aggregator_group: str) -> str:
    """The aggregator's group for court health, alerts and dead letters."""
    return f"{aggregator_group}-ops"


def comma_list(value: str) -> list[str]:
    """A comma-separated setting's items, blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


def default_data_dir() -> Path:
    return REPO_ROOT / "var"


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DW_", extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers")
    raw_partitions: int = Field(6, description="partitions of the raw-pages topic")
    events_partitions: int = Field(6, description="partitions of the case-events topic")
    data_dir: Path = Field(default_factory=default_data_dir, description="local state root")
    ops_host: str = Field("127.0.0.1", description="address of /health and /metrics")
    ops_hostnames: str = Field(
        "", description="comma-separated extra names (name or name:port) that may reach "
        "/health and /metrics in the Host header, beside 127.0.0.1, localhost, [::1] and "
        "DW_OPS_HOST (e.g. the service's name for a Prometheus in another container)")
    kafka_session_timeout_s: float = Field(
        15.0, description="consumer-group session timeout: how long a dead worker keeps its "
        "partitions")
    stall_timeout_s: float = Field(
        180.0, description="a stream worker with a backlog on its partitions and no progress "
        "for this long (three times this while unassigned, rebalancing or recovering) "
        "restarts itself in place (0: off)")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    lang: Lang = Field(
        DEFAULT_LANG, description="language of the dashboard (its default: a visitor can switch), "
        "the API's definitions, the CLI's report and the alert texts: ru or en")
    parser_group: str = Field(PARSER_GROUP, description="the parser's consumer group (and "
                              "faust app id); other services read its lag under this name")
    aggregator_group: str = Field(AGGREGATOR_GROUP, description="the aggregator's consumer "
                                  "group for case events (court health, alerts and dead "
                                  "letters: <name>-ops)")

    def ops_hostname_list(self) -> list[str]:
        return comma_list(self.ops_hostnames)
