"""Fast checks of the fetcher's parts that need no broker: spacing, marks, plans, ids."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date
from pathlib import Path

import pytest

from docketwatch.sudrf import VNKOD, card_params, list_rows
from services.fetcher.blocks import Blocks
from services.fetcher.http import retry_after_seconds
from services.fetcher.pacing import HostPacer
from services.fetcher.windows import DECISION, decision_windows, month_windows


async def test_pacer_spaces_request_starts_per_host() -> None:
    pacer = HostPacer(rate_per_s=20, jitter=0.0)
    loop = asyncio.get_running_loop()
    starts: dict[str, list[float]] = {"a": [], "b": []}

    async def hit(host: str) -> None:
        async with pacer.slot(host):
            starts[host].append(loop.time())

    await asyncio.gather(*(hit(h) for h in ["a", "b"] * 5))
    for times in starts.values():
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(times) == 5 and min(gaps) >= 0.05 - 0.002
    # Hosts do not wait for each other.
    assert abs(starts["a"][0] - starts["b"][0]) < 0.02


def test_a_mark_lasts_until_its_file_is_deleted(tmp_path: Path) -> None:
    blocks = Blocks(tmp_path)
    assert blocks.get("27GV0001") is None
    blocks.mark("27GV0001", "captcha", "captcha on 3 requests", "http://x/modules.php")
    assert blocks.get("27GV0001", ) is not None
    assert blocks.all()["27GV0001"]["state"] == "captcha"
    blocks.path("27GV0001").unlink()
    assert blocks.get("27GV0001") is None


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_windows_cover_every_day_once_and_decisions_are_recent() -> None:
    ws = month_windows(date(2022, 2, 24), date(2024, 12, 27))
    days = sum((w.end - w.start).days + 1 for w in ws)
    assert days == (date(2024, 12, 27) - date(2022, 2, 24)).days + 1
    assert ws[0].key == ("2024-12-01", "2024-12-27")
    ds = decision_windows(date(2024, 12, 27), 120)
    assert [w.kind for w in ds] == [DECISION] * 5 and ds[-1].start == date(2024, 8, 1)
    assert decision_windows(date(2024, 12, 27), 0) == []


def test_card_ids_never_carry_other_parameters() -> None:
    q = dict(card_params(VNKOD, "123", "ab-cd"))
    assert q["_id"] == "123" and q["_uid"] == "ab-cd" and q["name_op"] == "case"
    with pytest.raises(ValueError):
        card_params("standard", "1&name_op=r", "x")


def test_rows_are_keyed_by_their_case_link() -> None:
    row = ("<tr><td><a href='/modules.php?name=sud_delo&name_op=case&case_id=5&"
           "case_uid=AB-12&delo_id=1540006'>1-1/2024</a></td><td>x</td></tr>")
    page = f"<table id='tablcont'><tr><th>№</th></tr>{row}{row}</table>"
    rows = list_rows(page)
    assert [(r.case_id, r.key, r.number) for r in rows] == [("5", "ab-12", "1-1/2024")] * 2
    assert rows[0].fingerprint == rows[1].fingerprint
