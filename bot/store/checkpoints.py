"""Checkpoints in the background: the serving bot moves its write-ahead log into the database
file from a connection of its own, every few seconds, so that no member's write waits for it.
SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1000 pages),
and with it the file syncs: a few milliseconds, now and then, of one member's answer.

A PASSIVE checkpoint never waits for a lock: it moves what readers no longer need, and the rest
next time. Writers go on appending to the log meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite

from bot.store.database import BUSY_TIMEOUT_MS

log = logging.getLogger(__name__)

INTERVAL = 2.0  # seconds between checkpoints
AUTOMATIC_PAGES = 1000  # SQLite's own threshold, restored when the background stops


class Checkpoints:
    """Checkpoints of one database file, for the connection that writes to it."""

    def __init__(self, path: Path | str, writer: aiosqlite.Connection) -> None:
        self.path = path
        self.writer = writer
        self._connection: aiosqlite.Connection | None = None

    async def start(self) -> None:
        """Take the checkpoints over from the writer's commits."""
        self._connection = await aiosqlite.connect(self.path, isolation_level=None)
        await self._connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self.writer.execute("PRAGMA wal_autocheckpoint = 0")

    async def once(self) -> tuple[int, int]:
        """One PASSIVE checkpoint: the log's frames, and how many are in the file now."""
        assert self._connection is not None, "start() first"
        rows = await self._connection.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
        _, frames, moved = next(iter(rows))
        return frames, moved

    async def run(
        self, interval: float = INTERVAL, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        """Checkpoint every `interval` seconds until cancelled; then give them back to the
        writer's commits."""
        await self.start()
        try:
            while True:
                await sleep(interval)
                try:
                    await self.once()
                except aiosqlite.Error as error:  # a busy or full disk: try again next time
                    log.warning("background checkpoint failed: %s", error)
        finally:
            await self.stop()

    async def stop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()
        with contextlib.suppress(ValueError):  # a closed writer: nothing to give back
            await self.writer.execute(f"PRAGMA wal_autocheckpoint = {AUTOMATIC_PAGES}")
