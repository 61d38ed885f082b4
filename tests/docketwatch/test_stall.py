"""Stream workers' safety rules: the stall rule (docketwatch.streams.Stall: work waiting
and no progress for the phase's limit, nothing else) and until_done's retries."""

from __future__ import annotations

import asyncio

import pytest

from docketwatch.kafka import GroupPosition
from docketwatch.streams import Continuity, OffsetGap, Phase, Stall, until_done

W, U, R = Phase.WORKING, Phase.UNASSIGNED, Phase.REBALANCING


def test_no_progress_with_a_backlog_for_the_timeout_is_a_stall() -> None:
    s = Stall(timeout=300)
    assert not s.observe(0, W, progress=10, backlog=5)
    assert not s.observe(299, W, progress=10, backlog=5)
    assert s.observe(300, W, progress=10, backlog=5)


def test_progress_or_an_empty_backlog_restarts_the_clock() -> None:
    s = Stall(timeout=300)
    s.observe(0, W, progress=10, backlog=5)
    assert not s.observe(200, W, progress=11, backlog=5)  # moved
    assert not s.observe(450, W, progress=11, backlog=5)  # 250 s since it moved
    assert not s.observe(460, W, progress=11, backlog=0)  # nothing to do: not stalled
    assert not s.observe(700, W, progress=11, backlog=3)  # 240 s since it had nothing
    assert s.observe(760, W, progress=11, backlog=3)


def test_slow_phases_get_three_times_the_timeout_but_not_forever() -> None:
    # Seen after a broker restart: an empty assignment that is never revisited.
    s = Stall(timeout=300)
    assert not s.observe(0, U, progress=40, backlog=5)
    assert not s.observe(899, U, progress=40, backlog=5)
    assert s.observe(900, U, progress=40, backlog=5)
    r = Stall(timeout=300)
    r.observe(0, R, progress=40, backlog=5)
    assert (r.observe(600, R, progress=40, backlog=5),
            r.observe(900, R, progress=40, backlog=5)) == (False, True)


def test_a_phase_change_or_an_unknown_backlog_restarts_the_clock() -> None:
    s = Stall(timeout=300)
    s.observe(0, W, progress=1, backlog=5)
    s.observe(250, R, progress=1, backlog=5)  # a rebalance began
    assert not s.observe(500, W, progress=1, backlog=5)  # working again since 500
    assert not s.observe(700, W, progress=1, backlog=None)  # the broker cannot be asked
    assert not s.observe(999, W, progress=1, backlog=5)
    assert s.observe(1000, W, progress=1, backlog=5)
    assert s.state(1000) == {"phase": "working", "backlog": 5, "unchanged_s": 300}


def test_a_zero_timeout_never_stalls() -> None:
    off = Stall(timeout=0)
    off.observe(0, W, progress=1, backlog=5)
    assert not off.observe(10_000, W, progress=1, backlog=5)


def test_group_position_backlog_counts_only_what_is_not_committed() -> None:
    pos = GroupPosition(committed={0: 10, 1: 0, 2: 7}, ends={0: 12, 1: 5, 2: 7})
    assert (pos.backlog(), pos.backlog({0}), pos.backlog({1, 2})) == (7, 2, 5)


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


def test_continuity_admits_each_partition_from_where_it_left_off() -> None:
    c = Continuity()
    assert c.unknown(1, {0, 1}) == {0, 1}
    c.start({0: 280, 1: 5})
    assert c.admit([(0, 280), (1, 5), (0, 281), (1, 6)]) == [0, 1, 2, 3]
    assert c.unknown(1, {0, 1}) == set()
    # re-deliveries of records already handled are skipped, the rest goes on
    assert c.admit([(0, 280), (0, 281), (0, 282), (1, 7)]) == [2, 3]
    assert c.next == {0: 283, 1: 8}


def test_continuity_refuses_a_batch_that_skips_records() -> None:
    # What faust handed the parser after a restart: 480 and 481 never came.
    c = Continuity()
    c.unknown(2, {1})
    c.start({1: 280})
    c.admit([(1, o) for o in range(280, 480)])
    with pytest.raises(OffsetGap, match="offset 482 delivered, 480 expected"):
        c.admit([(1, 482), (1, 483)])
    assert c.next == {1: 480}  # a refused batch moves nothing


def test_continuity_asks_again_after_a_rebalance() -> None:
    c = Continuity()
    c.unknown(1, {0})
    c.start({0: 10})
    c.admit([(0, 10), (0, 11)])
    assert c.unknown(2, {0, 3}) == {0, 3}  # new generation: the group's commits decide
    c.start({0: 11, 3: 0})
    assert c.admit([(0, 11), (3, 0)]) == [0, 1]


class _Restarted(Exception):
    pass


@pytest.mark.parametrize(("code", "restarts"), [(1, True), (0, False), (None, False)])
def test_a_failed_worker_starts_over_a_stopped_one_exits(
        monkeypatch: pytest.MonkeyPatch, code: int | None, restarts: bool) -> None:
    import faust.worker

    import docketwatch.streams as streams

    class Worker:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def execute_from_commandline(self) -> None:
            raise SystemExit(code)  # what mode's Worker does on a failure (1) or a signal (0)

    def restart(reason: str) -> None:
        raise _Restarted(reason)

    monkeypatch.setattr(faust.worker, "Worker", Worker)
    monkeypatch.setattr(streams, "restart_in_place", restart)
    monkeypatch.setattr(streams, "RESTART_PAUSE_S", 0.0)
    settings = type("S", (), {"log_level": "INFO"})()
    expected: type[BaseException] = _Restarted if restarts else SystemExit
    with pytest.raises(expected):
        streams.run_worker(None, None, settings)  # type: ignore[arg-type]
