"""Checkpoints in the background: with them on, a commit never checkpoints (however long the
log grows), one PASSIVE checkpoint moves the whole log, and stopping gives the checkpoints back
to the commits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite

from bot.store.checkpoints import AUTOMATIC_PAGES, Checkpoints
from bot.store.database import connect, transaction

ROWS = 3000  # rows of 4 KiB: well past SQLite's automatic threshold of 1000 pages


async def fill(connection: aiosqlite.Connection) -> None:
    for start in range(0, ROWS, 500):
        async with transaction(connection):
            await connection.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [(f"k{n}", "x" * 4096) for n in range(start, start + 500)],
            )


async def test_commits_leave_the_log_to_the_background(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    connection = await connect(path)
    checkpoints = Checkpoints(path, connection)
    try:
        await checkpoints.start()
        await fill(connection)
        frames, moved = await checkpoints.once()
        assert frames > AUTOMATIC_PAGES  # no commit checkpointed, or the log would be short
        assert moved == frames
        await checkpoints.stop()
        rows = await connection.execute_fetchall("PRAGMA wal_autocheckpoint")
        assert next(iter(rows))[0] == AUTOMATIC_PAGES
    finally:
        await connection.close()


class Recorded(Checkpoints):
    """Checkpoints that keep what each one did."""

    done: list[tuple[int, int]]
    checkpointed: asyncio.Event

    async def once(self) -> tuple[int, int]:
        result = await super().once()
        self.done.append(result)
        self.checkpointed.set()
        return result


async def test_the_loop_checkpoints_what_commits_left_until_cancelled(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    connection = await connect(path)
    ticks: asyncio.Queue[None] = asyncio.Queue()
    checkpoints = Recorded(path, connection)
    checkpoints.done, checkpoints.checkpointed = [], asyncio.Event()
    waiting = asyncio.Event()

    async def sleep(_: float) -> None:
        waiting.set()  # started: the commits checkpoint no more
        await ticks.get()

    try:
        task = asyncio.create_task(checkpoints.run(1.0, sleep=sleep))
        await asyncio.wait_for(waiting.wait(), 5)
        await fill(connection)
        ticks.put_nowait(None)
        await asyncio.wait_for(checkpoints.checkpointed.wait(), 5)
        ((frames, moved),) = checkpoints.done
        assert moved == frames > AUTOMATIC_PAGES
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        rows = await connection.execute_fetchall("PRAGMA wal_autocheckpoint")
        assert next(iter(rows))[0] == AUTOMATIC_PAGES
    finally:
        await connection.close()
