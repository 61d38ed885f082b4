"""Silences: label matchers (Alertmanager-style) from rules.toml and an optional JSON file."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from pathlib import Path

from services.alerts.config import Silence

log = logging.getLogger("docketwatch.alerts")


def _active(s: Silence, now: datetime) -> bool:
    return s.ends_at is None or datetime.fromisoformat(s.ends_at) > now


def matches(s: Silence, rule: str, labels: dict[str, str]) -> bool:
    full = {**labels, "rule": rule}
    for m in s.matchers:
        value = full.get(m.name, "")
        if m.regex:
            if re.fullmatch(m.value, value) is None:
                return False
        elif value != m.value:
            return False
    return True


class Silences:
    """Configured silences plus a JSON file re-read whenever it changes (no restart)."""

    def __init__(self, configured: list[Silence], path: Path | None = None) -> None:
        self.configured = list(configured)
        self.path = path
        self._mtime: float | None = None
        self._from_file: list[Silence] = []

    def _reload(self) -> None:
        if self.path is None or not self.path.exists():
            self._from_file = []
            return
        mtime = self.path.stat().st_mtime
        if mtime == self._mtime:
            return
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self._from_file = [Silence.model_validate(x) for x in raw]
            self._mtime = mtime
        except (ValueError, TypeError) as exc:  # keep the last good list
            log.error("silences file %s unreadable: %s", self.path, exc)

    def silenced(self, rule: str, labels: dict[str, str], now: datetime) -> bool:
        self._reload()
        return any(_active(s, now) and matches(s, rule, labels)
                   for s in [*self.configured, *self._from_file])
