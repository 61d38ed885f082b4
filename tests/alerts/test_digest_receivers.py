"""The digest's receivers and worker without Kafka: a real SMTP server (aiosmtpd) that
accepts, defers (4xx) or refuses (5xx), and the Bot API stand-in. Deferred and failed
sends are retried until accepted; a refusal is settled, not retried; the position moves
past a digest only once it is settled."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date
from typing import Any

import aiohttp
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from docketwatch.store.digest import Digest
from launcher.stack import free_port
from services.alerts.config import ReceiverConfig
from services.alerts.digest import DigestWorker, LoggedDigest
from services.alerts.outbox import MemoryPositions, Position
from services.alerts.receivers.base import DeliveryError, RejectedError
from services.alerts.receivers.digest import EmailDigestReceiver, TelegramDigestReceiver
from services.alerts.receivers.telegram import TelegramReceiver
from services.alerts.service import build_digest_receivers
from services.alerts.settings import AlertsSettings
from tests.alerts.standins import BotApi

FAST = ReceiverConfig(backoff_initial_s=0.01, backoff_max_s=0.05)
TOKEN = "31337:receiver-test-token"


def digest(week: str = "2024-W30") -> Digest:
    return Digest(week=week, start=date(2024, 7, 22), end=date(2024, 7, 28), received=3,
                  received_usual=1.5, verdicts=1, verdicts_usual=1.0, stood_out=[],
                  silent=[], unreachable=[], alerts=[], docket_date=date(2024, 7, 29))


class Scripted:
    """Answers DATA with the scripted replies first, then accepts."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.accepted: list[bytes] = []
        self.attempts = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.attempts += 1
        if self.script:
            return self.script.pop(0)
        self.accepted.append(envelope.original_content or b"")
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Scripted, int]]:
    handler = Scripted()
    server = Controller(handler, hostname="127.0.0.1", port=free_port())
    server.start()
    yield handler, server.port
    server.stop()


@pytest.fixture
async def bot() -> AsyncIterator[BotApi]:
    server = BotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()


def mailer(port: int) -> EmailDigestReceiver:
    return EmailDigestReceiver("127.0.0.1", port, "dw@example.org", ["desk@example.org"],
                               tls="none", timeout_s=5)


async def until(check: Callable[[], Any], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.02)


async def test_smtp_answers_are_retried_or_refused_for_good(smtp: tuple[Scripted, int],
                                                            ) -> None:
    handler, port = smtp
    async with aiohttp.ClientSession() as session:  # unused by SMTP; the receivers' API
        handler.script = ["451 4.3.0 try again later"]
        with pytest.raises(DeliveryError) as deferred:
            await mailer(port).send(session, digest())
        assert not isinstance(deferred.value, RejectedError) and "451" in str(deferred.value)
        handler.script = ["554 5.6.0 message refused"]
        with pytest.raises(RejectedError, match="554"):
            await mailer(port).send(session, digest())
        with pytest.raises(DeliveryError, match="Connect"):
            await mailer(free_port()).send(session, digest())
        await mailer(port).send(session, digest())
    assert len(handler.accepted) == 1


async def test_the_worker_retries_until_accepted_and_settles_a_refusal(
        smtp: tuple[Scripted, int]) -> None:
    handler, port = smtp
    handler.script = ["451 busy", "421 closing"]
    positions = MemoryPositions()
    worker = DigestWorker(mailer(port), FAST, positions)
    assert await worker.load(None, [], 3) == 0  # a new receiver: at the end of the log
    assert positions.saved["digest-email"].next == {0: 3}
    await worker.start()
    try:
        worker.submit(LoggedDigest(3, digest("2024-W30")))
        await until(lambda: worker.info["delivered"] == 1 and worker.idle())
        assert handler.attempts == 3 and len(handler.accepted) == 1
        assert positions.saved["digest-email"].next == {0: 4}
        handler.script = ["550 no such mailbox"]
        worker.submit(LoggedDigest(4, digest("2024-W31")))
        await until(lambda: worker.info["rejected"] == 1 and worker.idle())
        assert handler.attempts == 4 and len(handler.accepted) == 1  # not retried
        assert positions.saved["digest-email"].next == {0: 5}
        assert "550" in worker.info["last_error"]
    finally:
        await worker.stop()


async def test_a_restart_queues_exactly_what_was_not_settled(bot: BotApi) -> None:
    receiver = TelegramDigestReceiver(TelegramReceiver(TOKEN, "-1", bot.url), "-42")
    logged = [LoggedDigest(0, digest("2024-W29")), LoggedDigest(1, digest("2024-W30"))]
    worker = DigestWorker(receiver, FAST, MemoryPositions())
    assert await worker.load(Position(next={0: 1}), logged, 2) == 1
    await worker.start()
    try:
        await until(lambda: worker.idle() and len(bot.messages) == 1)
    finally:
        await worker.stop()
    (message,) = bot.messages
    assert message["chat_id"] == "-42" and message["parse_mode"] == "HTML"
    assert message["text"].startswith("<b>docketwatch weekly digest, 2024-W30 ")


async def test_a_wrong_token_is_retried_and_never_shown(bot: BotApi) -> None:
    receiver = TelegramDigestReceiver(TelegramReceiver("666:wrong-token", "-1", bot.url), "-1")
    with pytest.raises(DeliveryError) as failed:
        async with aiohttp.ClientSession() as session:
            await receiver.send(session, digest())
    assert not isinstance(failed.value, RejectedError)  # 404: a setting to fix, retried
    assert "wrong-token" not in str(failed.value)
    assert bot.requests == []


def test_the_settings_make_the_receivers_and_an_empty_variable_is_none() -> None:
    s = AlertsSettings(telegram_token="", digest_telegram_chat_id="-1", smtp_host="mx",
                       digest_email_to=" a@example.org, ,b@example.org", smtp_user="",
                       smtp_password="")
    (mail,) = build_digest_receivers(s)  # no token: no Telegram digest
    assert isinstance(mail, EmailDigestReceiver)
    assert (mail.to, mail.user, mail.tls, mail.port) == (
        ["a@example.org", "b@example.org"], None, "starttls", 587)
    with_login = AlertsSettings(smtp_host="mx", digest_email_to="a@example.org",
                                smtp_user="u", smtp_password="hunter2", telegram_token=TOKEN,
                                digest_telegram_chat_id="-5")
    telegram, mail = build_digest_receivers(with_login)
    assert isinstance(telegram, TelegramDigestReceiver) and telegram.chat_id == "-5"
    assert isinstance(mail, EmailDigestReceiver) and mail.user == "u"
    assert "hunter2" not in repr(mail) and "hunter2" not in repr(with_login)
    assert build_digest_receivers(AlertsSettings()) == []  # no digest by default
