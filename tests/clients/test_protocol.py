"""The ClickHouse HTTP interface with curl and raw requests: queries, headers, parameters,
compression, errors, limits."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import socket
import threading
import zlib
from pathlib import Path
from urllib.parse import quote

import cramjam
import lz4.frame
import pytest

from services.aggregator.chhttp import compression
from services.aggregator.chhttp.compression import zstd
from services.aggregator.chhttp.errors import http_status
from tests.clients.conftest import VERSION, Reply, Server, run

CASES_TSV = (
    "1\tMoscow Garrison\t337.5\t2024-01-15\t1\t\\N\n"
    "2\tMoscow Garrison\t338\t2024-02-03\t2\tit\\'s \"quoted\"\n"
    "3\tKaliningrad Garrison\t337.5\t2024-02-20\t1\t\\N\n"
    "4\tTver Garrison\t352.1\t2024-03-01\t1\ttab\\there\n"
    "5\tTver Garrison\t337.5\t2024-03-09\t3\t\\N\n"
)
SELECT_CASES = "SELECT * FROM cases ORDER BY case_id"


def curl(tmp_path: Path, *args: str) -> Reply:
    """curl as a person would run it; the reply's status, headers and raw body."""
    head, body = tmp_path / "head", tmp_path / "body"
    done = run(["curl", "-sS", "-D", str(head), "-o", str(body), *args])
    assert done.returncode == 0, done.stderr
    lines = head.read_bytes().decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return Reply(status, headers, body.read_bytes())


def test_ping_and_root(server: Server, tmp_path: Path) -> None:
    for path in ("/ping", "/", "/replicas_status"):
        reply = curl(tmp_path, f"{server.url}{path}")
        assert (reply.status, reply.body) == (200, b"Ok.\n")
    head = server.request("HEAD", "/ping")
    assert (head.status, head.body) == (200, b"")


def test_get_query(server: Server, tmp_path: Path) -> None:
    reply = curl(tmp_path, "-G", f"{server.url}/", "--data-urlencode", f"query={SELECT_CASES}")
    assert reply.status == 200
    assert reply.text == CASES_TSV
    assert reply.headers["content-type"] == "text/tab-separated-values; charset=UTF-8"
    assert reply.headers["x-clickhouse-format"] == "TabSeparated"
    assert reply.headers["x-clickhouse-timezone"] == "Etc/UTC"
    assert reply.headers["x-clickhouse-server-display-name"] == "docketwatch"
    summary = json.loads(reply.headers["x-clickhouse-summary"])
    assert set(summary) == {"read_rows", "read_bytes", "written_rows", "written_bytes",
                            "total_rows_to_read", "result_rows", "result_bytes", "elapsed_ns"}
    assert summary["written_rows"] == "0"
    assert summary["result_bytes"] == str(len(CASES_TSV.encode()))
    assert int(summary["elapsed_ns"]) > 0
    assert len(reply.headers["x-clickhouse-query-id"]) == 36  # a UUID when none was given


def test_post_json_with_query_id_and_headers(server: Server, tmp_path: Path) -> None:
    reply = curl(tmp_path, f"{server.url}/?query_id=my-query-1",
                 "--data-binary",
                 "SELECT court, cases, defendants FROM cases_by_court ORDER BY court FORMAT JSON")
    assert reply.status == 200
    assert reply.headers["x-clickhouse-query-id"] == "my-query-1"
    assert reply.headers["x-clickhouse-format"] == "JSON"
    assert reply.headers["content-type"] == "application/json; charset=UTF-8"
    result = json.loads(reply.body)
    assert result["meta"] == [{"name": "court", "type": "LowCardinality(String)"},
                              {"name": "cases", "type": "UInt64"},
                              {"name": "defendants", "type": "UInt64"}]
    assert result["data"] == [
        {"court": "Kaliningrad Garrison", "cases": 1, "defendants": 1},
        {"court": "Moscow Garrison", "cases": 2, "defendants": 3},
        {"court": "Tver Garrison", "cases": 2, "defendants": 4}]
    assert result["rows"] == 3
    # default_format by header and by parameter, database by header
    reply = curl(tmp_path, f"{server.url}/", "-H", "X-ClickHouse-Format: CSVWithNames",
                 "-H", "X-ClickHouse-Database: default", "--data-binary",
                 "SELECT case_id, article FROM cases WHERE case_id < 3 ORDER BY case_id")
    assert reply.text == '"case_id","article"\n1,"337.5"\n2,"338"\n'
    assert reply.headers["content-type"] == "text/csv; charset=UTF-8; header=present"
    reply = curl(tmp_path, f"{server.url}/?default_format=JSONCompactEachRow",
                 "--data-binary", "SELECT count() FROM cases")
    assert (reply.status, reply.text) == (200, '[5]\n')


def test_query_parameter_and_body_are_joined(server: Server, tmp_path: Path) -> None:
    reply = curl(tmp_path, f"{server.url}/?query=SELECT%20count()", "--data-binary",
                 "FROM cases WHERE defendants > 1")
    assert (reply.status, reply.text) == (200, "2\n")
    # a line feed is inserted between them, as in ClickHouse: this splits a keyword
    reply = curl(tmp_path, f"{server.url}/?query=SEL", "--data-binary", "ECT 1")
    assert reply.status == 400 and reply.code == 62


def test_server_side_parameters(server: Server, tmp_path: Path) -> None:
    reply = curl(tmp_path, "-G", f"{server.url}/",
                 "--data-urlencode", "param_court=Tver Garrison",
                 "--data-urlencode", "param_min=2",
                 "--data-urlencode",
                 "query=SELECT case_id FROM cases WHERE court = {court:String} "
                 "AND defendants >= {min:UInt8} ORDER BY case_id")
    assert (reply.status, reply.text) == (200, "5\n")
    # the value is data, never SQL; in HTTP parameters it is in TSV escaping, as ClickHouse
    sneaky = quote("x\\' OR 1=1 --")
    reply = curl(tmp_path, f"{server.url}/?param_v={sneaky}",
                 "--data-binary", "SELECT count() FROM cases WHERE court = {v:String}")
    assert (reply.status, reply.text) == (200, "0\n")
    # a long parameter list in the URL (ClickHouse takes 1 MiB URLs by default)
    ids = ",".join(str(i) for i in range(30000))
    reply = server.request("POST", f"/?param_ids=[{ids}]",
                           "SELECT count() FROM cases WHERE has({ids:Array(UInt32)}, case_id)")
    assert (reply.status, reply.body) == (200, b"5\n")
    reply = curl(tmp_path, "-G", f"{server.url}/", "--data-urlencode", "param_v=it\\'s \"q\"",
                 "--data-urlencode", "query=SELECT {v:String} AS v FORMAT JSONEachRow")
    assert json.loads(reply.body) == {"v": "it's \"q\""}


def test_http_response_compression(server: Server, tmp_path: Path) -> None:
    reply = curl(tmp_path, f"{server.url}/?enable_http_compression=1",
                 "-H", "Accept-Encoding: gzip", "--data-binary", SELECT_CASES)
    assert reply.headers["content-encoding"] == "gzip"
    assert gzip.decompress(reply.body).decode() == CASES_TSV
    decoders = {
        "gzip": gzip.decompress, "deflate": zlib.decompress,
        "br": lambda b: bytes(cramjam.brotli.decompress(b)), "zstd": zstd.decompress,
        "lz4": lz4.frame.decompress, "xz": lzma.decompress, "bz2": bz2.decompress,
    }
    for coding, decoder in decoders.items():
        reply = server.request("POST", "/?enable_http_compression=1", SELECT_CASES,
                               {"Accept-Encoding": coding})
        assert reply.headers["content-encoding"] == coding
        assert decoder(reply.body).decode() == CASES_TSV, coding
    # the client's preference: highest q first, then its order; unknown codings skipped
    reply = server.request("POST", "/?enable_http_compression=1", "SELECT 1",
                           {"Accept-Encoding": "snappy, gzip;q=0.5, zstd;q=0.9"})
    assert reply.headers["content-encoding"] == "zstd"
    # off: no coding whatever the client accepts
    reply = server.request("POST", "/?enable_http_compression=0", "SELECT 1",
                           {"Accept-Encoding": "gzip"})
    assert "content-encoding" not in reply.headers and reply.body == b"1\n"


def test_compressed_request_bodies(server: Server) -> None:
    query = b"SELECT count() FROM cases WHERE court = 'Tver Garrison'"
    encoders = {"gzip": gzip.compress, "deflate": zlib.compress, "zstd": zstd.compress,
                "lz4": lz4.frame.compress, "xz": lzma.compress, "bz2": bz2.compress}
    for coding, encoder in encoders.items():
        reply = server.request("POST", "/", encoder(query), {"Content-Encoding": coding})
        assert (reply.status, reply.body) == (200, b"2\n"), coding
    reply = server.request("POST", "/", gzip.compress(query)[:-8], {"Content-Encoding": "gzip"})
    assert reply.code == 271  # CANNOT_DECOMPRESS
    reply = server.request("POST", "/", query, {"Content-Encoding": "snappy"})
    assert reply.code == 89  # UNKNOWN_COMPRESSION_METHOD


def test_native_compression_framing(server: Server) -> None:
    """compress=1 / decompress=1 (the JDBC driver's test verifies the framing independently:
    it checks every block's CityHash128)."""
    reply = server.request("POST", "/?compress=1", SELECT_CASES)
    assert reply.status == 200
    assert reply.body[16] == 0x82  # LZ4
    assert compression.native_decompress(reply.body, 1 << 20).decode() == CASES_TSV
    big = server.request("POST", "/?compress=1", "SELECT repeat('ab', 1000) FROM numbers(1200)")
    plain = compression.native_decompress(big.body, 1 << 24)
    assert plain == (("ab" * 1000 + "\n") * 1200).encode()
    assert len(plain) > 2 << 20 and big.body.count(b"\x82") >= 3  # blocks of 1 MiB at most
    framed = compression.native_compress(b"SELECT count() FROM cases")
    reply = server.request("POST", "/?decompress=1", framed)
    assert (reply.status, reply.body) == (200, b"5\n")
    corrupt = bytearray(framed)
    corrupt[3] ^= 0xFF
    reply = server.request("POST", "/?decompress=1", bytes(corrupt))
    assert reply.code == 40  # CHECKSUM_DOESNT_MATCH
    reply = server.request(
        "POST", "/?decompress=1&http_native_compression_disable_checksumming_on_decompress=1",
        bytes(corrupt))
    assert (reply.status, reply.body) == (200, b"5\n")
    # both at once: native blocks inside an HTTP coding
    reply = server.request("POST", "/?compress=1&enable_http_compression=1", SELECT_CASES,
                           {"Accept-Encoding": "gzip"})
    inner = gzip.decompress(reply.body)
    assert compression.native_decompress(inner, 1 << 20).decode() == CASES_TSV


def test_multipart_form_fields(server: Server) -> None:
    boundary = "XyZ123"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\n"
            "SELECT {a:String} || '-' || {b:String}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"param_a\"\r\n\r\nleft\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"param_b\"\r\n\r\nright\r\n"
            f"--{boundary}--\r\n")
    reply = server.request("POST", "/", body,
                           {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert (reply.status, reply.text) == (200, "left-right\n")
    external = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"t\"; "
                f"filename=\"t.tsv\"\r\n\r\n1\n2\r\n--{boundary}--\r\n")
    reply = server.request("POST", "/?query=SELECT%20*%20FROM%20t", external,
                           {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert (reply.status, reply.code) == (501, 48)


def test_errors_are_clickhouse_shaped(server: Server, tmp_path: Path) -> None:
    reply = curl(tmp_path, f"{server.url}/", "--data-binary", "SELECT * FROM no_such_table")
    assert (reply.status, reply.code) == (404, 60)
    assert reply.headers["content-type"] == "text/plain; charset=utf-8"
    assert reply.text.startswith("Code: 60. DB::Exception: Unknown table expression identifier "
                                 "'no_such_table'")
    assert reply.text.endswith(f". (UNKNOWN_TABLE) (version {VERSION})\n")
    reply = curl(tmp_path, f"{server.url}/", "--data-binary", "SELEC 1")
    assert (reply.status, reply.code) == (400, 62)
    assert reply.text.startswith("Code: 62. DB::Exception: ")
    reply = curl(tmp_path, "-X", "POST", f"{server.url}/")
    assert (reply.status, reply.code, reply.text) == (
        400, 62, f"Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR) (version {VERSION})\n")
    reply = server.request("GET", "/?query=%20")
    assert (reply.status, reply.code) == (400, 62)
    reply = server.request("GET", "/?query=SELECT%201&role=admin")
    assert (reply.status, reply.code) == (404, 511)


# The guard decides how a write is refused (READONLY or ACCESS_DENIED); this layer must send
# it as ClickHouse would: that status, that header, that body.
REFUSALS = {164: "READONLY", 497: "ACCESS_DENIED"}


def assert_refused(reply: Reply, codes: dict[int, str]) -> None:
    assert reply.code in codes, reply
    assert reply.status == http_status(reply.code)
    assert reply.text.startswith(f"Code: {reply.code}. DB::Exception: ")
    assert reply.text.endswith(f"({codes[reply.code]}) (version {VERSION})\n")


@pytest.mark.parametrize("statement", [
    "INSERT INTO cases (case_id) VALUES (9)",
    "CREATE TABLE t9 (a UInt8) ENGINE = Memory",
    "DROP TABLE cases",
    "ALTER TABLE cases DELETE WHERE 1",
])
def test_writes_are_refused(server: Server, tmp_path: Path, statement: str) -> None:
    reply = curl(tmp_path, f"{server.url}/", "--data-binary", statement)
    assert_refused(reply, REFUSALS)
    assert curl(tmp_path, f"{server.url}/?query=SELECT%20count()%20FROM%20cases").text == "5\n"


def test_insert_data_in_the_body_is_refused(server: Server) -> None:
    """The statement in ?query=, binary rows in the body (as clients send an insert)."""
    reply = server.request("POST", "/?query=INSERT%20INTO%20cases%20FORMAT%20RowBinary",
                           bytes(range(256)) * 4)
    # ClickHouse says READONLY; a guard that parses the rows as SQL may say SYNTAX_ERROR
    assert_refused(reply, {**REFUSALS, 62: "SYNTAX_ERROR"})


def test_sessions_are_accepted_and_ignored(server: Server) -> None:
    reply = server.request("GET", "/?session_id=abc&session_timeout=60&session_check=0"
                           "&query=SELECT%201&wait_end_of_query=1&send_progress_in_http_headers=1"
                           "&cancel_http_readonly_queries_on_client_close=1&buffer_size=100")
    assert (reply.status, reply.body) == (200, b"1\n")


def test_body_limit_and_bombs(tight_server: Server) -> None:
    reply = tight_server.request("POST", "/", "SELECT 1 -- " + "x" * 5000)
    assert (reply.status, reply.code) == (413, 229)
    bomb = zstd.compress(b"SELECT 1 -- " + b" " * (10 << 20))
    assert len(bomb) < 4096
    reply = tight_server.request("POST", "/", bomb, {"Content-Encoding": "zstd"})
    assert (reply.status, reply.code) == (413, 229)
    framed_bomb = compression.native_compress(b" " * (1 << 20))
    reply = tight_server.request("POST", "/?decompress=1", framed_bomb)
    assert (reply.status, reply.code) == (413, 229)


def _slow(server: Server, replies: list[Reply], seconds: float) -> threading.Thread:
    thread = threading.Thread(target=lambda: replies.append(
        server.request("POST", "/", f"SELECT 0 /* hold {seconds}s */")))
    thread.start()
    return thread


def test_too_many_simultaneous_queries(tight_server: Server) -> None:
    mark = len(tight_server.log_text())
    replies: list[Reply] = []
    thread = _slow(tight_server, replies, 2)
    tight_server.wait_log(" started (1 of 1 slots busy)", after=mark)
    reply = tight_server.request("GET", "/?query=SELECT%201")
    assert (reply.status, reply.code) == (500, 202)
    assert reply.text == ("Code: 202. DB::Exception: Too many simultaneous queries. Maximum: 1. "
                          f"(TOO_MANY_SIMULTANEOUS_QUERIES) (version {VERSION})\n")
    thread.join(timeout=60)
    assert (replies[0].status, replies[0].body) == (200, b"0\n")
    assert tight_server.request("GET", "/?query=SELECT%201").body == b"1\n"


def test_a_client_that_goes_away_frees_its_slot(tight_server: Server) -> None:
    mark = len(tight_server.log_text())
    sock = socket.create_connection(("127.0.0.1", tight_server.port))
    body = b"SELECT 0 /* hold 2s */"
    sock.sendall(b"POST /?query_id=gone-1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (tight_server.port, len(body), body))
    tight_server.wait_log("query gone-1 started", after=mark)
    sock.close()
    tight_server.wait_log("query gone-1: the client went away; its run was cancelled",
                          after=mark)
    # the slot is free at once: this one waits for the reader thread, not for a slot
    reply = tight_server.request("GET", "/?query=SELECT%2042")
    assert (reply.status, reply.body) == (200, b"42\n")
