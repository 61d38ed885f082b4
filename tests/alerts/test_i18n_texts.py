"""Alert texts in DW_LANG: the rules' summaries and the Telegram message around them, in
Russian (plurals and number formats) and in English; court codes and names unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from docketwatch import i18n
from services.alerts.config import RulesConfig
from services.alerts.engine import evaluate
from services.alerts.grouping import group_labels, notification
from services.alerts.model import DeadLetterStats, HealthRow, Snapshot
from services.alerts.outbox import Outgoing
from services.alerts.receivers.alertmanager import to_alertmanager
from services.alerts.receivers.telegram import format_message
from tests.alerts.helpers import spike_items

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def summaries(lang: str) -> dict[str, str]:
    snap = Snapshot(as_of=None, now=NOW, court_health=[
        HealthRow("52GV0001", "captcha", NOW, last_success=NOW - timedelta(hours=5),
                  last_error="капча на странице 3"),
        HealthRow("61GV0001", "ok", NOW - timedelta(hours=72)),
    ], dead_letters=DeadLetterStats(dead_letters=1234, pages=5000, window_s=900))
    with i18n.using(lang):  # type: ignore[arg-type]
        return {f.rule: f.summary for f in evaluate(snap, RulesConfig()).findings}


def test_health_summaries_in_russian_and_english() -> None:
    assert RulesConfig().dead_letters.max_rate == 0.01  # rules.toml's threshold, quoted below
    assert summaries("ru") == {
        "court_state": "Суд 52GV0001: капча: капча на странице 3, последний успех "
                       "2025-12-31 19:00 UTC",
        "court_not_checked": "Суд 61GV0001 не проверялся 72 ч",
        "dead_letter_rate": "Непрочитанные страницы парсера: 1\u00a0234 на 5\u00a0000 страниц "
                            "за последние 15 мин (24,7% > 1,0%)",
    }
    assert summaries("en") == {
        "court_state": "Court 52GV0001 is captcha: капча на странице 3, last success "
                       "2025-12-31 19:00 UTC",
        "court_not_checked": "Court 61GV0001 not checked for 72 h",
        "dead_letter_rate": "Parser dead letters: 1,234 for 5,000 pages in the last 15 min "
                            "(24.7% > 1.0%)",
    }


@pytest.mark.parametrize(("n", "ru", "en"), [
    (1, "1 оповещение", "1 alert"), (2, "2 оповещения", "2 alerts"),
    (5, "5 оповещений", "5 alerts"), (21, "21 оповещение", "21 alerts")])
def test_telegram_header_counts_alerts_with_the_right_plural(n: int, ru: str,
                                                             en: str) -> None:
    base = spike_items()[0].event
    courts = [base.model_copy(update={
        "alert_id": f"id{i:03d}", "rule": "court_state",
        "labels": {"condition": "captcha", "court_code": f"{i:02d}GV0001"},
        "summary": "x", "severity": "warning"}) for i in range(n)]
    key = group_labels(courts[0], ["month", "measure"])
    note = notification(key, [Outgoing(0, i, e) for i, e in enumerate(courts)])
    with i18n.using("ru"):
        lines = format_message(note).split("\n")
        assert lines[0] == f"🔴 court_state: {ru}"
        assert lines[1] == "🔴 активно · суд 00GV0001 · x [предупреждение]"
        assert to_alertmanager(courts[0], NOW, 60)["annotations"]["scope"] == "суд 00GV0001"
    with i18n.using("en"):
        lines = format_message(note).split("\n")
        assert lines[0] == f"🔴 court_state: {en}"
        assert lines[1] == "🔴 firing · court 00GV0001 · x [warning]"


def test_a_long_russian_message_says_how_many_more() -> None:
    base = spike_items()[0].event
    courts = [base.model_copy(update={
        "alert_id": f"id{i:03d}", "rule": "court_state",
        "labels": {"condition": "captcha", "court_code": f"{i:02d}GV0001"},
        "summary": "Суд отвечает капчей: " + "x" * 40}) for i in range(200)]
    note = notification(group_labels(courts[0], ["month", "measure"]),
                        [Outgoing(0, i, e) for i, e in enumerate(courts)])
    with i18n.using("ru"):
        text = format_message(note)
    lines = text.split("\n")
    assert len(text) <= 4096
    assert lines[0] == "🔴 court_state: 200 оповещений"
    shown = len(lines) - 2
    assert lines[-1] == f"… и ещё {200 - shown}: docketwatch alerts --active"


def test_spike_summaries_in_russian() -> None:
    """The rules run in DW_LANG's language; the spike of tests.alerts.helpers in Russian."""
    with i18n.using("ru"):
        events = [it.event for it in spike_items()]
    spikes = [e.summary for e in events if e.rule == "monthly_spike"]
    assert spikes, [e.rule for e in events]
    for text in spikes:
        assert text.startswith("Всплеск: "), text
        assert "поступило в 2024-" in text and "при базовом уровне" in text, text
    with i18n.using("en"):
        english = [it.event.summary for it in spike_items() if it.event.rule == "monthly_spike"]
    assert [t.split(":")[0] for t in english] == ["Spike"] * len(spikes)
