"""Courts waiting for a person: one small text file per court under ``<state>/blocked/``.

A captcha or WAF block is never answered by guessing. The court is marked with a file
saying what was seen and when, and skipped while the file exists. A person clears it by
deleting the file (``rm var/fetcher/blocked/27GV0001.txt``) after solving the captcha in
a browser, changing the proxy or the IP; no CLI and no restart are needed, since the file
is checked before each pass over the court (live mode re-checks on its schedule).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path


class Blocks:
    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._dir.mkdir(parents=True, exist_ok=True)

    def path(self, court: str) -> Path:
        return self._dir / f"{court}.txt"

    def get(self, court: str) -> dict[str, str] | None:
        """The mark of a court (state, reason, since), None if it may be crawled."""
        try:
            text = self.path(court).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(text.split("\n", 1)[1] if text.startswith("#") else text)
            return {str(k): str(v) for k, v in data.items()}
        except (ValueError, IndexError, AttributeError):
            return {"state": "blocked", "reason": "unreadable mark file", "since": ""}

    def mark(self, court: str, state: str, reason: str, url: str) -> None:
        body = {"state": state, "reason": reason, "url": url,
                "since": datetime.now(UTC).isoformat(timespec="seconds")}
        tmp = self.path(court).with_suffix(".tmp")
        tmp.write_text(
            "# docketwatch skips this court until this file is deleted\n"
            + json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(self.path(court))

    def all(self) -> dict[str, dict[str, str]]:
        return {p.stem: m for p in sorted(self._dir.glob("*.txt"))
                if (m := self.get(p.stem)) is not None}
