"""The read-only connections lookups read through: queries on the event loop, and those that
run long or meet a lock on a thread, without holding the loop up."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import readers
from bot.store.readers import LoopReader, ReadPool

# About a million steps of SQLite's machine: far past the loop's budget on any machine.
LONG_QUERY = (
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000000) "
    "SELECT count(*) FROM c"
)


def _database(path: Path, journal: str = "WAL") -> sqlite3.Connection:
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute(f"PRAGMA journal_mode = {journal}")
    writer.execute("CREATE TABLE t (x)")
    writer.execute("INSERT INTO t VALUES (1)")
    return writer


class Ticker:
    """Counts the event loop's turns while it runs, and the longest wait between two."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last)
            last = now

    async def __aenter__(self) -> Ticker:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()


@contextlib.asynccontextmanager
async def _opened(
    path: Path, journal: str = "WAL"
) -> AsyncIterator[tuple[ReadPool, sqlite3.Connection]]:
    """A pool of one reader on a new database, and the database's writer."""
    writer = _database(path, journal)
    readers_pool = await ReadPool.open(path, size=1)
    try:
        yield readers_pool, writer
    finally:
        await readers_pool.close()
        writer.close()


@pytest.fixture
async def pool(tmp_path: Path) -> AsyncIterator[tuple[ReadPool, sqlite3.Connection]]:
    async with _opened(tmp_path / "s.db") as opened:
        yield opened


async def _on_its_thread(connection: LoopReader) -> asyncio.Future[object]:
    """The query of `connection` once it has moved to a thread."""
    async with asyncio.timeout(10):
        while connection._thread is None:  # noqa: ASYNC110 (no event tells it)
            await asyncio.sleep(0.001)
    return connection._thread


async def test_a_short_query_answers_on_the_loops_own_thread(
    pool: tuple[ReadPool, sqlite3.Connection],
) -> None:
    readers_pool, _ = pool
    (connection,) = readers_pool._connections
    connection._connection.create_function("thread", 0, threading.get_ident)
    (row,) = await readers_pool.execute_fetchall("SELECT x, thread() FROM t")
    assert tuple(row) == (1, threading.get_ident())
    (row,) = await readers_pool.execute_fetchall(
        LONG_QUERY.replace("count(*)", "count(*), thread()")
    )
    assert tuple(row) != (1_000_000, threading.get_ident())  # past the budget: another thread
    assert row[0] == 1_000_000


async def test_a_query_past_the_loop_budget_finishes_on_a_thread_while_the_loop_turns(
    pool: tuple[ReadPool, sqlite3.Connection],
) -> None:
    readers_pool, _ = pool
    async with Ticker() as ticker:
        start = time.perf_counter()
        (row,) = await readers_pool.execute_fetchall(LONG_QUERY)
        took = time.perf_counter() - start
    assert row[0] == 1_000_000
    assert took > 10 * readers.LOOP_BUDGET_S  # a query the loop would have waited for
    assert ticker.longest < took / 2


async def test_a_query_meeting_a_lock_waits_for_it_on_a_thread(tmp_path: Path) -> None:
    # A rollback-journal file: there a reader waits for a writer's lock (in WAL it never does,
    # but a crashed writer's log being recovered by another process takes such a lock).
    async with _opened(tmp_path / "locked.db", journal="DELETE") as (readers_pool, writer):
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE t SET x = 2")
        asyncio.get_running_loop().call_later(0.3, writer.execute, "COMMIT")
        async with Ticker() as ticker:
            start = time.perf_counter()
            rows = await readers_pool.execute_fetchall("SELECT x FROM t")
            waited = time.perf_counter() - start
    assert [tuple(row) for row in rows] == [(2,)]  # after the commit
    assert waited >= 0.25
    assert ticker.longest < 0.1  # the loop went on meanwhile: it ran the COMMIT


async def test_one_answer_sees_one_commit_even_when_a_query_moved_to_a_thread(
    pool: tuple[ReadPool, sqlite3.Connection],
) -> None:
    readers_pool, writer = pool
    async with readers_pool.snapshot():
        (before,) = await readers_pool.execute_fetchall("SELECT x FROM t")
        writer.execute("UPDATE t SET x = 2")  # committed meanwhile
        (counted,) = await readers_pool.execute_fetchall(LONG_QUERY)  # stopped, run again
        (after,) = await readers_pool.execute_fetchall("SELECT x FROM t")
    assert counted[0] == 1_000_000
    assert before[0] == after[0] == 1
    (now,) = await readers_pool.execute_fetchall("SELECT x FROM t")
    assert now[0] == 2


async def test_a_cancelled_query_keeps_its_connection_until_it_ends(
    pool: tuple[ReadPool, sqlite3.Connection],
) -> None:
    readers_pool, _ = pool  # one connection: the next query must wait for it
    (connection,) = readers_pool._connections
    asking = asyncio.create_task(readers_pool.execute_fetchall(LONG_QUERY))
    running = await _on_its_thread(connection)
    asking.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asking
    assert not running.done()  # the thread still runs the query
    rows = await readers_pool.execute_fetchall("SELECT x FROM t")
    assert running.done()  # the next query waited for it
    assert [tuple(row) for row in rows] == [(1,)]


async def _cancelled_on_its_thread(readers_pool: ReadPool, times: int) -> asyncio.Future[object]:
    """An answer whose query, in its snapshot, moved to a thread, cancelled `times` times (the
    second while its snapshot's end waits for the query); that query."""
    (connection,) = readers_pool._connections

    async def answer() -> None:
        async with readers_pool.snapshot():
            await readers_pool.execute_fetchall(LONG_QUERY)

    asking = asyncio.create_task(answer())
    running = await _on_its_thread(connection)
    for _ in range(times):
        asking.cancel()
        await asyncio.sleep(0.005)
    with pytest.raises(asyncio.CancelledError):
        await asking
    return running


async def test_an_answer_cancelled_while_its_query_runs_on_a_thread_leaves_the_connection_whole(
    pool: tuple[ReadPool, sqlite3.Connection],
) -> None:
    """Its snapshot ends only once the query did (never two threads on one connection)."""
    readers_pool, writer = pool
    running = await _cancelled_on_its_thread(readers_pool, times=1)
    assert running.done()  # its snapshot's end waited for the query
    writer.execute("UPDATE t SET x = 3")
    async with readers_pool.snapshot():  # BEGIN: no transaction was left open
        (row,) = await readers_pool.execute_fetchall("SELECT x FROM t")
    assert row[0] == 3


async def test_an_answer_cancelled_again_while_its_snapshot_ends_leaves_no_transaction_open(
    pool: tuple[ReadPool, sqlite3.Connection],
) -> None:
    readers_pool, writer = pool
    await _cancelled_on_its_thread(readers_pool, times=2)  # the second: no COMMIT
    writer.execute("UPDATE t SET x = 5")
    async with readers_pool.snapshot():  # a new read transaction, seeing the new commit
        (row,) = await readers_pool.execute_fetchall("SELECT x FROM t")
    assert row[0] == 5


async def test_a_task_started_inside_a_snapshot_reads_on_a_connection_of_its_own(
    tmp_path: Path,
) -> None:
    _database(tmp_path / "s.db").close()
    readers_pool = await ReadPool.open(tmp_path / "s.db", size=2)
    try:
        async with readers_pool.snapshot():
            held = readers_pool._pinned_here()

            async def other() -> object:
                await readers_pool.execute_fetchall("SELECT x FROM t")
                return readers_pool._pinned_here()

            assert await asyncio.create_task(other()) is None  # not the snapshot's
            assert readers_pool._pinned_here() is held
    finally:
        await readers_pool.close()
