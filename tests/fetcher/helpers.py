"""Shared pieces of the fetcher's integration tests: rosters, the raw topic, the simulator."""

from __future__ import annotations

import asyncio
import csv
import re
import sqlite3
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer

from docketwatch.contract import PageKind, RawPage
from docketwatch.kafka import topic_partitions
from docketwatch.sudrf import card_ids
from docketwatch.sudrf.parse import ParseError, parse_page
from launcher.stack import Stack
from services.simulator.courts import CSV_COLUMNS, default_courts_path

AS_OF = "2024-12-27"


def write_roster(path: Path, vnkods: list[str]) -> Path:
    """A simulator roster with just these courts (rows copied from the bundled CSV)."""
    with default_courts_path().open(encoding="utf-8", newline="") as f:
        rows = {r["vnkod"]: r for r in csv.DictReader(f)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(CSV_COLUMNS))
        w.writeheader()
        for v in vnkods:
            w.writerow({k: rows[v].get(k, "") for k in CSV_COLUMNS})
    return path


def read_topic(bootstrap: str, topic: str) -> list[tuple[bytes | None, bytes]]:
    """Every record of a topic, from the beginning to the end offsets of now."""
    async def go() -> list[tuple[bytes | None, bytes]]:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                    auto_offset_reset="earliest",
                                    fetch_max_bytes=64 * 1024 * 1024,
                                    max_partition_fetch_bytes=16 * 1024 * 1024)
        await consumer.start()
        try:
            tps = await topic_partitions(consumer, topic)
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            ends = await consumer.end_offsets(tps)
            out: list[tuple[bytes | None, bytes]] = []
            async def behind() -> bool:
                return any([await consumer.position(tp) < ends[tp] for tp in tps])

            while await behind():
                batch = await consumer.getmany(timeout_ms=1000)
                for records in batch.values():
                    out += [(r.key, r.value) for r in records if r.value is not None]
            return out
        finally:
            await consumer.stop()

    return asyncio.run(go())


def raw_pages(bootstrap: str) -> list[RawPage]:
    from docketwatch.contract import TOPIC_RAW_PAGES
    return [RawPage.from_bytes(v) for _, v in read_topic(bootstrap, TOPIC_RAW_PAGES)]


def cases_in(pages: list[RawPage]) -> set[tuple[str, str]]:
    """(court, case number) of every case any page shows, read by the parser's library."""
    found: set[tuple[str, str]] = set()
    for p in pages:
        if p.kind is PageKind.WINDOW:
            continue  # the fetcher's own account of a window, not a page of the site
        try:
            case_id, case_uid = card_ids(p.params)
            parsed = parse_page(p.body, p.kind, p.court_code, charset=p.charset,
                                case_uid=case_uid, case_id=case_id)
        except ParseError:
            # The parser cannot read the simulator's VNKOD lists yet (their counter);
            # those courts' cases are found through their cards.
            assert p.kind is PageKind.LIST, p.url
            continue
        found |= {(s.court_code, s.case_number) for s in parsed.snapshots}
    return found


def truth_cases(stack: Stack) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in stack.truth()["cases"]:
        out.setdefault(c["court"], set()).add(c["case_number"])
    return out


def access_log(stack: Stack, court: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = stack.sim(f"/_sim/access_log?court={court}", timeout=10)
    return data


_LINE = re.compile(r"fetcher pass: (\d+) pages fetched, (\d+) published, (\d+) windows, "
                   r"(\d+) windows already done, (\d+) cards")


def pass_line(log: Path) -> dict[str, int]:
    """The figures of the last ``fetcher pass:`` line of a log."""
    found = _LINE.findall(log.read_text(encoding="utf-8", errors="replace"))
    assert found, log.read_text()[-3000:]
    pages, published, windows, skipped, cards = map(int, found[-1])
    return {"pages": pages, "published": published, "windows": windows, "skipped": skipped,
            "cards": cards}


def windows_done(state_db: Path, before: str = "9999-12-31") -> int:
    """Windows the fetcher's state records as done (ending before ``before``)."""
    if not state_db.exists():
        return 0
    db = sqlite3.connect(f"file:{state_db}?mode=ro", uri=True, timeout=5)
    try:
        return int(db.execute("SELECT count(*) FROM windows WHERE date_to < ?",
                              (before,)).fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()
