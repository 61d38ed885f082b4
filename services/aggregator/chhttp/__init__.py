"""ClickHouse's HTTP interface, served by the process that owns the embedded store.

Grafana's ClickHouse data source, DBeaver and other JDBC tools, clickhouse-connect (pandas,
Arrow), the official Node client and curl talk to it as to a ClickHouse server: only the
URL differs. Every query goes through the SQL guard (docketwatch.store.guard), which
makes it read-only by construction; this package is the protocol around it.

Implemented (as https://clickhouse.com/docs/interfaces/http describes and the clients send):
* ``GET /ping``, ``GET /replicas_status`` and ``GET /`` without a query: ``Ok.``; HEAD too.
* queries by ``GET /?query=``, ``POST`` with the query in ``?query=`` and/or the body (joined
  by a line feed), or in ``multipart/form-data`` fields (clickhouse-connect, the Node and
  JDBC clients send long parameter lists so); on any path, like ClickHouse's query handler.
* ``param_<name>`` server-side parameters; ``database``/``X-ClickHouse-Database``;
  ``default_format``/``X-ClickHouse-Format``; ``query_id``/``X-ClickHouse-Query-Id``; every
  other URL parameter is a setting, passed to the guard (which allows or refuses it), except
  the HTTP layer's own (protocol.TRANSPORT, protocol.HTTP_SETTINGS).
* response headers ``X-ClickHouse-Query-Id``, ``-Format``, ``-Timezone``, ``-Summary`` (the
  engine's figures where the Answer has them, else zeros; result_bytes and elapsed_ns are
  measured), ``-Server-Display-Name``, Content-Type by format.
* errors as ClickHouse sends them: ``Code: N. DB::Exception: ... (NAME) (version V)``, the
  ``X-ClickHouse-Exception-Code`` header, the status of ClickHouse's exceptionCodeToHTTPStatus.
* compression: HTTP (``enable_http_compression`` + ``Accept-Encoding``, ``Content-Encoding``
  of the body) and ClickHouse's block framing (``compress=1``, ``decompress=1``); see
  compression.py.
* browsers kept out (Host, Origin, Sec-Fetch-Site; auth.py) and credentials as ClickHouse
  takes them; a non-loopback address needs a password (make_app refuses to start).
* at most DW_CLICKHOUSE_HTTP_MAX_QUERIES queries at once; a query that waits longer than
  DW_CLICKHOUSE_HTTP_QUEUE_WAIT_S for a slot gets TOO_MANY_SIMULTANEOUS_QUERIES (202); body
  and URL size limits.
* a client that goes away: its query's awaitable is cancelled and its slot released. What
  that stops depends on ``run``: work still queued for the reader thread is dropped, but a
  query chDB is already executing runs on until it ends or hits the guard's time limit
  (max_execution_time); chDB can kill it (KILL QUERY from another connection, or cancel a
  streamed query) if ``run`` arranges that on cancellation.

Not implemented: sessions (``session_id`` is accepted and ignored: a read-only query leaves
no state behind), external data (file parts of a multipart body: NOT_IMPLEMENTED), progress
headers (results are buffered whole, then sent), roles and quotas, JWT/Bearer and TLS
certificate authentication (put a TLS proxy in front for remote use), the ``/play`` UI and
the other built-in pages, ``http_options_response``, predefined HTTP handlers, the
``client_protocol_version`` parameter (Native results are the engine's protocol-0 output,
which clickhouse-connect detects), brotli request bodies (responses can be brotli).
"""

from services.aggregator.chhttp.server import (
    AccessLog,
    AnswerLike,
    ConfigError,
    Runner,
    ServerInfo,
    bound_port,
    make_app,
    serve,
    server_info,
)
from services.aggregator.chhttp.settings import ClickHouseHttpSettings

__all__ = [
    "AccessLog",
    "AnswerLike",
    "ClickHouseHttpSettings",
    "ConfigError",
    "Runner",
    "ServerInfo",
    "bound_port",
    "make_app",
    "serve",
    "server_info",
]
