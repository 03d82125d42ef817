"""Why a database file cannot be used, in one line for the operator: checked before anything is
written, so a file that is not ours, or is newer than this version, is left as it was."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)


class UnusableDatabaseError(Exception):
    """The file at DATABASE_PATH cannot be used; the message says which and what to do."""


class DiskFullError(UnusableDatabaseError):
    """The disk holding the database is full."""


def _is_memory(path: Path | str) -> bool:
    return str(path) == ":memory:" or str(path).startswith("file::memory:")


def check_path(path: Path | str) -> None:
    """Refuse a path SQLite cannot keep a database at, before SQLite creates anything."""
    if _is_memory(path):
        return
    file = Path(path)
    if file.is_dir():
        raise UnusableDatabaseError(
            f"DATABASE_PATH {file} is a folder: point it at a file (created if missing)."
        )
    if not file.parent.is_dir():
        raise UnusableDatabaseError(
            f"DATABASE_PATH {file}: the folder {file.parent} does not exist; create it or "
            "point DATABASE_PATH elsewhere."
        )
    writable = os.access(file, os.R_OK | os.W_OK) if file.exists() else True
    if not writable or not os.access(file.parent, os.W_OK | os.X_OK):
        raise UnusableDatabaseError(
            f"DATABASE_PATH {file} is not writable by this user: make it and its folder "
            "writable, or point DATABASE_PATH elsewhere."
        )


async def check_schema(connection: aiosqlite.Connection, path: Path | str, newest: int) -> None:
    """Refuse a database of a newer version of the bot, or a SQLite file of another program."""
    (version,) = next(iter(await connection.execute_fetchall("PRAGMA user_version")))
    if version > newest:
        raise UnusableDatabaseError(
            f"DATABASE_PATH {path} has schema version {version}, and this version of the bot "
            f"knows versions up to {newest}: run the newer version, or use another file."
        )
    tables = {
        name
        for (name,) in await connection.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    }
    ours = "meta" in tables if version else not tables
    if not ours:
        raise UnusableDatabaseError(
            f"DATABASE_PATH {path} is a SQLite file of another program: point DATABASE_PATH "
            "at a new file; this one was not touched."
        )


def explained(error: sqlite3.DatabaseError, path: Path | str) -> UnusableDatabaseError | None:
    """SQLite's refusal to open or write `path`, as one line saying what to do; None for an
    error that is not about the file (a fault of the bot's own, raised as it is)."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
    if code == sqlite3.SQLITE_FULL or "disk is full" in str(error):
        return DiskFullError(
            f"the disk holding DATABASE_PATH {path} is full: free some space and start again."
        )
    if code == sqlite3.SQLITE_NOTADB or "not a database" in str(error):
        return UnusableDatabaseError(
            f"DATABASE_PATH {path} is not a SQLite database (damaged, or another kind of "
            "file): move it away or point DATABASE_PATH elsewhere; it was not changed."
        )
    if code in _FILE_FAULTS:
        return UnusableDatabaseError(
            f"DATABASE_PATH {path} cannot be read or written ({error}): check the file, its "
            "folder and their permissions, or point DATABASE_PATH elsewhere."
        )
    return None


# SQLite's primary result codes that say the file, not the statement, is at fault.
_FILE_FAULTS = frozenset(
    {
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_AUTH,
    }
)


def _identity(path: Path | str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


async def watch_file(
    path: Path | str,
    interval: float = 60.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Log an error, once, if the database file is deleted or replaced while the bot runs:
    SQLite goes on writing to the old file, and what it writes is lost when the bot stops."""
    if _is_memory(path):
        return
    opened = _identity(path)
    while _identity(path) == opened:
        await sleep(interval)
    log.error(
        "DATABASE_PATH %s was deleted or replaced while the bot runs: what it records from "
        "now on is lost when it stops; restore the file, or restart the bot to start a new one",
        path,
    )
