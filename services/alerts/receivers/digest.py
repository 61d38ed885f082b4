"""Where the weekly digest goes: a Telegram chat (Bot API, HTML parse mode) and e-mail
(SMTP, aiosmtplib). The words are docketwatch.digest_text's; delivery is
services/alerts/digest.py's (the same at-least-once outbox as the alerts).

Each ``send`` returns only once the receiver accepted the digest, and raises
:class:`DeliveryError` (retried) or :class:`RejectedError` (refused for good) otherwise.
Secrets (the bot token, the SMTP password) are scrubbed from every error.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from email.message import EmailMessage
from email.utils import formatdate

import aiohttp
import aiosmtplib

from docketwatch.digest_text import render_email_html, render_telegram, render_text, subject
from docketwatch.store.digest import Digest
from services.alerts.receivers.base import DeliveryError, RejectedError
from services.alerts.receivers.telegram import TelegramReceiver


class DigestReceiver(ABC):
    name: str

    @abstractmethod
    async def send(self, session: aiohttp.ClientSession, digest: Digest) -> None:
        """Deliver the digest; raise unless the receiver accepted it."""


def digest_id(digest: Digest) -> str:
    """The same for the same digest: a re-sent e-mail carries the same Message-ID."""
    return hashlib.sha256(digest.model_dump_json().encode()).hexdigest()[:24]


class TelegramDigestReceiver(DigestReceiver):
    name = "telegram"

    def __init__(self, bot: TelegramReceiver, chat_id: str) -> None:
        self.bot = bot  # its token, API URL, reply checks and scrubbing
        self.chat_id = chat_id

    async def send(self, session: aiohttp.ClientSession, digest: Digest) -> None:
        await self.bot.post(session, {"chat_id": self.chat_id, "text": render_telegram(digest),
                                      "parse_mode": "HTML", "disable_web_page_preview": True})


def email_message(digest: Digest, sender: str, to: list[str]) -> EmailMessage:
    """Plain text and HTML alternatives; a Message-ID that a re-send repeats."""
    msg = EmailMessage()
    msg["Subject"] = subject(digest)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(usegmt=True)
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "docketwatch"
    msg["Message-ID"] = f"<digest-{digest.week}-{digest_id(digest)}@{domain}>"
    msg.set_content(render_text(digest))
    msg.add_alternative(render_email_html(digest), subtype="html")
    return msg


class EmailDigestReceiver(DigestReceiver):
    name = "email"

    def __init__(self, host: str, port: int, sender: str, to: list[str], *,
                 user: str | None = None, password: str | None = None,
                 tls: str = "starttls", timeout_s: float = 30.0) -> None:
        if tls not in ("starttls", "tls", "none"):
            raise ValueError(f"SMTP TLS mode {tls!r}: starttls, tls or none")
        self.host, self.port, self.sender, self.to = host, port, sender, list(to)
        self.user = user
        self._password = password
        self.tls = tls
        self.timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"EmailDigestReceiver({self.host}:{self.port}, to={self.to!r})"

    def _scrub(self, text: str) -> str:
        return text.replace(self._password, "<password>") if self._password else text

    async def send(self, session: aiohttp.ClientSession, digest: Digest) -> None:
        msg = email_message(digest, self.sender, self.to)
        try:
            await aiosmtplib.send(
                msg, hostname=self.host, port=self.port, username=self.user,
                password=self._password, use_tls=self.tls == "tls",
                start_tls=self.tls == "starttls", timeout=self.timeout_s)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            permanent = all(r.code >= 500 for r in exc.recipients)
            cls = RejectedError if permanent else DeliveryError
            raise cls(self._scrub(f"recipients refused: {exc}")) from None
        except aiosmtplib.SMTPResponseException as exc:
            # 5xx: the server refuses this message for good; 4xx: try again later.
            cls = RejectedError if exc.code >= 500 and exc.code not in (530, 535) \
                else DeliveryError
            raise cls(self._scrub(f"SMTP {exc.code}: {exc.message}")) from None
        except Exception as exc:  # connection refused, timeouts, TLS
            raise DeliveryError(self._scrub(f"{type(exc).__name__}: {exc}")) from None
