"""Stream workers' safety rules: the stall rule (docketwatch.streams.Stall: work waiting
and no progress for the timeout, nothing else) and until_done's retries."""

from __future__ import annotations

import asyncio

import pytest

from docketwatch.streams import Stall, until_done


def test_no_progress_with_a_backlog_for_the_timeout_is_a_stall() -> None:
    s = Stall(timeout=300)
    assert not s.observe(0, progress=10, backlog=5)
    assert not s.observe(299, progress=10, backlog=5)
    assert s.observe(300, progress=10, backlog=5)


def test_progress_or_an_empty_backlog_restarts_the_clock() -> None:
    s = Stall(timeout=300)
    s.observe(0, progress=10, backlog=5)
    assert not s.observe(200, progress=11, backlog=5)  # moved
    assert not s.observe(450, progress=11, backlog=5)  # 250 s since it moved
    assert not s.observe(460, progress=11, backlog=0)  # nothing to do: not stalled
    assert not s.observe(700, progress=11, backlog=3)  # 240 s since it had nothing
    assert s.observe(760, progress=11, backlog=3)


def test_idle_phases_and_a_zero_timeout_never_stall() -> None:
    s = Stall(timeout=300)
    s.observe(0, progress=1, backlog=5)
    s.idle(250)  # e.g. rebalancing
    assert not s.observe(500, progress=1, backlog=5)
    assert s.observe(550, progress=1, backlog=5)
    off = Stall(timeout=0)
    off.observe(0, progress=1, backlog=5)
    assert not off.observe(10_000, progress=1, backlog=5)


def test_until_done_retries_what_it_is_told_to_and_nothing_else() -> None:
    calls: list[int] = []
    retries: list[int] = []

    async def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ValueError("broker away")
        return "done"

    result = asyncio.run(until_done(flaky, retry_on=ValueError, what="test",
                                    on_retry=lambda: retries.append(1)))
    assert (result, len(calls), len(retries)) == ("done", 3, 2)

    async def broken() -> str:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        asyncio.run(until_done(broken, retry_on=ValueError, what="test"))
