"""Telegram Bot API ``sendMessage``: one message per notification (group of alerts).

The token only ever comes from DW_TELEGRAM_TOKEN; it is part of the request URL and
nowhere else, and every error message is scrubbed of it before it is raised (logs, /health
and tracebacks never show it).

The Bot API has no idempotency key: Telegram cannot drop a repeated message. A message
counts as sent only once Telegram answered ``{"ok": true, "result": {"message_id": …}}``,
and is marked delivered right after, so a repeat needs a crash in between those two steps.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from docketwatch.contract import AlertEvent, AlertStatus
from docketwatch.i18n import gettext, ngettext, term
from services.alerts.grouping import Notification, scope
from services.alerts.receivers.base import DeliveryError, MalformedReply, Receiver, error_for

MAX_TEXT = 4096  # Bot API limit on a message's text
_ICON = {AlertStatus.FIRING: "🔴", AlertStatus.ESCALATED: "🟠", AlertStatus.RESOLVED: "🟢",
         AlertStatus.SILENCED: "🔕"}


def alert_line(e: AlertEvent) -> str:
    """``🔴 firing · court 25GV0001 · Spike: … [warning, provisional]``"""
    flag = ", " + gettext("provisional") if e.provisional else ""
    return f"{_ICON[e.status]} {term(e.status.value)} · {scope(e.labels)} · {e.summary} " \
           f"[{term(e.severity)}{flag}]"


def format_message(note: Notification) -> str:
    """A header naming the group, then one line per alert (its scope second)."""
    statuses = {e.status for e in note.alerts}
    head = (_ICON[next(iter(statuses))] if len(statuses) == 1 else "🔔")
    n = len(note.alerts)
    count = ngettext("{n} alert", "{n} alerts", n).format(n=n)
    lines = [f"{head} {note.title}: {count}"]
    body = [alert_line(e) for e in note.alerts]
    text = "\n".join(lines + body)
    if len(text) <= MAX_TEXT:
        return text
    # Too long for one message: as many lines as fit, and where to find the rest.
    kept: list[str] = []
    for i, line in enumerate(body):
        more = gettext("… and {n} more: docketwatch alerts --active").format(n=len(body) - i)
        if len("\n".join(lines + kept + [line, more])) > MAX_TEXT:
            return "\n".join(lines + kept + [more])[:MAX_TEXT]
        kept.append(line)
    return text[:MAX_TEXT]


class TelegramReceiver(Receiver):
    name = "telegram"

    def __init__(self, token: str, chat_id: str, api_url: str = "https://api.telegram.org"):
        self._token = token
        self.chat_id = chat_id
        self.api_url = api_url.rstrip("/")

    def __repr__(self) -> str:
        return f"TelegramReceiver(chat_id={self.chat_id!r}, api_url={self.api_url!r})"

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "<token>") if self._token else text

    async def send(self, session: aiohttp.ClientSession, note: Notification) -> None:
        await self.post(session, {"chat_id": self.chat_id, "text": format_message(note),
                                  "disable_web_page_preview": True})

    async def post(self, session: aiohttp.ClientSession, body: dict[str, Any]) -> None:
        """``sendMessage`` with ``body``: returns once Telegram acknowledged it, else raises
        a DeliveryError that never shows the token (the weekly digest posts through it)."""
        try:
            await self._post(session, body)
        except DeliveryError as exc:
            err = type(exc)(self._scrub(str(exc)))
            err.retry_after = exc.retry_after
            raise err from None
        except Exception as exc:  # aiohttp errors carry the URL, and so the token
            raise DeliveryError(self._scrub(f"{type(exc).__name__}: {exc}")) from None

    async def _post(self, session: aiohttp.ClientSession, body: dict[str, Any]) -> None:
        url = f"{self.api_url}/bot{self._token}/sendMessage"
        async with session.post(url, json=body) as resp:
            raw = await resp.read()
            status = resp.status
        reply: Any
        try:
            reply = json.loads(raw)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            excerpt = raw[:200].decode("utf-8", "replace")
            if 200 <= status < 300:
                raise MalformedReply(f"HTTP {status} but not a Bot API reply: {excerpt!r}")
            raise error_for(status, f"unreadable reply {excerpt!r}")
        if 200 <= status < 300:
            result = reply.get("result")
            if reply.get("ok") is True and isinstance(result, dict) and "message_id" in result:
                return
            raise MalformedReply(f"HTTP {status} without ok/result.message_id: "
                                 f"{json.dumps(reply)[:200]}")
        params = reply.get("parameters")
        retry_after = params.get("retry_after") if isinstance(params, dict) else None
        raise error_for(status, str(reply.get("description") or reply)[:300],
                        float(retry_after) if isinstance(retry_after, int | float) else None)
