"""Versioned schema migrations: numbered ``migrations/NNNN_name.sql`` files.

Each file is applied once, in order, and recorded in ``schema_migrations`` with its
sha256; an applied file that changed afterwards is an error (write a new migration
instead). Statements are written to be re-runnable (IF NOT EXISTS / OR REPLACE), so a
crash half-way through a file is repaired by the next start.

File format: one or more statements, each ending with ``;`` at the end of a line. A
``;`` followed by a newline must therefore not appear inside a string literal.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from clickhouse_connect.driver.client import Client

from docketwatch.store import definitions, reference

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_STATEMENT_END = re.compile(r";[ \t]*(?:\n|$)")

_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version
"""


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()

    def statements(self) -> list[str]:
        return split_statements(self.sql)


def split_statements(sql: str) -> list[str]:
    """Split on ``;`` at end of line; drop chunks that are only comments/whitespace."""
    out = []
    for chunk in _STATEMENT_END.split(sql):
        code = "\n".join(
            line for line in chunk.splitlines() if not line.strip().startswith("--")
        ).strip()
        if code:
            out.append(chunk.strip())
    return out


def load_migrations() -> list[Migration]:
    folder = resources.files("docketwatch.store") / "migrations"
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _FILE_NAME.match(entry.name)
        if match is None:
            continue
        found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"duplicate migration numbers in {versions}")
    return found


def applied_migrations(client: Client) -> dict[int, str]:
    """version → checksum of every migration recorded as applied."""
    client.command(_BOOTSTRAP)
    rows = client.query("SELECT version, checksum FROM schema_migrations FINAL").result_rows
    return {int(version): str(checksum) for version, checksum in rows}


def migrate(client: Client, *, seed: bool = True, until: int | None = None) -> list[int]:
    """Apply pending migrations to the client's database, then (re)load reference data.

    ``until``: apply none after this version (a store as an older build left it, to test
    an upgrade). Returns the versions applied by this call (empty when already up to date).
    Single writer: concurrent migrate() calls on one database are not coordinated.
    """
    done = applied_migrations(client)
    applied_now: list[int] = []
    for migration in load_migrations():
        if until is not None and migration.version > until:
            break
        recorded = done.get(migration.version)
        if recorded is not None:
            if recorded != migration.checksum:
                raise MigrationError(
                    f"migration {migration.version:04d}_{migration.name} changed after it was "
                    "applied; add a new migration instead"
                )
            continue
        for statement in migration.statements():
            client.command(statement)
        client.insert(
            "schema_migrations",
            [[migration.version, migration.name, migration.checksum, datetime.now(UTC)]],
            column_names=["version", "name", "checksum", "applied_at"],
        )
        applied_now.append(migration.version)
    if seed:
        reference.seed_reference(client)
    # After every migration: a view one of them re-created has lost its comment.
    definitions.apply_comments(client)
    return applied_now
