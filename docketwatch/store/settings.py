"""Store tunables kept in the ``store_settings`` table, read by the views."""

from __future__ import annotations

from datetime import UTC, datetime

from clickhouse_connect.driver.client import Client

PUBLICATION_DELAY_DAYS = "publication_delay_days"
ACT_HORIZON_DAYS = "act_horizon_days"


def set_setting(client: Client, key: str, value: str) -> None:
    client.insert(
        "store_settings",
        [[key, value, datetime.now(UTC)]],
        column_names=["key", "value", "updated_at"],
    )


def get_setting(client: Client, key: str) -> str | None:
    rows = client.query(
        "SELECT argMax(value, updated_at) FROM store_settings WHERE key = {key:String} "
        "GROUP BY key",
        parameters={"key": key},
    ).result_rows
    return str(rows[0][0]) if rows else None


def set_publication_delay_days(client: Client, days: int) -> None:
    """Months ending fewer than ``days`` before the latest observation are provisional."""
    if days < 0:
        raise ValueError("publication delay must be >= 0 days")
    set_setting(client, PUBLICATION_DELAY_DAYS, str(days))


def publication_delay_days(client: Client) -> int:
    value = get_setting(client, PUBLICATION_DELAY_DAYS)
    return int(value) if value is not None else 0


def set_act_horizon_days(client: Client, days: int) -> None:
    """Verdicts without an act decided before the month ``days`` before the docket's date
    are ``withheld`` in act_states (keep it equal to the fetcher's DW_ACT_HORIZON_DAYS)."""
    if days < 0:
        raise ValueError("act horizon must be >= 0 days")
    set_setting(client, ACT_HORIZON_DAYS, str(days))


def act_horizon_days(client: Client) -> int:
    value = get_setting(client, ACT_HORIZON_DAYS)
    return int(value) if value is not None else 0
