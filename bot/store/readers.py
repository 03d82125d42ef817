"""Lookups read through a few read-only connections: in WAL mode SQLite readers run in parallel
(each connection has its own thread), so members asking at once do not queue behind one another,
and a content rebuild on the write connection never shows them half a reading."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite

from bot.store.database import BUSY_TIMEOUT_MS

# The connection a task's snapshot holds, if it holds one.
_pinned: ContextVar[aiosqlite.Connection | None] = ContextVar("pinned_reader", default=None)

READERS = 4  # this machine has 2 cores; a few more connections than cores keep them busy
READER_CACHE_KIB = 8000


class ReadPool:
    """Read-only connections to one database file, lent one query at a time."""

    def __init__(self, connections: Sequence[aiosqlite.Connection]) -> None:
        self._connections = list(connections)
        self._free: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for connection in connections:
            self._free.put_nowait(connection)

    @classmethod
    async def open(cls, path: Path | str, size: int = READERS) -> ReadPool:
        connections: list[aiosqlite.Connection] = []
        uri = _read_only_uri(path)
        try:
            for _ in range(size):
                connections.append(await _open_reader(uri))
        except BaseException:
            await _close_all(connections)
            raise
        return cls(connections)

    async def execute_fetchall(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Iterable[aiosqlite.Row]:
        """Every row of one query: in this task's snapshot if it holds one, else on whichever
        connection is free first."""
        pinned = _pinned.get()
        if pinned is not None:
            return await pinned.execute_fetchall(sql, params)
        connection = await self._free.get()
        try:
            return await connection.execute_fetchall(sql, params)
        finally:
            self._free.put_nowait(connection)

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[None]:
        """Every query of this task, until the block ends, on one connection in one read
        transaction: one answer sees the content as one commit left it, never a reading
        replaced halfway through its queries."""
        if _pinned.get() is not None:  # already in one
            yield
            return
        connection = await self._free.get()
        token = _pinned.set(connection)
        try:
            await connection.execute("BEGIN")
            try:
                yield
            finally:
                await connection.execute("COMMIT")  # a read transaction: only ends it
        finally:
            _pinned.reset(token)
            self._free.put_nowait(connection)

    async def close(self) -> None:
        await _close_all(self._connections)


def _read_only_uri(path: Path | str) -> str:
    return f"file:{quote(os.path.abspath(path))}?mode=ro"


async def _open_reader(uri: str) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    try:
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    except BaseException:
        await connection.close()
        raise
    return connection


async def _close_all(connections: Iterable[aiosqlite.Connection]) -> None:
    for connection in connections:
        with contextlib.suppress(Exception):
            await connection.close()
