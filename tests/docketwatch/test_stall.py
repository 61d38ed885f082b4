"""The stall rule of stream workers (docketwatch.streams.Stall): work waiting and no
progress for the timeout, nothing else."""

from __future__ import annotations

from docketwatch.streams import Stall


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
