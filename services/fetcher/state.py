"""Crawl state that survives restarts: finished windows, page and row hashes, court health.

SQLite in WAL mode: every write happens only after the pages it describes were
acknowledged by Kafka, so a crash at any point re-fetches (and re-publishes) at worst.
``synchronous=NORMAL`` keeps that true for a killed process (the WAL is in the OS cache);
a power cut may lose the last commits, which again only means fetching those pages again.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
CREATE TABLE IF NOT EXISTS case_rows (
    court TEXT NOT NULL, case_key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    card_at TEXT NOT NULL, PRIMARY KEY (court, case_key)
);
CREATE TABLE IF NOT EXISTS court_meta (
    court TEXT PRIMARY KEY, interface TEXT, failures INTEGER NOT NULL DEFAULT 0,
    open_until REAL NOT NULL DEFAULT 0
);
"""


class CrawlState:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several writes in one commit (all or nothing)."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------------ windows

    def window_done_at(self, court: str, kind: str, date_from: str, date_to: str,
                       ) -> datetime | None:
        row = self._db.execute(
            "SELECT done_at FROM windows WHERE court=? AND kind=? AND date_from=? AND date_to=?",
            (court, kind, date_from, date_to),
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def window_done(self, court: str, kind: str, date_from: str, date_to: str) -> bool:
        return self.window_done_at(court, kind, date_from, date_to) is not None

    def window_total(self, court: str, kind: str, date_from: str, date_to: str) -> int | None:
        """The counter the window showed when it was last complete."""
        row = self._db.execute(
            "SELECT total FROM windows WHERE court=? AND kind=? AND date_from=? AND date_to=?",
            (court, kind, date_from, date_to),
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def mark_window(
        self, court: str, kind: str, date_from: str, date_to: str, total: int, rows: int
    ) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO windows VALUES (?,?,?,?,?,?,?)",
            (court, kind, date_from, date_to, total, rows, _now()),
        )

    def forget_window(self, court: str, kind: str, date_from: str, date_to: str) -> None:
        """The window is due again: its recorded total did not survive a check."""
        self._db.execute(
            "DELETE FROM windows WHERE court=? AND kind=? AND date_from=? AND date_to=?",
            (court, kind, date_from, date_to))

    def windows_done(self, court: str | None = None) -> int:
        if court is None:
            return int(self._db.execute("SELECT count(*) FROM windows").fetchone()[0])
        return int(self._db.execute("SELECT count(*) FROM windows WHERE court=?",
                                    (court,)).fetchone()[0])

    # ------------------------------------------------------------------ pages and rows

    def page_hash(self, url: str) -> str | None:
        row = self._db.execute("SELECT content_hash FROM pages WHERE url=?", (url,)).fetchone()
        return row[0] if row else None

    def set_page_hash(self, url: str, content_hash: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO pages VALUES (?,?,?)", (url, content_hash, _now())
        )

    def row_fingerprint(self, court: str, case_key: str) -> str | None:
        row = self._db.execute(
            "SELECT fingerprint FROM case_rows WHERE court=? AND case_key=?", (court, case_key)
        ).fetchone()
        return row[0] if row else None

    def set_row_fingerprint(self, court: str, case_key: str, fingerprint: str) -> None:
        """Called once the card of this row version was acknowledged by Kafka."""
        self._db.execute("INSERT OR REPLACE INTO case_rows VALUES (?,?,?,?)",
                         (court, case_key, fingerprint, _now()))

    # ------------------------------------------------------------------ courts

    def interface(self, court: str) -> str | None:
        row = self._db.execute("SELECT interface FROM court_meta WHERE court=?",
                               (court,)).fetchone()
        return row[0] if row else None

    def set_interface(self, court: str, interface: str) -> None:
        self._db.execute(
            """INSERT INTO court_meta (court, interface) VALUES (?, ?)
               ON CONFLICT(court) DO UPDATE SET interface=excluded.interface""",
            (court, interface))

    def breaker(self, court: str) -> tuple[int, float]:
        """(consecutive failed windows, circuit open until — epoch seconds)."""
        row = self._db.execute("SELECT failures, open_until FROM court_meta WHERE court=?",
                               (court,)).fetchone()
        return (int(row[0]), float(row[1])) if row else (0, 0.0)

    def set_breaker(self, court: str, failures: int, open_until: float) -> None:
        self._db.execute(
            """INSERT INTO court_meta (court, failures, open_until) VALUES (?, ?, ?)
               ON CONFLICT(court) DO UPDATE SET failures=excluded.failures,
                 open_until=excluded.open_until""",
            (court, failures, open_until))

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


def epoch() -> float:
    return time.time()
