"""What a ClickHouse HTTP request means: its query text, parameters, settings and options.

As ClickHouse's HTTPHandler reads them:
* the query is the ``query`` URL parameter, the body, or both joined by a line feed; a
  ``multipart/form-data`` body carries fields instead (``query``, ``param_*``, settings),
  and its file parts would be external tables, which are not supported here;
* ``param_<name>`` are server-side query parameters (``{name:Type}``), passed on as raw text;
* ``database`` / ``X-ClickHouse-Database`` and ``default_format`` / ``X-ClickHouse-Format``
  (the header wins), ``query_id`` / ``X-ClickHouse-Query-Id``;
* parameters of the HTTP layer itself are used here and never reach the engine (see
  TRANSPORT and HTTP_SETTINGS); every other parameter is a setting for the guard to allow
  or refuse.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP

from services.aggregator.chhttp.errors import ChError

# URL parameters of the HTTP interface (ClickHouse's reserved names, plus the ones it reads
# before settings): consumed here. Sessions are accepted and ignored: nothing a read-only
# query may do (no SET, no temporary tables) outlives its request, and clickhouse-connect
# sends a session_id by default.
TRANSPORT = frozenset({
    "query", "database", "default_format", "query_id", "user", "password", "quota_key",
    "compress", "decompress", "buffer_size", "wait_end_of_query", "session_id",
    "session_timeout", "session_check", "close_session", "client_protocol_version",
    "stacktrace", "role",
})
# ClickHouse settings that only steer the HTTP layer: applied (or ignored) here, not sent to
# the engine. Results are always buffered whole, so progress headers and buffer sizes have
# nothing to act on; a CORS header is only ever sent to DW_CLICKHOUSE_HTTP_ORIGINS.
HTTP_SETTINGS = frozenset({
    "enable_http_compression", "http_zlib_compression_level",
    "http_native_compression_disable_checksumming_on_decompress",
    "send_progress_in_http_headers", "http_headers_progress_interval_ms",
    "cancel_http_readonly_queries_on_client_close", "http_wait_end_of_query",
    "http_response_buffer_size", "add_http_cors_header", "http_write_exception_in_output_format",
})
# Fields that describe an external table in a multipart body (ClickHouse skips them too).
_EXTERNAL_SUFFIXES = ("_format", "_types", "_structure")


def parse_bool(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ChError.of("CANNOT_PARSE_TEXT", f"Cannot parse boolean value of {name}: {value!r}")


def parse_int(name: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ChError.of("CANNOT_PARSE_NUMBER",
                         f"Cannot parse number value of {name}: {value!r}") from None


@dataclass
class Parsed:
    """The parts of a request: the query and what the engine needs, and the HTTP options."""

    query_param: str | None = None
    body_text: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    database: str | None = None
    default_format: str | None = None
    query_id: str = ""
    compress: bool = False  # response in ClickHouse's compressed blocks
    decompress: bool = False  # request body in ClickHouse's compressed blocks
    http_compression: bool = True  # the engine's enable_http_compression (chDB: 1)
    zlib_level: int = 3
    verify_checksums: bool = True
    roles: list[str] = field(default_factory=list)

    @property
    def sql(self) -> str | None:
        """The query text: the ``query`` parameter and the body, joined by a line feed."""
        if self.query_param is None and not self.body_text:
            return None
        if self.query_param and self.body_text:
            return f"{self.query_param}\n{self.body_text}"
        return self.query_param or self.body_text or ""

    def add(self, items: Iterable[tuple[str, str]], external: bool = False) -> None:
        """URL parameters or form fields, in order (a later value replaces an earlier)."""
        for key, value in items:
            if not key or (external and key.endswith(_EXTERNAL_SUFFIXES)):
                continue
            if key.startswith("param_") and len(key) > len("param_"):
                self.params[key[len("param_"):]] = value
            elif key == "query":
                self.query_param = value
            elif key == "database":
                self.database = self.database or value or None
            elif key == "default_format":
                self.default_format = self.default_format or value or None
            elif key == "query_id":
                self.query_id = value
            elif key == "compress":
                self.compress = parse_bool(key, value)
            elif key == "decompress":
                self.decompress = parse_bool(key, value)
            elif key == "role":
                if value:
                    self.roles.append(value)
            elif key in TRANSPORT:
                continue
            elif key == "enable_http_compression":
                self.http_compression = parse_bool(key, value)
            elif key == "http_zlib_compression_level":
                self.zlib_level = parse_int(key, value)
            elif key == "http_native_compression_disable_checksumming_on_decompress":
                self.verify_checksums = not parse_bool(key, value)
            elif key in HTTP_SETTINGS:
                continue
            else:
                self.settings[key] = value

    def finish(self) -> None:
        if not self.query_id:
            self.query_id = str(uuid.uuid4())
        if self.roles:
            raise ChError.of("UNKNOWN_ROLE", f"There is no role `{self.roles[0][:64]}` "
                             "in user directories (roles are not supported here)")


def multipart_fields(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """The text fields of a multipart/form-data body; a file part (an external table)
    is refused."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ChError.of("INCORRECT_DATA", "Malformed multipart/form-data body")
    fields: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ChError.of("INCORRECT_DATA", "A multipart/form-data part has no name")
        if part.get_filename() is not None:
            raise ChError.of("NOT_IMPLEMENTED",
                             "External data (file parts of a multipart request) is not "
                             "supported by this server")
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        try:
            fields.append((name, raw.decode()))
        except UnicodeDecodeError:
            raise ChError.of("CANNOT_PARSE_TEXT",
                             f"Form field {name[:64]!r} is not UTF-8 text") from None
    return fields


def content_type(fmt: str) -> str:
    """The Content-Type ClickHouse gives a result in ``fmt``."""
    name = fmt.strip()
    lower = name.lower()
    if lower.startswith(("tabseparated", "tsv")):
        return "text/tab-separated-values; charset=UTF-8"
    if lower.startswith("csv"):
        header = "present" if "withnames" in lower else "absent"
        return f"text/csv; charset=UTF-8; header={header}"
    if lower.startswith(("json", "ndjson")):
        return "application/json; charset=UTF-8"
    if lower == "xml":
        return "application/xml; charset=UTF-8"
    if lower.startswith(("native", "rowbinary", "parquet", "arrow", "orc", "avro",
                         "protobuf", "msgpack", "capnproto", "bson", "npy", "rawblob")):
        return "application/octet-stream"
    return "text/plain; charset=UTF-8"


SUMMARY_KEYS = ("read_rows", "read_bytes", "written_rows", "written_bytes",
                "total_rows_to_read", "result_rows", "result_bytes", "elapsed_ns")


def summary(values: dict[str, object] | None, result_bytes: int, elapsed_ns: int) -> str:
    """``X-ClickHouse-Summary``: ClickHouse's keys with string values; what the engine did
    not report is 0."""
    known = dict(values or {})
    out = {key: str(known.get(key, 0)) for key in SUMMARY_KEYS}
    if "result_bytes" not in known:
        out["result_bytes"] = str(result_bytes)
    if "elapsed_ns" not in known:
        out["elapsed_ns"] = str(elapsed_ns)
    return json.dumps(out, separators=(",", ":"))
