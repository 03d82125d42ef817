"""The SQLite file: connection settings, versioned migrations, metadata and transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import weakref
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from bot.store.database_faults import check_path, check_schema, explained

log = logging.getLogger(__name__)

CONTENT_HASH_KEY = "content_hash"
BUSY_TIMEOUT_MS = 5000  # how long a statement waits for another process's write
# Seconds a migration or a content build waits for the write lock: another process may be
# rebuilding a large library (about 20 s for 100k quotes).
LONG_WRITE_WAIT = 600.0


def migrations() -> list[tuple[int, str]]:
    """The numbered SQL migrations shipped with the package, in order."""
    folder = resources.files("bot.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


async def connect(path: Path | str) -> aiosqlite.Connection:
    """Open the database, apply pending migrations and return the connection; a file that
    cannot be used raises UnusableDatabaseError (or DiskFullError) and is left as it was."""
    check_path(path)
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    try:
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # others may write
        await check_schema(connection, path, newest=migrations()[-1][0])
        await _use_wal(connection)
        await connection.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute("PRAGMA cache_size = -16000")  # KiB: large stores stay cached
        await migrate(connection)
    except sqlite3.DatabaseError as error:
        await connection.close()
        unusable = explained(error, path)
        if unusable is None:
            raise
        raise unusable from error
    except BaseException:
        await connection.close()  # its thread would otherwise keep the process from exiting
        raise
    return connection


async def _use_wal(connection: aiosqlite.Connection, tries: int = 100) -> None:
    """Switch to WAL; SQLite refuses the switch at once, without waiting, while another process
    is opening the same new file, so try again briefly."""
    for attempt in range(tries):
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == tries - 1:
                raise
            await asyncio.sleep(0.02)


async def migrate(connection: aiosqlite.Connection) -> None:
    """Apply pending migrations, each in its own transaction; two processes never both apply one.
    With none pending, no write lock is taken: another process may hold it for a long rebuild."""
    for number, sql in migrations():
        if number <= await _user_version(connection):
            continue
        async with transaction(connection, wait=LONG_WRITE_WAIT):
            if number <= await _user_version(connection):
                continue  # another process applied it while this one waited
            log.info("applying migration %04d", number)
            for statement in _statements(sql):
                await connection.execute(statement)
            await connection.execute(f"PRAGMA user_version = {number}")


async def _user_version(connection: aiosqlite.Connection) -> int:
    rows = await connection.execute_fetchall("PRAGMA user_version")
    return int(next(iter(rows))[0])


def _statements(sql: str) -> Iterator[str]:
    """The complete SQL statements of a script, in order."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer  # unfinished: SQLite reports the error, or runs it if only ";" is missing


class Queryable(Protocol):
    """A connection, or the pool of read-only connections (bot/store/readers.py)."""

    async def execute_fetchall(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ..., /
    ) -> Iterable[aiosqlite.Row]: ...


async def fetch_all(
    connection: Queryable, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
) -> list[aiosqlite.Row]:
    """Every row of one query."""
    return list(await connection.execute_fetchall(sql, params))


async def get_meta(connection: aiosqlite.Connection, key: str) -> str | None:
    async with connection.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else row[0]


async def set_meta(connection: aiosqlite.Connection, key: str, value: str) -> None:
    await connection.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


_LOCKS: weakref.WeakKeyDictionary[aiosqlite.Connection, asyncio.Lock] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def transaction(
    connection: aiosqlite.Connection, wait: float | None = None
) -> AsyncIterator[None]:
    """One write transaction; tasks sharing the connection take turns instead of interleaving.
    Another process's write is waited for up to BUSY_TIMEOUT_MS, or `wait` seconds if given."""
    lock = _LOCKS.setdefault(connection, asyncio.Lock())
    async with lock:
        if wait is None:
            await connection.execute("BEGIN IMMEDIATE")
        else:
            await connection.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            try:
                await connection.execute("BEGIN IMMEDIATE")
            finally:
                await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            yield
        except BaseException:
            if connection.in_transaction:  # SQLite ends it itself on some errors (a full disk)
                await connection.execute("ROLLBACK")
            raise
        await connection.execute("COMMIT")
