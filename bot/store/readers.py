"""Lookups read through a few read-only connections: in WAL mode SQLite readers never wait for
the writer, so a content rebuild on the write connection neither holds lookups up nor shows
them half a reading, and an answer's queries see one commit (`ReadPool.snapshot`).

A lookup's query runs on the event loop. An index lookup takes 0.05-0.6 ms at 100k quotes,
where handing it to a thread and back took about 0.5 ms of the loop's time per query on
this 2-core machine (four hand-offs an answer: measured through the local Discord, the bot's
CPU for one /define fell from about 3 ms to 1.3 ms, and the p99 of 50 asked at once halved).
A query that runs past LOOP_BUDGET_S is stopped and run again on a thread of its own, and
one that meets a lock (another process recovering the file, say) waits there: neither
holds the other members' answers up."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.store.database import BUSY_TIMEOUT_MS

READERS = 4  # connections: an answer holds one for its snapshot, across awaits
READER_CACHE_KIB = 8000
LOOP_BUDGET_S = 0.002  # a query running longer on the event loop moves to a thread
PROGRESS_STEPS = 2000  # SQLite instructions between looks at the clock (a few microseconds)
_HANDED_OVER = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_INTERRUPT)

Params = Sequence[Any] | Mapping[str, Any]


class LoopReader:
    """One read-only connection whose queries run on the event loop, or on a thread when
    they run long or wait for a lock (see the module's docstring). One task uses it at a
    time: the pool lends it."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._deadline = math.inf
        self._thread: asyncio.Future[Any] | None = None  # a query on a thread, until it ends
        connection.set_progress_handler(self._over_budget, PROGRESS_STEPS)

    @classmethod
    def open(cls, uri: str) -> LoopReader:
        # Checked by the pool, not by sqlite3: one task at a time, on the loop or on a thread.
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA busy_timeout = 0")  # on the loop: never wait for a lock
            connection.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
        except BaseException:
            connection.close()
            raise
        return cls(connection)

    def _over_budget(self) -> int:
        return time.perf_counter() > self._deadline

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Every row of one query."""
        await self.idle()  # never beside a query of its own on a thread
        self._deadline = time.perf_counter() + LOOP_BUDGET_S
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
            code = getattr(error, "sqlite_errorcode", None)  # None: not SQLite's own error
            if code is None or code & 0xFF not in _HANDED_OVER:
                raise
        finally:
            self._deadline = math.inf
        return await self._on_a_thread(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> None:
        """One statement whose rows are not wanted (BEGIN, COMMIT)."""
        await self.execute_fetchall(sql, params)

    async def _on_a_thread(self, sql: str, params: Params) -> list[sqlite3.Row]:
        """Run the query on a thread, waiting for locks as long as other connections do. If
        the caller is cancelled, the query runs on, and the connection's next use waits."""
        self._thread = asyncio.ensure_future(asyncio.to_thread(self._waiting, sql, params))
        return await asyncio.shield(self._thread)

    def _waiting(self, sql: str, params: Params) -> list[sqlite3.Row]:
        # Off the loop no budget applies: no look at the clock, which would take the GIL.
        self._connection.set_progress_handler(None, 0)
        self._connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            return self._connection.execute(sql, params).fetchall()
        finally:
            self._connection.execute("PRAGMA busy_timeout = 0")
            self._connection.set_progress_handler(self._over_budget, PROGRESS_STEPS)

    async def idle(self) -> None:
        """Until no query of this connection runs on a thread (its outcome was its caller's)."""
        while self._thread is not None:
            thread = self._thread
            with contextlib.suppress(Exception):
                await asyncio.shield(thread)
            if self._thread is thread:  # not another query's, started meanwhile
                self._thread = None

    async def ready(self) -> None:
        """Idle, and out of any read transaction a cancelled answer left open."""
        await self.idle()
        if self._connection.in_transaction:
            self._connection.execute("ROLLBACK")

    async def close(self) -> None:
        await self.idle()
        self._connection.close()


class ReadPool:
    """Read-only connections to one database file, lent one query at a time."""

    def __init__(self, connections: Sequence[LoopReader]) -> None:
        self._connections = list(connections)
        # The connection a task's snapshot holds, and that task: a task it starts inherits
        # the variable, not the snapshot (one connection is never used by two tasks).
        self._pinned: ContextVar[tuple[LoopReader, asyncio.Task[Any] | None] | None] = ContextVar(
            "pinned_reader", default=None
        )
        self._free: asyncio.Queue[LoopReader] = asyncio.Queue()
        for connection in connections:
            self._free.put_nowait(connection)

    @classmethod
    async def open(cls, path: Path | str, size: int = READERS) -> ReadPool:
        connections: list[LoopReader] = []
        uri = _read_only_uri(path)
        try:
            for _ in range(size):
                connections.append(LoopReader.open(uri))
        except BaseException:
            await _close_all(connections)
            raise
        return cls(connections)

    async def _lend(self) -> LoopReader:
        # Queries on the loop need not yield: each lending does, so that a task asking one
        # question after another still lets the others (a reload, say) run between them.
        await asyncio.sleep(0)
        connection = await self._free.get()
        try:
            await connection.ready()  # after a cancelled answer: its query may still run
        except BaseException:
            self._free.put_nowait(connection)
            raise
        return connection

    async def execute_fetchall(self, sql: str, params: Params = ()) -> Iterable[sqlite3.Row]:
        """Every row of one query: in this task's snapshot if it holds one, else on whichever
        connection is free first."""
        pinned = self._pinned_here()
        if pinned is not None:
            await asyncio.sleep(0)  # a long answer lets the others in between its queries
            return await pinned.execute_fetchall(sql, params)
        connection = await self._lend()
        try:
            return await connection.execute_fetchall(sql, params)
        finally:
            self._free.put_nowait(connection)

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[None]:
        """Every query of this task, until the block ends, on one connection in one read
        transaction: one answer sees the content as one commit left it, never a reading
        replaced halfway through its queries."""
        if self._pinned_here() is not None:  # already in one
            yield
            return
        connection = await self._lend()
        token = self._pinned.set((connection, asyncio.current_task()))
        try:
            await connection.execute("BEGIN")
            try:
                yield
            finally:
                await connection.execute("COMMIT")  # a read transaction: only ends it
        finally:
            self._pinned.reset(token)
            self._free.put_nowait(connection)

    def _pinned_here(self) -> LoopReader | None:
        """The connection this task's snapshot holds, if it is in one."""
        pinned = self._pinned.get()
        if pinned is None or pinned[1] is not asyncio.current_task():
            return None
        return pinned[0]

    async def close(self) -> None:
        await _close_all(self._connections)


def _read_only_uri(path: Path | str) -> str:
    return f"file:{quote(os.path.abspath(path))}?mode=ro"


async def _close_all(connections: Iterable[LoopReader]) -> None:
    for connection in connections:
        with contextlib.suppress(Exception):
            await connection.close()
