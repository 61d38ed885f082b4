"""Crawl state that survives restarts: finished windows, page hashes, court health.

SQLite in WAL mode: every write is committed only after the pages it describes were
acknowledged by Kafka, so a crash at any point re-fetches (and re-publishes) at worst.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS windows (
    court TEXT NOT NULL, kind TEXT NOT NULL, date_from TEXT NOT NULL, date_to TEXT NOT NULL,
    total INTEGER, rows INTEGER, done_at TEXT NOT NULL,
    PRIMARY KEY (court, kind, date_from, date_to)
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, content_hash TEXT NOT NULL, published_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS court_health (
    court TEXT PRIMARY KEY, state TEXT NOT NULL, last_success TEXT, last_new_case TEXT,
    last_error TEXT, updated_at TEXT NOT NULL
);
"""


class CrawlState:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def window_done(self, court: str, kind: str, date_from: str, date_to: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM windows WHERE court=? AND kind=? AND date_from=? AND date_to=?",
            (court, kind, date_from, date_to),
        ).fetchone()
        return row is not None

    def mark_window(
        self, court: str, kind: str, date_from: str, date_to: str, total: int, rows: int
    ) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO windows VALUES (?,?,?,?,?,?,?)",
            (court, kind, date_from, date_to, total, rows, _now()),
        )

    def page_hash(self, url: str) -> str | None:
        row = self._db.execute("SELECT content_hash FROM pages WHERE url=?", (url,)).fetchone()
        return row[0] if row else None

    def set_page_hash(self, url: str, content_hash: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO pages VALUES (?,?,?)", (url, content_hash, _now())
        )

    def set_health(self, court: str, state: str, *, error: str | None = None,
                   new_case: bool = False) -> None:
        now = _now()
        ok = state == "ok"
        self._db.execute(
            """INSERT INTO court_health VALUES (?,?,?,?,?,?)
               ON CONFLICT(court) DO UPDATE SET state=excluded.state,
                 last_success=COALESCE(excluded.last_success, court_health.last_success),
                 last_new_case=COALESCE(excluded.last_new_case, court_health.last_new_case),
                 last_error=excluded.last_error, updated_at=excluded.updated_at""",
            (court, state, now if ok else None, now if new_case else None, error, now),
        )

    def health(self) -> dict[str, dict[str, str | None]]:
        cur = self._db.execute(
            "SELECT court, state, last_success, last_new_case, last_error FROM court_health"
        )
        return {
            r[0]: {"state": r[1], "last_success": r[2], "last_new_case": r[3], "last_error": r[4]}
            for r in cur
        }


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
