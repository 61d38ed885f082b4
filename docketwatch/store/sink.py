"""Writing CaseEvents to ClickHouse, effectively once.

Kafka delivers at least once. Exactly-once *effect* comes from two layers:
1. ``insert_deduplication_token`` (``topic:partition:first-last`` offsets, see
   :func:`dedup_token`, plus a digest of the inserted bytes): a batch re-sent after a
   crash between insert and offset commit is dropped by ClickHouse as a whole.
   case_events sets ``non_replicated_deduplication_window``; without it a plain MergeTree
   silently ignores the token.
2. ReplacingMergeTree keyed by the deterministic event_id, read with FINAL by every view:
   events redelivered in another order or another batch split (different token) collapse.
The caller commits Kafka offsets only after :func:`write_event_records` returned.

Events go in as the Kafka records' own JSON (JSONEachRow into ``case_events_in``, migration
0019): ClickHouse parses and checks them in C++, with no Python object per record (pydantic
objects, then Arrow columns built from them, ran at ~33k events/s; this path at ~70k/s,
bench/bench_sink.py).
A batch ClickHouse refuses is taken apart (:func:`write_event_records`): each record is
validated against the contract, bad ones are returned for the dead-letter topic with their
error, and the rest go in re-encoded canonically.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple, Protocol, TypeVar

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DataError

from docketwatch.contract import CaseEvent

M = TypeVar("M")
# Inserts rows of one table: (client, records, deduplication token) -> rows written.
RowWriter = Callable[[Client, Sequence[M], str | None], Any]

# How ClickHouse must read case_events_in: strictly (unknown keys at any level are errors,
# no row may be skipped), nested lists kept as their JSON text, ISO 8601 times with zones.
# The token must reach case_events through the materialized view (the Null table itself
# stores nothing to deduplicate).
JSON_INSERT_SETTINGS: dict[str, int | str] = {
    "date_time_input_format": "best_effort",
    "input_format_skip_unknown_fields": 0,
    "input_format_json_ignore_unknown_keys_in_named_tuple": 0,
    "input_format_json_read_arrays_as_strings": 1,
    "input_format_allow_errors_num": 0,
    "input_format_allow_errors_ratio": 0,
    "deduplicate_blocks_in_dependent_materialized_views": 1,
    # Collapsing a batch's duplicates at insert (sort + replace, on case_events and again on
    # case_state) cost a quarter of the insert's time (bench/bench_sink.py); every view
    # reads with FINAL, and background merges collapse them anyway.
    "optimize_on_insert": 0,
}

# ClickHouse error codes that blame the inserted data, not the store: a batch failing with
# one of these is taken apart; any other error is the store's, and the batch is retried
# whole (an outage must stall the stream, not dead-letter good records).
_DATA_ERROR_CODES = frozenset({
    6,    # CANNOT_PARSE_TEXT
    10,   # NOT_FOUND_COLUMN_IN_BLOCK (unknown key of a named tuple)
    26,   # CANNOT_PARSE_QUOTED_STRING
    27,   # CANNOT_PARSE_INPUT_ASSERTION_FAILED
    32,   # ATTEMPT_TO_READ_AFTER_EOF
    38,   # CANNOT_PARSE_DATE
    41,   # CANNOT_PARSE_DATETIME
    53,   # TYPE_MISMATCH
    69,   # ARGUMENT_OUT_OF_BOUND
    70,   # CANNOT_CONVERT_TYPE
    72,   # CANNOT_PARSE_NUMBER
    117,  # INCORRECT_DATA (unknown key, malformed JSON)
    321,  # VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
    349,  # CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
    377,  # CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING
    407,  # DECIMAL_OVERFLOW
    469,  # VIOLATED_CONSTRAINT
    691,  # UNKNOWN_ELEMENT_OF_ENUM
})
_ERROR_CODE = re.compile(r"Code: (\d+)\.")


def is_data_error(exc: BaseException) -> bool:
    """Whether ClickHouse refused an insert because of what was inserted."""
    match = _ERROR_CODE.search(str(exc))
    return match is not None and int(match.group(1)) in _DATA_ERROR_CODES


class Consumed(Protocol):
    """Where a consumed record came from (an aiokafka ConsumerRecord has these)."""

    topic: str
    partition: int
    offset: int


def dedup_token(records: Iterable[Consumed]) -> str:
    """The insert deduplication token of one consumed batch: ``topic:partition:first-last``
    for each partition in it, in a stable order."""
    spans: dict[tuple[str, int], list[int]] = {}
    for r in records:
        span = spans.setdefault((r.topic, r.partition), [r.offset, r.offset])
        span[0] = min(span[0], r.offset)
        span[1] = max(span[1], r.offset)
    return ",".join(f"{t}:{p}:{a}-{b}" for (t, p), (a, b) in sorted(spans.items()))


class Rejected(NamedTuple):
    """A record the store refused, for the dead-letter topic."""

    position: int  # in the batch
    error_type: str
    error: str


@dataclass
class WriteResult:
    """What became of one batch of event records."""

    written: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def part_token(dedup_token: str | None, blob: bytes) -> str | None:
    """The deduplication token of one insert of a batch: the batch's offsets, and the
    checksum and length of these exact bytes.

    Offsets alone are not an identity: a re-created topic restarts at offset 0, and its new
    records must not be dropped as "duplicates" of old ones; nor may the parts of a batch
    taken apart share one token, or all but the first would be dropped. crc32: the token
    already names the offsets, a cryptographic hash of tens of MB per insert would buy
    nothing.
    """
    return f"{dedup_token}#{zlib.crc32(blob):08x}.{len(blob):x}" if dedup_token else None


def _insert_json(client: Client, blob: bytes, dedup_token: str | None) -> None:
    """Insert records joined by newlines (JSONEachRow) in one insert."""
    settings = dict(JSON_INSERT_SETTINGS)
    token = part_token(dedup_token, blob)
    if token:
        settings["insert_deduplication_token"] = token
    client.raw_insert("case_events_in", None, blob, settings=settings, fmt="JSONEachRow")


def _refused(insert: Callable[[], object]) -> str | None:
    """Run one insert; the store's reason if it refused the data (an error of the store
    itself, such as an outage, raises)."""
    try:
        insert()
    except Exception as exc:
        # DataError: clickhouse-connect could not even encode a value for its column (a
        # number out of the column's range); is_data_error: the engine refused it.
        if not (isinstance(exc, DataError) or is_data_error(exc)):
            raise
        return str(exc)
    return None


def _one_line_utf8(values: Sequence[bytes]) -> bytes | None:
    """The batch as JSONEachRow, or None if a record is not one line of UTF-8: a raw
    newline would let a record smuggle in a second event, and invalid UTF-8 would be
    stored as it is (pydantic refuses both)."""
    if any(b"\n" in v for v in values):
        return None
    blob = b"\n".join(values)
    try:
        blob.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return blob


def write_event_records(client: Client, values: Sequence[bytes],
                        dedup_token: str | None = None) -> WriteResult:
    """Insert one batch of CaseEvent records (their Kafka bytes) in one atomic insert.

    Idempotent: the same batch, the same events reordered or split differently leave
    every view unchanged. ``dedup_token`` should be :func:`dedup_token` of the batch.
    If ClickHouse refuses the data, the batch is taken apart (see the module docstring);
    an error of the store itself is raised for the caller to retry.
    """
    if not values:
        return WriteResult()
    blob = _one_line_utf8(values)
    if blob is not None and _refused(partial(_insert_json, client, blob, dedup_token)) is None:
        return WriteResult(written=len(values))
    result = WriteResult()
    canonical: dict[int, bytes] = {}
    for i, value in enumerate(values):
        try:
            canonical[i] = CaseEvent.from_bytes(value).to_bytes()
        except ValueError as exc:  # pydantic's ValidationError is one
            result.rejected.append(Rejected(i, type(exc).__name__, str(exc)))

    def insert(part: Sequence[int]) -> str | None:
        return _refused(partial(_insert_json, client, b"\n".join(canonical[i] for i in part),
                                dedup_token))

    _insert_apart(insert, list(canonical), result)
    result.rejected.sort()
    return result


def write_model_records(client: Client, values: Sequence[bytes], decode: Callable[[bytes], M],
                        insert_rows: RowWriter[M], dedup_token: str | None = None,
                        ) -> WriteResult:
    """Insert one batch of records of a small topic (court health, alerts, dead letters),
    each read by ``decode`` (a contract model's ``from_bytes``), through ``insert_rows``,
    with the guarantees of :func:`write_event_records`: the records the contract or the
    store refuses are returned, the rest are written."""
    result = WriteResult()
    decoded: dict[int, M] = {}
    for i, value in enumerate(values):
        try:
            decoded[i] = decode(value)
        except ValueError as exc:
            result.rejected.append(Rejected(i, type(exc).__name__, str(exc)))

    def insert(part: Sequence[int]) -> str | None:
        token = part_token(dedup_token, b"\n".join(values[i] for i in part))
        return _refused(lambda: insert_rows(client, [decoded[i] for i in part], token))

    _insert_apart(insert, list(decoded), result)
    result.rejected.sort()
    return result


def _insert_apart(insert: Callable[[Sequence[int]], str | None], part: list[int],
                  result: WriteResult) -> None:
    """Insert the records at positions ``part`` of the batch; halve a refused insert down
    to the records the store refuses on their own (a constraint the contract does not
    state). ``insert`` returns the store's reason for refusing, or None."""
    if not part:
        return
    why = insert(part)
    if why is None:
        result.written += len(part)
        return
    if len(part) == 1:
        result.rejected.append(Rejected(part[0], "RefusedByClickHouse", why))
        return
    half = len(part) // 2
    _insert_apart(insert, part[:half], result)
    _insert_apart(insert, part[half:], result)


class RejectedEvents(ValueError):
    """Events the store refused (see WriteResult.rejected)."""


def write_events(
    client: Client, events: Sequence[CaseEvent], dedup_token: str | None = None
) -> int:
    """Insert CaseEvent objects (tools, tests, benchmarks); returns the number written.

    The same path as the aggregator's records; an event the store refuses raises.
    """
    result = write_event_records(client, [e.to_bytes() for e in events], dedup_token)
    if result.rejected:
        raise RejectedEvents("; ".join(f"#{r.position}: {r.error_type}: {r.error}"
                                       for r in result.rejected))
    return result.written
