"""The weekly digest through the outbox, at least once across kill -9 and exactly once to
each receiver: the alerts service as a process on a real broker, reading the store of a
real aggregator, its receivers down when the digest of 2024-W30 falls due.

Receivers: a real SMTP server (aiosmtpd, with a login) and the local stand-in of the
Telegram Bot API. Both are down (nothing listens on their ports) until the service has
been killed and restarted; then each gets the digest once, and a clean restart sends
nothing more."""

from __future__ import annotations

import asyncio
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from docketwatch.contract import TOPIC_ALERTS, TOPIC_SOURCE_HEALTH
from docketwatch.digest_text import (
    render_email_html,
    render_telegram,
    render_text,
    subject,
)
from docketwatch.kafka import make_producer
from docketwatch.store.digest import Digest, read_digest
from launcher.stack import Stack, free_port, wait_until
from launcher.trials import kill9, start_aggregator
from services.alerts.outbox import TOPIC_DIGESTS, ensure_alerts_topics
from tests.aggregator.digest_data import BUSY, DOWN, QUIET, week30
from tests.alerts.broker import health, produce
from tests.alerts.standins import BotApi, InThread
from tests.fetcher.helpers import read_topic

pytestmark = pytest.mark.integration

TOKEN = "424242:digest-test-token"
CHAT = "-100777"
SMTP_USER, SMTP_PASSWORD = "docketwatch", "s3cret-never-logged"
SENDER, TO = "docketwatch@example.org", ["desk@example.org", "editor@example.org"]
RULES = """[evaluation]
evaluate_every_s = 1.0
poll_interval_s = 0.2
[receivers]
backoff_initial_s = 0.2
backoff_max_s = 1.0
"""


class Mailbox:
    """aiosmtpd's handler: keeps every message it accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.messages.append(email.message_from_bytes(  # type: ignore[arg-type]
            raw, policy=email.policy.default))
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def login(server: SMTP, session: Session, envelope: Envelope, mechanism: str,
          auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
          and auth_data.password == SMTP_PASSWORD.encode())
    return AuthResult(success=ok)


async def produce_raw(bootstrap: str, topic: str, records: list[tuple[str, bytes]]) -> None:
    producer = make_producer(bootstrap, client_id="test")
    await producer.start()
    try:
        for key, value in records:
            await producer.send(topic, key=key.encode(), value=value)
        await producer.flush()
    finally:
        await producer.stop()


def test_the_digest_reaches_smtp_and_telegram_once_across_a_kill9(stack: Stack,
                                                                  tmp_path: Path) -> None:
    threads = InThread()
    bot = BotApi(TOKEN)  # its port reserved, nothing listening: down
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port(),
                      authenticator=login, auth_require_tls=False)
    try:
        _run(stack, tmp_path, bot, threads, mailbox, smtp)
    finally:
        if getattr(smtp, "_thread", None) is not None:
            smtp.stop()
        threads.stop(bot)
        threads.close()


def _run(stack: Stack, tmp_path: Path, bot: BotApi, threads: InThread, mailbox: Mailbox,
         smtp: Controller) -> None:
    (stack.workdir / "data").mkdir(parents=True, exist_ok=True)
    start_aggregator(stack)
    events, court_health, alerts = week30()
    asyncio.run(ensure_alerts_topics(stack.bootstrap, 1))
    asyncio.run(produce(stack.bootstrap, events))
    asyncio.run(produce_raw(stack.bootstrap, TOPIC_SOURCE_HEALTH,
                            [(h.court_code, h.to_bytes()) for h in court_health]))
    asyncio.run(produce_raw(stack.bootstrap, TOPIC_ALERTS,
                            [(a.alert_id, a.to_bytes()) for a in alerts]))
    wait_until(lambda: stack.sql("SELECT count() FROM cases")[0][0] == len(events)
               and stack.sql("SELECT count() FROM court_health FINAL")[0][0] == 3
               and stack.sql("SELECT uniqExact(alert_id) FROM alert_history")[0][0] == 5,
               timeout=120, interval=0.1, what="the week in ClickHouse")
    # What the store says of the week: the digest every receiver must get, word for word.
    want = read_digest(stack.reader.rows, "2024-W30")
    assert (want.received, want.received_usual, want.verdicts, want.verdicts_usual) == (
        9, 7.0, 2, 0.0)
    assert [c.court_code for c in want.stood_out] == [BUSY]
    assert [c.court_code for c in want.silent] == [QUIET]
    assert [c.court_code for c in want.unreachable] == [DOWN]
    assert [a.alert_id for a in want.alerts] == ["b-in", "c-last-second"]

    port = free_port()
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    env = {"DW_ALERTS_OPS_PORT": str(port), "DW_ALERTS_RULES_FILE": str(rules),
           "DW_DIGEST_NOW": "2024-07-29T06:00:00+00:00",  # Monday: the week before is due
           "DW_TELEGRAM_TOKEN": TOKEN, "DW_TELEGRAM_API_URL": bot.url,
           "DW_DIGEST_TELEGRAM_CHAT_ID": CHAT,
           "DW_SMTP_HOST": "127.0.0.1", "DW_SMTP_PORT": str(smtp.port), "DW_SMTP_TLS": "none",
           "DW_SMTP_USER": SMTP_USER, "DW_SMTP_PASSWORD": SMTP_PASSWORD,
           "DW_DIGEST_EMAIL_FROM": SENDER, "DW_DIGEST_EMAIL_TO": ", ".join(TO)}

    def digests() -> dict[str, Any]:
        h = health(port)
        assert h["status"] == "ok"
        return dict(h["digests"])

    def owed_and_failing() -> bool:
        d = digests()
        return set(d) == {"digest-telegram", "digest-email"} and all(
            r["pending"] == 1 and r["last_error"] for r in d.values())

    def logged() -> list[Digest]:
        return [Digest.model_validate_json(v) for _, v in
                read_topic(stack.bootstrap, TOPIC_DIGESTS)]

    stack.start_service("alerts", env)
    wait_until(owed_and_failing, timeout=120, interval=0.1,
               what="the digest owed to both receivers, deliveries failing")
    assert logged() == [want]
    kill9(stack, "alerts")

    # Restarted with the receivers still down: the week is in the digest log, so it is not
    # produced again, and the outbox owes it to both receivers still.
    stack.start_service("alerts", env)
    wait_until(lambda: health(port)["evaluations"] >= 2 and owed_and_failing(),
               timeout=120, interval=0.1, what="the digest owed again after the kill")
    assert logged() == [want]

    threads.start(bot)
    smtp.start()
    wait_until(lambda: all(r["pending"] == 0 for r in digests().values())
               and len(bot.messages) == 1 and len(mailbox.messages) == 1,
               timeout=120, interval=0.1, what="delivered to both receivers")

    (message,) = bot.messages
    assert message == {"chat_id": CHAT, "text": render_telegram(want), "parse_mode": "HTML",
                       "disable_web_page_preview": True}
    assert "Refusal cases received: 9 (usual week: 7)" in message["text"]
    assert "Spike b-in &lt;b&gt;&amp;" in message["text"]  # the summary is text, not markup

    (mail,) = mailbox.messages
    assert mailbox.envelopes == [(SENDER, TO)]
    assert mail["Subject"] == subject(want) == (
        "docketwatch 2024-W30: 9 refusal cases received (usual week 7), 2 verdicts "
        "(usual week 0)")
    assert (mail["From"], mail["To"]) == (SENDER, ", ".join(TO))
    text, page = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text is not None and page is not None
    assert text.get_content() == render_text(want)
    assert page.get_content() == render_email_html(want)
    lines = text.get_content().splitlines()
    assert "Refusal cases received: 9 (usual week: 7)" in lines
    assert "Verdicts: 2 (usual week: 0)" in lines
    assert ("  - Тихоокеанский флотский военный суд (25OV0000, Приморский край): 8 received, "
            "usual week 2") in lines
    assert "Spike b-in &lt;b&gt;&amp;" in page.get_content()

    # A clean restart owes nothing and produces nothing: not one more message.
    stack.stop("alerts")
    stack.start_service("alerts", env)
    wait_until(lambda: health(port)["evaluations"] >= 2, timeout=120, interval=0.1,
               what="running after the restart")
    assert {n: r["pending"] for n, r in digests().items()} == {"digest-telegram": 0,
                                                              "digest-email": 0}
    assert len(bot.requests) == 1 and len(mailbox.messages) == 1
    assert logged() == [want]
    log = stack.log_path("alerts").read_text(encoding="utf-8")
    assert "re-queued" in log and "digest 2024-W30 delivered" in log
    assert TOKEN not in log and SMTP_PASSWORD not in log
