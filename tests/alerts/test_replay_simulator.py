"""The calibrated simulator replayed month by month through the rule engine, the
lifecycle and a real HTTP webhook receiver.

The engine reads the truth through the same Snapshot interface it reads ClickHouse rows
through; the truth at each month-end is what a perfect crawl would have stored then
(cases not yet published are absent, exactly as on the sites)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from docketwatch.contract import AlertEvent, AlertStatus
from services.alerts.config import ReceiverConfig, RulesConfig
from services.alerts.engine import evaluate
from services.alerts.grouping import group_labels
from services.alerts.model import HealthRow
from services.alerts.outbox import Outgoing, Position
from services.alerts.receivers import ReceiverWorker, WebhookReceiver
from services.alerts.silences import Silences
from services.alerts.state import AlertState, notified
from services.simulator.corpus import build_corpus
from services.simulator.truth import truth
from tests.alerts.receiver_server import RecordingServer
from tests.alerts.simdata import snapshot_from_truth

AS_OF_DATES = [date(2024, m, d) for m, d in
               [(5, 31), (6, 30), (7, 31), (8, 31), (9, 30), (10, 31), (11, 30), (12, 27)]]
CAPTCHA_COURT = "61GV0001"


def national(e: AlertEvent, rule: str, month: str) -> bool:
    return (e.rule == rule and e.labels.get("category") == "refusal"
            and e.labels.get("scope") == "all" and e.labels.get("month") == month)


@pytest.fixture(scope="module")
def replay() -> dict[str, Any]:
    corpus = build_corpus(seed=1)
    cfg = RulesConfig()
    state = AlertState()
    silences = Silences([])
    out: dict[str, Any] = {"changes": [], "by_date": {}, "provisional_findings": {}}
    clock = datetime(2026, 1, 1, tzinfo=UTC)
    for i, as_of in enumerate(AS_OF_DATES):
        t = truth(corpus, as_of)
        # The last step: one court's site starts answering with a captcha, then recovers.
        health_steps = [None]
        if as_of == AS_OF_DATES[-1]:
            health_steps = [[HealthRow(CAPTCHA_COURT, "captcha", clock)],
                            [HealthRow(CAPTCHA_COURT, "ok", clock)]]
        for health in health_steps:
            snap = snapshot_from_truth(t, health=health)
            result = evaluate(snap, cfg)
            now = clock + timedelta(days=i, minutes=len(out["changes"]))
            changes = state.reconcile(result, silences, now)
            for ch in changes:
                state.apply(ch.event)
            out["changes"].extend(changes)
            out.setdefault("steps", []).append(changes)  # one per evaluation
            out["by_date"].setdefault(as_of, []).extend(changes)
            ref_month = snap.as_of.strftime("%Y-%m") if snap.as_of else ""
            out["provisional_findings"][as_of] = [
                f for f in result.findings if f.labels.get("month") == ref_month]
            out.setdefault("refusal_seen", {})[as_of] = sum(
                r.cases for r in snap.counts if r.dimension == "category"
                and r.key == "refusal" and r.month.strftime("%Y-%m") == ref_month)
    return out


def test_july_2024_record_fires_provisional_then_is_confirmed(replay: dict[str, Any]) -> None:
    events = [(d, ch.event) for d, chs in replay["by_date"].items() for ch in chs
              if national(ch.event, "monthly_record", "2024-07")]
    assert [(d, e.status, e.provisional) for d, e in events[:2]] == [
        (date(2024, 7, 31), AlertStatus.FIRING, True),     # projected from 907 seen
        (date(2024, 8, 31), AlertStatus.ESCALATED, False),  # 1,070 seen > 980: it stands
    ]
    assert events[1][1].baseline == 980.0


def test_october_2024_rebound_fires(replay: dict[str, Any]) -> None:
    firing = [(d, ch.event.provisional) for d, chs in replay["by_date"].items() for ch in chs
              if national(ch.event, "monthly_spike", "2024-10")
              and ch.event.status == AlertStatus.FIRING]
    assert firing == [(date(2024, 10, 31), True)]


def test_august_september_dip_raises_no_spike(replay: dict[str, Any]) -> None:
    for month in ("2024-08", "2024-09"):
        assert not [ch for ch in replay["changes"] if national(ch.event, "monthly_spike", month)]


def test_incomplete_last_month_raises_no_false_drop(replay: dict[str, Any]) -> None:
    # December 2024 on 27 Dec: 586 visible refusal cases vs ~930 a month before. A naive
    # comparison would call that a collapse; it is only unpublished.
    assert replay["refusal_seen"][date(2024, 12, 27)] == 586
    for as_of, findings in replay["provisional_findings"].items():
        assert [f for f in findings if f.rule == "monthly_drop"] == [], as_of
    assert not [ch for ch in replay["changes"] if ch.event.rule == "monthly_drop"]


def test_court_switched_to_captcha_raises_then_resolves(replay: dict[str, Any]) -> None:
    court = [ch.event.status for ch in replay["changes"]
             if ch.event.rule == "court_state" and ch.event.labels["court_code"] == CAPTCHA_COURT]
    assert court == [AlertStatus.FIRING, AlertStatus.RESOLVED]


def test_the_log_alone_says_which_changes_are_notified(replay: dict[str, Any]) -> None:
    """The outbox decides from the alert log (notified), the live service from the
    lifecycle (Change.notify): they agree on every change of the replay."""
    last: dict[str, AlertEvent] = {}
    for ch in replay["changes"]:
        assert notified(last.get(ch.event.alert_id), ch.event) == ch.notify, ch.event
        last[ch.event.alert_id] = ch.event
    assert any(not ch.notify for ch in replay["changes"]) is False  # no silences here


async def test_receiver_gets_each_state_change_once_grouped_per_evaluation(
        replay: dict[str, Any]) -> None:
    """Each evaluation's changes reach the webhook once, one notification per (month,
    measure) group, also when the first two posts fail (retried, not lost)."""
    steps = [[ch.event for ch in chs if ch.notify] for chs in replay["steps"]]
    notified_events = [e for step in steps for e in step]
    assert len(notified_events) > 20
    server = RecordingServer(fail_first=2)
    await server.start()
    cfg = ReceiverConfig(backoff_initial_s=0.01, backoff_max_s=0.05, group_wait_s=0.05)
    worker = ReceiverWorker(WebhookReceiver(server.url + "/hook"), cfg, lambda: [])
    await worker.load(None, [], {0: 0})
    await worker.start()
    offset = 0
    want_groups = 0
    try:
        for step in steps:
            for e in step:
                worker.submit(Outgoing(0, offset, e))
                offset += 1
            want_groups += len({group_labels(e, cfg.group_by) for e in step})
            deadline = time.monotonic() + 30
            while not (worker.idle() and worker.pending() == 0):
                assert time.monotonic() < deadline, "not delivered within 30 s"
                await asyncio.sleep(0.01)
    finally:
        await worker.stop()
        await server.stop()
    got = [(a["alert_id"], a["status"], a["at"]) for _, body in server.received
           for a in body["alerts"]]
    want = [(e.alert_id, e.status.value, e.at.isoformat().replace("+00:00", "Z"))
            for e in notified_events]
    assert sorted(got) == sorted(want)
    assert len(got) == len(set(got))
    assert len(server.received) == want_groups
    assert worker.position() == Position(next={0: offset})
