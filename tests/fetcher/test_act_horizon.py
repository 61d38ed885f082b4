"""The act horizon (issue 10): how long the fetcher keeps re-polling a verdict without an
act. Acts are noticed through the decision-date windows (an act link appearing changes the
case's list row, so its card is fetched again), so the horizon is how far back those
windows reach on every pass; older verdicts are left alone. No broker, no HTTP: the
crawler's own plan on a real state database."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from services.fetcher.courts import Court
from services.fetcher.crawler import Crawler
from services.fetcher.settings import FetcherSettings
from services.fetcher.state import CrawlState
from services.fetcher.windows import (
    DECISION,
    RECEIPT,
    Window,
    decision_horizon_start,
    decision_windows,
    month_windows,
)

END = date(2024, 12, 27)
START = date(2023, 1, 1)
COURT = Court("25GV0001", "Владивостокский гарнизонный военный суд", "http://127.0.0.1:1")


def settings(tmp_path: Path, **kw: Any) -> FetcherSettings:
    base: dict[str, Any] = {"fetch_start": START, "fetch_end": END, "recent_days": 120,
                            "resweep_days": 0, "state_dir": tmp_path / "state"}
    return FetcherSettings(**{**base, **kw})


def plan(tmp_path: Path, s: FetcherSettings) -> list[Window]:
    """What one pass polls once every receipt window was completed earlier."""
    state = CrawlState(s.state_path())
    try:
        for w in month_windows(START, END):
            state.mark_window(COURT.vnkod, RECEIPT, *w.key, total=10, rows=10)
        crawler = Crawler(s, [COURT], None, None, state, None, None)  # type: ignore[arg-type]
        due, skipped = crawler.plan(COURT, force=False)
    finally:
        state.close()
    assert skipped == len(month_windows(START, END)) - sum(w.kind == RECEIPT for w in due)
    return due


def polled(due: list[Window], decided: date, received: date) -> bool:
    """Is a verdict with these dates seen by a pass (its decision or receipt window)?"""
    return any(w.start <= (decided if w.kind == DECISION else received) <= w.end for w in due)


def test_the_horizon_defaults_to_the_decision_windows(tmp_path: Path) -> None:
    s = settings(tmp_path)
    assert (s.act_horizon_days, s.decision_days, s.act_horizon()) == (None, 180, 180)
    # DW_DECISION_DAYS=0 still means no decision window at all (test_polite_resume)
    off = settings(tmp_path, decision_days=0)
    assert off.act_horizon() == 0 and decision_windows(END, off.decision_days) == []


def test_a_longer_horizon_widens_the_decision_windows(tmp_path: Path) -> None:
    s = settings(tmp_path, act_horizon_days=300)
    assert (s.decision_days, s.act_horizon()) == (300, 300)
    # 2024-12-27 minus 300 days is 2024-03-02: whole months from March 2024
    assert decision_horizon_start(END, 300) == date(2024, 3, 1)
    ds = decision_windows(END, s.decision_days)
    assert [w.key for w in ds] == [w.key for w in month_windows(date(2024, 3, 1), END)]
    assert {w.kind for w in ds} == {DECISION}


def test_a_shorter_horizon_cannot_stop_the_decision_windows(tmp_path: Path) -> None:
    # Late decisions are still looked for over DW_DECISION_DAYS, and an act link
    # appearing there is still noticed: the horizon is never shorter than that.
    s = settings(tmp_path, decision_days=180, act_horizon_days=30)
    assert (s.decision_days, s.act_horizon()) == (180, 180)


def test_a_negative_horizon_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        settings(tmp_path, act_horizon_days=-1)


def test_the_environment_sets_the_horizon(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DW_ACT_HORIZON_DAYS", "270")
    monkeypatch.setenv("DW_DECISION_DAYS", "90")
    s = FetcherSettings()
    assert (s.act_horizon_days, s.decision_days, s.act_horizon()) == (270, 270, 270)


@pytest.mark.parametrize("horizon", [180, 300])
def test_a_pass_re_polls_verdicts_within_the_horizon_and_no_older_ones(
        tmp_path: Path, horizon: int) -> None:
    s = settings(tmp_path, act_horizon_days=horizon)
    due = plan(tmp_path, s)
    first = decision_horizon_start(END, horizon)
    received = date(2023, 6, 15)  # a receipt window long finished (not recent, no re-sweep)
    assert not any(w.kind == RECEIPT and w.start <= received <= w.end for w in due)
    # every decision date from the horizon's first day up to the end is polled ...
    day = first
    while day <= END:
        assert polled(due, day, received), day
        day += timedelta(days=1)
    # ... and none before it: such a verdict's act, if it has none yet, stays unread
    assert not polled(due, first - timedelta(days=1), received)
    assert not polled(due, first - timedelta(days=40), received)
    assert sum(w.kind == DECISION for w in due) == len(month_windows(first, END))
