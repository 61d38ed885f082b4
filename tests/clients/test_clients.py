"""Real ClickHouse clients, unchanged, against the interface: only the URL says it is not a
ClickHouse server. clickhouse-connect (in this process), the official Node client and the
JDBC driver (their own processes, installed by `make clients`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import clickhouse_connect
import pandas as pd
import pytest
from clickhouse_connect.driver.exceptions import DatabaseError

from tests.clients.conftest import PASSWORD, Server, run

ROWS = [
    (1, "Moscow Garrison", "337.5", dt.date(2024, 1, 15), 1, None),
    (2, "Moscow Garrison", "338", dt.date(2024, 2, 3), 2, 'it\'s "quoted"'),
    (3, "Kaliningrad Garrison", "337.5", dt.date(2024, 2, 20), 1, None),
    (4, "Tver Garrison", "352.1", dt.date(2024, 3, 1), 1, "tab\there"),
    (5, "Tver Garrison", "337.5", dt.date(2024, 3, 9), 3, None),
]
BY_COURT = [("Kaliningrad Garrison", 1, 1), ("Moscow Garrison", 2, 3), ("Tver Garrison", 2, 4)]
REFUSALS = {(164, "READONLY"), (497, "ACCESS_DENIED")}
SNEAKY = "it's \"q\"; DROP TABLE cases; --\t\\ {x:String}"


# --- clickhouse-connect ---------------------------------------------------------------------

def test_clickhouse_connect_queries(server: Server) -> None:
    client = clickhouse_connect.get_client(host="127.0.0.1", port=server.port)
    assert client.server_version == "26.9.2.1"
    assert client.query("SELECT * FROM cases ORDER BY case_id").result_rows == ROWS
    frame = client.query_df("SELECT court, cases, defendants FROM cases_by_court ORDER BY court")
    expected = pd.DataFrame(BY_COURT, columns=["court", "cases", "defendants"])
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert [frame[c].dtype.name for c in ("cases", "defendants")] == ["uint64", "uint64"]
    table = client.query_arrow("SELECT case_id, opened FROM cases ORDER BY case_id")
    assert table.column_names == ["case_id", "opened"]
    assert table.column("case_id").to_pylist() == [1, 2, 3, 4, 5]
    assert table.column("opened").to_pylist() == [r[3] for r in ROWS]
    # server-side parameters: the value is data, whatever it holds
    result = client.query("SELECT {x:String} AS x, count() FROM cases WHERE court = {x:String}",
                          parameters={"x": SNEAKY})
    assert result.result_rows == [(SNEAKY, 0)]
    result = client.query("SELECT case_id FROM cases WHERE court = {c:String} ORDER BY case_id",
                          parameters={"c": "Moscow Garrison"})
    assert result.result_rows == [(1,), (2,)]
    assert client.command("SELECT count() FROM cases") == 5
    client.close()


def test_clickhouse_connect_writes_are_refused(server: Server) -> None:
    client = clickhouse_connect.get_client(host="127.0.0.1", port=server.port)
    with pytest.raises(DatabaseError) as insert:
        client.insert("cases", [[9, "X", "1", dt.date(2024, 1, 1), 1, None]],
                      column_names=["case_id", "court", "article", "opened", "defendants",
                                    "note"])
    # the guard decides the code: READONLY or ACCESS_DENIED (SYNTAX_ERROR if it parses the
    # Native rows after "INSERT ... FORMAT Native" as SQL; ClickHouse says READONLY)
    assert (insert.value.code, insert.value.name) in REFUSALS | {(62, "SYNTAX_ERROR")}
    with pytest.raises(DatabaseError) as create:
        client.command("CREATE TABLE t2 (a UInt8) ENGINE = Memory")
    assert (create.value.code, create.value.name) in REFUSALS
    with pytest.raises(DatabaseError) as missing:
        client.query("SELECT * FROM no_such_table")
    assert missing.value.code == 60
    assert client.command("SELECT count() FROM cases") == 5
    client.close()


@pytest.mark.parametrize("compress", [True, "lz4", "zstd", "gzip"])
def test_clickhouse_connect_compression(server: Server, compress: bool | str) -> None:
    client = clickhouse_connect.get_client(host="127.0.0.1", port=server.port,
                                           compress=compress)
    assert client.query("SELECT * FROM cases ORDER BY case_id").result_rows == ROWS
    numbers = client.query("SELECT number, toString(number) FROM numbers(100000)")
    assert numbers.result_rows[-1] == (99999, "99999") and len(numbers.result_rows) == 100000
    client.close()


def test_clickhouse_connect_with_a_password(auth_server: Server) -> None:
    client = clickhouse_connect.get_client(host="127.0.0.1", port=auth_server.port,
                                           username="grafana", password=PASSWORD)
    assert client.query("SELECT court, cases, defendants FROM cases_by_court ORDER BY court"
                        ).result_rows == BY_COURT
    client.close()
    with pytest.raises(DatabaseError) as wrong:
        clickhouse_connect.get_client(host="127.0.0.1", port=auth_server.port,
                                      username="grafana", password="guess")
    assert wrong.value.code == 516
    assert PASSWORD not in str(wrong.value)


# --- the official Node client ---------------------------------------------------------------

NODE_ROWS = [
    {"case_id": 1, "court": "Moscow Garrison", "note": None},
    {"case_id": 2, "court": "Moscow Garrison", "note": 'it\'s "quoted"'},
    {"case_id": 3, "court": "Kaliningrad Garrison", "note": None},
    {"case_id": 4, "court": "Tver Garrison", "note": "tab\there"},
    {"case_id": 5, "court": "Tver Garrison", "note": None},
]


def _node(node_client: Path, *args: str) -> dict[str, object]:
    done = run(["node", str(node_client), *args])
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert isinstance(result, dict)
    return result


def test_node_client(server: Server, node_client: Path) -> None:
    out = _node(node_client, server.url)
    for tag in ("", "gzip_"):  # without and with response compression
        assert out[f"{tag}ping"] is True
        assert out[f"{tag}rows"] == NODE_ROWS
        assert out[f"{tag}by_court"] == {
            "meta": [{"name": "court", "type": "LowCardinality(String)"},
                     {"name": "cases", "type": "UInt64"},
                     {"name": "defendants", "type": "UInt64"}],
            "data": [{"court": c, "cases": n, "defendants": d} for c, n, d in BY_COURT],
            "rows": 3}
        assert out[f"{tag}param"] == [{"x": 'it\'s "q"; DROP TABLE cases; --', "n": 42}]
        for write in ("insert", "command"):
            error = out[f"{tag}{write}"]
            assert isinstance(error, dict)
            assert (int(error["error"]["code"]), error["error"]["type"]) in REFUSALS


def test_node_client_with_a_password(auth_server: Server, node_client: Path) -> None:
    out = _node(node_client, auth_server.url, "grafana", PASSWORD)
    assert out["rows"] == NODE_ROWS and out["gzip_rows"] == NODE_ROWS
    out = _node(node_client, auth_server.url, "grafana", "guess")
    error = out["rows"]
    assert isinstance(error, dict)
    assert (error["error"]["code"], error["error"]["type"]) == ("516", "AUTHENTICATION_FAILED")
    assert PASSWORD not in json.dumps(out)


# --- the JDBC driver ------------------------------------------------------------------------

JDBC_EXPECTED = {
    "valid": "true",
    "rows": "1|Moscow Garrison|2024-01-15|NULL;2|Moscow Garrison|2024-02-03|it's \"quoted\";"
            "3|Kaliningrad Garrison|2024-02-20|NULL;4|Tver Garrison|2024-03-01|tab\there;"
            "5|Tver Garrison|2024-03-09|NULL",
    "by_court": "Kaliningrad Garrison|1|1;Moscow Garrison|2|3;Tver Garrison|2|4",
    "prepared": "4;5",
    "big": "30000|449985000|2100000",
    "metadata": "ClickHouse",
}


def _jdbc(classpath: str, url: str, *credentials: str) -> dict[str, str]:
    done = run(["java", "-cp", classpath, "tests/clients/java/Query.java", url, *credentials])
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(line.split("\t", 1) for line in done.stdout.splitlines() if "\t" in line)


@pytest.mark.parametrize("options", ["", "?decompress=true",
                                     "?client.use_http_compression=true&decompress=true"])
def test_jdbc_driver(server: Server, jdbc_classpath: str, options: str) -> None:
    """Its defaults ask for compress=1 responses (checksums verified by the driver);
    decompress=true sends LZ4-framed requests; use_http_compression, HTTP lz4 both ways."""
    out = _jdbc(jdbc_classpath, f"jdbc:clickhouse://127.0.0.1:{server.port}/default{options}")
    insert = out.pop("insert")
    assert out == JDBC_EXPECTED
    _, code, message = insert.split("\t", 2)
    name = re.search(r"\(([A-Z_]+)\) \(version", message)
    assert name is not None and (int(code), name[1]) in REFUSALS
    assert message.startswith(f"Code: {code}. DB::Exception: ")


def test_jdbc_driver_with_a_password(auth_server: Server, jdbc_classpath: str) -> None:
    url = f"jdbc:clickhouse://127.0.0.1:{auth_server.port}/default"
    out = _jdbc(jdbc_classpath, url, "grafana", PASSWORD)
    out.pop("insert")
    assert out == JDBC_EXPECTED
    out = _jdbc(jdbc_classpath, url, "grafana", "guess")
    assert out.pop("valid") == "false"
    assert out.pop("metadata") == "ClickHouse"  # the driver's own constant
    assert set(out) == {"rows", "by_court", "prepared", "big", "insert"}
    for line in out.values():
        assert line.startswith(
            "ERROR\t516\tCode: 516. DB::Exception: Authentication failed: password is "
            "incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)"), line
        assert PASSWORD not in line
