"""Pure rule tests on hand-built monthly series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.alerts.config import RulesConfig
from services.alerts.engine import evaluate
from services.alerts.model import DeadLetterStats, HealthRow, Snapshot
from tests.alerts.helpers import months, only_all_scope, series_snapshot

CFG = only_all_scope(RulesConfig())
# 12 steady months around 100, then the month under test.
STEADY = [96, 104, 99, 101, 95, 105, 100, 98, 102, 97, 103, 100]


def rules_fired(snapshot: Snapshot, cfg: RulesConfig = CFG) -> dict[tuple[str, str], bool]:
    """(rule, month) → provisional, for the all-courts series."""
    return {(f.rule, f.labels.get("month", "")): f.provisional
            for f in evaluate(snapshot, cfg).findings}


def test_spike_on_a_complete_month_fires_once_per_rule() -> None:
    snap = series_snapshot(months("2023-01", [*STEADY, 160]), date(2024, 1, 31))
    fired = rules_fired(snap)
    assert fired == {("monthly_spike", "2024-01"): False, ("monthly_record", "2024-01"): False}


def test_normal_month_is_quiet() -> None:
    snap = series_snapshot(months("2023-01", [*STEADY, 104]), date(2024, 1, 31))
    assert rules_fired(snap) == {}


def test_seasonal_baseline_suppresses_a_usual_yearly_peak() -> None:
    # Every January is ~150: a third January of 155 is not a spike (nor a record).
    values = [150, *[100] * 11, 152, *[100] * 11, 155]
    snap = series_snapshot(months("2022-01", values), date(2024, 1, 31))
    assert ("monthly_spike", "2024-01") not in rules_fired(snap)


def test_small_court_below_min_count_does_not_flap() -> None:
    snap = series_snapshot(months("2023-01", [1, 0, 2, 1, 1, 0, 1, 2, 1, 0, 1, 1, 9]),
                           date(2024, 1, 31))
    assert rules_fired(snap) == {}


def test_incomplete_month_is_provisional_and_never_a_drop() -> None:
    # Reference date 10 Jan 2024: January has ~6 of 17 working days; with a 0-day delay
    # 30 seen is on track for ~100, and 3 seen is low but the month is not complete.
    for seen in (30, 3):
        snap = series_snapshot(months("2023-01", [*STEADY, seen]), date(2024, 1, 10))
        assert not any(rule == "monthly_drop" for rule, _ in rules_fired(snap))


def test_drop_only_on_a_complete_month() -> None:
    snap = series_snapshot(months("2023-01", [*STEADY, 40]), date(2024, 1, 31))
    assert rules_fired(snap) == {("monthly_drop", "2024-01"): False}


def test_unpublished_weeks_are_nowcast_not_a_drop() -> None:
    # Half of all cases appear 20 days late: on 31 Jan, January shows ~55 of ~100.
    delays = {0: 500, 20: 500}
    snap = series_snapshot(months("2023-01", [*STEADY, 55]), date(2024, 1, 31), delays=delays)
    assert rules_fired(snap) == {}
    snap = series_snapshot(months("2023-01", [*STEADY, 95]), date(2024, 1, 31), delays=delays)
    fired = rules_fired(snap)
    assert fired[("monthly_spike", "2024-01")] is True  # provisional: ~170 projected


def test_court_captcha_and_dead_letters() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    snap = Snapshot(as_of=None, now=now, court_health=[
        HealthRow("52GV0001", "captcha", now),
        HealthRow("25GV0001", "ok", now),
        HealthRow("61GV0001", "ok", now - timedelta(hours=72)),
    ], dead_letters=DeadLetterStats(dead_letters=12, pages=400, window_s=900))
    got = {(f.rule, tuple(sorted(f.labels.items()))) for f in evaluate(snap, CFG).findings}
    assert got == {
        ("court_state", (("condition", "captcha"), ("court_code", "52GV0001"))),
        ("court_not_checked", (("court_code", "61GV0001"),)),
        ("dead_letter_rate", (("stage", "parser"),)),
    }
