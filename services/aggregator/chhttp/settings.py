"""Settings of the ClickHouse HTTP interface (environment, prefix ``DW_``).

The field names carry the ``clickhouse_http_`` part so the class can be mixed into the
aggregator's settings as it is.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from docketwatch.settings import CLICKHOUSE_HTTP_PORT, comma_list


class ClickHouseHttpSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DW_", extra="ignore")

    clickhouse_http_host: str = Field(
        "127.0.0.1", description="address of the ClickHouse HTTP interface; any address but a "
        "loopback one needs DW_CLICKHOUSE_HTTP_PASSWORD")
    clickhouse_http_port: int = Field(CLICKHOUSE_HTTP_PORT, ge=0, le=65535, description="its port")
    clickhouse_http_user: str = Field("default", description="the one user name it accepts")
    clickhouse_http_password: SecretStr | None = Field(
        None, description="that user's password (environment only; never logged). Unset: "
        "user 'default' with an empty password, allowed on a loopback address only")
    clickhouse_http_origins: str = Field(
        "", description="comma-separated browser origins (scheme://host[:port]) whose pages "
        "may query it (CORS); default none: any request with an Origin header is refused")
    clickhouse_http_hostnames: str = Field(
        "", description="comma-separated extra names (name or name:port) clients may use in "
        "the Host header, beside 127.0.0.1, localhost, [::1] and the bound address")
    clickhouse_http_max_queries: int = Field(
        2, ge=1, description="queries running at once; more wait, then get ClickHouse's "
        "TOO_MANY_SIMULTANEOUS_QUERIES (202)")
    clickhouse_http_queue_wait_s: float = Field(
        5.0, ge=0, description="how long a query waits for a free slot")
    clickhouse_http_max_body_bytes: int = Field(
        16 << 20, ge=1024, description="request body limit, after decompression")
    clickhouse_http_max_uri_bytes: int = Field(
        1 << 20, ge=8190, description="request line limit (URL with its parameters)")

    def clickhouse_http_origin_list(self) -> list[str]:
        return comma_list(self.clickhouse_http_origins)

    def clickhouse_http_hostname_list(self) -> list[str]:
        return comma_list(self.clickhouse_http_hostnames)

    def clickhouse_http_secret(self) -> str:
        secret = self.clickhouse_http_password
        return secret.get_secret_value() if secret is not None else ""
