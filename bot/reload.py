"""Reloading the content while serving: a running bot reloads on SIGHUP, and `python -m bot
reload` signals the bots running on a database, waits for each to say what it did, and prints it."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

import aiosqlite

from bot.store import Store, database, processes
from bot.store.sync import SyncReport

log = logging.getLogger(__name__)

RELOAD_WAIT = 120.0  # seconds a reload may take before the command stops waiting
RELOAD_FAILED = "(the reload)"  # what a failed reload reports in place of a reading
POLL = 0.2


def _alive(pid: int, registered_as: str) -> bool:
    """Whether the bot that registered as `pid` still runs (not another process since given
    the same pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it runs
    return processes.identity(pid) == registered_as


def reload_command(database_path: Path, wait: float = RELOAD_WAIT) -> tuple[int, list[str]]:
    """Signal every live bot process on this host serving `database_path`; (exit code, lines
    to print). 0: every one reloaded and every reading loaded; 1: a reading failed validation,
    a process did not answer in time, or none runs here."""
    if not database_path.is_file():
        return 1, [f"no database at {database_path}: no bot has run on it"]
    return asyncio.run(reload_running(database_path, wait))


async def reload_running(
    database_path: Path, wait: float = RELOAD_WAIT, clock: Callable[[], float] = time.time
) -> tuple[int, list[str]]:
    """reload_command's work, on an existing database."""
    connection = await database.connect(database_path)
    try:
        return await _signal_and_wait(connection, database_path, wait, clock)
    finally:
        await connection.close()


async def _signal_and_wait(
    connection: aiosqlite.Connection,
    database_path: Path,
    wait: float,
    clock: Callable[[], float],
) -> tuple[int, list[str]]:
    host = socket.gethostname()
    lines: list[str] = []
    signalled: list[int] = []
    started = clock()
    for on, pid, registered_as in await processes.registered(connection):
        if on != host:
            lines.append(f"process {pid} on {on}: another host, run reload there")
        elif not _alive(pid, registered_as):
            await processes.unregister(connection, on, pid)
        else:
            os.kill(pid, signal.SIGHUP)
            signalled.append(pid)
    if not signalled:
        return 1, [*lines, f"no bot is running on {database_path} on this host"]
    code = 0
    for pid in signalled:
        record = None
        while clock() - started < wait:
            record = await processes.last_reload(connection, host, pid)
            if record is not None and record.at >= started:
                break
            record = None
            await asyncio.sleep(POLL)
        if record is None:
            lines.append(f"process {pid}: no answer within {wait:g} s (see its log)")
            code = 1
            continue
        lines.append(f"process {pid}: {record.summary}")
        for reading, problems in record.failed.items():
            code = 1
            if reading == RELOAD_FAILED:
                lines.append("  the reload failed (see the bot's log); the content before serves:")
            else:
                lines.append(f"  {reading} is not loaded (its last good version, if any, serves):")
            lines += [f"    {problem}" for problem in problems]
    return code, lines


class ReloadOnHangup:
    """SIGHUP (from `python -m bot reload`) brings the content up to date while serving; one
    reload at a time, a signal during one runs another after it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop = asyncio.get_running_loop()
        self._loop.add_signal_handler(signal.SIGHUP, self._start)

    def _start(self) -> None:
        task = self._loop.create_task(self._reload())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reload(self) -> None:
        started = time.time()
        try:
            report = await self._store.reload()
        except Exception as error:
            log.exception("reloading the content failed; the content loaded before serves")
            report = SyncReport(failed={RELOAD_FAILED: [f"{type(error).__name__}: {error}"]})
        log.info("reloaded the content: %s", report.summary())
        await self._store.record_reload(report, started)

    def stop(self) -> None:
        self._loop.remove_signal_handler(signal.SIGHUP)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a late reload must not end the bot
        for task in self._tasks:
            task.cancel()
