"""Poison pages through the parser service: none of them wedges the worker.

One worker, a real broker, five records on one partition, in this order:

0. a real results page (25 cases);
1. an 8 MiB card of 100,000 unclosed ``<div>`` tags: lexbor's tree building is quadratic on
   them (40,000 take it 4 s, these minutes), so the page is dead-lettered as ParseTimeout
   after DW_PARSER_PAGE_TIMEOUT_S of CPU, here longer than the Kafka session, while the
   worker keeps answering /health, keeps its place in the group and is not restarted by its
   stall watch;
2. an 8 MiB page of the review's 100,000 unclosed ``<input name`` and 100,000 ``<script``
   tags: read within the limit (a page cut before ``</html>``: no case, no dead letter);
3. 3 MiB that are not a record: dead-lettered, the letter holding the first MiB and the
   whole record's sha256 and length;
4. an 8 MiB card whose 7,900 movements read as a 17 MB event (cp1251 letters are two bytes
   in JSON): dead-lettered as RecordTooLarge, not sent for the producer to refuse for ever;
5. a real case card: read, its events sent, like page 0's.

Pages 1, 2 and 4 exceed what a RawPage can carry from our fetcher once encoded (11 MB): they are
sent by a producer with a larger limit, compressed (which is what the broker checks), as a
writer other than our fetcher could.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any

import pytest

from docketwatch.contract import (
    DEAD_LETTER_PAYLOAD_LIMIT,
    RECORD_LIMIT_BYTES,
    TOPIC_CASE_EVENTS,
    TOPIC_DEAD_LETTERS,
    TOPIC_RAW_PAGES,
    CaseEvent,
    DeadLetter,
    PageKind,
    PageState,
    RawPage,
    SourceRef,
    sha256_hex,
)
from docketwatch.kafka import ensure_topics, record_size
from docketwatch.settings import PARSER_GROUP
from docketwatch.sudrf import card_ids
from docketwatch.sudrf.parse import parse_page
from launcher.golden import GOLDEN_DIR
from launcher.stack import Stack
from launcher.trials import KafkaProbe, start_parser
from services.parser import lifecycle
from tests.fetcher.helpers import read_topic

pytestmark = pytest.mark.integration

COURT = "52GV0001"
MIB = 1024 * 1024
PAGE_TIMEOUT_S = 7.0  # CPU seconds; over the session timeout below, under half the stall's
STALL_TIMEOUT_S = 30.0  # so a page may take 15 s of wall time (a crowded machine)
SESSION_TIMEOUT_S = 6.0

LIST = (GOLDEN_DIR / "2zovs_search_r_criminal1inst_article205.1_page1.excerpt.cp1251.html"
        ).read_bytes()
CARD = (GOLDEN_DIR / "district_criminal_card_leninsky_ufa_1-151_2026.utf8.html").read_bytes()
CARD_PARAMS = {"name_op": "case", "case_id": "1", "case_uid": "4a1e1b4e-0c1b-4d0e-9d4f-1"}


def nested_divs() -> bytes:
    head = ('<html><body><div class="casenumber">ДЕЛО № 1-1/2024</div><table id="tablcont">'
            "<tr><th>ДЕЛО</th></tr></table>")
    unit = "<div>" + "x" * 73  # 78 bytes: 100,000 of them and the head, under 8 MiB
    page = (head + unit * 100_000).encode("utf-8")
    tail = b"</body></html>"  # a whole page, so that it is parsed, not reported cut
    return page.ljust(8 * MIB - len(tail), b" ") + tail


def review_page() -> bytes:
    """100,000 unclosed <input name and 100,000 <script, spread over 8 MiB."""
    body = "<html><body>" + ("<input name" + " " * 28) * 100_000 + ("<script " + " " * 31) * 100_000
    return body.encode("ascii").ljust(8 * MIB, b" ")


def many_movements() -> bytes:
    """A card whose movement table holds 7,900 rows of 1,000 Cyrillic letters (cp1251)."""
    head = ('<html><body><div class="casenumber">ДЕЛО № 1-99/2024</div>'
            '<table id="tablcont"><tr><th colspan="2">ДЕЛО</th></tr>'
            '<tr><td><b>Дата поступления</b></td><td>01.02.2024</td></tr></table>'
            '<table id="tablcont"><tr><th colspan="3">ДВИЖЕНИЕ ДЕЛА</th></tr>'
            "<tr><td><b>Наименование события</b></td><td><b>Дата</b></td><td><b>Время</b></td>"
            "</tr>")
    row = "<tr><td>" + "Ж" * 1000 + "{i}</td><td>01.03.2024</td><td>10:00</td></tr>"
    page = head + "".join(row.format(i=i) for i in range(7900)) + "</table></body></html>"
    return page.encode("cp1251")


def raw(n: int, body: bytes, kind: PageKind, params: dict[str, str] | None = None) -> RawPage:
    url = f"http://poison.invalid/{n}"
    return RawPage(page_id=sha256_hex(url.encode()), court_code=COURT, url=url,
                   params=params or {}, kind=kind, fetched_at=datetime(2026, 1, 5, tzinfo=UTC),
                   http_status=200, state=PageState.OK, charset=None, sha256=sha256_hex(body),
                   body=body)


def records() -> list[bytes]:
    return [raw(0, LIST, PageKind.LIST).to_bytes(),
            raw(1, nested_divs(), PageKind.CARD).to_bytes(),
            raw(2, review_page(), PageKind.LIST).to_bytes(),
            b"\xff" * (3 * MIB),
            raw(4, many_movements(), PageKind.CARD).to_bytes(),
            raw(5, CARD, PageKind.CARD, CARD_PARAMS).to_bytes()]


def events_of(page: RawPage) -> list[CaseEvent]:
    """A page's events on first sight of its cases, read in-process as the worker reads."""
    case_id, case_uid = card_ids(page.params)
    parsed = parse_page(page.body, page.kind, COURT, case_uid=case_uid, case_id=case_id)
    src = SourceRef(page_id=page.page_id, url=page.url, sha256=page.sha256,
                    fetched_at=page.fetched_at)
    return [e for snap in parsed.snapshots
            for e in lifecycle.to_events(snap.case_key, snap, lifecycle.changes(None, snap), src,
                                         parsed.parser_version)]


def expected_event_ids() -> set[str]:
    """The events of pages 0 and 5."""
    return {e.event_id for page in (raw(0, LIST, PageKind.LIST),
                                    raw(5, CARD, PageKind.CARD, CARD_PARAMS))
            for e in events_of(page)}


async def publish(bootstrap: str, values: list[bytes]) -> None:
    from aiokafka import AIOKafkaProducer

    await ensure_topics(bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all",
                                compression_type="zstd", max_request_size=64 * MIB)
    await producer.start()
    try:
        for value in values:  # one partition, in order
            await producer.send_and_wait(TOPIC_RAW_PAGES, value, key=COURT.encode())
    finally:
        await producer.stop()


def get(stack: Stack, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.ops_ports['parser']}{path}",
                                timeout=30) as r:
        return str(r.read().decode())


def metric(text: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name) and not line.startswith(name + "_created"))


class HealthWatch(threading.Thread):
    """Asks /health every 0.2 s, recording how long each answer took."""

    def __init__(self, stack: Stack) -> None:
        super().__init__(daemon=True)
        self.stack = stack
        self.latencies: list[float] = []
        self.answers: list[dict[str, Any]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                self.answers.append(json.loads(get(self.stack, "/health")))
                self.latencies.append(time.monotonic() - t0)
            except OSError:
                self.latencies.append(float("inf"))
            self.stop.wait(0.2)


@pytest.fixture(scope="module")
def drained(stack: Stack) -> tuple[Stack, list[bytes], HealthWatch]:
    values = records()
    assert [len(v) > 10 * MIB for v in values] == [False, True, True, False, True, False]
    assert len(nested_divs()) == len(review_page()) == 8 * MIB > len(many_movements())
    asyncio.run(publish(stack.bootstrap, values))
    start_parser(stack, extra={"DW_PARSER_PAGE_TIMEOUT_S": str(PAGE_TIMEOUT_S),
                               "DW_KAFKA_SESSION_TIMEOUT_S": str(SESSION_TIMEOUT_S),
                               "DW_STALL_TIMEOUT_S": str(STALL_TIMEOUT_S)})
    probe = KafkaProbe(stack.bootstrap, ((PARSER_GROUP, TOPIC_RAW_PAGES),))

    def serving() -> dict[str, Any] | None:
        if stack.procs["parser"].poll() is not None:
            raise ChildProcessError(stack.log_path("parser").read_text()[-3000:])
        try:
            health: dict[str, Any] = json.loads(get(stack, "/health"))
        except OSError:
            return None
        return health if health.get("pages", 0) >= 1 else None  # page 0 handled

    deadline = time.monotonic() + 180
    while serving() is None:
        assert time.monotonic() < deadline, "the worker never handled the first page"
        time.sleep(0.1)
    watch = HealthWatch(stack)
    watch.start()
    try:
        probe.wait(lambda o: o.lag(PARSER_GROUP, TOPIC_RAW_PAGES) == 0, timeout=300,
                   interval=0.2, what="the raw topic handled")
    finally:
        watch.stop.set()
        watch.join()
    return stack, values, watch


def test_the_worker_answered_throughout_and_kept_its_place(
        drained: tuple[Stack, list[bytes], HealthWatch]) -> None:
    stack, _, watch = drained
    assert stack.procs["parser"].poll() is None
    # Answers all along, while a page took PAGE_TIMEOUT_S of CPU in a parse process: the
    # event loop (heartbeats, /health, the stall watch) never waited on it.
    assert len(watch.latencies) >= PAGE_TIMEOUT_S / 0.5
    assert max(watch.latencies) < 2.0, sorted(watch.latencies)[-5:]
    first, last = watch.answers[0], watch.answers[-1]
    assert last["consumer_generation"] == first["consumer_generation"] > 0  # no rebalance
    assert last["uptime_s"] > first["uptime_s"] + PAGE_TIMEOUT_S  # the same process life
    log = stack.log_path("parser").read_text(encoding="utf-8", errors="replace")
    assert "restarting:" not in log and "stall watch: no progress" not in log
    health = json.loads(get(stack, "/health"))
    assert (health["pages"], health["dead_letters"], health["parse_timeouts"],
            health["parse_process_restarts"]) == (4, 3, 1, 1)


def test_the_slow_page_and_the_non_record_are_dead_lettered_traceably(
        drained: tuple[Stack, list[bytes], HealthWatch]) -> None:
    stack, values, _ = drained
    letters = [DeadLetter.from_bytes(v) for _, v in read_topic(stack.bootstrap,
                                                                TOPIC_DEAD_LETTERS)]
    assert [(d.error_type, d.source_offset) for d in letters] == [
        ("ParseTimeout", 1), ("ValidationError", 3), ("RecordTooLarge", 4)]
    slow, junk, huge = letters
    (event,) = events_of(raw(4, many_movements(), PageKind.CARD))
    size = record_size(event.case_key.encode(), event.to_bytes())
    assert size > RECORD_LIMIT_BYTES
    assert huge.error == (f"received event of {event.case_key}: a record of {size} bytes, "
                          f"over the limit of {RECORD_LIMIT_BYTES}")
    assert huge.payload_length == len(values[4])
    assert slow.error in (f"parsing took over the CPU-time limit of {PAGE_TIMEOUT_S:g} s "
                          "(DW_PARSER_PAGE_TIMEOUT_S)",
                          f"parsing took over the wall-time limit of {STALL_TIMEOUT_S / 2:g} s "
                          "(DW_PARSER_PAGE_TIMEOUT_S)")
    assert (slow.court_code, slow.url) == (COURT, "http://poison.invalid/1")
    for letter, value in ((slow, values[1]), (junk, values[3])):
        assert letter.truncated
        assert letter.payload == value[:DEAD_LETTER_PAYLOAD_LIMIT]
        assert (letter.payload_length, letter.payload_sha256) == (len(value), sha256_hex(value))
        assert letter.source_topic == TOPIC_RAW_PAGES
        assert len(letter.to_bytes()) < 2 * MIB


def test_the_good_pages_before_and_after_were_read(
        drained: tuple[Stack, list[bytes], HealthWatch]) -> None:
    stack, _, _ = drained
    events = [CaseEvent.from_bytes(v) for _, v in read_topic(stack.bootstrap, TOPIC_CASE_EVENTS)]
    assert {e.event_id for e in events} == expected_event_ids()
    assert len(events) == len(expected_event_ids())
    assert {e.source.url for e in events} == {"http://poison.invalid/0",
                                             "http://poison.invalid/5"}


def test_the_metrics_say_what_happened(
        drained: tuple[Stack, list[bytes], HealthWatch]) -> None:
    stack, _, _ = drained
    text = get(stack, "/metrics")
    assert metric(text, "docketwatch_parser_parse_timeouts_total") == 1
    assert metric(text, 'docketwatch_parser_dead_letters_total{error="ParseTimeout"}') == 1
    assert metric(text, 'docketwatch_parser_dead_letters_total{error="ValidationError"}') == 1
    assert metric(text, 'docketwatch_parser_parse_process_restarts_total{reason="timeout"}') == 1
    assert metric(text, 'docketwatch_parser_pages_total{state="timeout"}') == 1
    assert metric(text, 'docketwatch_parser_pages_total{state="truncated"}') == 1
    assert metric(text, "docketwatch_parser_records_too_large_total") == 1
    assert metric(text, 'docketwatch_parser_dead_letters_total{error="RecordTooLarge"}') == 1
