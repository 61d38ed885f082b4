"""Size limits that agree end to end, and dead letters that always fit.

One record limit (contract.RECORD_LIMIT_BYTES): the producers' max_request_size, the topics'
max.message.bytes, the broker's message.max.bytes in every way we deploy it, and the
fetcher's body cap derived from it. A dead letter of a record of any size stays far below.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from docketwatch.contract import (
    DEAD_LETTER_FIELD_LIMIT,
    DEAD_LETTER_PAYLOAD_LIMIT,
    DEAD_LETTER_TEXT_LIMIT,
    RECORD_LIMIT_BYTES,
    DeadLetter,
    PageKind,
    PageState,
    RawPage,
    max_body_bytes,
    sha256_hex,
)
from docketwatch.kafka import RecordTooLarge, check_record, make_producer, record_size, topic_specs
from docketwatch.settings import REPO_ROOT
from services.fetcher.settings import FetcherSettings
from services.parser.settings import ParserSettings

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def letter(payload: bytes, **fields: str) -> DeadLetter:
    base = {"stage": "parser", "error_type": "X", "error": "e", "stage_version": "v"}
    return DeadLetter(**{**base, **fields}, created_at=NOW, payload=payload)  # type: ignore[arg-type]


def test_every_deployment_of_the_broker_takes_the_record_limit() -> None:
    broker = (REPO_ROOT / "deploy" / "kafka" / "broker.sh").read_text()
    compose = (REPO_ROOT / "docker-compose.yml").read_text()
    assert re.findall(r"message\.max\.bytes=(\d+)", broker) == [str(RECORD_LIMIT_BYTES)]
    assert re.findall(r"KAFKA_MESSAGE_MAX_BYTES: (\d+)", compose) == [str(RECORD_LIMIT_BYTES)]


async def test_every_topic_and_producer_takes_the_record_limit() -> None:
    for spec in topic_specs(6, 6):
        assert spec.topic_configs["max.message.bytes"] == str(RECORD_LIMIT_BYTES), spec.name
    assert make_producer("127.0.0.1:1", client_id="t")._max_request_size == RECORD_LIMIT_BYTES


def test_a_body_at_the_cap_fits_a_raw_page_record_and_one_past_it_need_not() -> None:
    cap = max_body_bytes()
    assert FetcherSettings().max_body_bytes == cap
    long = "x" * 20_000  # a URL and parameters far longer than any court's
    page = RawPage(page_id="0" * 64, court_code="25GV0001", url=long, params={"q": long},
                   kind=PageKind.CARD, fetched_at=NOW, http_status=200, state=PageState.OK,
                   charset="windows-1251", sha256="0" * 64, body=b"\xff" * cap)
    check_record(b"25GV0001", page.to_bytes(), "a page at the cap")
    bigger = page.model_copy(update={"body": b"\xff" * (cap + 64 * 1024)})
    with pytest.raises(RecordTooLarge, match=f"over the limit of {RECORD_LIMIT_BYTES}"):
        check_record(b"25GV0001", bigger.to_bytes(), "a page past the cap")


def test_a_dead_letter_of_a_record_of_any_size_fits_and_names_the_whole_record() -> None:
    record = bytes(range(256)) * (48 * 1024)  # 12 MiB, over the record limit itself
    huge = "ж" * 3_000_000
    d = letter(record, error=huge, error_type=huge, url=huge, court_code=huge,
               stage_version=huge, source_topic=huge)
    assert record_size(b"", d.to_bytes()) < 2 * 1024 * 1024 < RECORD_LIMIT_BYTES
    assert d.payload == record[:DEAD_LETTER_PAYLOAD_LIMIT]
    assert (d.truncated, d.payload_length, d.payload_sha256) == (True, len(record),
                                                                sha256_hex(record))
    assert (d.original_length, d.original_sha256) == (len(record), sha256_hex(record))
    assert len(d.error) == DEAD_LETTER_TEXT_LIMIT and d.error.endswith("…")
    assert {len(d.error_type), len(d.url or ""), len(d.court_code or "")} == {
        DEAD_LETTER_FIELD_LIMIT}
    assert DeadLetter.from_bytes(d.to_bytes()) == d


def test_a_whole_dead_letter_reads_as_before_the_cut_existed() -> None:
    d = letter(b"page")
    data = d.to_bytes()
    assert b"payload_sha256" not in data and b"payload_length" not in data
    assert not d.truncated
    assert (d.original_length, d.original_sha256) == (4, sha256_hex(b"page"))
    assert DeadLetter.from_bytes(data) == d
    at_limit = letter(b"x" * DEAD_LETTER_PAYLOAD_LIMIT)
    assert not at_limit.truncated and len(at_limit.payload) == DEAD_LETTER_PAYLOAD_LIMIT


def test_a_parse_may_not_outlast_half_the_stall_timeout() -> None:
    assert ParserSettings().parser_page_timeout_s == 5.0
    with pytest.raises(ValueError, match="at most half of DW_STALL_TIMEOUT_S"):
        ParserSettings(parser_page_timeout_s=60, stall_timeout_s=100)
    assert ParserSettings(parser_page_timeout_s=60, stall_timeout_s=0).parser_page_wall_s() == 600
    assert ParserSettings(parser_page_timeout_s=5).parser_page_wall_s() == 50
    assert ParserSettings(parser_page_timeout_s=5, stall_timeout_s=20).parser_page_wall_s() == 10
