"""The parse pool: pages parsed in child processes, a CPU-time limit per page, children
replaced when they overrun or die, and the pages queued behind handed to the next child.

Real child processes throughout. The slow page is one no pattern of ours can speed up:
HTML5 tree building is quadratic on nested unclosed elements, and lexbor takes minutes on
100,000 unclosed ``<div>`` (40,000 already take it 3 s), far beyond every limit used here.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docketwatch.contract import PageKind
from docketwatch.parse_pool import (
    PARSE_TIMEOUT,
    PARSER_CRASHED,
    ParseOutcome,
    ParsePool,
    ParsePoolClosed,
    ParseRequest,
)
from docketwatch.sudrf.parse import parse_page
from launcher.golden import GOLDEN_DIR

LIST = GOLDEN_DIR / "2zovs_search_r_criminal1inst_article205.1_page1.excerpt.cp1251.html"
CARD = GOLDEN_DIR / "district_criminal_card_leninsky_ufa_1-151_2026.utf8.html"
GOOD = ParseRequest(LIST.read_bytes(), PageKind.LIST, "77OV0000")
# A standard card (so lexbor builds the whole page) of 100,000 unclosed <div>.
NESTED = ParseRequest(
    ('<html><body><div class="casenumber">ДЕЛО № 1-1/2024</div><table id="tablcont"><tr>'
     "<th>ДЕЛО</th></tr></table>" + "<div>" * 100_000 + "</body></html>").encode(),
    PageKind.CARD, "52GV0001")


def wait_for(check, timeout: float = 60.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise TimeoutError(f"{what} not reached within {timeout} s")


def cpu_of(pid: int) -> float:
    """CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


async def test_a_page_parses_as_in_process() -> None:
    pool = ParsePool(1, 5.0)
    try:
        outcome = await pool.parse(GOOD)
        card = ParseRequest(CARD.read_bytes(), PageKind.CARD, "02RS0003", case_uid="u1")
        card_outcome = await pool.parse(card)
    finally:
        await pool.close()
    assert outcome.error_type is None
    assert outcome.parsed == parse_page(GOOD.body, GOOD.kind, GOOD.court_code)
    assert card_outcome.parsed == parse_page(card.body, PageKind.CARD, "02RS0003",
                                             case_uid="u1")
    assert 0 < outcome.seconds < 5.0


async def test_an_unreadable_page_is_answered_with_its_parse_error() -> None:
    pool = ParsePool(1, 5.0)
    try:
        outcome = await pool.parse(ParseRequest(b"<html>nothing we know</html>",
                                                PageKind.LIST, "52GV0001"))
    finally:
        await pool.close()
    assert outcome.parsed is None
    assert outcome.error_type == "UnrecognizedPageError"
    assert outcome.error == "no known sudrf page marker"


async def test_a_page_over_the_cpu_limit_times_out_and_the_pages_behind_it_are_parsed() -> None:
    reasons: list[str] = []
    pool = ParsePool(1, 0.5, on_restart=reasons.append)
    try:
        await pool.start()
        (first,) = pool.pids()
        stream = pool.stream([GOOD, NESTED, GOOD, GOOD])
        t0 = time.monotonic()
        outcomes = [await stream.outcome(i) for i in range(4)]
        seconds = time.monotonic() - t0
        (second,) = pool.pids()
    finally:
        await pool.close()
    expected = parse_page(GOOD.body, GOOD.kind, GOOD.court_code)
    assert [o.parsed == expected for o in outcomes] == [True, False, True, True]
    timeout = outcomes[1]
    assert timeout == ParseOutcome(error_type=PARSE_TIMEOUT, error="parsing took over the "
                                   "CPU-time limit of 0.5 s (DW_PARSER_PAGE_TIMEOUT_S)",
                                   seconds=0.5)
    assert reasons == ["timeout"]
    assert first != second and gone(first)  # type: ignore[arg-type]
    assert seconds < 60  # half a CPU second, and a new child (the page alone takes minutes)


async def test_a_page_over_the_wall_limit_times_out() -> None:
    """A child that gets no CPU (here: it is stopped) is answered at the wall-time limit."""
    pool = ParsePool(1, 30.0, wall_limit_s=1.0)
    try:
        await pool.start()
        (pid,) = pool.pids()
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        outcome = await pool.parse(GOOD)
        after = await pool.parse(GOOD)
    finally:
        await pool.close()
    assert outcome.error_type == PARSE_TIMEOUT
    assert outcome.error == ("parsing took over the wall-time limit of 1 s "
                             "(DW_PARSER_PAGE_TIMEOUT_S)")
    assert after.error_type is None and after.parsed is not None


async def test_a_page_whose_child_is_killed_is_tried_again_then_answered_crashed() -> None:
    reasons: list[str] = []
    pool = ParsePool(1, 600.0, on_restart=reasons.append)
    killed: list[int] = []

    async def kill_when_busy() -> None:
        for _ in range(2):
            pid = await asyncio.to_thread(
                wait_for, lambda: (p := pool.pids()[0]) is not None and p not in killed
                and cpu_of(p) > 0.3 and p, 120, "a child busy on the page")
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    try:
        await pool.start()
        killer = asyncio.ensure_future(kill_when_busy())
        outcome = await pool.parse(NESTED)
        await killer
        after = await pool.parse(GOOD)
    finally:
        await pool.close()
    assert outcome == ParseOutcome(error_type=PARSER_CRASHED, error="the parse process ended "
                                   "with -9 on this page, 2 times")
    assert reasons == ["crash", "crash"]
    assert after.parsed is not None


async def test_a_child_that_dies_idle_is_replaced() -> None:
    reasons: list[str] = []
    pool = ParsePool(1, 5.0, on_restart=reasons.append)
    try:
        await pool.start()
        (pid,) = pool.pids()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        await asyncio.to_thread(wait_for, lambda: pool.pids()[0] not in (None, pid), 60,
                                "a new child")
        outcome = await pool.parse(GOOD)
    finally:
        await pool.close()
    assert reasons == ["exit"]
    assert outcome.parsed is not None


async def test_pages_spread_over_several_children_come_back_in_order() -> None:
    pool = ParsePool(2, 0.5)
    pages = [GOOD, ParseRequest(b"junk", PageKind.LIST, "x"), NESTED, GOOD, GOOD]
    try:
        stream = pool.stream(pages)
        outcomes = [await stream.outcome(i) for i in range(len(pages))]
        pids = pool.pids()
    finally:
        await pool.close()
    assert [o.error_type for o in outcomes] == [None, "UnrecognizedPageError", PARSE_TIMEOUT,
                                                None, None]
    assert len(set(pids)) == 2


async def test_closing_answers_waiting_pages_with_an_error_that_is_not_theirs() -> None:
    pool = ParsePool(1, 600.0)
    await pool.start()
    waiting = pool.submit(NESTED)
    (pid,) = pool.pids()
    await pool.close()
    with pytest.raises(ParsePoolClosed):
        await waiting
    assert pid is not None and gone(pid)


def test_children_die_with_their_parent(tmp_path: Path) -> None:
    """A parent killed with SIGKILL (no clean-up at all) takes its children along, even one
    deep in a page (PR_SET_PDEATHSIG), so no orphan keeps parsing."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import asyncio, sys\n"
        "from docketwatch.parse_pool import ParsePool\n"
        "from tests.docketwatch.test_parse_pool import NESTED\n"
        "async def main():\n"
        "    pool = ParsePool(1, 600.0)\n"
        "    await pool.start()\n"
        "    pool.submit(NESTED)\n"
        "    print(pool.pids()[0], flush=True)\n"
        "    await asyncio.sleep(600)\n"
        "asyncio.run(main())\n")
    root = Path(__file__).resolve().parents[2]
    parent = subprocess.Popen([sys.executable, str(script)], cwd=root, stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(root)})
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        wait_for(lambda: cpu_of(child) > 0.2, 60, "the child busy on the page")
        parent.kill()
        parent.wait(30)
        wait_for(lambda: gone(child), 30, "the child gone")
    finally:
        if parent.poll() is None:
            parent.kill()
