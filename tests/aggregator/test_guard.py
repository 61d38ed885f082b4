"""The SQL guard (docketwatch/store/guard.py) on the real chDB engine."""

from __future__ import annotations

import dataclasses
import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from clickhouse_connect.driver.client import Client

from docketwatch.store.guard import (
    ALLOWED_CATEGORIES,
    ALLOWED_OTHER,
    DENIED_CATEGORIES,
    FIXED_SETTINGS,
    Answer,
    GuardedQuery,
    Limits,
    Node,
    Policy,
    ReadonlyQueryError,
    Refused,
    _HttpSession,
    engine_refusal,
    parse_dump,
    policy_for,
    run_guarded,
)

LIMITS = Limits(result_rows=1000, result_bytes=8 << 20, memory_bytes=256 << 20, seconds=5)


def run(client: Client, policy: Policy, sql: str, params: dict[str, str] | None = None,
        settings: dict[str, str] | None = None, fmt: str | None = "TSV",
        limits: Limits = LIMITS, database: str | None = None) -> Answer:
    return run_guarded(client, GuardedQuery(sql, params or {}, settings or {}, fmt, database),
                       limits, policy)


def refused(client: Client, policy: Policy, sql: str, **kwargs: Any) -> Refused:
    with pytest.raises(Refused) as info:
        run(client, policy, sql, **kwargs)
    return info.value


def native_rows(client: Client, body: bytes) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows of a Native body, as clickhouse-connect (the read client) reads it."""
    from clickhouse_connect.driver.ctypes import RespBuffCls
    from clickhouse_connect.driver.transform import NativeTransform

    class Source:
        last_message = None
        exception_tag = None

        @property
        def gen(self) -> Iterator[bytes]:
            yield body

        def close(self) -> None:
            return None

    result = NativeTransform().parse_response(RespBuffCls(Source()),
                                              client.create_query_context(query="SELECT 1"))
    return list(result.column_names), [tuple(r) for r in result.result_rows]


# --- allowed queries: exact results ----------------------------------------------------

def test_select_with_placeholders(gstore: Client, policy: Policy) -> None:
    answer = run(gstore, policy,
                 "SELECT code, type FROM courts FINAL WHERE code = {code:String}",
                 {"code": "50AV0000"})
    assert answer == Answer(answer.body, "TSV", "SELECT", answer.summary)
    assert answer.body == b"50AV0000\tAV\n"
    assert int(answer.summary["read_rows"]) > 0


def test_placeholder_types(gstore: Client, policy: Policy) -> None:
    answer = run(gstore, policy,
                 "SELECT {s:String}, {n:UInt16} + 1, {a:Array(String)}, {d:Date}, "
                 "{t:Identifier} FROM courts FINAL WHERE code = '50AV0000'",
                 {"s": "a\\tb", "n": "41", "a": "['x','y']", "d": "2024-02-29", "t": "type"})
    # HTTP param values are escaped text: \t is a tab, which TSV escapes again
    assert answer.body == b"a\\tb\t42\t['x','y']\t2024-02-29\tAV\n"


@pytest.mark.parametrize("value", [
    "'); DROP TABLE courts; --",
    " AS a; CREATE TABLE t (a UInt8) ENGINE = Memory",
    "1) UNION ALL SELECT file('/etc/hostname') --",
    "{x:String}",
])
def test_a_parameter_is_only_ever_a_value(gstore: Client, policy: Policy, value: str) -> None:
    tables = gstore.query("SELECT name FROM system.tables WHERE database = currentDatabase() "
                          "ORDER BY name").result_rows
    answer = run(gstore, policy, "SELECT {v:String} AS v, length(v) FORMAT JSONCompactEachRow",
                 {"v": value}, fmt=None)
    assert json.loads(answer.body) == [value, len(value.encode())]
    assert answer.fmt == "JSONCompactEachRow"
    assert gstore.query("SELECT name FROM system.tables WHERE database = currentDatabase() "
                        "ORDER BY name").result_rows == tables


def test_client_side_substitution_never_happens(gstore: Client, policy: Policy) -> None:
    # %(x)s and {x} are not placeholders: the engine sees them as text and refuses them
    for sql in ("SELECT %(x)s", "SELECT {x}"):
        error = refused(gstore, policy, sql, params={"x": "1"})
        assert (error.code, error.name) == (62, "SYNTAX_ERROR")
    error = refused(gstore, policy, "SELECT {x:String}")
    assert (error.code, error.name) == (456, "UNKNOWN_QUERY_PARAMETER")


def test_statement_kinds(gstore: Client, policy: Policy) -> None:
    tables = sorted(str(r[0]) for r in gstore.query(
        "SELECT name FROM system.tables WHERE database = currentDatabase()").result_rows)
    assert run(gstore, policy, "SHOW TABLES").body.decode().split() == tables
    assert run(gstore, policy, "EXISTS TABLE courts").body == b"1\n"
    assert run(gstore, policy, "EXISTS TABLE nothing_here").body == b"0\n"
    describe = run(gstore, policy, "DESCRIBE TABLE courts", fmt="JSONEachRow")
    assert [json.loads(line)["name"] for line in describe.body.splitlines()] == [
        "code", "name", "type", "region", "region_code", "district_code", "domain", "loaded_at"]
    assert run(gstore, policy, "DESC (SELECT 1 AS a, 'x' AS b)", fmt="TSV").body.startswith(
        b"a\tUInt8\t")
    assert run(gstore, policy, "WITH 2 AS y SELECT y * 21").body == b"42\n"
    # a trailing semicolon, and one in a string or a comment, leave one statement
    assert run(gstore, policy, "SELECT 1 AS x;").body == b"1\n"
    assert run(gstore, policy, "SELECT ';' AS x -- ; DROP TABLE courts").body == b";\n"
    assert run(gstore, policy,
               "SELECT count() FROM courts FINAL WHERE code IN (SELECT code FROM courts)"
               ).body == b"111\n"
    assert run(gstore, policy, "SELECT 1 UNION ALL SELECT 2 ORDER BY 1").body in (
        b"1\n2\n", b"2\n1\n")
    explain = run(gstore, policy, "EXPLAIN SELECT count() FROM courts")
    assert explain.kind == "EXPLAIN" and b"ReadFrom" in explain.body
    assert run(gstore, policy, "SHOW CREATE TABLE courts").body.startswith(b"CREATE TABLE ")
    assert b"max_threads" in run(gstore, policy, "SHOW SETTINGS LIKE 'max_threads'").body
    assert run(gstore, policy, "SELECT name FROM system.one, system.databases "
                               "WHERE name = currentDatabase()").body == (
        str(gstore.database).encode() + b"\n")


def test_parameterized_view_and_generators(gstore: Client, policy: Policy) -> None:
    answer = run(gstore, policy,
                 "SELECT line FROM year_summary(year = {y:UInt16}, since = '2022-02-24') "
                 "ORDER BY line", {"y": "2024"})
    assert answer.body == b""  # an empty store
    assert run(gstore, policy, "SELECT sum(number) FROM numbers(10)").body == b"45\n"
    assert run(gstore, policy, "SELECT count() FROM numbers_mt(1000)").body == b"1000\n"
    assert run(gstore, policy, "SELECT * FROM generate_series(1, 3)").body == b"1\n2\n3\n"
    assert run(gstore, policy, "SELECT * FROM values('a UInt8', 7)").body == b"7\n"


def test_client_functions_are_allowed(gstore: Client, policy: Policy) -> None:
    body = run(gstore, policy,
               "SELECT currentDatabase(), currentUser(), getSetting('readonly'), "
               "getSetting('max_threads'), version() != '', timezone() != '', "
               "serverTimezone() != '', DATABASE(), user()").body
    db = gstore.database
    assert body == f"{db}\tdefault\t1\t1\t1\t1\t1\t{db}\tdefault\n".encode()


def test_engine_errors_become_refusals(gstore: Client, policy: Policy) -> None:
    error = refused(gstore, policy, "SELECT * FROM no_such_table")
    assert (error.code, error.name) == (60, "UNKNOWN_TABLE")
    assert "version" not in error.message and "Code:" not in error.message
    assert isinstance(error, ReadonlyQueryError)
    error = refused(gstore, policy, "SELEC 1")
    assert (error.code, error.name) == (62, "SYNTAX_ERROR")
    assert error.message.startswith("cannot parse query: Syntax error")


def test_engine_refusal_parses_chdb_messages() -> None:
    text = ("Code: 164. DB::Exception: Code: 164. DB::Exception: Cannot modify 'max_threads' "
            "setting in readonly mode. (READONLY) (version 26.9.2.1). (READONLY)")
    assert repr(engine_refusal(text)) == (
        "Refused(164, 'READONLY', \"Cannot modify 'max_threads' setting in readonly mode\")")
    error = engine_refusal("oops Code: 60. DB::Exception: Unknown table expression identifier "
                           "'x'. In scope SELECT * FROM x. (UNKNOWN_TABLE)")
    assert (error.code, error.name) == (60, "UNKNOWN_TABLE")
    assert error.message == "Unknown table expression identifier 'x'. In scope SELECT * FROM x"
    assert str(error) == f"{error.message} (UNKNOWN_TABLE)"


# --- refusals ------------------------------------------------------------------------

@pytest.mark.parametrize(("sql", "code", "name"), [
    ("", 62, "SYNTAX_ERROR"),
    ("SELECT 1; SELECT 2", 62, "SYNTAX_ERROR"),
    ("SELECT 1; DROP TABLE courts", 62, "SYNTAX_ERROR"),
    ("INSERT INTO courts (code) VALUES ('x')", 164, "READONLY"),
    ("DROP TABLE courts", 164, "READONLY"),
    ("CREATE TABLE x (a UInt8) ENGINE = Memory", 164, "READONLY"),
    ("ALTER TABLE courts DELETE WHERE 1", 164, "READONLY"),
    ("TRUNCATE TABLE courts", 164, "READONLY"),
    ("SYSTEM DROP DNS CACHE", 164, "READONLY"),
    ("SET max_threads = 8", 164, "READONLY"),
    ("SET readonly = 0", 164, "READONLY"),
    ("SHOW PROCESSLIST", 164, "READONLY"),
    ("SELECT * FROM file('/etc/hostname', 'LineAsString')", 497, "ACCESS_DENIED"),
    ("SELECT file('/etc/hostname')", 497, "ACCESS_DENIED"),
    ("SELECT FILE('/etc/hostname')", 46, "UNKNOWN_FUNCTION"),
    ("SELECT * FROM system.processes", 497, "ACCESS_DENIED"),
    ("SELECT 1 INTO OUTFILE 'x.csv'", 497, "ACCESS_DENIED"),
    ("SELECT 1 FORMAT Template", 497, "ACCESS_DENIED"),
    ("SELECT 1 FORMAT NoSuchFormat", 73, "UNKNOWN_FORMAT"),
    ("SELECT * FROM (SELECT 1 SETTINGS max_threads = 1)", 164, "READONLY"),
    ("SELECT 1 SETTINGS max_threads = 2", 452, "SETTING_CONSTRAINT_VIOLATION"),
    ("SELECT number FROM numbers(100) SETTINGS max_result_rows = 0", 452,
     "SETTING_CONSTRAINT_VIOLATION"),
    ("SELECT 1 SETTINGS allow_introspection_functions = 1", 164, "READONLY"),
    ("SELECT 1 SETTINGS no_such_setting = 1", 115, "UNKNOWN_SETTING"),
])
def test_refusals(gstore: Client, policy: Policy, sql: str, code: int, name: str) -> None:
    objects = "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name"
    before = gstore.query(objects).result_rows
    error = refused(gstore, policy, sql)
    assert (error.code, error.name) == (code, name), error.message
    # nothing was changed
    assert gstore.query(objects).result_rows == before
    assert gstore.command("SELECT count() FROM courts FINAL") == 111


def test_database_must_be_the_store(gstore: Client, policy: Policy) -> None:
    assert run(gstore, policy, "SELECT 1", database=gstore.database).body == b"1\n"
    error = refused(gstore, policy, "SELECT 1", database="system")
    assert (error.code, error.name) == (497, "ACCESS_DENIED")


# --- limits -----------------------------------------------------------------------------

def test_limits(gstore: Client, policy: Policy) -> None:
    limits = Limits(result_rows=10, result_bytes=10_000, memory_bytes=64 << 20, seconds=0.5)
    assert run(gstore, policy, "SELECT number FROM numbers(10)", limits=limits).body.count(
        b"\n") == 10
    error = refused(gstore, policy, "SELECT number FROM numbers(11)", limits=limits)
    assert (error.code, error.name) == (396, "TOO_MANY_ROWS_OR_BYTES")
    error = refused(gstore, policy, "SELECT repeat(toString(number), 5000) FROM numbers(5)",
                    limits=limits)
    assert (error.code, error.name) == (396, "TOO_MANY_ROWS_OR_BYTES")
    error = refused(gstore, policy, "SELECT count() FROM numbers(1000000000000)", limits=limits)
    assert (error.code, error.name) == (159, "TIMEOUT_EXCEEDED")
    # Time enough that only the memory limit can stop it, however busy the machine (at
    # 0.5 s a loaded CI run hit the time limit first).
    error = refused(gstore, policy, "SELECT length(groupArray(number)) FROM numbers(100000000)",
                    limits=dataclasses.replace(limits, seconds=60))
    assert (error.code, error.name) == (241, "MEMORY_LIMIT_EXCEEDED")
    body = run(gstore, policy,
               "SELECT getSetting('max_threads'), getSetting('readonly'), "
               "getSetting('max_result_rows'), getSetting('result_overflow_mode'), "
               "getSetting('max_memory_usage'), getSetting('max_execution_time'), "
               "getSetting('timeout_overflow_mode'), getSetting('allow_introspection_functions')",
               limits=limits).body
    assert body == b"1\t1\t10\tthrow\t67108864\t0.5\tthrow\tfalse\n"


def test_a_client_may_only_lower_limits(gstore: Client, policy: Policy) -> None:
    lower = {"max_result_rows": "5", "max_execution_time": "2", "max_threads": "1"}
    body = run(gstore, policy, "SELECT getSetting('max_result_rows'), "
                               "getSetting('max_execution_time')", settings=lower).body
    assert body == b"5\t2\n"
    error = refused(gstore, policy, "SELECT number FROM numbers(6)", settings=lower)
    assert error.name == "TOO_MANY_ROWS_OR_BYTES"
    for name, value in (("max_result_rows", "0"), ("max_result_rows", "1001"),
                        ("max_execution_time", "6"), ("max_threads", "2"),
                        ("max_memory_usage", str(1 << 40)), ("max_result_rows", "1e3")):
        error = refused(gstore, policy, "SELECT 1", settings={name: value})
        assert (error.code, error.name) == (452, "SETTING_CONSTRAINT_VIOLATION"), name
    error = refused(gstore, policy, "SELECT 1", settings={"readonly": "0"})
    assert (error.code, error.name) == (164, "READONLY")
    assert run(gstore, policy, "SELECT 1", settings={"readonly": "1"}).body == b"1\n"


# --- settings -----------------------------------------------------------------------------

def test_formatting_settings(gstore: Client, policy: Policy) -> None:
    sql = "SELECT toUInt64(1) AS n, toDateTime('2024-01-02 03:04:05', 'UTC') AS t"
    default = json.loads(run(gstore, policy, sql, fmt="JSONEachRow").body)
    assert default == {"n": 1, "t": "2024-01-02 03:04:05"}  # chDB's default: not quoted
    asked = {"output_format_json_quote_64bit_integers": "1", "date_time_output_format": "iso"}
    assert json.loads(run(gstore, policy, sql, fmt="JSONEachRow", settings=asked).body) == {
        "n": "1", "t": "2024-01-02T03:04:05Z"}
    # the same from the query's own SETTINGS clause
    own = run(gstore, policy, f"{sql} FORMAT JSONEachRow SETTINGS "
                              "output_format_json_quote_64bit_integers = 1, "
                              "date_time_output_format = 'iso'", fmt=None)
    assert json.loads(own.body) == {"n": "1", "t": "2024-01-02T03:04:05Z"}
    # transport parameters are ignored; a session is never kept
    assert run(gstore, policy, "SELECT 1", settings={"session_id": "x",
                                                     "session_timeout": "60"}).body == b"1\n"
    # a setting the guard keeps anyway may be asked for with its value
    assert run(gstore, policy, "SELECT 1",
               settings={"allow_introspection_functions": "0"}).body == b"1\n"
    assert FIXED_SETTINGS["allow_introspection_functions"] == "0"
    for name, code in (("no_such_setting", 115), ("allow_introspection_functions", 164),
                       ("output_format_schema", 164), ("format_schema", 164),
                       ("param_x", 115), ("dialect", 164), ("implicit_select", 164)):
        error = refused(gstore, policy, "SELECT 1", settings={name: "1"})
        assert error.code == code, (name, error)


def test_settings_do_not_leak(gstore: Client, policy: Policy) -> None:
    run(gstore, policy, "SELECT 1", settings={"output_format_json_quote_64bit_integers": "0"})
    assert gstore.command("SELECT getSetting('readonly')") == 0
    gstore.command("CREATE TABLE guard_still_writable (a UInt8) ENGINE = Memory")
    gstore.command("DROP TABLE guard_still_writable")


# --- formats ----------------------------------------------------------------------------

def test_formats(gstore: Client, policy: Policy) -> None:
    sql = "SELECT code, type FROM courts FINAL WHERE code = '50AV0000'"
    answer = run(gstore, policy, sql, fmt="JSON")
    assert answer.fmt == "JSON"
    assert json.loads(answer.body)["data"] == [{"code": "50AV0000", "type": "AV"}]
    assert run(gstore, policy, sql, fmt="CSVWithNames").body == (
        b'"code","type"\n"50AV0000","AV"\n')
    assert run(gstore, policy, sql + " FORMAT jsoneachrow", fmt="CSV").fmt == "JSONEachRow"
    assert run(gstore, policy, sql, fmt="tsv").fmt == "TSV"
    native = run(gstore, policy, sql, fmt="Native")
    assert native_rows(gstore, native.body) == (["code", "type"], [("50AV0000", "AV")])
    table = pq.read_table(io.BytesIO(run(gstore, policy, sql, fmt="Parquet").body))
    assert table.to_pylist() == [{"code": "50AV0000", "type": "AV"}]
    arrow = pa.ipc.open_file(io.BytesIO(run(gstore, policy, sql, fmt="Arrow").body)).read_all()
    assert arrow.num_rows == 1 and arrow.column_names == ["code", "type"]
    rwnat = run(gstore, policy, sql, fmt="RowBinaryWithNamesAndTypes").body
    assert rwnat.startswith(b"\x02\x04code\x04type\x06String\x16LowCardinality(String)")
    for name in ("Template", "CapnProto", "Protobuf", "Npy", "Buffers", "Prometheus"):
        with pytest.raises(Refused):
            run(gstore, policy, sql, fmt=name)


def test_empty_results_keep_their_header(gstore: Client, policy: Policy) -> None:
    sql = "SELECT code, type FROM courts WHERE code = {c:String}"
    params = {"c": "nothing"}
    meta = json.loads(run(gstore, policy, sql, params, fmt="JSON").body)
    assert meta["meta"] == [{"name": "code", "type": "String"},
                            {"name": "type", "type": "LowCardinality(String)"}]
    assert meta["data"] == []
    assert run(gstore, policy, sql, params, fmt="CSVWithNames").body == b'"code","type"\n'
    assert run(gstore, policy, sql, params, fmt="TSVWithNamesAndTypes").body == (
        b"code\ttype\nString\tLowCardinality(String)\n")
    assert run(gstore, policy, sql, params, fmt="RowBinaryWithNamesAndTypes").body == (
        b"\x02\x04code\x04type\x06String\x16LowCardinality(String)")
    # chDB writes nothing for an empty Native result; the guard writes the header block
    for text, fmt in ((sql, "Native"), (sql + " FORMAT Native", None),
                      (sql + " FORMAT Native -- a comment", None)):
        native = run(gstore, policy, text, params, fmt=fmt)
        assert native.fmt == "Native"
        assert native.body == (b"\x02\x00\x04code\x06String\x04type\x16LowCardinality(String)")
        assert native_rows(gstore, native.body) == (["code", "type"], [])
    assert pq.read_table(io.BytesIO(run(gstore, policy, sql, params, fmt="Parquet").body)
                         ).column_names == ["code", "type"]
    assert run(gstore, policy, sql, params, fmt="JSONEachRow").body == b""
    # the same for a parameterized view (its header comes from DESCRIBE with the parameters)
    summary = run(gstore, policy, "SELECT * FROM year_summary(year = {year:UInt16}, "
                                  "since = '2022-02-24')", {"year": "2024"}, fmt="Native")
    columns, rows = native_rows(gstore, summary.body)
    assert rows == []
    assert columns[:4] == ["line", "received", "sentenced", "other_decisions"]


# --- the function allowlist -------------------------------------------------------------

KNOWN_DANGEROUS = {
    "file", "hostName", "hostname", "FQDN", "fullHostName", "displayName", "getMacro",
    "getServerPort", "tcpPort", "serverUUID", "sleep", "sleepEachRow", "getClientHTTPHeader",
    "joinGet", "joinGetOrNull", "hasColumnInTable", "dictGet", "dictGetString", "dictHas",
    "dictGetOrDefault", "dictGetHierarchy", "dictIsIn", "filesystemAvailable",
    "filesystemCapacity", "filesystemUnreserved", "addressToLine", "addressToSymbol",
    "demangle", "generateSerialID", "getServerSetting", "getMergeTreeSetting",
    "showCertificate", "catboostEvaluate", "evalMLMethod", "naiveBayesClassifier",
    "aiGenerate", "aiClassify", "transactionID", "runningAccumulate", "__getScalar",
    "currentRoles", "currentProfiles", "getOSKernelVersion", "zookeeperSessionUptime",
    "regionToName", "logTrace", "currentRequestURL", "authenticatedUser", "buildId",
}
NEEDED_BY_CLIENTS = {
    "version", "timezone", "timeZone", "serverTimezone", "currentDatabase", "DATABASE",
    "currentUser", "user", "getSetting", "uptime", "throwIf", "queryID", "toString", "count",
    "sum", "in", "notIn", "tuple", "array", "equals", "and", "if", "CAST", "_CAST",
    "arrayJoin", "arrayMap", "toDate", "now", "formatDateTime", "JSONExtractString", "domain",
    "IPv4NumToString", "cityHash64", "row_number", "lagInFrame", "toTypeName",
    "formatReadableSize", "round", "coalesce", "concat", "match", "splitByChar", "map",
}


def test_every_function_has_a_verdict(policy: Policy, gstore: Client) -> None:
    rows = gstore.query("SELECT name, is_aggregate, alias_to, categories FROM system.functions"
                        ).result_rows
    verdicts = policy.function_verdicts()
    assert set(verdicts) == {str(r[0]) for r in rows}
    allowed = {n for n, v in verdicts.items() if v.allowed}
    denied = set(verdicts) - allowed
    print(f"\n{len(allowed)} functions allowed, {len(denied)} denied:")
    for name in sorted(verdicts, key=str.lower):
        print(f"  {'ALLOW' if verdicts[name].allowed else 'DENY '} {name}: {verdicts[name].reason}")
    present = {str(r[0]) for r in rows}
    assert (KNOWN_DANGEROUS & present) <= denied
    assert len(KNOWN_DANGEROUS & present) >= 45  # the engine has (nearly) all of them
    assert NEEDED_BY_CLIENTS <= allowed
    for name, is_aggregate, alias_to, category in rows:
        target = str(alias_to) or str(name)
        target_category = next((str(r[3]) for r in rows if r[0] == target), "")
        if target_category in DENIED_CATEGORIES:
            assert name in denied, name
        if name in allowed and not is_aggregate and not alias_to:
            assert category in ALLOWED_CATEGORIES or name in ALLOWED_OTHER, name
    assert sum(1 for name in denied if verdicts[name].reason.startswith("denied")) > 40


@pytest.mark.parametrize(("name", "allowed"), [
    ("file", False), ("FILE", None), ("fIlE", None), ("fullHostName", False),
    ("HOSTNAME", None), ("hostname", False), ("hostName", False), ("HostName", None),
    ("sum", True), ("SUM", True), ("sumIf", True),
    ("uniqMergeState", True), ("avgOrNullIf", True), ("fileIf", None), ("fileState", None),
    ("sleepIf", None), ("dictGetIf", None), ("COUNT", True), ("user", True),
    ("no_such_function", None),
])
def test_function_resolution(policy: Policy, name: str, allowed: bool | None) -> None:
    verdict = policy.functions.verdict(name)
    assert (None if verdict is None else verdict.allowed) is allowed


# --- the engine's syntax tree -------------------------------------------------------------

def test_parse_dump_verifies_the_tree() -> None:
    good = ["SelectWithUnionQuery (children 1)", " ExpressionList (children 1)",
            "  SelectQuery (children 1)", "   ExpressionList (children 2)",
            "    Literal UInt64_1 (alias a)", "    Function file (children 1)",
            "     ExpressionList (children 1)", "      Literal 'x'"]
    root = parse_dump(good)
    assert [n.type for n in root.walk()] == [
        "SelectWithUnionQuery", "ExpressionList", "SelectQuery", "ExpressionList", "Literal",
        "Function", "ExpressionList", "Literal"]
    function = next(n for n in root.walk() if n.type == "Function")
    assert isinstance(function, Node) and function.name == "file"
    for bad in (
        good[:-1],  # cut short
        [*good, "SelectWithUnionQuery"],  # a second root
        [*good[:5], "    TableExpression", *good[5:]],  # a forged sibling
        [*good[:5], "     Function numbers", *good[5:]],  # a forged child of a leaf
        ["  SelectQuery"],  # no root
        [],
    ):
        with pytest.raises(Refused) as info:
            parse_dump(bad)
        assert info.value.code == 497


def test_a_name_holding_line_feeds_cannot_forge_nodes(gstore: Client, policy: Policy) -> None:
    error = refused(gstore, policy, "SELECT 1 AS `x\n TableExpression (children 1)\n  "
                                    "Function numbers`")
    assert (error.code, error.name) == (497, "ACCESS_DENIED")


def test_nothing_is_written_while_checking(gstore: Client, policy: Policy, tmp_path: Any) -> None:
    target = tmp_path / "out.txt"
    for sql in (f"SELECT 1 INTO OUTFILE '{target}'", f"EXPLAIN SELECT 1 INTO OUTFILE '{target}'",
                f"SELECT 1; SELECT 2 INTO OUTFILE '{target}'"):
        refused(gstore, policy, sql)
    assert not target.exists()


# --- sessions, threads, servers -----------------------------------------------------------

def test_concurrent_queries(gstore: Client, policy: Policy) -> None:
    results: list[bytes] = []
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(5):
                results.append(run(gstore, policy, f"SELECT {i} * 100 + {j}").body)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == sorted(f"{i * 100 + j}\n".encode() for i in range(4)
                                     for j in range(5))


def test_policy_is_cached(gstore: Client) -> None:
    assert policy_for(gstore) is policy_for(gstore)
    assert policy_for(gstore).database == gstore.database


def test_http_session_binds_on_the_server() -> None:
    """A ClickHouse server is reached through the client's HTTP transport: the query text
    is the body as it is, parameters go as param_* and settings with readonly=1."""
    calls: list[tuple[Any, ...]] = []

    class Backend:
        def execute_raw_query(self, final_query: str, bind_params: dict[str, str],
                              external_data: Any, runtime: Any, transport: Any) -> bytes:
            calls.append((final_query, bind_params, external_data, runtime, transport))
            return b"ok"

    class HttpLikeClient:
        _backend = Backend()

    session = _HttpSession(HttpLikeClient(), "store", {"max_threads": "1", "readonly": "1"})
    sql = "SELECT {x:String} -- %(x)s"
    assert session.run(sql, "JSON", {"x": "'); DROP TABLE t; --"}) == (b"ok", {})
    final_query, bind_params, external_data, runtime, _ = calls[0]
    assert final_query == sql
    assert bind_params == {"param_x": "'); DROP TABLE t; --"}
    assert external_data is None
    assert runtime.database == "store"
    assert dict(runtime.settings) == {"max_threads": "1", "readonly": "1",
                                      "default_format": "JSON"}
    import inspect

    from clickhouse_connect.driver._backend.http_sync import HttpSyncBackend
    assert list(inspect.signature(HttpSyncBackend.execute_raw_query).parameters) == [
        "self", "final_query", "bind_params", "external_data", "runtime", "transport_settings"]


def test_the_engine_knows_no_name_the_guard_does_not(gstore: Client, policy: Policy) -> None:
    """Case variants of every denied function: where the guard finds no such function, the
    engine must not find one either (else the guard would judge a name the engine runs).
    The probe never runs a function: zero rows, and a column argument so nothing is folded
    into a constant while analysing."""
    import chdb

    conn = chdb.connect(gstore._backend.connection_string)  # type: ignore[attr-defined]
    try:
        conn.query("SET readonly = 1, max_execution_time = 5", "TSV")
        checked = 0
        for name, verdict in policy.function_verdicts().items():
            if verdict.allowed:
                continue
            for variant in {name.upper(), name.lower(), name.capitalize(), name.swapcase()}:
                if policy.functions.verdict(variant) is not None:
                    continue
                try:
                    conn.query(f"SELECT `{variant}`(x) FROM (SELECT 1 AS x) WHERE 0", "TSV")
                    known = True
                except Exception as exc:
                    known = "(UNKNOWN_FUNCTION)" not in str(exc) and \
                        "(UNKNOWN_AGGREGATE_FUNCTION)" not in str(exc)
                assert not known, f"the engine knows {variant} (the guard does not)"
                checked += 1
        assert checked > 200
    finally:
        conn.close()
