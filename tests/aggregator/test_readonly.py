from __future__ import annotations

import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.store.readonly import ReadonlyQueryError, run_readonly_query


def test_select_with_parameters(store: Client) -> None:
    columns, rows = run_readonly_query(
        store,
        "SELECT code, type FROM courts FINAL WHERE code = {code:String}",
        {"code": "50AV0000"},
    )
    assert columns == ["code", "type"]
    assert rows == [("50AV0000", "AV")]


def test_harmless_forms_are_allowed(store: Client) -> None:
    assert run_readonly_query(store, "SELECT 1 AS x;")[1] == [(1,)]
    assert run_readonly_query(store, "SELECT ';' AS x -- ; DROP TABLE courts")[1] == [(";",)]
    assert run_readonly_query(store, "WITH 2 AS y SELECT y")[1] == [(2,)]
    assert run_readonly_query(store, "EXISTS TABLE courts")[1] == [(1,)]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("INSERT INTO courts (code) VALUES ('x')", "only read queries"),
        ("DROP TABLE courts", "only read queries"),
        ("CREATE TABLE x (a UInt8) ENGINE = Memory", "only read queries"),
        ("ALTER TABLE courts DELETE WHERE 1", "only read queries"),
        ("TRUNCATE TABLE courts", "only read queries"),
        ("SET readonly = 0", "only read queries"),
        ("SYSTEM DROP DNS CACHE", "only read queries"),
        ("SELECT 1; DROP TABLE courts", "only one SQL statement"),
        ("SELECT 1; SELECT 2", "only one SQL statement"),
        ("SELECT 1 INTO OUTFILE '/tmp/x.csv'", "INTO OUTFILE is not allowed"),
        ("SELECT 1 FORMAT CSV", "FORMAT is not allowed"),
        ("SELECT * FROM file('/etc/hostname', 'LineAsString')", "readonly"),
        ("SELECT number FROM numbers(100) SETTINGS max_result_rows = 0", "readonly"),
        ("", "empty query"),
        ("SELEC 1", "cannot parse"),
    ],
)
def test_refused(store: Client, sql: str, message: str) -> None:
    with pytest.raises(ReadonlyQueryError, match=message):
        run_readonly_query(store, sql)
    # nothing was changed
    assert store.command("SELECT count() FROM courts FINAL") == 111


def test_limits(store: Client) -> None:
    with pytest.raises(ReadonlyQueryError, match="TOO_MANY_ROWS"):
        run_readonly_query(store, "SELECT number FROM numbers(11)", max_rows=10)
    assert len(run_readonly_query(store, "SELECT number FROM numbers(10)", max_rows=10)[1]) == 10
    with pytest.raises(ReadonlyQueryError, match="TIMEOUT_EXCEEDED"):
        run_readonly_query(store, "SELECT count() FROM numbers(1000000000000)", max_seconds=0.5)


def test_settings_do_not_leak_into_the_session(store: Client) -> None:
    run_readonly_query(store, "SELECT 1")
    store.command("CREATE TABLE still_writable (a UInt8) ENGINE = Memory")
    store.command("DROP TABLE still_writable")


def test_empty_result_still_has_columns(store: Client) -> None:
    columns, rows = run_readonly_query(
        store, "SELECT * FROM year_summary(year = {year:UInt16}, since = '2022-02-24')",
        {"year": 2024},
    )
    assert rows == []
    assert columns[:4] == ["line", "received", "sentenced", "other_decisions"]
