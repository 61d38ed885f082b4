"""The digest's words in each medium: hostile text from the pages escaped everywhere,
Telegram's limit kept, the e-mail's parts and its stable Message-ID, the timer's week."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime

from docketwatch.digest_text import (
    TELEGRAM_MAX,
    render_email_html,
    render_markdown,
    render_telegram,
    render_text,
    subject,
)
from docketwatch.i18n import using
from docketwatch.store.digest import CourtWeek, Digest, WeekAlert
from services.alerts.digest import due_week
from services.alerts.receivers.digest import email_message

EVIL = '<script>alert("x")</script> & *bold* [link](http://e.vil)'


def digest(courts: int = 1) -> Digest:
    court = CourtWeek(court_code="25OV0000", court_name=EVIL, region="Приморский край",
                      received=8, usual=2.0, health="ok")
    return Digest(
        week="2024-W30", start=date(2024, 7, 22), end=date(2024, 7, 28), received=9,
        received_usual=6.5, verdicts=2, verdicts_usual=0.0,
        stood_out=[court] * courts, silent=[court.model_copy(update={"received": 0})],
        unreachable=[court.model_copy(update={"received": 0, "health": None})],
        alerts=[WeekAlert(alert_id="a", rule="monthly_spike", severity="critical",
                          status="escalated", summary=EVIL,
                          at=datetime(2024, 7, 23, tzinfo=UTC))],
        docket_date=date(2024, 7, 29))


def test_plain_text_says_everything_once() -> None:
    text = render_text(digest())
    assert text.splitlines()[:4] == [
        "docketwatch weekly digest, 2024-W30 (22 Jul – 28 Jul 2024)", "",
        "Refusal cases received: 9 (usual week: 6.5)", "Verdicts: 2 (usual week: 0)"]
    assert (f"  - {EVIL} (25OV0000, Приморский край): 8 received, usual week 2"
            in text.splitlines())
    assert "site: never checked" in text and "As the dockets stood on 2024-07-29." in text
    assert subject(digest()) == ("docketwatch 2024-W30: 9 refusal cases received (usual "
                                 "week 6.5), 2 verdicts (usual week 0)")


def test_html_telegram_and_markdown_escape_the_pages_text() -> None:
    for rendered in (render_email_html(digest()), render_telegram(digest())):
        assert "<script>" not in rendered and "&lt;script&gt;" in rendered
        assert "&amp; *bold*" in rendered
    assert '&quot;x&quot;' in render_email_html(digest())
    assert '("x")' in render_telegram(digest())  # Telegram's HTML mode: quotes as they are
    md = render_markdown(digest())
    assert "<script>" not in md and r"\<script\>" in md and r"\*bold\*" in md
    assert r"\[link\](http://e.vil)" in md


def test_a_long_telegram_digest_is_cut_to_fit_and_says_how_many_more() -> None:
    text = render_telegram(digest(courts=300))
    assert len(text) <= TELEGRAM_MAX
    # the whole list would not fit: the first 20 of each list, and the count of the rest
    assert "… and 280 more" in text
    assert text.count("&lt;script&gt;") == 20 + 3


def test_the_email_has_text_and_html_parts_and_a_stable_message_id() -> None:
    msg = email_message(digest(), "Docketwatch <dw@example.org>", ["a@example.org",
                                                                   "b@example.org"])
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == subject(digest())
    assert parsed["To"] == "a@example.org, b@example.org"
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/alternative", "text/plain", "text/html"]
    body = parsed.get_body(("plain",))
    assert body is not None and body.get_content() == render_text(digest())
    again = email_message(digest(), "Docketwatch <dw@example.org>", ["a@example.org"])
    assert parsed["Message-ID"] == again["Message-ID"]
    assert parsed["Message-ID"].startswith("<digest-2024-W30-")
    assert parsed["Message-ID"].endswith("@example.org>")


def test_the_week_due_is_the_one_before_from_monday_at_the_hour() -> None:
    assert due_week(datetime(2024, 7, 29, 6, 0, tzinfo=UTC)) == "2024-W30"
    assert due_week(datetime(2024, 7, 29, 5, 59, tzinfo=UTC)) == "2024-W29"
    assert due_week(datetime(2024, 8, 4, 23, 0, tzinfo=UTC)) == "2024-W30"
    assert due_week(datetime(2024, 7, 30, 8, 0, tzinfo=UTC), weekday=2, hour=8) == "2024-W30"
    assert due_week(datetime(2024, 7, 30, 7, 0, tzinfo=UTC), weekday=2, hour=8) == "2024-W29"
    assert due_week(datetime(2025, 1, 6, 6, 0, tzinfo=UTC)) == "2025-W01"


def test_control_characters_from_the_pages_become_spaces() -> None:
    d = digest().model_copy(update={"alerts": [digest().alerts[0].model_copy(
        update={"summary": "Spike\x1b[2J\nat\rcourt\x85"})]})
    for rendered in (render_text(d), render_telegram(d), render_email_html(d),
                     render_markdown(d)):
        assert "\x1b" not in rendered and "\r" not in rendered and "\x85" not in rendered
        assert "2J at court " in rendered  # [ is escaped in Markdown


def test_the_digest_in_russian() -> None:
    with using("ru"):
        text = render_text(digest(courts=300))
        lines = text.splitlines()
        assert lines[:4] == [
            "docketwatch: недельная сводка, 2024-W30 (22 июл. – 28 июл. 2024)", "",
            "Поступило дел об отказе служить: 9 (обычная неделя: 6,5)",
            "Приговоров: 2 (обычная неделя: 0)"]
        assert f"  - {EVIL} (25OV0000, Приморский край): поступило 8, обычная неделя 2" in lines
        assert ("  - 2024-07-23 критично, сейчас подтверждено: " + EVIL) in lines
        assert "сайт: ещё не проверялся" in text
        assert ("обычная неделя: Медиана 12 ISO-недель перед неделей; неделя без дел "
                "считается как 0.") in lines
        assert subject(digest()) == (
            "docketwatch 2024-W30: поступило дел об отказе служить — 9 (обычная неделя 6,5), "
            "приговоров — 2 (обычная неделя 0)")
        assert "… и ещё 280" in render_telegram(digest(courts=300))
    # the language is the caller's: outside, English again
    assert render_text(digest()).startswith("docketwatch weekly digest, 2024-W30")
