"""Attacks on the read-only SQL guard, as data (issue 14).

Used by tests/aggregator/test_attacks.py (the guard itself) and by the HTTP-level tests of
the ClickHouse HTTP interface. Each payload is what a client could send: SQL text,
server-side parameters (``param_<name>`` values, ClickHouse's escaped text), per-request
settings, a default format and a database.

Tokens in ``sql``, ``params`` and ``settings`` values, to be replaced by the test
(``fill``):

* ``@@CANARY@@``   absolute path of a file holding a random secret
* ``@@HOSTPORT@@`` 127.0.0.1:<port> of a listener that must receive nothing
* ``@@OUTDIR@@``   a directory in which no file may appear
* ``@@STORE@@``    the store's database name

``outcome`` is ``"refused"`` (the query must fail with one of ``codes``, ClickHouse's
exception codes) or ``"harmless"`` (it runs and its body, in the given format, is exactly
``body``: the attack text stayed a value). ``dos`` payloads are refused by the engine's
limits, so a test should run them with small ones (a second, a few thousand rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# ClickHouse exception codes
SYNTAX_ERROR = 62
UNKNOWN_FUNCTION = 46
UNKNOWN_TABLE = 60
UNKNOWN_FORMAT = 73
UNKNOWN_SETTING = 115
TIMEOUT_EXCEEDED = 159
READONLY = 164
MEMORY_LIMIT_EXCEEDED = 241
TOO_MANY_ROWS_OR_BYTES = 396
SETTING_CONSTRAINT_VIOLATION = 452
UNKNOWN_QUERY_PARAMETER = 456
BAD_QUERY_PARAMETER = 457
ACCESS_DENIED = 497

DENIED = frozenset({ACCESS_DENIED})
NOT_READ = frozenset({READONLY})
SYNTAX = frozenset({SYNTAX_ERROR})
DENIED_OR_UNKNOWN = frozenset({ACCESS_DENIED, UNKNOWN_FUNCTION})
SETTING = frozenset({READONLY, SETTING_CONSTRAINT_VIOLATION, UNKNOWN_SETTING})
LIMITS = frozenset({TIMEOUT_EXCEEDED, MEMORY_LIMIT_EXCEEDED, TOO_MANY_ROWS_OR_BYTES})


@dataclass(frozen=True)
class Payload:
    name: str
    group: str
    sql: str
    tries: str
    codes: frozenset[int] = DENIED
    params: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, str] = field(default_factory=dict)
    default_format: str | None = None
    database: str | None = None
    outcome: str = "refused"
    body: bytes | None = None
    dos: bool = False


TOKENS = ("@@CANARY@@", "@@HOSTPORT@@", "@@OUTDIR@@", "@@STORE@@")


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with the tokens replaced (``values`` maps a token to its value)."""
    for token, value in values.items():
        text = text.replace(token, value)
    return text


_P = Payload
_CREATE = "CREATE TABLE pwned (a UInt8) ENGINE = Memory"

PAYLOADS: tuple[Payload, ...] = (
    # --- table functions: files, network, processes, other databases -----------------
    _P("tf_file", "table_function", "SELECT * FROM file('@@CANARY@@', 'LineAsString')",
       "read a local file"),
    _P("tf_file_environ", "table_function",
       "SELECT * FROM file('/proc/self/environ', 'LineAsString')",
       "read the process environment (secrets in env vars)"),
    _P("tf_url", "table_function",
       "SELECT * FROM url('http://@@HOSTPORT@@/tf_url', 'LineAsString')", "make a request (SSRF)"),
    _P("tf_url_file_scheme", "table_function",
       "SELECT * FROM url('file://@@CANARY@@', 'LineAsString')", "read a file through url()"),
    _P("tf_s3", "table_function",
       "SELECT * FROM s3('http://@@HOSTPORT@@/bucket/x.csv', 'CSV', 'x String')",
       "request through the S3 client"),
    _P("tf_remote", "table_function", "SELECT * FROM remote('@@HOSTPORT@@', system.one)",
       "connect to another server"),
    _P("tf_remote_secure", "table_function",
       "SELECT * FROM remoteSecure('@@HOSTPORT@@', system.one)", "connect over TLS"),
    _P("tf_mysql", "table_function",
       "SELECT * FROM mysql('@@HOSTPORT@@', 'db', 't', 'user', 'password')", "connect to MySQL"),
    _P("tf_postgresql", "table_function",
       "SELECT * FROM postgresql('@@HOSTPORT@@', 'db', 't', 'user', 'password')",
       "connect to PostgreSQL"),
    _P("tf_executable", "table_function",
       "SELECT * FROM executable('cat @@CANARY@@', 'TSV', 'x String')", "run a program"),
    _P("tf_input", "table_function", "SELECT * FROM input('x String')",
       "read the request body as data"),
    _P("tf_hdfs", "table_function",
       "SELECT * FROM hdfs('hdfs://@@HOSTPORT@@/x', 'TSV', 'x String')", "connect to HDFS"),
    _P("tf_jdbc", "table_function", "SELECT * FROM jdbc('jdbc:mysql://@@HOSTPORT@@/db', 't')",
       "connect through the JDBC bridge"),
    _P("tf_odbc", "table_function", "SELECT * FROM odbc('DSN=x', 't')",
       "connect through the ODBC bridge"),
    _P("tf_azure", "table_function",
       "SELECT * FROM azureBlobStorage('http://@@HOSTPORT@@/acct', 'c', 'b.csv', 'acct', "
       "'key', 'CSV', 'auto', 'x String')", "request Azure blob storage"),
    _P("tf_merge", "table_function", "SELECT * FROM merge('system', '^proc')",
       "read other databases' tables by pattern"),
    _P("tf_cluster", "table_function", "SELECT * FROM cluster('default', system.processes)",
       "read through a cluster definition"),
    _P("tf_view", "table_function", "SELECT * FROM view(SELECT * FROM system.processes)",
       "wrap a forbidden read in view()"),
    _P("tf_python", "table_function", "SELECT * FROM Python(secret)",
       "chDB: read a Python object of the serving process"),
    _P("tf_filesystem", "table_function", "SELECT * FROM filesystem('/')",
       "chDB/ClickHouse: list the file system"),
    _P("tf_dictionary", "table_function", "SELECT * FROM dictionary('leak')",
       "read a dictionary's source"),
    _P("tf_url_in_join", "table_function",
       "SELECT * FROM system.one AS o JOIN url('http://@@HOSTPORT@@/join', 'LineAsString') "
       "AS u ON 1 = 1", "hide url() in a JOIN"),
    _P("tf_file_in_cte", "table_function",
       "WITH leak AS (SELECT * FROM file('@@CANARY@@', 'LineAsString')) SELECT * FROM leak",
       "hide file() in a CTE"),
    _P("tf_file_in_in_subquery", "table_function",
       "SELECT 1 WHERE 'x' IN (SELECT * FROM file('@@CANARY@@', 'LineAsString'))",
       "hide file() in an IN subquery"),
    _P("tf_file_upper", "case_alias", "SELECT * FROM FILE('@@CANARY@@', 'LineAsString')",
       "a table function in capitals", DENIED_OR_UNKNOWN),
    _P("tf_url_upper", "case_alias",
       "SELECT * FROM URL('http://@@HOSTPORT@@/upper', 'LineAsString')",
       "a table function in capitals", DENIED_OR_UNKNOWN),
    # --- functions with effects or leaks --------------------------------------------------
    _P("fn_file", "function", "SELECT file('@@CANARY@@')", "file() as a function (readonly=1 "
       "does not stop it in chDB)"),
    _P("fn_file_environ", "function", "SELECT file('/proc/self/environ')",
       "read the environment with file()"),
    _P("fn_file_upper", "case_alias", "SELECT FILE('@@CANARY@@')", "file() in capitals",
       DENIED_OR_UNKNOWN),
    _P("fn_file_mixed_case", "case_alias", "SELECT fIlE('@@CANARY@@')", "file() in mixed case",
       DENIED_OR_UNKNOWN),
    _P("fn_file_backquoted", "case_alias", "SELECT `file`('@@CANARY@@')",
       "a backquoted function name"),
    _P("fn_file_scalar_subquery", "function", "SELECT (SELECT file('@@CANARY@@'))",
       "file() in a scalar subquery (run while analysing)"),
    _P("fn_file_in_lambda", "function", "SELECT arrayMap(x -> file(x), ['@@CANARY@@'])",
       "file() inside a lambda"),
    _P("fn_file_param_argument", "function", "SELECT file({p:String})", "file() of a parameter",
       params={"p": "@@CANARY@@"}),
    _P("fn_file_in_view_args", "function",
       "SELECT * FROM numbers(toUInt64(length(file('@@CANARY@@'))))",
       "file() in a table function's argument"),
    _P("fn_hostname", "function", "SELECT hostName()", "the host's name"),
    _P("fn_fqdn_alias", "case_alias", "SELECT fullHostName()", "an alias of FQDN()"),
    _P("fn_get_server_setting", "function", "SELECT getServerSetting('path')",
       "server configuration (paths)"),
    _P("fn_filesystem_capacity", "function", "SELECT filesystemCapacity()",
       "the file system's size"),
    _P("fn_get_macro", "function", "SELECT getMacro('replica')", "server macros"),
    _P("fn_introspection", "function", "SELECT addressToSymbol(toUInt64(1))",
       "introspection of the binary"),
    _P("fn_generate_serial_id", "function", "SELECT generateSerialID('x')",
       "a write to Keeper"),
    _P("fn_join_get", "function", "SELECT joinGet('t', 'v', 1)", "read a Join table by name"),
    _P("fn_has_column_in_table", "function",
       "SELECT hasColumnInTable('system', 'users', 'name')", "probe another database (or "
       "server)"),
    _P("fn_client_http_header", "function", "SELECT getClientHTTPHeader('Authorization')",
       "read the request's credentials"),
    _P("fn_ai", "function", "SELECT aiGenerate('say hello')", "call an LLM provider"),
    _P("fn_certificate", "function", "SELECT showCertificate()", "the server's certificate"),
    _P("fn_catboost", "ml_model", "SELECT catboostEvaluate('@@CANARY@@', 1)",
       "load a model file from disk", DENIED_OR_UNKNOWN),
    _P("fn_naive_bayes", "ml_model", "SELECT naiveBayesClassifier('model', 'text')",
       "load a model from the server's configuration"),
    _P("fn_eval_ml_method", "ml_model", "SELECT evalMLMethod(1, 2)", "evaluate a model"),
    # --- DESCRIBE / EXPLAIN / EXISTS / SHOW over what may not be read ------------------
    _P("describe_file", "describe_explain_show",
       "DESCRIBE TABLE file('@@CANARY@@', 'TSVWithNames')",
       "schema inference reads the file's first line"),
    _P("describe_url", "describe_explain_show",
       "DESCRIBE TABLE url('http://@@HOSTPORT@@/describe', 'CSVWithNames')",
       "schema inference makes a request"),
    _P("describe_subquery_file", "describe_explain_show",
       "DESCRIBE (SELECT file('@@CANARY@@'))", "file() in a described subquery"),
    _P("explain_file", "describe_explain_show",
       "EXPLAIN SELECT * FROM file('@@CANARY@@', 'LineAsString')", "planning reads the file"),
    _P("explain_pipeline_url", "describe_explain_show",
       "EXPLAIN PIPELINE SELECT * FROM url('http://@@HOSTPORT@@/explain', 'LineAsString')",
       "planning makes a request"),
    _P("explain_estimate_remote", "describe_explain_show",
       "EXPLAIN ESTIMATE SELECT * FROM remote('@@HOSTPORT@@', system.one)",
       "estimation connects"),
    _P("explain_table_override", "describe_explain_show",
       "EXPLAIN TABLE OVERRIDE mysql('@@HOSTPORT@@', 'db', 't', 'u', 'p') PARTITION BY x",
       "EXPLAIN of a table function", NOT_READ),
    _P("show_processlist", "describe_explain_show", "SHOW PROCESSLIST",
       "other clients' queries", NOT_READ),
    _P("show_grants", "describe_explain_show", "SHOW GRANTS", "access control", NOT_READ),
    _P("show_users", "describe_explain_show", "SHOW USERS", "users", NOT_READ),
    _P("show_create_user", "describe_explain_show", "SHOW CREATE USER default",
       "a user's definition", NOT_READ),
    _P("show_access", "describe_explain_show", "SHOW ACCESS", "access control", NOT_READ),
    _P("show_clusters", "describe_explain_show", "SHOW CLUSTERS", "cluster hosts", NOT_READ),
    _P("show_merges", "describe_explain_show", "SHOW MERGES", "merges (part paths)", NOT_READ),
    _P("show_filesystem_caches", "describe_explain_show", "SHOW FILESYSTEM CACHES",
       "file system caches", NOT_READ),
    _P("show_dictionaries", "describe_explain_show", "SHOW DICTIONARIES",
       "dictionaries", NOT_READ),
    _P("show_create_dictionary", "dictionary", "SHOW CREATE DICTIONARY leak",
       "a dictionary's source (credentials)", NOT_READ),
    _P("show_create_system_table", "describe_explain_show",
       "SHOW CREATE TABLE system.server_settings", "DDL of a secret system table"),
    # --- dictionaries -------------------------------------------------------------------
    _P("create_dictionary_file", "dictionary",
       "CREATE DICTIONARY leak (line String) PRIMARY KEY line "
       "SOURCE(FILE(path '@@CANARY@@' format 'LineAsString')) LAYOUT(FLAT()) LIFETIME(0)",
       "a dictionary reading a file", NOT_READ),
    _P("create_dictionary_http", "dictionary",
       "CREATE DICTIONARY leak2 (k UInt64, v String) PRIMARY KEY k "
       "SOURCE(HTTP(url 'http://@@HOSTPORT@@/dict' format 'TSV')) LAYOUT(FLAT()) LIFETIME(0)",
       "a dictionary fetching a URL", NOT_READ),
    _P("dict_get", "dictionary", "SELECT dictGet('leak', 'line', toUInt64(1))",
       "read a dictionary"),
    _P("dict_get_typed", "dictionary",
       "SELECT dictGetStringOrDefault('leak', 'line', toUInt64(1), 'x')",
       "a typed dictGet variant"),
    _P("dict_has", "dictionary", "SELECT dictHas('leak', toUInt64(1))", "probe a dictionary"),
    # --- more than one statement --------------------------------------------------------
    _P("multi_drop", "multi_statement", "SELECT 1; DROP TABLE courts",
       "a second statement (chDB runs them all)", SYNTAX),
    _P("multi_create", "multi_statement", f"SELECT 1; {_CREATE}", "a second statement", SYNTAX),
    _P("multi_block_comment", "multi_statement", f"SELECT 1 /* x */; {_CREATE}",
       "a second statement after a comment", SYNTAX),
    _P("multi_line_comment", "multi_statement", f"SELECT 1 -- x\n; {_CREATE}",
       "a second statement after a line comment", SYNTAX),
    _P("multi_semicolons", "multi_statement", "SELECT 1;;; CREATE DATABASE pwned_db",
       "empty statements between", SYNTAX),
    _P("multi_vertical_g", "multi_statement", f"SELECT 1\\G {_CREATE}",
       "clickhouse-client's \\G terminator", SYNTAX),
    _P("multi_in_explain", "multi_statement", f"SELECT 1; EXPLAIN AST {_CREATE}",
       "a second statement the guard's own EXPLAIN could run", SYNTAX),
    # --- INTO OUTFILE and other file writes -------------------------------------------
    _P("outfile", "outfile", "SELECT 'pwned' INTO OUTFILE '@@OUTDIR@@/plain.txt'",
       "write a file (chDB writes it even with readonly=1)"),
    _P("outfile_truncate", "outfile",
       "SELECT 'pwned' INTO OUTFILE '@@OUTDIR@@/truncate.txt' TRUNCATE", "overwrite a file"),
    _P("outfile_append", "outfile", "SELECT 'pwned' INTO OUTFILE '@@OUTDIR@@/append.txt' APPEND",
       "append to a file"),
    _P("outfile_compressed", "outfile",
       "SELECT 'pwned' INTO OUTFILE '@@OUTDIR@@/c.gz' COMPRESSION 'gzip' LEVEL 3",
       "write a compressed file"),
    _P("outfile_and_stdout", "outfile",
       "SELECT 'pwned' INTO OUTFILE '@@OUTDIR@@/stdout.txt' AND STDOUT", "write and answer"),
    _P("outfile_relative", "outfile", "SELECT 'pwned' INTO OUTFILE 'pwned_relative.txt'",
       "write into the server's working directory"),
    _P("outfile_with_format", "outfile",
       "SELECT 1 INTO OUTFILE '@@OUTDIR@@/f.csv' FORMAT CSV SETTINGS max_threads = 1",
       "OUTFILE among FORMAT and SETTINGS"),
    _P("outfile_explain", "outfile", "EXPLAIN SELECT 1 INTO OUTFILE '@@OUTDIR@@/explain.txt'",
       "OUTFILE on an EXPLAIN"),
    _P("outfile_in_union", "outfile",
       "SELECT 1 UNION ALL SELECT 2 INTO OUTFILE '@@OUTDIR@@/union.txt'", "OUTFILE on a UNION"),
    _P("insert_into_function_file", "outfile",
       "INSERT INTO FUNCTION file('@@OUTDIR@@/insert.csv', 'CSV') SELECT 1",
       "write through the file() table function", NOT_READ),
    _P("insert_from_infile", "outfile",
       "INSERT INTO courts (code) FROM INFILE '@@CANARY@@' FORMAT LineAsString",
       "read a local file as data to insert", NOT_READ),
    _P("backup_to_file", "outfile", "BACKUP TABLE courts TO File('@@OUTDIR@@/backup')",
       "write a backup", NOT_READ),
    _P("output_format_schema", "format_schema",
       "SELECT 1 AS x FORMAT CapnProto SETTINGS output_format_schema = '@@OUTDIR@@/s.capnp'",
       "write the generated schema to a file", DENIED | SETTING),
    # --- settings that lift limits or readonly ------------------------------------------
    _P("settings_readonly_0", "settings", "SELECT 1 SETTINGS readonly = 0",
       "lift readonly in the query", SETTING),
    _P("settings_lift_rows", "settings",
       "SELECT number FROM numbers(10) SETTINGS max_result_rows = 0", "unlimited result", SETTING),
    _P("settings_lift_time", "settings",
       "SELECT count() FROM numbers(10) SETTINGS max_execution_time = 0", "no time limit",
       SETTING),
    _P("settings_more_threads", "settings", "SELECT 1 SETTINGS max_threads = 64",
       "take every core", SETTING),
    _P("settings_in_subquery", "settings",
       "SELECT * FROM (SELECT count() FROM numbers(10) SETTINGS max_execution_time = 0, "
       "max_threads = 64)", "a sub-select's settings (not checked by readonly)", NOT_READ),
    _P("settings_in_first_union_member", "settings",
       "SELECT 1 SETTINGS max_threads = 64 UNION ALL SELECT 2",
       "settings of a union member other than the last", NOT_READ | SETTING),
    _P("settings_in_cte", "settings",
       "WITH x AS (SELECT 1 AS a SETTINGS max_memory_usage = 0) SELECT * FROM x",
       "a CTE's settings", NOT_READ),
    _P("settings_introspection", "settings",
       "SELECT 1 SETTINGS allow_introspection_functions = 1", "allow introspection", SETTING),
    _P("settings_display_secrets", "settings",
       "SELECT 1 SETTINGS format_display_secrets_in_show_and_select = 1", "show secrets",
       SETTING),
    _P("settings_spill_to_disk", "settings",
       "SELECT number FROM numbers(10) ORDER BY number "
       "SETTINGS max_bytes_before_external_sort = 1", "spill sorts to disk", SETTING),
    _P("settings_dialect", "settings", "SELECT 1 SETTINGS dialect = 'prql'",
       "another parser", SETTING),
    _P("request_readonly_0", "settings", "SELECT 1", "lift readonly by request setting",
       SETTING, settings={"readonly": "0"}),
    _P("request_lift_rows", "settings", "SELECT 1", "unlimited result by request setting",
       SETTING, settings={"max_result_rows": "0"}),
    _P("request_more_memory", "settings", "SELECT 1", "more memory by request setting",
       SETTING, settings={"max_memory_usage": "100000000000"}),
    _P("request_unknown_setting", "settings", "SELECT 1", "an unknown setting", SETTING,
       settings={"no_such_setting": "1"}),
    _P("request_python_table_function", "settings", "SELECT * FROM Python(secret)",
       "re-allow chDB's Python() by request setting", SETTING | DENIED,
       settings={"allow_python_table_function": "1"}),
    _P("request_implicit_select", "settings", "SELECT 1", "change the parser", SETTING,
       settings={"implicit_select": "1"}),
    _P("request_additional_filters", "settings", "SELECT 1", "rewrite queries by setting",
       SETTING, settings={"additional_table_filters": "{'courts': '1'}"}),
    # --- SET, USE, sessions ------------------------------------------------------------
    _P("set_readonly", "session", "SET readonly = 0", "change the session", NOT_READ),
    _P("set_limits", "session", "SET max_result_rows = 0, max_execution_time = 0",
       "lift the session's limits", NOT_READ),
    _P("set_param", "session", "SET param_x = 'y'", "set a query parameter for later",
       NOT_READ),
    _P("use_system", "session", "USE system", "change the current database", NOT_READ),
    _P("session_set", "session", "SET max_threads = 64", "a SET kept in a session",
       NOT_READ, settings={"session_id": "attacker", "session_timeout": "3600"}),
    _P("database_system", "session", "SELECT * FROM processes",
       "make system the current database", DENIED, database="system"),
    _P("database_other", "session", "SELECT 1", "another database", DENIED,
       database="INFORMATION_SCHEMA"),
    # --- parameters: only ever values ------------------------------------------------
    _P("param_pyformat", "param_injection", "SELECT %(x)s",
       "client-side %-substitution of a statement", SYNTAX,
       params={"x": "1; DROP TABLE courts"}),
    _P("param_python_braces", "param_injection", "SELECT {x}",
       "client-side str.format substitution", SYNTAX,
       params={"x": "(SELECT file('@@CANARY@@'))"}),
    _P("param_value_sql", "param_injection", "SELECT {x:String} FORMAT TSVRaw",
       "a value closing the literal and adding a statement",
       params={"x": "'); DROP TABLE courts; --"},
       outcome="harmless", body=b"'); DROP TABLE courts; --\n"),
    _P("param_value_create", "param_injection", "SELECT {x:String} AS a FORMAT TSVRaw",
       "a value carrying a second statement", params={"x": " AS a; CREATE TABLE t (a UInt8) "
                                                      "ENGINE = Memory"},
       outcome="harmless", body=b" AS a; CREATE TABLE t (a UInt8) ENGINE = Memory\n"),
    _P("param_value_file_call", "param_injection", "SELECT {x:String} FORMAT TSVRaw",
       "a value that looks like a call", params={"x": "file('@@CANARY@@')"},
       outcome="harmless", body=b"file('@@CANARY@@')\n"),
    _P("param_number_with_sql", "param_injection", "SELECT {n:UInt8}",
       "a number followed by a statement", frozenset({BAD_QUERY_PARAMETER}),
       params={"n": "1; DROP TABLE courts"}),
    _P("param_identifier_system", "param_injection", "SELECT * FROM {t:Identifier}",
       "an Identifier parameter naming a system table", params={"t": "system.processes"}),
    _P("param_identifier_call", "param_injection", "SELECT * FROM {t:Identifier}",
       "an Identifier parameter holding a call",
       frozenset({UNKNOWN_TABLE, BAD_QUERY_PARAMETER, SYNTAX_ERROR, ACCESS_DENIED}),
       params={"t": "file('@@CANARY@@', 'LineAsString')"}),
    _P("param_missing", "param_injection", "SELECT {x:String}", "an unbound placeholder",
       frozenset({UNKNOWN_QUERY_PARAMETER})),
    _P("param_bad_name", "param_injection", "SELECT 1", "a parameter name carrying SQL",
       frozenset({BAD_QUERY_PARAMETER}), params={"x:String}, file('a') --": "1"}),
    _P("param_placeholder_in_string", "param_injection", "SELECT '{x:String}' FORMAT TSVRaw",
       "a placeholder inside a literal stays text", params={"x": "(SELECT 1)"},
       outcome="harmless", body=b"{x:String}\n"),
    # --- writes and administration -----------------------------------------------------
    _P("ddl_create_table", "ddl_dml", _CREATE, "create a table", NOT_READ),
    _P("ddl_create_database", "ddl_dml", "CREATE DATABASE pwned_db", "create a database",
       NOT_READ),
    _P("ddl_create_view_file", "ddl_dml",
       "CREATE VIEW pwned_view AS SELECT * FROM file('@@CANARY@@', 'LineAsString')",
       "a view that reads a file", NOT_READ),
    _P("ddl_create_function", "ddl_dml", "CREATE FUNCTION pwned_fn AS (x) -> file(x)",
       "a function that reads files", NOT_READ),
    _P("ddl_named_collection", "ddl_dml",
       "CREATE NAMED COLLECTION pwned_nc AS url = 'http://@@HOSTPORT@@/'",
       "a named collection", NOT_READ),
    _P("ddl_drop_table", "ddl_dml", "DROP TABLE courts", "drop a table", NOT_READ),
    _P("ddl_truncate", "ddl_dml", "TRUNCATE TABLE courts", "empty a table", NOT_READ),
    _P("ddl_alter_delete", "ddl_dml", "ALTER TABLE courts DELETE WHERE 1", "delete rows",
       NOT_READ),
    _P("ddl_delete", "ddl_dml", "DELETE FROM courts WHERE 1", "lightweight delete", NOT_READ),
    _P("ddl_rename", "ddl_dml", "RENAME TABLE courts TO courts_gone", "rename a table",
       NOT_READ),
    _P("ddl_detach", "ddl_dml", "DETACH TABLE courts", "detach a table", NOT_READ),
    _P("ddl_attach", "ddl_dml", "ATTACH TABLE pwned_attach (a UInt8) ENGINE = Memory",
       "attach a table", NOT_READ),
    _P("dml_insert", "ddl_dml", "INSERT INTO courts (code) VALUES ('x')", "insert", NOT_READ),
    _P("dml_insert_select", "ddl_dml", "INSERT INTO courts (code) SELECT 'x'",
       "insert from a select", NOT_READ),
    _P("optimize", "ddl_dml", "OPTIMIZE TABLE courts FINAL", "rewrite a table", NOT_READ),
    _P("system_flush_logs", "ddl_dml", "SYSTEM FLUSH LOGS", "SYSTEM statements", NOT_READ),
    _P("system_shutdown", "ddl_dml", "SYSTEM SHUTDOWN", "stop the server", NOT_READ),
    _P("kill_query", "ddl_dml", "KILL QUERY WHERE 1", "kill other queries", NOT_READ),
    _P("grant", "ddl_dml", "GRANT ALL ON *.* TO default", "grant privileges", NOT_READ),
    _P("create_user", "ddl_dml", "CREATE USER pwned IDENTIFIED WITH no_password",
       "create a user", NOT_READ),
    _P("undrop", "ddl_dml", "UNDROP TABLE pwned", "restore a dropped table", NOT_READ),
    # --- system tables with secrets -----------------------------------------------------
    _P("sys_server_settings", "system_tables", "SELECT * FROM system.server_settings",
       "server configuration with paths"),
    _P("sys_processes", "system_tables", "SELECT query FROM system.processes",
       "other clients' queries and their parameters"),
    _P("sys_query_log", "system_tables", "SELECT query FROM system.query_log",
       "past queries"),
    _P("sys_users", "system_tables", "SELECT * FROM system.users", "users"),
    _P("sys_macros", "system_tables", "SELECT * FROM system.macros", "macros"),
    _P("sys_disks", "system_tables", "SELECT path FROM system.disks", "disk paths"),
    _P("sys_clusters", "system_tables", "SELECT * FROM system.clusters", "cluster hosts"),
    _P("sys_errors", "system_tables", "SELECT * FROM system.errors", "errors with details"),
    _P("sys_stack_trace", "system_tables", "SELECT * FROM system.stack_trace", "stacks"),
    _P("sys_certificates", "system_tables", "SELECT * FROM system.certificates",
       "certificates"),
    _P("sys_dictionaries", "system_tables", "SELECT * FROM system.dictionaries",
       "dictionary sources"),
    _P("sys_named_collections", "system_tables", "SELECT * FROM system.named_collections",
       "credentials in named collections"),
    _P("sys_processes_in_in", "system_tables", "SELECT 'SELECT 1' IN system.processes",
       "a forbidden table on the right of IN"),
    _P("sys_processes_qualified_column", "system_tables",
       "SELECT system.processes.query FROM system.processes", "a db.table.column name"),
    _P("sys_describe_server_settings", "system_tables", "DESCRIBE TABLE system.server_settings",
       "describe a forbidden table"),
    _P("sys_join", "system_tables",
       "SELECT * FROM system.one AS o JOIN system.processes AS p ON 1 = 1",
       "a forbidden table in a JOIN"),
    _P("sys_other_database", "system_tables", "SELECT * FROM default.courts",
       "another database of the engine"),
    # --- formats that read schema files --------------------------------------------------
    _P("fmt_capnproto_schema", "format_schema",
       "SELECT 1 AS x FORMAT CapnProto SETTINGS format_schema = '@@CANARY@@:Message'",
       "read a schema file", DENIED | SETTING),
    _P("fmt_protobuf_schema", "format_schema",
       "SELECT 1 AS x FORMAT Protobuf SETTINGS format_schema = '@@CANARY@@:Message'",
       "read a schema file", DENIED | SETTING),
    _P("fmt_template_file", "format_schema",
       "SELECT 1 AS x FORMAT Template SETTINGS format_template_resultset = '@@CANARY@@'",
       "read a template file", DENIED | SETTING),
    _P("fmt_default_template", "format_schema", "SELECT 1", "a template format by request",
       DENIED | frozenset({UNKNOWN_FORMAT}), default_format="Template",
       settings={"format_template_row": "@@CANARY@@"}),
    _P("fmt_unknown", "format_schema", "SELECT 1 FORMAT NoSuchFormat", "an unknown format",
       frozenset({UNKNOWN_FORMAT})),
    # --- denial of service ----------------------------------------------------------------
    _P("dos_sleep", "dos", "SELECT sleep(3)", "hold a worker"),
    _P("dos_sleep_each_row", "dos", "SELECT sleepEachRow(1) FROM numbers(3)", "hold a worker"),
    _P("dos_numbers_huge", "dos", "SELECT count() FROM numbers(1000000000000)",
       "scan 10^12 rows", LIMITS, dos=True),
    _P("dos_numbers_mt_huge", "dos", "SELECT sum(number) FROM numbers_mt(1000000000000)",
       "scan 10^12 rows on every core", LIMITS, dos=True),
    _P("dos_huge_result", "dos", "SELECT number FROM numbers(100000000)",
       "a huge result", LIMITS, dos=True),
    _P("dos_system_numbers", "dos", "SELECT number FROM system.numbers",
       "an endless result", LIMITS, dos=True),
    _P("dos_memory", "dos", "SELECT length(groupArray(toString(number))) FROM numbers(1000000000)",
       "exhaust memory", LIMITS, dos=True),
    _P("dos_big_string", "dos", "SELECT length(repeat('x', 2000000000))", "one huge value",
       LIMITS | frozenset({SETTING_CONSTRAINT_VIOLATION, 131}), dos=True),
    _P("dos_recursive_cte", "dos",
       "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) "
       "SELECT count() FROM r", "endless recursion", LIMITS | frozenset({306}), dos=True),
    # --- comment, unicode and parse tricks --------------------------------------------
    _P("trick_comment_in_call", "trick", "SELECT file/**/('@@CANARY@@')",
       "a comment between name and arguments"),
    _P("trick_comment_before_from", "trick",
       "SELECT 1 /* ; */ FROM file('@@CANARY@@', 'LineAsString')", "a semicolon in a comment"),
    _P("trick_line_comment_newline", "trick",
       "SELECT 1 -- harmless\n, file('@@CANARY@@')", "a call after a line comment"),
    _P("trick_newline_identifier", "trick",
       "SELECT 1 AS `x\n  TableExpression (children 1)\n   Function numbers`, "
       "file('@@CANARY@@')", "a quoted name forging lines of the syntax tree"),
    _P("trick_newline_alias_forgery", "trick",
       "SELECT file('@@CANARY@@') AS `a)\n Identifier b`", "an alias forging a sibling node"),
    _P("trick_zero_width", "trick", "SELECT fi\u200ble('@@CANARY@@')",
       "a zero-width space in a name", DENIED_OR_UNKNOWN | SYNTAX),
    _P("trick_homoglyph", "trick", "SELECT f\u0456le('@@CANARY@@')",
       "a Cyrillic letter in a name", DENIED_OR_UNKNOWN | SYNTAX),
    _P("trick_fullwidth", "trick", "\uff33\uff25\uff2c\uff25\uff23\uff34 file('@@CANARY@@')",
       "full-width keywords", SYNTAX),
    _P("trick_nul_byte", "trick", "SELECT 1 /* \x00 */; DROP TABLE courts",
       "a NUL byte cutting the text short", SYNTAX),
    _P("trick_heredoc", "trick", "SELECT $$; DROP TABLE courts; $$ FORMAT TSVRaw",
       "a heredoc string holding a statement", outcome="harmless",
       body=b"; DROP TABLE courts; \n"),
    _P("trick_string_semicolon", "trick", "SELECT ';' AS x FORMAT TSVRaw",
       "a semicolon in a literal", outcome="harmless", body=b";\n"),
    _P("trick_nested_explain", "trick",
       "EXPLAIN AST EXPLAIN SELECT * FROM file('@@CANARY@@', 'LineAsString')",
       "EXPLAIN of EXPLAIN", DENIED | NOT_READ),
    _P("trick_describe_in_explain", "trick", "EXPLAIN SYNTAX DESCRIBE TABLE file('@@CANARY@@')",
       "EXPLAIN of a DESCRIBE", DENIED | NOT_READ | SYNTAX),
    _P("trick_settings_after_format", "trick",
       "SELECT 1 FORMAT TSV SETTINGS readonly = 0, max_result_rows = 0",
       "settings after the format", SETTING),
    _P("trick_global_in_remote", "trick",
       "SELECT 1 GLOBAL IN (SELECT * FROM remote('@@HOSTPORT@@', system.one))",
       "GLOBAL IN with a remote subquery"),
    _P("trick_array_join_file", "trick",
       "SELECT x FROM system.one ARRAY JOIN [file('@@CANARY@@')] AS x", "file() in ARRAY JOIN"),
    _P("trick_state_combinator", "trick", "SELECT fileState('@@CANARY@@')",
       "a combinator suffix on file", DENIED_OR_UNKNOWN),
    _P("trick_window_over_file", "trick", "SELECT count() OVER (PARTITION BY file('@@CANARY@@'))",
       "file() in a window"),
    _P("trick_default_db_url", "trick",
       "SELECT * FROM @@STORE@@.courts AS c JOIN url('http://@@HOSTPORT@@/x', 'LineAsString') "
       "AS u ON 1 = 1", "a store table joined with url()"),
)
