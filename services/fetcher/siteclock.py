"""The sites' today: this machine's date, or the court simulator's clock.

A live-mode poll asks for the newest windows, which only the sites' own date defines; the
simulator's clock runs days ahead of the wall clock (``DW_SITE_CLOCK_URL``).
"""

from __future__ import annotations

import logging
from datetime import date

import aiohttp

log = logging.getLogger(__name__)


class SiteClock:
    def __init__(self, url: str | None) -> None:
        self.url = url
        self._last: date | None = None

    async def today(self) -> date:
        if self.url is None:
            return date.today()
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as s:
                async with s.get(self.url) as resp:
                    resp.raise_for_status()
                    self._last = date.fromisoformat((await resp.json())["as_of"])
        except (aiohttp.ClientError, TimeoutError, KeyError, ValueError) as exc:
            # The last date read is still the best guess; a poll never fails for this.
            log.warning("site clock %s unreadable (%s)", self.url, exc)
        return self._last or date.today()
