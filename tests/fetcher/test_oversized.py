"""Pages too large to publish never stop the fetcher: each fails its window like a failed
request (a dead letter, the court reported failing, the window fetched again next pass).

Against the real broker, simulator and fetcher process:

* the broker refuses the pages (a raw topic whose ``max.message.bytes`` is far below the
  pipeline's record limit, as on a broker configured by hand): the producer's futures fail
  with MessageSizeTooLargeError, which used to end the fetcher on every start;
* the responses are over DW_MAX_BODY_BYTES;
* then, with the limits back, a pass publishes every case: nothing was lost.

And, with a real producer, the limits themselves: a body of DW_MAX_BODY_BYTES (its default,
derived from the record limit) always fits a raw-page record; a record over the limit is
refused before it is sent.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from docketwatch.contract import (
    RECORD_LIMIT_BYTES,
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    DeadLetter,
    PageKind,
    PageState,
    RawPage,
    max_body_bytes,
)
from docketwatch.kafka import RecordTooLarge, ensure_topics, make_producer, record_size
from launcher.stack import Stack
from services.fetcher import metrics
from services.fetcher.http import Fetched
from services.fetcher.publisher import Pending, Publisher
from services.fetcher.settings import FetcherSettings
from services.fetcher.state import CrawlState
from tests.fetcher.helpers import AS_OF, cases_in, raw_pages, read_topic, truth_cases, write_roster

pytestmark = pytest.mark.integration

COURTS = ["25GV0001", "25GV0002"]
START = "2024-07-01"
SMALL_TOPIC_LIMIT = 1000  # bytes: every page's (compressed) batch is over it


def env(**extra: str) -> dict[str, str]:
    return {"DW_FETCH_END": AS_OF, "DW_FETCH_START": START, "DW_FETCH_MODE": "once",
            "DW_HOST_RATE_PER_S": "0", "DW_BREAKER_COOLDOWN_S": "0", **extra}


def last_pass(stack: Stack) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (stack.workdir / "data" / "fetcher" / "last_pass.json").read_text(encoding="utf-8"))
    return data


def dead_letters(stack: Stack) -> list[DeadLetter]:
    return [DeadLetter.from_bytes(v) for _, v in read_topic(stack.bootstrap, TOPIC_DEAD_LETTERS)]


async def _raw_topic_limit(bootstrap: str, limit: int, *, create: bool) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if create:
            await admin.create_topics([NewTopic(TOPIC_RAW_PAGES, 6, 1, topic_configs={
                "retention.ms": "-1", "max.message.bytes": str(limit)})])
        else:
            await admin.alter_configs([ConfigResource(
                ConfigResourceType.TOPIC, TOPIC_RAW_PAGES,
                configs={"retention.ms": "-1", "max.message.bytes": str(limit)})])
    finally:
        await admin.close()


def run_pass(stack: Stack, *, failed: bool, **extra: str) -> dict[str, Any]:
    """One whole pass of the fetcher process: it exits 1 when a court failed, 0 otherwise,
    and in both cases has written its report (no traceback: it did not die)."""
    log = stack.log_path("fetcher")
    start = log.stat().st_size if log.exists() else 0
    stack.start_service("fetcher", env(**extra))
    code = stack.wait_exit("fetcher", timeout=600)
    text = log.read_text(encoding="utf-8", errors="replace")[start:]
    assert code == (1 if failed else 0), text[-3000:]
    assert "fetcher pass: " in text and "Traceback" not in text, text[-3000:]
    return last_pass(stack)


@pytest.fixture(scope="module")
def sim(stack: Stack) -> Stack:
    roster = write_roster(stack.workdir / "roster.csv", COURTS)
    stack.start_simulator(seed=5, as_of=AS_OF, scale=0.05, extra=["--courts-csv", str(roster)])
    asyncio.run(_raw_topic_limit(stack.bootstrap, SMALL_TOPIC_LIMIT, create=True))
    asyncio.run(ensure_topics(stack.bootstrap))
    return stack


def test_pages_the_broker_refuses_fail_their_windows_and_the_fetcher_goes_on(sim: Stack) -> None:
    # This used to end the fetcher with MessageSizeTooLargeError on the first page.
    report = run_pass(sim, failed=True)
    assert report["published"] == 0 and report["windows"] == 0
    assert sorted(report["failed"]) == COURTS
    assert all(why.startswith("RecordTooLarge: ") and "TooLargeError" in why
               for why in report["failed"].values()), report["failed"]
    letters = dead_letters(sim)
    # Three failed windows in a row open a court's circuit: three letters a court.
    assert sorted(d.court_code or "" for d in letters) == sorted(COURTS * 3)
    assert {d.error_type for d in letters} == {"RecordTooLarge"}
    assert all(d.payload == b"" and not d.truncated for d in letters)
    assert raw_pages(sim.bootstrap) == []


def test_bodies_over_the_cap_fail_their_windows_and_the_fetcher_goes_on(sim: Stack) -> None:
    before = len(dead_letters(sim))
    report = run_pass(sim, failed=True, DW_MAX_BODY_BYTES="2000")
    assert report["published"] == 0 and sorted(report["failed"]) == COURTS
    letters = dead_letters(sim)[before:]
    # One letter a court: the circuit remembers the three failures of the pass before.
    assert sorted(d.court_code or "" for d in letters) == COURTS
    assert {d.error_type for d in letters} == {"BodyTooLarge"}
    assert all("exceeds 2000" in d.error for d in letters)


def test_with_the_limits_back_a_pass_publishes_every_case(sim: Stack) -> None:
    asyncio.run(_raw_topic_limit(sim.bootstrap, RECORD_LIMIT_BYTES, create=False))
    report = run_pass(sim, failed=False)
    assert report["failed"] == {} and report["incomplete"] == []
    truth = truth_cases(sim)
    found = cases_in(raw_pages(sim.bootstrap))
    want = {(court, n) for court, numbers in truth.items() for n in numbers}
    received = {(c["court"], c["case_number"]) for c in sim.truth()["cases"]
                if c["receipt_date"] >= START}
    assert received and received <= found <= want


# --------------------------------------------------------------------------- the limits


def fetched(body: bytes, url: str = "http://court.example/modules.php?name=sud_delo") -> Fetched:
    return Fetched(url=url, status=200, body=body, charset="windows-1251", state=PageState.OK,
                   text="", fetched_at=datetime.now(UTC))


def test_the_body_cap_is_derived_from_the_record_limit() -> None:
    assert FetcherSettings().max_body_bytes == max_body_bytes()
    with pytest.raises(ValueError, match="less than or equal to"):
        FetcherSettings(max_body_bytes=max_body_bytes() + 1)
    # The old cap (8 MiB) did not fit once base64-encoded.
    page = RawPage(page_id="p", court_code="25GV0001", url="u", kind=PageKind.CARD,
                   fetched_at=datetime.now(UTC), http_status=200, state=PageState.OK,
                   sha256="0" * 64, body=b"x" * (8 * 1024 * 1024))
    assert record_size(b"25GV0001", page.to_bytes()) > RECORD_LIMIT_BYTES


async def test_a_body_at_the_cap_is_published_and_a_record_over_the_limit_is_not(
        sim: Stack, tmp_path: Path) -> None:
    await _raw_topic_limit(sim.bootstrap, RECORD_LIMIT_BYTES, create=False)
    producer = make_producer(sim.bootstrap, client_id="test-oversized")
    await producer.start()
    state = CrawlState(tmp_path / "state.sqlite3")
    try:
        publisher = Publisher(producer, state)
        pending = Pending()
        # Incompressible, the longest URL and parameters a court's page could have.
        body = os.urandom(max_body_bytes())
        long_url = "http://court.example/modules.php?" + "x" * 4000
        await publisher.send("25GV0001", fetched(body, long_url), {"p": "y" * 4000},
                             PageKind.CARD, True, pending)
        await publisher.settle(pending)
        assert publisher.published == 1
        refused = metrics.OVERSIZED.labels("record")._value.get()
        with pytest.raises(RecordTooLarge, match=f"over the limit of {RECORD_LIMIT_BYTES}"):
            await publisher.send("25GV0001", fetched(body, "http://court.example/?" +
                                                     "x" * 100_000), {}, PageKind.CARD, True,
                                 Pending())
        assert metrics.OVERSIZED.labels("record")._value.get() == refused + 1
        # The producer is still fine.
        pending = Pending()
        await publisher.send("25GV0001", fetched(b"<html></html>"), {}, PageKind.CARD, True,
                             pending)
        await publisher.settle(pending)
        assert publisher.published == 2
    finally:
        state.close()
        await producer.stop()
