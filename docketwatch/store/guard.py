"""Read-only SQL by construction (issue 14): an allowlist over ClickHouse's OWN parse.

Anyone on the machine (and any web page, by CSRF) may send SQL to the aggregator, and chDB
has no access control: ``readonly=1`` does not stop the ``file()`` function, DESCRIBE of a
table function reads files and makes requests, and a query's sub-select may change settings
unchecked. So nothing runs unless every part of the statement is known to be harmless:

1. **One statement, parsed by the engine.** ``formatQuery({q:String})`` (the text is a bound
   value, never SQL) must accept the text as exactly one statement; then ``EXPLAIN AST <text>``
   (the same text, with the same server-side parameters) gives the engine's own tree. The
   dump's structure is verified (one root, every ``(children N)`` exact), so a quoted name
   holding line feeds cannot pose as tree nodes. Nothing of ours parses SQL: the canonical
   text (formatQuery's) only pre-filters the statement kind, finds INTO OUTFILE and the
   FORMAT clause (a clause starts a line there; literals and names are escaped), and
   names the settings of the query's own SETTINGS clause (see 6).
2. **Statement kinds:** SELECT/WITH/UNION (``SelectWithUnionQuery``), DESCRIBE, EXISTS, the
   browsing SHOWs (TABLES, DATABASES, COLUMNS, INDEX, FUNCTIONS, ENGINES, SETTING(S),
   CREATE TABLE|DATABASE of a readable object) and EXPLAIN AST|SYNTAX|QUERY TREE|PLAN|
   PIPELINE|ESTIMATE of a SELECT. No ``INTO OUTFILE``; a FORMAT clause only with an output
   format of ``Policy.formats``.
3. **Tables:** unqualified names (the store's database, or a CTE), any name in the store's
   database, ``INFORMATION_SCHEMA``, and ``SYSTEM_TABLES`` of ``system``; a name qualified
   by any other database - anywhere, including the right side of IN - is refused. Table
   functions: only the generators in ``TABLE_FUNCTIONS`` and the store's (parameterized)
   views; never file/url/s3/remote/mysql/executable/input/view/merge/...
4. **Functions:** every name is resolved as the engine does (exact, case-insensitive,
   aliases, aggregate combinators) against ``system.functions`` and allowed only if every
   resolution is allowed: aggregates and the pure categories, plus ``ALLOWED_OTHER``; never
   ``DENIED_FUNCTIONS`` or the categories in ``DENIED_CATEGORIES``.
5. **AST node kinds:** only those in ``NODE_TYPES``; anything new is refused until reviewed.
6. **Settings:** the engine runs every query with ``readonly=1``, so it refuses any change a
   query's top-level SETTINGS clause makes unless the value is already in force. The guard
   puts in force, before ``readonly=1``, only the allowed settings of ``Policy.settings``
   (output formatting and the like) and limits no higher than ``Limits`` - from the client's
   request and from the query's own top-level SETTINGS clause. Whatever the guard misreads
   there, the engine still refuses. SETTINGS anywhere else (a sub-select's, which the engine
   applies unchecked) are refused. Settings of the HTTP layer (``TRANSPORT_SETTINGS``) are
   ignored.
7. **Parameters** are bound by the engine only (``{name:Type}``, values as ClickHouse HTTP
   ``param_name`` text); nothing is substituted into the text.
8. **Limits** (``Limits``) on every query: result rows/bytes (throw), memory, time (throw),
   ``max_threads``, no introspection, no spilling to disk, no Python table function.

Every query gets fresh sessions (new chDB connection handles, or stateless HTTP requests):
one to canonicalize, one to parse with the query's settings in force, one to run the same
text with the same parameters. Nothing outlives them, so ``session_id`` and the like are
ignored (sessions are not supported: no SET, no temporary tables).

Public API: ``run_guarded(client, GuardedQuery, Limits, Policy) -> Answer`` raising
``Refused(code, name, message)``; ``policy_for(client)`` (cached ``Policy.load``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

# --------------------------------------------------------------------------------------
# Errors


class ReadonlyQueryError(ValueError):
    """The query was refused before running, or ClickHouse refused/aborted it."""


class Refused(ReadonlyQueryError):
    """A refusal with ClickHouse's exception code and name (e.g. 164 READONLY)."""

    def __init__(self, code: int, name: str, message: str) -> None:
        super().__init__(code, name, message)
        self.code = code
        self.name = name
        self.message = message

    def __str__(self) -> str:
        return f"{self.message} ({self.name})"

    def __repr__(self) -> str:
        return f"Refused({self.code}, {self.name!r}, {self.message!r})"


# ClickHouse's codes for what the guard refuses.
SYNTAX_ERROR = (62, "SYNTAX_ERROR")
UNKNOWN_FUNCTION = (46, "UNKNOWN_FUNCTION")
UNKNOWN_FORMAT = (73, "UNKNOWN_FORMAT")
UNKNOWN_SETTING = (115, "UNKNOWN_SETTING")
READONLY = (164, "READONLY")
SETTING_CONSTRAINT_VIOLATION = (452, "SETTING_CONSTRAINT_VIOLATION")
BAD_QUERY_PARAMETER = (457, "BAD_QUERY_PARAMETER")
ACCESS_DENIED = (497, "ACCESS_DENIED")
UNKNOWN_EXCEPTION = (1002, "UNKNOWN_EXCEPTION")


def _refuse(kind: tuple[int, str], message: str) -> Refused:
    return Refused(kind[0], kind[1], message)


_ENGINE_CODE = re.compile(r"Code: (\d+)\. ")
_ENGINE_NAME = re.compile(r"\(([A-Z][A-Z0-9_]+)\)\s*$")
_ENGINE_PREFIX = re.compile(r"^(?:Code: \d+\. )?(?:DB::Exception: )?")
_ENGINE_VERSION = re.compile(r"\s*\(version [^)]*\)\.?")
_STACK_TRACE = re.compile(r"\s*Stack trace[^\n]*(?:\n.*)*", re.IGNORECASE)


def engine_refusal(text: str, code: int | None = None) -> Refused:
    """``Refused`` from an engine error text such as
    ``Code: 60. DB::Exception: Unknown table ... (UNKNOWN_TABLE) (version 26.9.2.1)``.

    chDB nests the text once more (``Code: 164. DB::Exception: Code: 164. ...``); the
    version trailer and any stack trace are dropped."""
    start = text.find("Code: ")
    body = text[start:] if start >= 0 else text
    body = _STACK_TRACE.sub("", body)
    body = _ENGINE_VERSION.sub("", body).strip()
    found = _ENGINE_CODE.search(body)
    if code is None and found is not None:
        code = int(found[1])
    name_match = _ENGINE_NAME.search(body)
    name = name_match[1] if name_match else UNKNOWN_EXCEPTION[1]
    # Peel the (possibly repeated) "Code: N. DB::Exception: " prefixes and "(NAME)" suffixes.
    message = body
    for _ in range(3):
        message = _ENGINE_PREFIX.sub("", message, count=1).strip()
        message = re.sub(r"\s*\(" + re.escape(name) + r"\)\.?\s*$", "", message).strip()
    message = message.rstrip(".").strip() or name
    return Refused(code if code is not None else UNKNOWN_EXCEPTION[0], name, message)


# --------------------------------------------------------------------------------------
# Public types


@dataclass(frozen=True)
class Limits:
    """What every guarded query is held to; a client may ask only for less."""

    result_rows: int = 100_000
    result_bytes: int = 64 << 20
    memory_bytes: int = 1 << 30
    seconds: float = 30.0
    threads: int = 1
    rows_to_read: int | None = None
    bytes_to_read: int | None = None
    query_bytes: int = 256 << 10

    def limit_of(self, setting: str) -> float | None:
        """Our ceiling for a limit setting (None: no ceiling of ours)."""
        return {
            "max_result_rows": self.result_rows,
            "max_result_bytes": self.result_bytes,
            "max_memory_usage": self.memory_bytes,
            "max_execution_time": self.seconds,
            "max_threads": self.threads,
            "max_rows_to_read": self.rows_to_read,
            "max_bytes_to_read": self.bytes_to_read,
        }.get(setting)

    def engine_settings(self) -> dict[str, str]:
        """The settings that enforce these limits (``readonly`` is added last, separately)."""
        settings = {
            "max_result_rows": str(self.result_rows),
            "max_result_bytes": str(self.result_bytes),
            "result_overflow_mode": "throw",
            "max_memory_usage": str(self.memory_bytes),
            "max_execution_time": _number(self.seconds),
            "timeout_overflow_mode": "throw",
            "max_threads": str(self.threads),
        }
        if self.rows_to_read is not None:
            settings["max_rows_to_read"] = str(self.rows_to_read)
            settings["read_overflow_mode"] = "throw"
        if self.bytes_to_read is not None:
            settings["max_bytes_to_read"] = str(self.bytes_to_read)
            settings["read_overflow_mode"] = "throw"
        return settings


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# Settings always put in force (when the engine knows them), besides the limits.
FIXED_SETTINGS: Mapping[str, str] = {
    "allow_introspection_functions": "0",
    "allow_ddl": "0",
    "allow_python_table_function": "0",  # chDB: Python(obj) reads the caller's objects
    "implicit_select": "0",
    "max_bytes_before_external_group_by": "0",  # never spill to disk
    "max_bytes_before_external_sort": "0",
    "max_bytes_ratio_before_external_group_by": "0",
    "max_bytes_ratio_before_external_sort": "0",
    "output_format_parallel_formatting": "0",  # its own threads
    "use_query_cache": "0",
    # Readers' threads run at the lowest CPU priority (nice 19): a flood of heavy queries
    # then takes only idle CPU from the inserts beside it (bench/bench_query_flood.py).
    "os_thread_priority": "19",
    "enable_analyzer": "1",  # what the checks assume (name resolution of IN, CTEs)
}


@dataclass(frozen=True)
class GuardedQuery:
    """One request: the SQL text, server-side parameters (``{name:Type}`` placeholders;
    values as ClickHouse HTTP ``param_name`` text), the client's per-request settings, the
    output format when the query has no FORMAT clause, and the database asked for."""

    sql: str
    params: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, str] = field(default_factory=dict)
    default_format: str | None = None
    database: str | None = None


@dataclass(frozen=True)
class Answer:
    """The engine's output bytes, exactly as it wrote them in ``fmt`` (the FORMAT clause's
    format, else the requested default). ``kind`` is SELECT, DESCRIBE, SHOW, EXISTS or
    EXPLAIN; ``summary`` has chDB's read_rows, read_bytes and elapsed_ns (strings, as in
    X-ClickHouse-Summary), empty from a server."""

    body: bytes
    fmt: str
    kind: str
    summary: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# Allowlists (names as ClickHouse spells them)

# Harmless system tables real clients read on connect and while browsing.
SYSTEM_TABLES = frozenset({
    "one", "numbers", "numbers_mt", "zeros", "zeros_mt", "settings", "databases", "tables",
    "columns", "functions", "data_type_families", "formats", "table_engines", "time_zones",
    "collations", "keywords", "contributors", "build_options", "aggregate_function_combinators",
    "table_functions", "database_engines", "settings_changes",
})
# Databases of views over system.tables/columns/databases: as harmless as those.
INFORMATION_SCHEMA = frozenset({"INFORMATION_SCHEMA", "information_schema"})
# Table functions that only generate numbers or literal rows.
TABLE_FUNCTIONS = frozenset({
    "numbers", "numbers_mt", "generateSeries", "generate_series", "values",
})
# Names the parser uses as functions that system.functions does not list.
PSEUDO_FUNCTIONS = frozenset({"lambda", "grouping", "exists", "untuple"})

ALLOWED_CATEGORIES = frozenset({
    "Arithmetic", "Arrays", "Bit", "Bitmap", "Comparison", "Conditional", "Dates and Times",
    "Distance", "Encoding", "Encryption", "Financial", "Geo", "Geo Polygon", "Hash",
    "IP Address", "JSON", "Logical", "Map", "Mathematical", "Null", "NumericIndexedVector",
    "QBit", "Random Number", "Rounding", "String", "String Replacement", "String Search",
    "String Splitting", "Time Series", "Time Window", "Tuple", "Type Conversion", "URL",
    "UUID", "Aggregate Functions",
})
# Whole categories with effects or leaks: files, dictionaries (external sources), machine
# learning models from disk, LLM calls, the binary's internals.
DENIED_CATEGORIES = frozenset({
    "AI", "Dictionary", "Embedded Dictionary", "Introspection", "Machine Learning",
})
# "Other" and "Internal" functions known to be pure, or needed by clients on connect.
ALLOWED_OTHER = frozenset({
    "MACNumToString", "MACStringToNum", "MACStringToOUI", "bar", "blockNumber",
    "blockSerializedSize", "blockSize", "byteSize", "colorOKLABToSRGB", "colorOKLCHToSRGB",
    "colorSRGBToOKLAB", "colorSRGBToOKLCH", "connectionId", "countDigits", "currentDatabase",
    "currentQueryID", "currentSchemas", "currentUser", "defaultValueOfArgumentType",
    "defaultValueOfTypeName", "digits", "dumpColumnStructure", "errorCodeToName",
    "finalizeAggregation", "flipCoordinates", "formatQuery", "formatQueryOrNull",
    "formatQuerySingleLine", "formatQuerySingleLineOrNull", "formatReadableDecimalSize",
    "formatReadableQuantity", "formatReadableSize", "formatReadableTimeDelta",
    "generateRandomStructure", "getSetting", "getSettingOrDefault", "getSizeOfEnumType",
    "getSubcolumn", "getTypeSerializationStreams", "highlightQuery", "icebergBucket",
    "icebergTruncate", "identity", "ignore", "indexHint", "initialQueryID",
    "initialQueryStartTime", "initializeAggregation", "isConstant", "isDecimalOverflow",
    "lowCardinalityIndices", "lowCardinalityKeys", "materialize", "minSampleSizeContinuous",
    "minSampleSizeConversion", "neighbor", "normalizeQuery", "normalizeQueryKeepNames",
    "normalizedQueryHash", "normalizedQueryHashKeepNames", "obfuscateQuery",
    "obfuscateQueryWithSeed", "parseISO8601Duration", "parseQueryToJSON", "parseReadableSize",
    "parseReadableSizeOrNull", "parseReadableSizeOrZero", "parseTimeDelta", "partitionId",
    "queryID", "revision", "rowNumberInAllBlocks", "rowNumberInBlock", "runningConcurrency",
    "runningDifference", "runningDifferenceStartingWithFirstValue", "structureToCapnProtoSchema",
    "structureToProtobufSchema", "throwIf", "toColumnTypeName", "toTypeName", "tokenizeQuery",
    "transform", "uptime", "variantElement", "variantType", "version", "visibleWidth",
    "formatQueryFromJSON",
    # Internal, but what the parser makes of ``x::T`` and ``CASE x WHEN``
    "_CAST", "caseWithExpression",
})
# Denied whatever their category says (most are in "Other"; listed so that a change of
# category in a new engine version cannot allow them).
DENIED_FUNCTIONS = frozenset({
    "file", "url", "s3", "remote", "input", "executable",
    "joinGet", "joinGetOrNull", "hasColumnInTable", "catboostEvaluate", "modelEvaluate",
    "evalMLMethod", "naiveBayesClassifier", "naiveBayesClassifierWithProb",
    "naiveBayesClassifierWithAllProbs", "filesystemAvailable", "filesystemCapacity",
    "filesystemUnreserved", "hostName", "FQDN", "displayName", "getMacro", "getServerPort",
    "tcpPort", "serverUUID", "shardNum", "shardCount", "sleep", "sleepEachRow",
    "getClientHTTPHeader", "currentRequestURL", "currentHandler", "transactionID",
    "transactionLatestSnapshot", "transactionOldestSnapshot", "generateSerialID",
    "runningAccumulate", "getServerSetting", "getMergeTreeSetting", "getOSKernelVersion",
    "showCertificate", "zookeeperSessionUptime", "globalVariable", "buildId",
    "hasThreadFuzzer", "fuzzQuery", "getMaxTableNameLengthForDatabase", "currentProfiles",
    "currentRoles", "enabledProfiles", "enabledRoles", "defaultProfiles", "defaultRoles",
    "authenticatedUser", "pgGetUserById", "pgTableIsVisible", "logTrace", "tid",
    "addressToLine", "addressToLineWithInlines", "addressToSymbol", "demangle", "trace",
    "nested", "validateNestedArraySizes", "dictGet", "dictHas", "dictIsIn",
})

# AST node kinds (the first word of an EXPLAIN AST line) a read query may contain.
NODE_TYPES = frozenset({
    "SelectWithUnionQuery", "SelectIntersectExceptQuery", "SelectQuery", "ExpressionList",
    "Identifier", "TableIdentifier", "Function", "Literal", "Asterisk", "QualifiedAsterisk",
    "ColumnsRegexpMatcher", "ColumnsListMatcher", "QualifiedColumnsRegexpMatcher",
    "QualifiedColumnsListMatcher", "ColumnsTransformerList", "ColumnsApplyTransformer",
    "ColumnsExceptTransformer", "ColumnsReplaceTransformer",
    "ColumnsReplaceTransformer::Replacement", "TablesInSelectQuery",
    "TablesInSelectQueryElement", "TableExpression", "TableJoin", "ArrayJoin", "Subquery",
    "WithElement", "SampleRatio", "OrderByElement", "InterpolateElement", "WindowDefinition",
    "WindowListElement", "Set", "Explain", "DescribeQuery", "ExistsTableQuery",
    "ExistsViewQuery", "ExistsDatabaseQuery", "ExistsDictionaryQuery", "ShowTables",
    "ShowColumns", "ShowIndexes", "ShowFunctions", "ShowEngineQuery", "ShowSetting",
    "ShowCreateTableQuery", "ShowCreateViewQuery", "ShowCreateDatabaseQuery",
})

_EXPLAIN_KINDS = frozenset({
    "EXPLAIN", "EXPLAIN AST", "EXPLAIN SYNTAX", "EXPLAIN QUERY TREE", "EXPLAIN PLAN",
    "EXPLAIN PIPELINE", "EXPLAIN ESTIMATE",
})
# Canonical (formatQuery) openings of the ShowTables statements that only list names.
_SHOW_TABLES_FORMS = re.compile(
    r"^SHOW (?:FULL )?(?:TABLES|DATABASES|SETTINGS|CHANGED SETTINGS|ALL SETTINGS)\b")
_READ_KINDS = "SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, EXISTS"

# Output formats (intersected with what the engine has): none writes files or reads a
# schema file from disk (CapnProto, Protobuf, Template, ... are not here).
_FORMATS = re.compile(
    r"^(?:TabSeparated\w*|TSV\w*|CSV\w*|JSON\w*|NDJSON|PrettyJSON\w*|PrettyNDJSON|Native|"
    r"RowBinary\w*|Arrow|ArrowStream|Parquet|ORC|Pretty\w*|Values|Null|XML|Vertical|"
    r"Markdown|MD|TSKV|CustomSeparated\w*|LineAsString\w*|Raw\w*|SQLInsert|BSONEachRow|"
    r"MsgPack)$")

# Settings a client may put in force (intersected with what the engine has).
_SETTINGS_BY_NAME = frozenset({
    "date_time_output_format", "date_time_input_format", "date_time_overflow_behavior",
    "date_time_64_output_format_cut_trailing_zeros_align_to_groups_of_thousands",
    "format_csv_delimiter", "format_csv_null_representation", "format_tsv_null_representation",
    "format_csv_allow_single_quotes", "format_csv_allow_double_quotes",
    "format_custom_escaping_rule", "format_custom_field_delimiter",
    "format_custom_row_before_delimiter", "format_custom_row_after_delimiter",
    "format_custom_row_between_delimiter", "format_custom_result_before_delimiter",
    "format_custom_result_after_delimiter", "format_json_object_each_row_column_for_object_name",
    "extremes", "join_use_nulls", "session_timezone", "union_default_mode",
    "prefer_column_name_to_alias", "aggregate_functions_null_for_empty", "cast_keep_nullable",
    "totals_mode", "totals_auto_threshold", "group_by_use_nulls",
    "join_default_strictness", "any_join_distinct_right_table_keys", "data_type_default_nullable",
    "optimize_aggregation_in_order", "optimize_read_in_order", "optimize_move_to_prewhere",
    "optimize_trivial_count_query", "optimize_use_projections", "transform_null_in",
    "result_overflow_mode", "timeout_overflow_mode", "read_overflow_mode",
    "max_result_rows", "max_result_bytes", "max_execution_time", "max_threads",
    "max_memory_usage", "max_rows_to_read", "max_bytes_to_read", "readonly",
})
_SETTINGS_BY_PREFIX = ("output_format_", "formatdatetime_")
_SETTINGS_NEVER = re.compile(r"schema|avro|image|parallel|path|file|url|secret|registry")
_OVERFLOW_MODES = frozenset({"throw", "break"})
# Parameters of the HTTP layer that may reach us as settings: nothing to do with them here.
TRANSPORT_SETTINGS = frozenset({
    "session_id", "session_timeout", "session_check", "close_session", "query_id",
    "quota_key", "compress", "decompress", "buffer_size", "wait_end_of_query",
    "send_progress_in_http_headers", "http_headers_progress_interval_ms",
    "enable_http_compression", "http_zlib_compression_level", "client_protocol_version",
    "role", "database", "default_format", "user", "password", "stacktrace",
    "add_http_cors_header", "http_wait_end_of_query", "http_response_buffer_size",
    "cancel_http_readonly_queries_on_client_close",
    "http_native_compression_disable_checksumming_on_decompress",
    "http_write_exception_in_output_format",
})

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# --------------------------------------------------------------------------------------
# Functions


@dataclass(frozen=True)
class FunctionVerdict:
    name: str
    allowed: bool
    reason: str


class FunctionCatalog:
    """``system.functions`` and its verdicts, with the engine's name resolution."""

    def __init__(self, rows: Iterable[Mapping[str, Any]], combinators: Iterable[str]) -> None:
        self.rows: dict[str, dict[str, Any]] = {str(r["name"]): dict(r) for r in rows}
        self._ci: dict[str, list[str]] = {}
        for name, row in self.rows.items():
            if row.get("case_insensitive"):
                self._ci.setdefault(name.lower(), []).append(name)
        self.combinators = tuple(sorted(set(combinators), key=len, reverse=True))
        self.verdicts: dict[str, FunctionVerdict] = {
            name: self._verdict_of(name, set()) for name in self.rows}

    def _verdict_of(self, name: str, seen: set[str]) -> FunctionVerdict:
        row = self.rows[name]
        if name in seen:
            return FunctionVerdict(name, False, "alias loop")
        seen.add(name)
        if str(row.get("origin", "System")) != "System":
            return FunctionVerdict(name, False, "user-defined function")
        if name in DENIED_FUNCTIONS or name.startswith("dictGet"):
            return FunctionVerdict(name, False, "denied: effects or leaks")
        target = str(row.get("alias_to") or "")
        if target:
            if target not in self.rows:
                return FunctionVerdict(name, False, f"alias of unknown {target}")
            inner = self._verdict_of(target, seen)
            return FunctionVerdict(name, inner.allowed, f"alias of {target}: {inner.reason}")
        category = str(row.get("categories") or "")
        if category in DENIED_CATEGORIES:
            return FunctionVerdict(name, False, f"denied category {category}")
        if name in ALLOWED_OTHER:
            return FunctionVerdict(name, True, "allowed by name")
        if row.get("is_aggregate"):
            return FunctionVerdict(name, True, "aggregate function")
        if name.startswith("__"):
            return FunctionVerdict(name, False, "internal function")
        if category in ALLOWED_CATEGORIES:
            return FunctionVerdict(name, True, f"pure category {category}")
        return FunctionVerdict(name, False, f"category {category or 'none'} not allowed")

    def resolutions(self, name: str) -> list[str]:
        """system.functions names ``name`` may resolve to (exact, case-insensitive)."""
        found = [name] if name in self.rows else []
        found += [n for n in self._ci.get(name.lower(), []) if n not in found]
        return found

    def verdict(self, name: str, depth: int = 0) -> FunctionVerdict | None:
        """The verdict on a name as written in a query; None when the engine does not know
        it. Allowed only if EVERY way the engine might resolve it is allowed."""
        verdicts = [self.verdicts[n] for n in self.resolutions(name)]
        if depth < 4:  # aggregate combinators: sumIf, uniqMergeState, avgOrNullIf, ...
            for suffix in self.combinators:
                if name.endswith(suffix) and len(name) > len(suffix):
                    base = self.verdict(name[: -len(suffix)], depth + 1)
                    if base is not None and self._is_aggregate(name[: -len(suffix)]):
                        verdicts.append(FunctionVerdict(name, base.allowed,
                                                        f"{suffix} combinator: {base.reason}"))
        if not verdicts:
            return None
        denied = [v for v in verdicts if not v.allowed]
        if denied:
            return FunctionVerdict(name, False, denied[0].reason)
        return FunctionVerdict(name, True, verdicts[0].reason)

    def _is_aggregate(self, name: str, depth: int = 0) -> bool:
        for resolved in self.resolutions(name):
            row = self.rows[resolved]
            target = str(row.get("alias_to") or "")
            if row.get("is_aggregate") or (
                    target and self.rows.get(target, {}).get("is_aggregate")):
                return True
        if depth < 4:
            for suffix in self.combinators:
                if name.endswith(suffix) and len(name) > len(suffix):
                    if self._is_aggregate(name[: -len(suffix)], depth + 1):
                        return True
        return False


# --------------------------------------------------------------------------------------
# Policy


@dataclass(frozen=True)
class SettingInfo:
    name: str
    value: str
    allowed: bool


@dataclass(frozen=True)
class Policy:
    """What the engine has, as the guard sees it: built once per process (``policy_for``)."""

    database: str
    store_tables: frozenset[str]
    store_views: frozenset[str]
    functions: FunctionCatalog
    table_functions: frozenset[str]
    formats: Mapping[str, str]  # lower-case name -> the engine's name, allowed output only
    known_formats: frozenset[str]  # lower-case names of every format
    settings: Mapping[str, SettingInfo]
    engine_settings: frozenset[str] = frozenset()

    @classmethod
    def load(cls, client: Any, database: str | None = None) -> Policy:
        """Read the allowlists from the engine through ``client`` (a clickhouse-connect
        client). ``database`` (default: the client's) is the store's database; its tables
        and views are the published ones."""
        database = database or str(client.database or "default")
        engine = _engine_catalog(client)
        tables = client.query(
            "SELECT name, engine FROM system.tables WHERE database = {db:String}",
            parameters={"db": database}).result_rows
        return cls(
            database=database,
            store_tables=frozenset(str(r[0]) for r in tables),
            store_views=frozenset(str(r[0]) for r in tables if str(r[1]) == "View"),
            functions=engine.functions,
            table_functions=engine.table_functions,
            formats=engine.formats,
            known_formats=engine.known_formats,
            settings=engine.settings,
            engine_settings=frozenset(engine.settings),
        )

    def function_verdicts(self) -> dict[str, FunctionVerdict]:
        """The verdict on every function of ``system.functions``."""
        return dict(self.functions.verdicts)


@dataclass(frozen=True)
class _EngineCatalog:
    functions: FunctionCatalog
    table_functions: frozenset[str]
    formats: Mapping[str, str]
    known_formats: frozenset[str]
    settings: Mapping[str, SettingInfo]


_catalogs: dict[Any, _EngineCatalog] = {}
_policies: dict[Any, Policy] = {}
_cache_lock = threading.Lock()


def _engine_key(client: Any) -> Any:
    backend = getattr(client, "_backend", None)
    return (type(client).__name__, getattr(backend, "connection_string", None)
            or getattr(client, "uri", None) or getattr(client, "url", None) or id(client))


def _engine_catalog(client: Any) -> _EngineCatalog:
    key = _engine_key(client)
    with _cache_lock:
        if key in _catalogs:
            return _catalogs[key]
    columns = ["name", "is_aggregate", "case_insensitive", "alias_to", "categories", "origin"]
    rows = client.query("SELECT name, is_aggregate, case_insensitive, alias_to, categories, "
                        "origin FROM system.functions").result_rows
    functions = FunctionCatalog(
        [dict(zip(columns, r, strict=True)) for r in rows],
        [str(r[0]) for r in client.query(
            "SELECT name FROM system.aggregate_function_combinators").result_rows])
    table_functions = frozenset(str(r[0]) for r in client.query(
        "SELECT name FROM system.table_functions").result_rows)
    format_rows = client.query("SELECT name, is_output FROM system.formats").result_rows
    formats = {str(n).lower(): str(n) for n, out in format_rows if out and _FORMATS.match(str(n))}
    setting_rows = client.query("SELECT name, value FROM system.settings").result_rows
    settings = {str(n): SettingInfo(str(n), str(v), _setting_allowed(str(n)))
                for n, v in setting_rows}
    catalog = _EngineCatalog(functions, table_functions, formats,
                             frozenset(str(n).lower() for n, _ in format_rows), settings)
    with _cache_lock:
        _catalogs.setdefault(key, catalog)
        return _catalogs[key]


def _setting_allowed(name: str) -> bool:
    if name in _SETTINGS_BY_NAME:
        return True
    return name.startswith(_SETTINGS_BY_PREFIX) and not _SETTINGS_NEVER.search(name)


def policy_for(client: Any, database: str | None = None) -> Policy:
    """The cached ``Policy`` of this engine and store database (loaded on first use)."""
    database = database or str(client.database or "default")
    key = (_engine_key(client), database)
    with _cache_lock:
        policy = _policies.get(key)
    if policy is None:
        policy = Policy.load(client, database)
        with _cache_lock:
            policy = _policies.setdefault(key, policy)
    return policy


def forget_policies() -> None:
    """Drop cached policies (after migrations created new published tables)."""
    with _cache_lock:
        _policies.clear()


# --------------------------------------------------------------------------------------
# Settings


def _setting_value_is(info: SettingInfo | None, value: str) -> bool:
    """Whether ``value`` is what the guard's sessions have in force anyway."""
    if info is None:
        return False
    bools = {"1": "1", "true": "1", "0": "0", "false": "0"}
    current, asked = FIXED_SETTINGS.get(info.name, info.value).strip(), value.strip()
    return current == asked or (
        current.lower() in bools and bools.get(asked.lower()) == bools[current.lower()])


def allowed_settings(settings: Mapping[str, str], limits: Limits, policy: Policy,
                     source: str = "request") -> dict[str, str]:
    """The settings of a request (or of a query's SETTINGS clause) to put in force, or
    Refused: unknown (115), not changeable read-only (164), limit raised (452)."""
    out: dict[str, str] = {}
    for name, raw in settings.items():
        value = str(raw)
        if name in TRANSPORT_SETTINGS:
            continue  # the HTTP layer's; sessions are not kept (every query is fresh)
        if not _IDENT.match(name) or name.startswith("param_"):
            raise _refuse(UNKNOWN_SETTING, f"Unknown setting '{name[:80]}'")
        info = policy.settings.get(name)
        if info is None:
            raise _refuse(UNKNOWN_SETTING, f"Unknown setting '{name}'")
        if name == "readonly":
            if value.strip() in ("1", "2"):
                continue  # the guard keeps readonly=1
            raise _refuse(READONLY, "Cannot modify 'readonly' setting in readonly mode")
        ceiling = limits.limit_of(name)
        if name in ("max_result_rows", "max_result_bytes", "max_memory_usage",
                    "max_execution_time", "max_threads", "max_rows_to_read",
                    "max_bytes_to_read"):
            asked = _parse_limit(name, value)
            if asked is None or asked <= 0 or (ceiling is not None and asked > ceiling):
                if ceiling is None and asked == 0:
                    continue  # "unlimited" where we set no limit: nothing changes
                most = f"at most {_number(ceiling)}" if ceiling is not None else "above 0"
                unlimited = " (0 means unlimited)" if asked == 0 else ""
                raise _refuse(SETTING_CONSTRAINT_VIOLATION,
                              f"Setting {name} cannot be raised in readonly mode: asked "
                              f"{value[:40]!r}, {most}{unlimited}")
            out[name] = value.strip()
            continue
        if name == "result_overflow_mode":
            if value.strip() not in _OVERFLOW_MODES:
                raise _refuse(SETTING_CONSTRAINT_VIOLATION,
                              "Setting result_overflow_mode must be 'throw' or 'break'")
            out[name] = value.strip()
            continue
        if name in ("timeout_overflow_mode", "read_overflow_mode"):
            if value.strip() != "throw":
                raise _refuse(SETTING_CONSTRAINT_VIOLATION,
                              f"Setting {name} must stay 'throw' in readonly mode")
            out[name] = "throw"
            continue
        if not info.allowed:
            if _setting_value_is(info, value):
                continue  # no change, as ClickHouse allows in readonly mode
            raise _refuse(READONLY, f"Cannot modify '{name}' setting in readonly mode "
                          f"({source} settings are limited to output formatting)")
        out[name] = value
    return out


def _parse_limit(name: str, value: str) -> float | None:
    text = value.strip()
    if name == "max_execution_time":
        return float(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else None
    return float(int(text)) if re.fullmatch(r"\d{1,19}", text) else None


_LIMIT_SETTINGS = frozenset({
    "max_result_rows", "max_result_bytes", "max_memory_usage", "max_execution_time",
    "max_threads", "max_rows_to_read", "max_bytes_to_read", "result_overflow_mode",
    "timeout_overflow_mode", "read_overflow_mode",
})


def _session_settings(limits: Limits, policy: Policy, extra: Mapping[str, str]) -> dict[str, str]:
    """Everything put in force in a session, ``readonly=1`` last."""
    settings: dict[str, str] = {}
    settings.update(extra)
    for name, value in FIXED_SETTINGS.items():
        if name in policy.engine_settings:
            settings[name] = value
    for name, value in limits.engine_settings().items():
        if name in extra and name in _LIMIT_SETTINGS:
            continue  # the client's lower value (checked) or 'break'
        settings[name] = value
    settings.pop("readonly", None)
    settings["readonly"] = "1"
    return settings


# --------------------------------------------------------------------------------------
# Sessions: a fresh engine session per query


class _Session(Protocol):
    def run(self, sql: str, fmt: str, params: Mapping[str, str]) -> tuple[bytes, dict[str, str]]:
        ...

    def close(self) -> None:
        ...


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class _ChdbSession:
    """A new chDB connection handle to the engine the client uses (handles share the data,
    not session state): USE the database, SET the settings with readonly=1 last."""

    def __init__(self, connection_string: str, database: str, settings: Mapping[str, str]) -> None:
        import chdb

        if not _IDENT.match(database):
            raise _refuse(ACCESS_DENIED, f"invalid database name {database[:80]!r}")
        self._conn: Any = chdb.connect(connection_string)
        try:
            self._conn.query(f"USE `{database}`", "TabSeparated")
            for name in settings:
                if not _IDENT.match(name):
                    raise _refuse(UNKNOWN_SETTING, f"Unknown setting '{name[:80]}'")
            assignments = ", ".join(f"{k} = {_quote(v)}" for k, v in settings.items())
            self._conn.query(f"SET {assignments}", "TabSeparated")
        except Refused:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise engine_refusal(str(exc)) from None

    def run(self, sql: str, fmt: str, params: Mapping[str, str]) -> tuple[bytes, dict[str, str]]:
        try:
            result = self._conn.query(sql, fmt, params=dict(params))
        except Exception as exc:
            raise engine_refusal(str(exc)) from None
        summary: dict[str, str] = {}
        try:
            summary = {"read_rows": str(result.rows_read()), "read_bytes": str(result.bytes_read()),
                       "elapsed_ns": str(int(result.elapsed() * 1e9))}
        except Exception:  # noqa: S110 - statistics are optional
            pass
        return bytes(result.bytes() or b""), summary

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: S110 - closing a handle that failed
                pass


class _HttpSession:
    """A ClickHouse server through the client's HTTP transport: each query is one request
    with the query as the body, ``param_*`` and the settings (readonly=1 among them) as URL
    parameters; nothing is bound or substituted client-side."""

    def __init__(self, client: Any, database: str, settings: Mapping[str, str]) -> None:
        self._client = client
        self._database = database
        self._settings = dict(settings)

    def run(self, sql: str, fmt: str, params: Mapping[str, str]) -> tuple[bytes, dict[str, str]]:
        from clickhouse_connect.driver._backend.models import QueryRuntime

        runtime = QueryRuntime(database=self._database,
                               settings={**self._settings, "default_format": fmt})
        try:
            body = self._client._backend.execute_raw_query(
                sql, {f"param_{k}": v for k, v in params.items()}, None, runtime, None)
        except Exception as exc:
            raise engine_refusal(str(exc), getattr(exc, "code", None) or None) from None
        return bytes(body), {}

    def close(self) -> None:
        return None


def _open_session(client: Any, database: str, settings: Mapping[str, str]) -> _Session:
    backend = getattr(client, "_backend", None)
    connection_string = getattr(backend, "connection_string", None)
    if type(backend).__name__ == "ChdbBackend" and isinstance(connection_string, str):
        return _ChdbSession(connection_string, database, settings)
    if backend is not None and hasattr(backend, "execute_raw_query"):
        return _HttpSession(client, database, settings)
    raise TypeError(f"cannot run guarded queries on {type(client).__name__}")


# --------------------------------------------------------------------------------------
# The engine's parse


@dataclass
class Node:
    type: str
    rest: str
    depth: int
    line: int
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None

    @property
    def name(self) -> str:
        """The name after the type, without an alias."""
        match = re.match(r"^(.*?)(?: \(alias .*\))?$", self.rest, re.DOTALL)
        return match[1] if match else self.rest

    def walk(self) -> Iterable[Node]:
        """This node and all below it, in dump order (iteratively: trees may be deep)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


_LINE = re.compile(r"^( *)(\S.*?)(?: \(children (\d+)\))?$")


def parse_dump(lines: Sequence[str]) -> Node:
    """The tree of an ``EXPLAIN AST`` dump, verified: one root, every node's children count
    exactly as declared (so a name holding line feeds cannot add nodes unnoticed)."""
    if not lines:
        raise _refuse(ACCESS_DENIED, "the engine gave no syntax tree for the query")
    stack: list[Node] = []
    declared: dict[int, int] = {}
    root: Node | None = None
    for number, line in enumerate(lines):
        match = _LINE.match(line)
        if match is None:
            raise _refuse(ACCESS_DENIED, "the query's syntax tree could not be verified")
        depth = len(match[1])
        label = match[2]
        kind, _, rest = label.partition(" ")
        node = Node(kind, rest, depth, number)
        declared[id(node)] = int(match[3]) if match[3] else 0
        if depth == 0:
            if root is not None:
                raise _refuse(ACCESS_DENIED, "the query's syntax tree has more than one root")
            root = node
            stack = [node]
            continue
        if root is None or depth > len(stack):
            raise _refuse(ACCESS_DENIED, "the query's syntax tree could not be verified")
        del stack[depth:]
        parent = stack[-1]
        node.parent = parent
        parent.children.append(node)
        stack.append(node)
    assert root is not None
    for node in root.walk():
        if len(node.children) != declared[id(node)]:
            raise _refuse(ACCESS_DENIED, "the query's syntax tree could not be verified "
                          "(a name holds a line feed?)")
    return root


@dataclass(frozen=True)
class Checked:
    """A statement the guard allows: its kind, FORMAT clause (engine's name) and the
    settings its top-level SETTINGS clause asks for (validated)."""

    kind: str
    format_clause: str | None
    query_settings: Mapping[str, str]
    canonical: str


def _table_allowed(parts: Sequence[str], policy: Policy) -> str | None:
    """None if the table may be read, else why not."""
    if len(parts) == 1:
        return None  # the store's database (the session's), or a CTE
    if len(parts) != 2:
        return f"table name {'.'.join(parts)} is not allowed"
    database, table = parts
    if database == policy.database or database in INFORMATION_SCHEMA:
        return None
    if database == "system" and table in SYSTEM_TABLES:
        return None
    if database == "system":
        return f"system table system.{table} is not readable here"
    return f"database {database} is not readable here (only {policy.database})"


class _Checker:
    def __init__(self, policy: Policy, databases: frozenset[str], canonical: str) -> None:
        self.policy = policy
        self.databases = databases
        self.canonical = canonical

    def check(self, root: Node) -> str:
        kind = self._kind(root)
        for node in root.walk():
            if node.type not in NODE_TYPES:
                raise _refuse(ACCESS_DENIED, f"{node.type} is not allowed in a read query")
            if node.type == "Function":
                self._function(node)
            elif node.type == "TableIdentifier":
                self._table(node.name.split("."), node)
            elif node.type == "Identifier":
                self._identifier(node)
            elif node.type == "Set":
                self._set(node, root)
        for node in root.walk():
            # A Literal child of these is INTO OUTFILE's file name or its compression.
            if node.type in ("SelectWithUnionQuery", "Explain", "DescribeQuery") and any(
                    child.type == "Literal" for child in node.children):
                raise _refuse(ACCESS_DENIED, "INTO OUTFILE is not allowed")
        return kind

    def _kind(self, root: Node) -> str:
        t = root.type
        if t == "SelectWithUnionQuery":
            return "SELECT"
        if t == "DescribeQuery":
            return "DESCRIBE"
        if t.startswith("Exists") and t in NODE_TYPES:
            return "EXISTS"
        if t == "Explain":
            if root.rest not in _EXPLAIN_KINDS:
                raise _refuse(READONLY, f"{root.rest} is not allowed (only EXPLAIN of a SELECT)")
            inner = [c for c in root.children if c.type != "Set"]
            if not inner or inner[0].type != "SelectWithUnionQuery":
                raise _refuse(READONLY, "only EXPLAIN of a SELECT is allowed")
            return "EXPLAIN"
        if t == "ShowTables":
            if not _SHOW_TABLES_FORMS.match(self.canonical):
                first = " ".join(self.canonical.split()[:3])
                raise _refuse(READONLY, f"only read queries are allowed ({_READ_KINDS}); "
                              f"{first} is not")
            return "SHOW"
        if t in ("ShowColumns", "ShowIndexes", "ShowFunctions", "ShowEngineQuery", "ShowSetting"):
            return "SHOW"
        if t in ("ShowCreateTableQuery", "ShowCreateViewQuery"):
            names = [c.name for c in root.children if c.type == "Identifier"]
            if not names or len(names) > 2:
                raise _refuse(ACCESS_DENIED, "SHOW CREATE of this object is not allowed")
            self._table(names, root)
            return "SHOW"
        if t == "ShowCreateDatabaseQuery":
            names = [c.name for c in root.children if c.type == "Identifier"]
            if names != [self.policy.database]:
                raise _refuse(ACCESS_DENIED, "SHOW CREATE DATABASE only of the store's database")
            return "SHOW"
        raise _refuse(READONLY, f"only read queries are allowed ({_READ_KINDS}), not "
                      f"{(root.type + ' ' + root.rest).strip()}")

    def _function(self, node: Node) -> None:
        name = node.name
        if not _IDENT.match(name):
            raise _refuse(UNKNOWN_FUNCTION, f"Unknown function {name[:80]!r}")
        parent = node.parent
        if parent is not None and parent.type == "TableExpression" and parent.children[0] is node:
            self._table_function(name)
            return
        if name in PSEUDO_FUNCTIONS:
            return
        verdict = self.policy.functions.verdict(name)
        if verdict is None:
            raise _refuse(UNKNOWN_FUNCTION, f"Unknown function {name}")
        if not verdict.allowed:
            raise _refuse(ACCESS_DENIED, f"function {name}() is not allowed in readonly mode "
                          f"({verdict.reason})")

    def _table_function(self, name: str) -> None:
        if name in TABLE_FUNCTIONS:
            return
        lower_table_functions = {n.lower() for n in self.policy.table_functions}
        if name in self.policy.store_views and name.lower() not in lower_table_functions \
                and not self.policy.functions.resolutions(name):
            return  # a parameterized view of the store
        raise _refuse(ACCESS_DENIED, f"table function {name}() is not allowed in readonly mode: "
                      "only the store's tables and views, and "
                      f"{', '.join(sorted(TABLE_FUNCTIONS))}")

    def _table(self, parts: Sequence[str], node: Node) -> None:
        why = _table_allowed(parts, self.policy)
        if why is not None:
            raise _refuse(ACCESS_DENIED, why)

    def _identifier(self, node: Node) -> None:
        parts = node.name.split(".")
        if len(parts) >= 2 and parts[0] != self.policy.database and (
                parts[0] in self.databases or parts[0] == "system"):
            # db.table (e.g. the right side of IN) or db.table.column
            why = _table_allowed(parts[:2], self.policy)
            if why is not None:
                raise _refuse(ACCESS_DENIED, why)

    def _set(self, node: Node, root: Node) -> None:
        parent = node.parent
        if parent is root:
            return  # the statement's own SETTINGS (checked by the engine, readonly=1)
        union = root
        if root.type == "Explain":
            if parent is not None and parent.parent is root \
                    and parent.type == "SelectWithUnionQuery":
                return
            inner = [c for c in root.children if c.type == "SelectWithUnionQuery"]
            union = inner[0] if inner else root
        if union.type == "SelectWithUnionQuery" and union.children:
            selects = union.children[0].children
            if selects and parent is selects[-1] and parent.type == "SelectQuery":
                return  # the last SELECT's SETTINGS: the query's, checked by the engine
        raise _refuse(READONLY, "SETTINGS are allowed only at the end of the query "
                      "(a sub-query's settings are not checked in readonly mode)")


_CANON_OUTFILE = re.compile(r"^\s*INTO OUTFILE\b", re.MULTILINE)
# A first filter before the engine parses the text again for its tree (which decides).
_CANON_READ = re.compile(r"^[(\s]*(?:SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS)\b")
_CANON_FORMAT = re.compile(r"^FORMAT (\S+)\s*$", re.MULTILINE)
_CANON_SETTINGS = re.compile(r"^SETTINGS (.*)$", re.MULTILINE)
_SETTING_ITEM = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_]*) = ('(?:[^'\\]|\\.)*'|-?[0-9.]+(?:e[+-]?[0-9]+)?|true|false)"
    r"\s*(?:,|$)", re.IGNORECASE)


def _hoisted_settings(canonical: str) -> dict[str, str]:
    """What the top-level SETTINGS clauses of the canonical text ask for. A best effort:
    anything not understood is left to the engine, which refuses it (readonly=1)."""
    out: dict[str, str] = {}
    for clause in _CANON_SETTINGS.findall(canonical):
        pos = 0
        items: dict[str, str] = {}
        while pos < len(clause):
            match = _SETTING_ITEM.match(clause, pos)
            if match is None:
                items = {}
                break
            value = match[2]
            if value.startswith("'"):
                value = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "0": "\0"}.get(
                    m[1], m[1]), value[1:-1])
            elif value.lower() in ("true", "false"):
                value = "1" if value.lower() == "true" else "0"
            items[match[1]] = value
            pos = match.end()
        out.update(items)
    return out


def _escaped(text: str) -> str:
    """``text`` as the value of a String query parameter (ClickHouse's escaped text)."""
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _validate_request(query: GuardedQuery, limits: Limits) -> None:
    sql = query.sql
    if not sql.strip():
        raise _refuse(SYNTAX_ERROR, "empty query")
    if "\x00" in sql:
        raise _refuse(SYNTAX_ERROR, "cannot parse query: it contains a NUL byte")
    try:
        size = len(sql.encode())
    except UnicodeEncodeError:
        raise _refuse(SYNTAX_ERROR, "cannot parse query: it is not valid Unicode") from None
    if size > limits.query_bytes:
        raise _refuse(SYNTAX_ERROR, f"Max query size exceeded ({limits.query_bytes} bytes)")
    for name, value in query.params.items():
        if not _IDENT.match(name):
            raise _refuse(BAD_QUERY_PARAMETER, f"bad query parameter name {name[:80]!r}")
        if not isinstance(value, str) or "\x00" in value:
            raise _refuse(BAD_QUERY_PARAMETER, f"query parameter {name} must be text")
        try:
            value.encode()
        except UnicodeEncodeError:
            raise _refuse(BAD_QUERY_PARAMETER, f"query parameter {name} is not valid Unicode") \
                from None


def _canonical(session: _Session, sql: str) -> tuple[str, frozenset[str]]:
    """ClickHouse's formatting of ``sql`` (which must be ONE statement) and the names of
    the engine's databases. The text is a bound value here: nothing of it runs."""
    try:
        body, _ = session.run("SELECT formatQuery({q:String}) AS q, {q:String} AS raw",
                              "JSONEachRow", {"q": _escaped(sql)})
    except Refused as exc:
        if "Multi-statements are not allowed" in exc.message:
            raise _refuse(SYNTAX_ERROR, "only one SQL statement is allowed") from None
        if exc.code == SYNTAX_ERROR[0]:
            raise _refuse(SYNTAX_ERROR, f"cannot parse query: {exc.message}") from None
        raise
    row = json.loads(body)
    if row["raw"] != sql:  # the engine must have read exactly this text
        raise _refuse(SYNTAX_ERROR, "cannot parse query: the text did not survive binding")
    names, _ = session.run("SELECT name FROM system.databases", "JSONEachRow", {})
    databases = frozenset(str(json.loads(line)["name"]) for line in names.splitlines() if line)
    return str(row["q"]), databases


def _check(session: _Session, query: GuardedQuery, policy: Policy, canonical: str,
           databases: frozenset[str], query_settings: Mapping[str, str]) -> Checked:
    """The engine's syntax tree of this very text with these very parameters, checked."""
    if _CANON_OUTFILE.search(canonical):
        raise _refuse(ACCESS_DENIED, "INTO OUTFILE is not allowed")
    if not _CANON_READ.match(canonical):
        first = " ".join(canonical.split()[:2])
        raise _refuse(READONLY, f"only read queries are allowed ({_READ_KINDS}), not {first}")
    try:
        dump, _ = session.run("EXPLAIN AST " + query.sql, "TSVRaw", query.params)
    except Refused as exc:
        if exc.name == "TOO_MANY_ROWS_OR_BYTES":
            raise _refuse(SETTING_CONSTRAINT_VIOLATION, "the query's own SETTINGS limit the "
                          "result below the size of its syntax tree, which the guard must read; "
                          "ask for result limits as request settings") from None
        raise
    lines = [line[:-1] if line.endswith("\r") else line
             for line in dump.decode("utf-8", errors="replace").split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    root = parse_dump(lines)
    kind = _Checker(policy, databases, canonical).check(root)
    formats = _CANON_FORMAT.findall(canonical)
    format_clause = resolve_format(formats[-1], policy) if formats else None
    if format_clause is not None and root.type == "Explain" and not any(
            c.type == "Identifier" and c.name.lower() == formats[-1].lower()
            for c in root.children):
        format_clause = None  # EXPLAIN AST|SYNTAX: the FORMAT is the explained query's
    return Checked(kind, format_clause, dict(query_settings), canonical)


def resolve_format(name: str, policy: Policy) -> str:
    """The engine's name of an allowed output format, or Refused (73 or 497)."""
    found = policy.formats.get(name.strip().lower())
    if found is not None:
        return found
    if name.strip().lower() in policy.known_formats:
        raise _refuse(ACCESS_DENIED, f"output format {name[:80]} is not allowed here")
    raise _refuse(UNKNOWN_FORMAT, f"Unknown format {name[:80]}")


# --------------------------------------------------------------------------------------
# Running


def run_guarded(client: Any, query: GuardedQuery, limits: Limits, policy: Policy) -> Answer:
    """Check ``query`` and run it: the engine's bytes in the requested output format.

    Raises ``Refused`` when the guard refuses it or the engine fails it (with the engine's
    code and name)."""
    return _run(client, query, limits, policy)


def _run(client: Any, query: GuardedQuery, limits: Limits, policy: Policy, *,
         allow_format_clause: bool = True, header_for_empty: bool = True) -> Answer:
    if query.database not in (None, "", policy.database):
        raise _refuse(ACCESS_DENIED, f"only database {policy.database} may be used here")
    _validate_request(query, limits)
    fmt = resolve_format(query.default_format or "TabSeparated", policy)
    requested = allowed_settings(query.settings, limits, policy)
    # Parsing reads the engine's output (a syntax tree of any size): generous result limits.
    parse_limits = Limits(result_rows=1_000_000, result_bytes=256 << 20,
                          memory_bytes=limits.memory_bytes, seconds=limits.seconds,
                          threads=limits.threads)
    # 1. One statement; its canonical text; the engine's databases (no client settings).
    session = _open_session(client, policy.database, _session_settings(parse_limits, policy, {}))
    try:
        canonical, databases = _canonical(session, query.sql)
    finally:
        session.close()
    # 2. The syntax tree, parsed with the query's own SETTINGS in force (the engine applies
    #    them to EXPLAIN too, and refuses any that differ from what is in force).
    own = allowed_settings(_hoisted_settings(canonical), limits, policy, "query")
    # result_overflow_mode='break': a small max_result_rows of the query's own cuts the
    # tree short instead of failing, and a cut tree is refused by parse_dump.
    # The request's settings too (not its limits): the text is parsed as it will run.
    parse_in_force = {k: v for k, v in requested.items() if k not in _LIMIT_SETTINGS}
    session = _open_session(client, policy.database, _session_settings(
        parse_limits, policy, {**parse_in_force, "result_overflow_mode": "break", **own}))
    try:
        checked = _check(session, query, policy, canonical, databases, own)
    finally:
        session.close()
    if checked.format_clause is not None and not allow_format_clause:
        raise _refuse(ACCESS_DENIED, "FORMAT is not allowed here")
    # 3. Run the same text with the same parameters, under the limits.
    in_force = {**requested, **own}
    session = _open_session(client, policy.database, _session_settings(limits, policy, in_force))
    try:
        body, summary = session.run(query.sql, fmt, query.params)
    finally:
        session.close()
    effective = checked.format_clause or fmt
    if not body and effective == "Native" and header_for_empty and checked.kind == "SELECT":
        body = _native_header(client, query, checked, limits, policy, in_force)
    return Answer(body=body, fmt=effective, kind=checked.kind, summary=summary)


def _native_header(client: Any, query: GuardedQuery, checked: Checked, limits: Limits,
                   policy: Policy, in_force: Mapping[str, str]) -> bytes:
    """A Native block with no rows that names the result's columns and types: chDB writes
    no bytes at all for an empty Native result. The structure comes from
    ``DESCRIBE TABLE (<the query>)``, itself run through the whole guard."""
    if checked.format_clause is None:
        text = query.sql
    else:  # the canonical text without its FORMAT line
        text = _CANON_FORMAT.sub("", checked.canonical)
    describe = GuardedQuery(f"DESCRIBE TABLE (\n{text}\n)", query.params, in_force,
                            "JSONEachRow", None)
    try:
        answer = _run(client, describe, limits, policy, allow_format_clause=False,
                      header_for_empty=False)
    except Refused:
        return b""
    columns = [json.loads(line) for line in answer.body.splitlines() if line.strip()]
    out = bytearray(_varint(len(columns)) + _varint(0))
    for column in columns:
        for text_value in (str(column["name"]), str(column["type"])):
            encoded = text_value.encode()
            out += _varint(len(encoded)) + encoded
    return bytes(out)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)
