from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.contract import DecisionClass, EventType
from docketwatch.store import migrate
from docketwatch.store.migrations import (
    MigrationError,
    load_migrations,
    split_statements,
)
from docketwatch.store.reference import seed_reference
from docketwatch.store.sink import write_events

from .conftest import new_database
from .factories import COURT, make_event

TABLES = {
    "schema_migrations", "case_events", "case_state", "courts",
    "article_names", "working_calendar", "store_settings",
    "court_health_log", "court_health", "alert_history", "dead_letters",
    "case_events_in",  # Null engine: the JSON records' way in
    "appeal_events", "case_uid_events",
}
VIEWS = {
    "cases", "case_articles", "articles", "court_regions", "working_days_monthly",
    "publication_status", "case_sources", "case_first_seen", "cases_as_of", "page_sources",
    "monthly_received", "monthly_received_by_category", "monthly_received_defendants",
    "monthly_decisions", "monthly_decisions_by_category", "monthly_measures",
    "verdicts_per_working_day", "monthly_rolling", "year_summary",
    "case_sentences", "monthly_punishments", "suspended_share", "act_publication_lag",
    "disappeared_cases", "act_states", "monthly_act_states",
    "case_judicial_uids", "appeals", "appeal_links", "appeal_cases", "appeal_chain",
    "monthly_appeals", "refusal_appeal_share", "appeal_changes", "appeal_delays",
}


def _objects(client: Client) -> dict[str, str]:
    rows = client.query(
        "SELECT name, engine FROM system.tables WHERE database = currentDatabase()"
    ).result_rows
    return {str(name): str(engine) for name, engine in rows}


def test_migrate_twice_is_a_no_op(chdb_dsn: str) -> None:
    client = new_database(chdb_dsn)
    versions = [m.version for m in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))

    assert migrate(client) == versions
    first = _objects(client)
    assert migrate(client) == []
    assert _objects(client) == first
    assert TABLES | VIEWS | {"case_state_mv", "court_health_mv", "case_events_in_mv"} == set(first)
    recorded = client.query("SELECT version FROM schema_migrations FINAL ORDER BY version")
    assert [r[0] for r in recorded.result_rows] == versions
    # reference data is not re-inserted when unchanged
    assert seed_reference(client) == {
        "courts": False, "article_names": False, "working_calendar": False
    }
    assert client.command("SELECT count() FROM working_calendar") == 2191
    # the default settings (publication_delay_days, act_horizon_days) were inserted once only
    assert client.command("SELECT count() FROM store_settings") == 2
    client.close()


def _schema(client: Client) -> dict[str, tuple[str, str]]:
    """name → (engine, definition) of every table and view, the database's name left out."""
    own = re.compile(rf"(?<![\w`]){re.escape(str(client.database))}\.")
    rows = client.query("SELECT name, engine, create_table_query FROM system.tables "
                        "WHERE database = currentDatabase()").result_rows
    return {str(name): (str(engine), own.sub("<db>.", str(sql))) for name, engine, sql in rows}


def test_upgrade_from_the_previous_version_drops_page_provenance(chdb_dsn: str) -> None:
    """0021 on a store that 0020 left, with events in it: page_provenance is gone (rows and
    all), page_sources reads the events' pages, and the store is the same as a fresh one."""
    old = new_database(chdb_dsn)
    assert migrate(old, until=20) == list(range(1, 21))
    assert _objects(old)["page_provenance"] == "ReplacingMergeTree"
    old.insert("page_provenance",
               [["p-captcha", COURT, "https://example.sudrf.ru/captcha", "0" * 64,
                 datetime(2024, 3, 1, tzinfo=UTC), "captcha", "list", 200, 2]],
               column_names=["page_id", "court_code", "url", "sha256", "fetched_at", "state",
                             "kind", "http_status", "detail"])
    received = make_event("1-1/2024", observed="2024-03-02T08:00:00", receipt=date(2024, 2, 1))
    hearing = make_event("1-1/2024", observed="2024-03-02T08:00:00", receipt=date(2024, 2, 1),
                         event_type=EventType.HEARING_SCHEDULED)  # the same page
    decided = make_event("1-1/2024", observed="2024-05-06T08:00:00", receipt=date(2024, 2, 1),
                         decision=date(2024, 5, 1), decision_class=DecisionClass.VERDICT,
                         event_type=EventType.DECIDED)
    assert write_events(old, [received, hearing, decided]) == 3
    assert old.query("SELECT page_id, state, n_events FROM page_sources ORDER BY n_events"
                     ).result_rows == [("p-captcha", "captcha", 0),
                                       (decided.source.page_id, "", 1),
                                       (received.source.page_id, "", 2)]

    assert migrate(old) == list(range(21, len(load_migrations()) + 1))
    assert "page_provenance" not in _objects(old)
    assert old.query("SELECT * FROM page_sources ORDER BY n_events").result_rows == [
        (e.source.page_id, COURT, e.source.url, e.source.sha256,
         e.source.fetched_at.replace(tzinfo=None), n)
        for e, n in ((decided, 1), (received, 2))]
    fresh = new_database(chdb_dsn)
    assert migrate(fresh) == list(range(1, len(load_migrations()) + 1))
    assert _schema(old) == _schema(fresh)
    old.close()
    fresh.close()


def test_engines(store: Client) -> None:
    engines = _objects(store)
    assert engines["case_events"] == "ReplacingMergeTree"
    assert engines["case_state"] == "ReplacingMergeTree"
    assert engines["case_state_mv"] == "MaterializedView"
    assert engines["monthly_received"] == "View"


def test_changed_migration_is_refused(chdb_dsn: str) -> None:
    client = new_database(chdb_dsn)
    migrate(client)
    client.insert(
        "schema_migrations",
        [[1, "case_events", "0" * 64, datetime.now(UTC)]],
        column_names=["version", "name", "checksum", "applied_at"],
    )
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(client)
    client.close()


def test_split_statements() -> None:
    sql = (
        "-- leading comment;\nCREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory;\n"
        "\n-- between\nCREATE VIEW b AS SELECT 1;  \n-- trailing comment only\n"
    )
    parts = split_statements(sql)
    assert len(parts) == 2
    assert parts[0].endswith("ENGINE = Memory")
    assert "'a;b'" in parts[0]
    assert parts[1].startswith("-- between\nCREATE VIEW b")


def test_every_migration_file_splits_into_statements() -> None:
    for migration in load_migrations():
        statements = migration.statements()
        assert statements, migration.name
        assert all(";\n" not in s for s in statements)


@pytest.mark.parametrize("table", ["case_events", "case_state", "appeal_events"])
def test_wide_tables_merge_column_by_column(store: Client, table: str) -> None:
    """Migration 0027: a horizontal merge of a backlog's small parts held ~300 MB of the
    aggregator's peak (docs/performance.md); these tables always merge vertically."""
    engine = store.query("SELECT engine_full FROM system.tables WHERE database = "
                         "currentDatabase() AND name = {t:String}",
                         parameters={"t": table}).result_rows[0][0]
    assert "vertical_merge_algorithm_min_rows_to_activate = 1" in engine
    assert "vertical_merge_algorithm_min_columns_to_activate = 1" in engine
